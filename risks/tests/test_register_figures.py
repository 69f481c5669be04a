"""The register's choices and appetites that every reader sees alike are worked out
after each change (common.precompute) and read back: they are what the page worked
out itself, the page reads the same with them and without, and a change shows at once."""

import pytest
from django.urls import reverse

from common.precompute import figures_precompute
from common.testing import page_and_queries
from governance.models import Theme
from governance.selectors import strategy_current
from governance.tests.factories import UserFactory
from risks import register_figures, selectors
from risks.lists import RiskFilter
from risks.models import AppetiteThreshold, CategoryAppetite
from risks.tests.factories import RiskFactory


def _register(client, query=""):
    return page_and_queries(client, reverse("risks:risk-list") + query)


def test_the_figures_are_the_filters_people_themes_and_appetites_read_live(db, strategy):
    RiskFactory(owner=UserFactory(first_name="", last_name="", username="nameless"))
    RiskFactory(owner=UserFactory(first_name="O'Brien", last_name="<Pat> & co"))
    UserFactory(username="owns-nothing")
    people = RiskFilter({}).form.fields["owner"].queryset
    themes = Theme.objects.filter(strategy=strategy_current()).order_by("number")
    figures = register_figures._worked_out()
    assert figures == {
        "owners": [(person.pk, str(person)) for person in people],
        "themes": [(theme.pk, f"Theme {theme.number}") for theme in themes],
        "tolerated": selectors.tolerated_scores(),
    }
    assert "owns-nothing" not in {name for _, name in figures["owners"]}
    assert {"nameless", "O'Brien <Pat> & co"} <= {name for _, name in figures["owners"]}
    assert figures["themes"] and any(score for score in figures["tolerated"].values())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("precomputing")
def test_the_register_reads_the_figures_worked_out_ahead(head_of_ict, client_for, strategy):
    RiskFactory(owner=UserFactory(first_name="O'Brien", last_name="<Pat>"), title="Outside")
    client = client_for(head_of_ict)
    queries = ["", "?appetite=within", "?status=all&page=2"]
    inline = {query: _register(client, query) for query in queries}
    assert "O&#x27;Brien &lt;Pat&gt;" in inline[""][0]
    assert figures_precompute() >= 1  # as the worker does after the change
    for query, (page, count) in inline.items():
        read, fewer = _register(client, query)
        assert read == page
        assert fewer < count


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("precomputing")
def test_a_change_after_the_figures_were_worked_out_shows_at_once(
    head_of_ict, client_for, strategy
):
    owner = UserFactory(first_name="Before", last_name="Rename")
    risk = RiskFactory(owner=owner, residual_likelihood=2, residual_impact=2)
    client = client_for(head_of_ict)
    assert figures_precompute() >= 1
    page, _ = _register(client)
    assert "Before Rename" in page and "Within appetite" in page.split("<tbody")[1]

    owner.first_name = "After"
    owner.save()
    level = CategoryAppetite.objects.get(category=risk.category).level
    threshold = AppetiteThreshold.objects.get(level=level)
    threshold.max_score = 1
    threshold.save()
    Theme.objects.create(strategy=strategy_current(), number=99, title="Added since")
    page, _ = _register(client)
    assert "After Rename" in page and "Before Rename" not in page
    assert "Within appetite" not in page.split("<tbody")[1]
    assert "Theme 99" in page
