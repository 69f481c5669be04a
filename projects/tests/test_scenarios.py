"""Scenarios: adjustments applied to the live portfolio's inputs, never to the portfolio
itself; who sees and changes them; their pages; their papers at meetings."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from common.errors import WorkflowError
from common.roles import Role
from governance.tests.factories import UserFactory
from projects import policies, scenarios, services
from projects.models import (
    Assessment,
    Budget,
    Criterion,
    CriterionScore,
    Proposal,
    ProposalYear,
    Scenario,
    ScenarioPaper,
)
from projects.tests.factories import MeetingFactory, ProposalFactory


@pytest.fixture
def portfolio(housing, member):
    """A 2026/27 budget of £100,000 and three scored proposals in assessment: Big (£100,000,
    rated 4), Small A and Small B (£50,000 each, rated 3). The best set is A and B."""
    Budget.objects.create(financial_year=2026, amount=Decimal(100000))
    made = {}
    for title, cost, rating in (("Big", 100000, 4), ("Small A", 50000, 3), ("Small B", 50000, 3)):
        proposal = ProposalFactory(
            business_unit=housing, complete=True, status="in_assessment",
            costs={2026: cost}, title=title,
        )  # fmt: skip
        services.assessment_submit(
            proposal=proposal,
            user=member,
            ratings={c.pk: (rating, "") for c in Criterion.objects.filter(is_active=True)},
        )
        made[title] = proposal
    return made


def _selected(recommendation) -> set[str]:
    return {c.candidate.label.split(" ", 1)[1] for c in recommendation.choices if c.selected}


def _live_rows():
    return (
        list(Proposal.objects.values_list("pk", "status", "is_statutory", "updated_at")),
        list(ProposalYear.objects.values_list("pk", "financial_year", "capital_cost")),
        list(Assessment.objects.values_list("pk", "weighted_score")),
        list(CriterionScore.objects.values_list("pk", "weight", "score")),
        list(Budget.objects.values_list("pk", "amount")),
        list(Criterion.objects.values_list("pk", "weight")),
    )


def _make(user, **adjustments):
    return scenarios.scenario_save(user=user, name="What if", **adjustments)


# ----------------------------------------------------------------------- working out


def test_baseline_is_the_portfolio_recommendation(portfolio, head_of_ict):
    comparison = scenarios.compare(_make(head_of_ict), viewer=head_of_ict)
    assert _selected(comparison.baseline) == {"Small A", "Small B"}
    assert _selected(comparison.scenario) == {"Small A", "Small B"}
    assert comparison.changes == []


def test_a_lower_budget_changes_the_recommended_set(portfolio, head_of_ict):
    scenario = _make(head_of_ict, budgets={2026: Decimal(60000)})
    comparison = scenarios.compare(scenario, viewer=head_of_ict)
    assert _selected(comparison.scenario) == {"Small A"}
    assert [
        (c["label"].split(" ", 1)[1], c["baseline"], c["scenario"]) for c in comparison.changes
    ] == [("Small B", True, False)]
    year = comparison.years[0]
    assert year["baseline_budget"] == Decimal(100000)
    assert year["scenario_budget"] == Decimal(60000)
    assert year["baseline_spend"] == Decimal(100000)
    assert year["scenario_spend"] == Decimal(50000)


def test_forced_in_is_treated_as_statutory_and_forced_out_is_removed(portfolio, head_of_ict):
    scenario = _make(
        head_of_ict,
        forced={portfolio["Big"].pk: scenarios.FORCED_IN, portfolio["Small A"].pk: "out"},
    )
    comparison = scenarios.compare(scenario, viewer=head_of_ict)
    assert _selected(comparison.scenario) == {"Big"}
    reasons = {c["label"].split(" ", 1)[1]: c["reason"] for c in comparison.changes}
    assert reasons["Small A"] == "Left out by the scenario."
    assert "forced in" in reasons["Big"]


def test_moving_a_start_shifts_its_costs_into_a_later_year(portfolio, head_of_ict):
    Budget.objects.create(financial_year=2027, amount=Decimal(100000))
    scenario = _make(head_of_ict, moves={portfolio["Big"].pk: 1})
    comparison = scenarios.compare(scenario, viewer=head_of_ict)
    assert _selected(comparison.scenario) == {"Big", "Small A", "Small B"}
    by_year = {row["year"]: row for row in comparison.years}
    assert by_year[2027]["scenario_spend"] == Decimal(100000)
    assert by_year[2027]["baseline_spend"] == Decimal(0)


def test_a_weight_changed_rescores_from_the_ratings_without_storing_anything(
    portfolio, head_of_ict, member
):
    criteria = list(Criterion.objects.filter(is_active=True))
    # Focused (£50,000) is rated 5 on the first criterion and 0 elsewhere, so it scores
    # 20 live; weighting that criterion 100 against 1 for the rest makes it worth 96.2,
    # so it displaces one of A and B (60 each, whatever the weights).
    big = ProposalFactory(
        business_unit=portfolio["Big"].business_unit, complete=True, status="in_assessment",
        costs={2026: 50000}, title="Focused",
    )  # fmt: skip
    services.assessment_submit(
        proposal=big,
        user=member,
        ratings={c.pk: (5 if c == criteria[0] else 0, "") for c in criteria},
    )
    weights = {c.pk: (100 if c == criteria[0] else 1) for c in criteria}
    before = _live_rows()
    comparison = scenarios.compare(_make(head_of_ict, weights=weights), viewer=head_of_ict)
    assert "Focused" not in _selected(comparison.baseline)
    assert "Focused" in _selected(comparison.scenario)
    assert _live_rows() == before


def test_working_out_a_scenario_changes_no_live_row(portfolio, head_of_ict):
    scenario = _make(
        head_of_ict,
        budgets={2026: Decimal(1)},
        forced={portfolio["Big"].pk: "in"},
        moves={portfolio["Small A"].pk: 2},
        weights={Criterion.objects.first().pk: 99},
    )
    before = _live_rows()
    scenarios.compare(scenario, viewer=head_of_ict)
    assert _live_rows() == before


def test_only_differences_from_the_live_portfolio_are_kept(portfolio, head_of_ict):
    criterion = Criterion.objects.filter(is_active=True).first()
    scenario = _make(
        head_of_ict,
        budgets={2026: Decimal(100000), 2027: Decimal(5)},
        weights={criterion.pk: criterion.weight},
        moves={portfolio["Big"].pk: 0},
    )
    assert scenario.budgets == {"2027": "5.00"}
    assert scenario.weights == {}
    assert scenario.moves == {}


def test_saving_unchanged_writes_no_history(portfolio, head_of_ict):
    scenario = _make(head_of_ict, budgets={2026: Decimal(60000)})
    count = scenario.history.count()
    scenarios.scenario_save(
        user=head_of_ict, scenario=scenario, name="What if", budgets={2026: Decimal(60000)}
    )
    assert scenario.history.count() == count


# --------------------------------------------------------------------- who sees what


def test_officers_never_see_or_make_scenarios(portfolio, head_of_ict, officer):
    scenario = _make(head_of_ict, is_shared=True)
    assert not policies.may_see_scenario(officer, scenario)
    assert not scenarios.scenarios_visible_to(officer).exists()
    with pytest.raises(PermissionDenied):
        scenarios.scenario_save(user=officer, name="Mine")


def test_an_unshared_scenario_is_its_creators_and_the_head_of_icts(
    portfolio, head_of_ict, member, chair
):
    mine = _make(member)
    assert policies.may_see_scenario(member, mine)
    assert policies.may_see_scenario(head_of_ict, mine)
    assert not policies.may_see_scenario(chair, mine)
    assert list(scenarios.scenarios_visible_to(chair)) == []
    scenarios.scenario_share(user=member, scenario=mine, shared=True)
    assert list(scenarios.scenarios_visible_to(chair)) == [mine]


def test_only_the_creator_or_the_head_of_ict_changes_a_scenario(
    portfolio, head_of_ict, member, chair
):
    scenario = _make(member, is_shared=True)
    assert policies.may_edit_scenario(head_of_ict, scenario)
    assert not policies.may_edit_scenario(chair, scenario)
    with pytest.raises(PermissionDenied):
        scenarios.scenario_share(user=chair, scenario=scenario, shared=False)
    with pytest.raises(PermissionDenied):
        scenarios.scenario_save(user=chair, scenario=scenario, name="Taken over")


def test_a_member_who_may_not_see_every_score_gets_no_comparison(portfolio, head_of_ict, chair):
    """The chair has scored nothing: like the portfolio, no recommendation for them."""
    scenario = _make(head_of_ict, is_shared=True, budgets={2026: Decimal(60000)})
    comparison = scenarios.compare(scenario, viewer=chair)
    assert comparison.hidden == 3
    assert comparison.baseline is None and comparison.scenario is None
    assert comparison.changes == [] and comparison.years == []


def test_a_conflicted_member_gets_no_hidden_scores(portfolio, head_of_ict, housing):
    conflicted = UserFactory(roles=[Role.MEMBER])
    for title in ("Small A", "Small B"):
        services.assessment_submit(
            proposal=portfolio[title],
            user=conflicted,
            ratings={c.pk: (1, "") for c in Criterion.objects.filter(is_active=True)},
        )
    services.conflict_declare(proposal=portfolio["Big"], user=conflicted, note="My brother")
    scenario = _make(head_of_ict, is_shared=True)
    comparison = scenarios.compare(scenario, viewer=conflicted)
    assert comparison.hidden == 1
    assert comparison.baseline is None


# ------------------------------------------------------------------------------ pages


def _form_data(client, url) -> dict:
    from tests.shown_forms import shown_form

    return {k: v[0] if len(v) == 1 else v for k, v in shown_form(client.get(url)).values.items()}


def test_the_head_of_ict_makes_a_scenario_from_the_page_and_sees_the_comparison(
    portfolio, head_of_ict, client_for
):
    client = client_for(head_of_ict)
    assert "Scenarios" in client.get(reverse("projects:portfolio")).content.decode()
    url = reverse("projects:scenario-create")
    data = _form_data(client, url) | {"name": "Tighter 2026", "budget_2026": "60000"}
    response = client.post(url, data)
    scenario = Scenario.objects.get()
    assert response.status_code == 302 and response["Location"] == scenario.get_absolute_url()
    assert scenario.budgets == {"2026": "60000.00"}
    page = client.get(scenario.get_absolute_url()).content.decode()
    assert "Small B" in page.split("Proposals that change</h3>")[1].split("</table>")[0]
    assert 'role="img"' in page and "chart-scenario-spend-title" in page
    assert "£60,000" in page
    # Both sets are small enough to be proven the best, and the page says so of each.
    assert "Now: This is the best possible set. In the scenario: This is the best" in page
    # Scenarios are part of the portfolio in the service navigation.
    assert 'href="/portfolio/" aria-current="true"' in page


def test_bad_input_is_named_at_its_field_and_nothing_is_saved(portfolio, head_of_ict, client_for):
    client = client_for(head_of_ict)
    url = reverse("projects:scenario-create")
    data = _form_data(client, url) | {"name": "", "budget_2026": "-5", "move_1": "99"}
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["name"] == ["Enter the name of the scenario"]
    assert "budget_2026" in errors
    assert not Scenario.objects.exists()


def test_an_unchanged_edit_changes_nothing(portfolio, head_of_ict, client_for):
    scenario = _make(
        head_of_ict, budgets={2026: Decimal(60000)}, forced={portfolio["Big"].pk: "in"}
    )
    client = client_for(head_of_ict)
    url = reverse("projects:scenario-update", args=[scenario.pk])
    history = scenario.history.count()
    response = client.post(url, _form_data(client, url))
    assert response.status_code == 302
    scenario.refresh_from_db()
    assert scenario.history.count() == history
    assert scenario.forced == {str(portfolio["Big"].pk): "in"}


def test_officers_are_refused_and_members_do_not_find_unshared_scenarios(
    portfolio, head_of_ict, member, officer, client_for
):
    private = _make(head_of_ict)
    assert client_for(officer).get(reverse("projects:scenario-list")).status_code == 403
    assert client_for(officer).get(private.get_absolute_url()).status_code == 403
    member_client = client_for(member)
    assert member_client.get(private.get_absolute_url()).status_code == 404
    assert "What if" not in member_client.get(reverse("projects:scenario-list")).content.decode()
    client_for(head_of_ict).post(
        reverse("projects:scenario-share", args=[private.pk]), {"shared": "yes"}
    )
    assert member_client.get(private.get_absolute_url()).status_code == 200
    assert "What if" in member_client.get(reverse("projects:scenario-list")).content.decode()


def test_a_member_who_has_not_scored_everything_sees_no_scores_on_a_scenario(
    portfolio, head_of_ict, client_for
):
    other = UserFactory(roles=[Role.MEMBER])
    scenario = _make(head_of_ict, is_shared=True, budgets={2026: Decimal(60000)})
    page = client_for(other).get(scenario.get_absolute_url()).content.decode()
    assert "scores you may not see yet" in page
    assert "60.0" not in page and "120.0" not in page


def test_a_shared_scenario_goes_to_a_meeting_as_a_paper(
    portfolio, head_of_ict, chair, member, client_for
):
    meeting = MeetingFactory(chair=chair)
    scenario = _make(head_of_ict)
    with pytest.raises(WorkflowError):
        scenarios.scenario_paper_add(user=head_of_ict, scenario=scenario, meeting=meeting)
    scenarios.scenario_share(user=head_of_ict, scenario=scenario, shared=True)
    client = client_for(chair)
    response = client.post(
        reverse("projects:scenario-paper-add", args=[scenario.pk]), {"meeting": meeting.pk}
    )
    assert response.status_code == 302
    assert ScenarioPaper.objects.filter(meeting=meeting, scenario=scenario).exists()
    page = client_for(member).get(meeting.get_absolute_url()).content.decode()
    assert "Papers" in page and scenario.get_absolute_url() in page


def test_the_portfolio_draws_spend_against_budget_with_its_table(
    portfolio, head_of_ict, client_for
):
    page = client_for(head_of_ict).get(reverse("projects:portfolio")).content.decode()
    svg = page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert 'role="img"' in svg and 'aria-labelledby="chart-portfolio-spend-title' in svg
    assert "2026/27: ICT budget £100,000; Approved and recommended £100,000." in svg
    assert "Budget by financial year" in page and "<table" in page.split("</svg>", 1)[1]


def test_a_paper_stays_shared_and_is_in_the_meetings_history(
    portfolio, head_of_ict, chair, member, client_for
):
    meeting = MeetingFactory(chair=chair)
    scenario = _make(head_of_ict, is_shared=True)
    scenarios.scenario_paper_add(user=head_of_ict, scenario=scenario, meeting=meeting)
    with pytest.raises(WorkflowError):
        scenarios.scenario_share(user=head_of_ict, scenario=scenario, shared=False)
    client = client_for(head_of_ict)
    response = client.post(reverse("projects:scenario-share", args=[scenario.pk]), {"shared": "no"})
    assert response.status_code == 302
    url = reverse("projects:scenario-update", args=[scenario.pk])
    response = client.post(url, _form_data(client, url) | {"is_shared": "no"})
    assert response.status_code == 200
    assert response.context["form"].errors["is_shared"] == [scenarios.STAYS_SHARED]
    scenario.refresh_from_db()
    assert scenario.is_shared
    history = client_for(member).get(reverse("governance:meeting-history", args=[meeting.pk]))
    assert f"Paper: {scenario.name}" in history.content.decode()


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # anything remembered is remembered alike for both counts
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_scenario_pages_ask_the_database_the_same_whatever_the_rows(
    portfolio, head_of_ict, member, housing, client_for
):
    client = client_for(head_of_ict)
    scenario = _make(
        head_of_ict, weights={Criterion.objects.first().pk: 50}, moves={portfolio["Big"].pk: 1}
    )
    pages = [
        reverse("projects:scenario-list"),
        scenario.get_absolute_url(),
        reverse("projects:scenario-update", args=[scenario.pk]),
    ]
    small = [_queries(client, url) for url in pages]
    for index in range(5):
        _make(member, is_shared=True)
        proposal = ProposalFactory(
            business_unit=housing, complete=True, status="in_assessment",
            costs={2026: 1000 + index}, title=f"More {index}",
        )  # fmt: skip
        services.assessment_submit(
            proposal=proposal,
            user=member,
            ratings={c.pk: (2, "") for c in Criterion.objects.filter(is_active=True)},
        )
    assert [_queries(client, url) for url in pages] == small


def test_the_visibility_query_and_the_one_object_rule_agree(
    head_of_ict, member, chair, officer, administrator
):
    made = [
        scenarios.scenario_save(user=member, name="Member's own"),
        scenarios.scenario_save(user=member, name="Member's shared", is_shared=True),
        scenarios.scenario_save(user=head_of_ict, name="Head's own"),
        scenarios.scenario_save(user=chair, name="Chair's own"),
    ]
    for user in (head_of_ict, member, chair, officer, administrator):
        by_query = set(Scenario.objects.filter(policies.scenarios_visible(user)))
        by_rule = {s for s in made if policies.may_see_scenario(user, s)}
        assert by_query == by_rule, user


def test_the_form_escapes_proposal_titles(head_of_ict, housing, client_for):
    ProposalFactory(
        business_unit=housing, complete=True, status="in_assessment", title="<b>Loud</b> title"
    )
    page = client_for(head_of_ict).get(reverse("projects:scenario-create")).content.decode()
    assert "&lt;b&gt;Loud&lt;/b&gt; title" in page and "<b>Loud</b>" not in page


def test_the_portfolio_and_a_scenario_ask_for_the_same_room_even_where_a_year_is_overrun():
    from projects import selectors

    room = selectors.budget_room(
        {2026: Decimal(100), 2027: Decimal(100)}, {2026: Decimal(150), 2027: Decimal(40)}
    )
    # Decimal both ways, so the remembered recommendation is found under one key.
    assert repr(room) == repr({2026: Decimal(0), 2027: Decimal(60)})
