"""The proposals list and the portfolio pages work out what they show more cheaply than
they used to; each cheaper way is held equal here to the way it replaced."""

import re
from decimal import Decimal

import pytest
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.html import escape
from django.utils.text import Truncator

from projects import lists, selectors
from projects.choices import ProposalStatus
from projects.templatetags.portfolio_rows import portfolio_rows

from .factories import ProposalFactory

pytestmark = pytest.mark.django_db


def test_proposals_page_counts_as_many_as_its_rows(
    officer, member, chair, head_of_ict, housing, finance, client_for
):
    for unit in (housing, finance):
        for status in (ProposalStatus.DRAFT, ProposalStatus.SUBMITTED, ProposalStatus.APPROVED):
            ProposalFactory(business_unit=unit, complete=True, status=status)
    ProposalFactory(
        business_unit=finance, complete=True, status="submitted", project_manager=member
    )
    counts = set()
    for viewer in (officer, member, chair, head_of_ict):
        for query in ({}, {"status": "draft"}, {"status": "submitted"}, {"status": "deferred"}):
            response = client_for(viewer).get(reverse("projects:proposal-list"), query)
            counted = response.context["page"]().paginator.count
            rows = selectors.proposal_list_rows(lists.proposal_list.filterset(viewer, query).qs)
            assert counted == Paginator(rows, 25).count
            counts.add(counted)
    # The officer's unit's three (its draft too) or the five submitted; a filter's share.
    assert counts == {0, 1, 3, 5}


def _hrefs(markup: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', markup)


def test_portfolio_rows_link_each_proposal_to_its_own_page(head_of_ict, housing):
    for status in ("submitted", "in_triage", "in_assessment"):
        ProposalFactory(business_unit=housing, complete=True, status=status)
    filterset = lists.portfolio_list.filterset(head_of_ict, {})
    page = lists.portfolio_list.worked_out(head_of_ict, filterset)["page"]
    assert len(page) == 3
    assert _hrefs(portfolio_rows(page.object_list, None, None)) == [
        escape(row["proposal"].get_absolute_url()) for row in page
    ]


def _awaiting(**filters) -> set[int]:
    return set(selectors.portfolio_awaiting().filter(**filters).values_list("pk", flat=True))


def test_portfolio_filters_choose_what_they_name(head_of_ict, housing, finance, strategy):
    one, two = strategy.themes.get(number=1), strategy.themes.get(number=2)
    for unit, status, year, theme in (
        (housing, "submitted", 2026, one),
        (housing, "in_assessment", 2027, two),
        (finance, "in_triage", 2026, two),
        (finance, "in_assessment", 2028, one),
    ):
        ProposalFactory(
            business_unit=unit, complete=True, status=status, costs={year: 1000}, themes=[theme]
        )
    cases = {
        "theme": (one.pk, _awaiting(theme_links__theme=one)),
        "unit": (finance.pk, _awaiting(business_unit=finance)),
        "status": ("in_assessment", _awaiting(status="in_assessment")),
        "year": (2026, _awaiting(years__financial_year=2026)),
    }
    for name, (value, expected) in cases.items():
        filterset = lists.portfolio_list.filterset(head_of_ict, {name: str(value)})
        assert filterset.is_valid(), name
        assert set(filterset.qs.values_list("pk", flat=True)) == expected, name
        assert len(expected) == 2, name  # each filter leaves two of the four
    assert not lists.portfolio_list.filterset(head_of_ict, {"theme": "999999"}).is_valid()
    assert not lists.portfolio_list.filterset(head_of_ict, {"year": "1900"}).is_valid()


def test_each_filter_set_has_filters_of_its_own(head_of_ict, officer):
    first, second = (lists.portfolio_list.filterset(head_of_ict, {}) for _ in range(2))
    declared = lists.PortfolioFilter.base_filters
    for name, base in declared.items():
        mine, theirs = first.filters[name], second.filters[name]
        assert mine is not base and mine is not theirs
        assert mine.extra is not base.extra and mine.extra is not theirs.extra
        assert mine.parent is first and theirs.parent is second
    assert declared["year"].extra["choices"] == []  # each filter set's own years, not these
    assert first.filters["year"].filter.method == first.by_year
    assert second.filters["year"].filter.method == second.by_year
    proposals = lists.proposal_list.filterset(officer, {"status": "draft"})
    assert proposals.filters["status"] is not lists.ProposalFilter.base_filters["status"]
    assert proposals.filters["status"].parent is proposals


def test_theme_options_follow_a_changed_title(head_of_ict, strategy):
    theme = strategy.themes.get(number=1)
    theme.title = "A title of more than sixty characters, <so> shortened on the filter"
    theme.save()
    options = dict(lists.portfolio_list.filterset(head_of_ict, {}).theme_choices())
    assert options[theme.pk] == f"Theme 1: {Truncator(theme.title).chars(60)}"
    theme.title = "Short"
    theme.save()
    options = dict(lists.portfolio_list.filterset(head_of_ict, {}).theme_choices())
    assert options[theme.pk] == "Theme 1: Short"


def test_no_conflicts_are_looked_up_for_no_proposals(member, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert selectors.conflicts_declared(member, []) == set()


def test_conflicts_declared_are_the_users_own_among_those_asked(member, chair, housing):
    from projects import services
    from projects.models import Assessment, Criterion

    one, two, three, four = (
        ProposalFactory(business_unit=housing, complete=True, status="in_assessment")
        for _ in range(4)
    )
    services.conflict_declare(proposal=one, user=member, note="My partner bids for this.")
    services.conflict_declare(proposal=four, user=member, note="I sit on its board.")
    services.conflict_declare(proposal=two, user=chair, note="Not the member's.")
    ratings = {c.pk: (3, "") for c in Criterion.objects.all()}
    services.assessment_submit(proposal=three, user=member, ratings=ratings)
    asked = [one.pk, two.pk, three.pk]
    for user in (member, chair):
        orm = Assessment.objects.filter(assessor=user, conflict_declared=True)
        expected = set(orm.values_list("proposal_id", flat=True)) & set(asked)
        assert selectors.conflicts_declared(user, asked) == expected
    assert selectors.conflicts_declared(member, asked) == {one.pk}
    assert selectors.conflicts_declared(chair, asked) == {two.pk}


def test_score_and_cost_figures_are_the_aggregates_of_each_proposals_rows(
    member, chair, head_of_ict, officer, housing
):
    from django.db.models import Avg, Count, F, Max, Min, Sum

    from projects import services
    from projects.models import Assessment, Criterion, Proposal, ProposalYear

    criteria = list(Criterion.objects.all())
    unscored = ProposalFactory(business_unit=housing, complete=True, status="in_assessment")
    once, twice, conflicted = (
        ProposalFactory(business_unit=housing, complete=True, status="in_assessment", costs=costs)
        for costs in ({}, {2026: 1000, 2027: 250.5}, {2026: 10})
    )
    for proposal, scorers in ((once, [member]), (twice, [member, chair]), (conflicted, [chair])):
        for rating, scorer in enumerate(scorers, start=2):
            services.assessment_submit(
                proposal=proposal, user=scorer, ratings={c.pk: (rating, "") for c in criteria}
            )
    services.conflict_declare(proposal=conflicted, user=member, note="Kin.")
    for viewer in (head_of_ict, member, officer):
        figures = selectors.with_scores(Proposal.objects.all(), viewer=viewer)
        for proposal in figures:
            scores = Assessment.objects.filter(proposal=proposal, conflict_declared=False)
            expected = scores.aggregate(
                score=Avg("weighted_score"),
                score_low=Min("weighted_score"),
                score_high=Max("weighted_score"),
                score_count=Count("pk"),
            )
            if not proposal.scores_visible:
                expected = dict.fromkeys(expected)
            years = ProposalYear.objects.filter(proposal=proposal).aggregate(
                total_cost=Sum(F("capital_cost") + F("revenue_cost")),
                total_savings=Sum("cashable_savings"),
            )
            expected |= {name: total or 0 for name, total in years.items()}
            assert {name: getattr(proposal, name) for name in expected} == expected
    shown = {
        p.pk: (p.score_count, p.total_cost)
        for p in selectors.with_scores(Proposal.objects.all(), viewer=head_of_ict)
    }
    assert shown[unscored.pk] == (0, 50000) and shown[once.pk][1] == 0
    assert shown[twice.pk] == (2, Decimal("1250.50")) and shown[conflicted.pk] == (1, 10)


def test_status_filters_are_labelled_as_django_filter_labels_them():
    from django_filters.utils import label_for_filter

    from projects.models import Proposal

    for filterset in (lists.ProposalFilter, lists.PortfolioFilter):
        labelled = filterset.base_filters["status"].label
        assert labelled == label_for_filter(Proposal, "status", "exact") == "Status"
