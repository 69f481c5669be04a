"""The heat map's movement since last quarter, for what the page is opened with (the
open risks of one register or all), is worked out after each change (common.precompute)
and read back: the page is the one it wrote working it out itself, a change shows at
once, and any other filter still works it out on the page."""

import datetime

import pytest
from django.urls import reverse

from common.precompute import figures_precompute
from common.testing import page_and_queries
from risks.choices import Register
from risks.models import RiskReview
from risks.tests.factories import RiskFactory

# Changes must commit, as on the web, for the version to go up (common.dataversion).
pytestmark = pytest.mark.django_db(transaction=True)

OPENED_WITH = ["", *(f"?register={register}" for register in Register.values)]


def _moved(owner, title, *, then, register=Register.ICT, category="supplier"):
    """A risk at 16 now, rated `then` four months ago."""
    risk = RiskFactory(
        owner=owner, residual_likelihood=4, residual_impact=4, title=title,
        register=register, category=category,
    )  # fmt: skip
    RiskReview.objects.create(
        risk=risk, kind="raised", reviewer=owner,
        reviewed_on=datetime.date.today() - datetime.timedelta(days=120), matrix=risk.matrix,
        residual_likelihood=2, residual_impact=2, residual_score=then, residual_level="medium",
        outside_appetite=False, next_review_date=datetime.date.today(),
    )  # fmt: skip
    return risk


def _heat_map(client, query=""):
    return page_and_queries(client, reverse("risks:heat-map") + query)


@pytest.mark.usefixtures("precomputing")
def test_the_heat_map_as_opened_reads_the_movement_worked_out_ahead(
    head_of_ict, client_for, risk_owner
):
    _moved(risk_owner, "Worse <now> & 'then'", then=4)
    _moved(risk_owner, "Better now", then=20, register=Register.CORPORATE)
    client = client_for(head_of_ict)
    inline = {query: _heat_map(client, query) for query in OPENED_WITH}
    assert (
        "1 up, 1 down" in inline[""][0]
        and "Worse &lt;now&gt; &amp; &#x27;then&#x27;" in inline[""][0]
    )
    assert (
        "1 up, 0 down" in inline["?register=ict"][0]
        and "20 to 16" in inline["?register=corporate"][0]
    )

    assert figures_precompute() >= len(OPENED_WITH)  # as the worker does after the change
    for query, (page, queries) in inline.items():
        read, fewer = _heat_map(client, query)
        assert read == page
        assert fewer < queries  # the reads of the movement become one of the version


@pytest.mark.usefixtures("precomputing")
def test_a_change_after_the_movement_was_worked_out_shows_at_once(
    head_of_ict, client_for, risk_owner
):
    risk = _moved(risk_owner, "Worse now", then=4)
    client = client_for(head_of_ict)
    assert figures_precompute() >= len(OPENED_WITH)
    risk.title = "Renamed since"
    risk.save()
    page, _ = _heat_map(client)
    assert "Renamed since" in page and "Worse now" not in page


@pytest.mark.usefixtures("precomputing")
def test_other_filters_work_the_movement_out_on_the_page(head_of_ict, client_for, risk_owner):
    _moved(risk_owner, "A supplier's risk", then=4)
    _moved(risk_owner, "A people risk", then=20, category="people")
    client = client_for(head_of_ict)
    assert figures_precompute() >= len(OPENED_WITH)
    page, _ = _heat_map(client, "?category=people")
    assert "0 up, 1 down" in page and "A people risk" in page and "supplier" not in page
    page, _ = _heat_map(client, "?status=closed")
    assert "0 up, 0 down, 0 unchanged" in page
