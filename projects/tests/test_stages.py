"""Business case stages through the services: each gate is a decision at a meeting
that freezes that stage's case; approving a gate before the last hands the case back
to the unit to develop; the route is set from the case when it is submitted."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from governance import services as governance_services
from governance.tests.factories import TermsOfReferenceFactory
from projects import policies, selectors, services
from projects.choices import Outcome, ProposalStatus, Route, Stage
from projects.models import AgendaItem, BusinessCaseVersion, Project, RoutingThresholds
from projects.tests.factories import MeetingFactory, ProposalFactory


@pytest.fixture
def gate(chair, member):
    """gate(proposal, outcome) puts a proposal in assessment on a new meeting's agenda
    and records the chair's decision on it there."""
    TermsOfReferenceFactory(minimum_quorum=2)

    def decide(proposal, outcome=Outcome.APPROVED, **kwargs):
        meeting = MeetingFactory(chair=chair, quorum=2, in_session=True)
        governance_services.attendance_record(meeting=meeting, user=chair, present=[chair, member])
        AgendaItem.objects.create(meeting=meeting, proposal=proposal, position=1)
        return services.proposal_decide(
            proposal=proposal,
            user=chair,
            meeting=meeting,
            outcome=outcome,
            rationale=kwargs.pop("rationale", "A good fit with theme 2."),
            **kwargs,
        )

    return decide


@pytest.fixture
def submit_and_accept(officer, head_of_ict):
    def move(proposal):
        services.proposal_submit(proposal=proposal, user=officer)
        services.proposal_accept(proposal=proposal, user=head_of_ict)
        proposal.refresh_from_db()
        return proposal

    return move


def _scheme(officer, cost, **fields):
    return ProposalFactory(
        business_unit=officer.business_unit,
        created_by=officer,
        complete=True,
        costs={2026: cost},
        **fields,
    )


def test_a_scheme_over_the_bjc_limit_passes_soc_obc_and_fbc_each_frozen(
    officer, gate, submit_and_accept
):
    proposal = submit_and_accept(_scheme(officer, 150000))
    assert (proposal.route, proposal.stage) == (Route.THREE_STAGE, Stage.SOC)

    gate(proposal)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.stage) == (ProposalStatus.DEVELOPING, Stage.OBC)
    assert not Project.objects.filter(proposal=proposal).exists()
    assert policies.may_edit_proposal(officer, proposal)

    services.proposal_save_draft(
        proposal=proposal,
        user=officer,
        fields={"preferred_option": "Option 3: a hosted portal, bought through G-Cloud."},
        years={2026: {"capital_cost": Decimal(160000)}},
    )
    soc = BusinessCaseVersion.objects.get(proposal=proposal, stage=Stage.SOC)
    assert soc.whole_life_cost == Decimal(150000)
    assert soc.years[0]["capital_cost"] == "150000.00"
    frozen = {item["field"]: item["text"] for item in soc.case}
    assert frozen["preferred_option"] == "Buy a hosted product through G-Cloud."

    submit_and_accept(proposal)
    gate(proposal, Outcome.APPROVED_WITH_CONDITIONS, conditions="Agree the exit plan.")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.stage) == (ProposalStatus.DEVELOPING, Stage.FBC)

    submit_and_accept(proposal)
    gate(proposal)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.stage) == (ProposalStatus.APPROVED, Stage.FBC)
    assert Project.objects.filter(proposal=proposal).exists()

    versions = list(selectors.case_versions(proposal))
    assert [v.stage for v in versions] == [Stage.SOC, Stage.OBC, Stage.FBC]
    assert [v.decision.outcome for v in versions] == [
        Outcome.APPROVED,
        Outcome.APPROVED_WITH_CONDITIONS,
        Outcome.APPROVED,
    ]
    assert versions[1].whole_life_cost == Decimal(160000)
    obc = {item["field"]: item["text"] for item in versions[1].case}
    assert obc["preferred_option"] == "Option 3: a hosted portal, bought through G-Cloud."
    # The SOC still reads as the Group decided it.
    soc.refresh_from_db()
    assert {i["field"]: i["text"] for i in soc.case}["preferred_option"] == (
        "Buy a hosted product through G-Cloud."
    )


def test_a_gate_freezes_the_tcop_self_assessment_the_group_saw(officer, gate, submit_and_accept):
    proposal = submit_and_accept(_scheme(officer, 150000, tcop={5: "partly_met"}))
    gate(proposal)
    response = proposal.tcop_responses.get(point__number=5)
    response.answer, response.evidence = "met", "Now hosted in the supplier's UK cloud."
    response.save()
    soc = BusinessCaseVersion.objects.get(proposal=proposal, stage=Stage.SOC)
    frozen = {item["field"]: item for item in soc.case}
    assert frozen["tcop_5"]["case"] == "Technology Code of Practice self-assessment"
    assert frozen["tcop_5"]["text"].startswith("Partly met.")
    assert len([f for f in frozen if f.startswith("tcop_")]) == 13


def test_a_small_low_risk_scheme_takes_one_business_justification_case(
    officer, gate, submit_and_accept
):
    proposal = submit_and_accept(_scheme(officer, 85000))
    assert (proposal.route, proposal.stage) == (Route.BJC, Stage.BJC)
    gate(proposal)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED
    assert [v.stage for v in proposal.case_versions.all()] == [Stage.BJC]


def test_a_small_scheme_with_a_risk_factor_goes_through_three_stages(officer, submit_and_accept):
    proposal = submit_and_accept(_scheme(officer, 85000, risk_frontline="yes"))
    assert (proposal.route, proposal.stage) == (Route.THREE_STAGE, Stage.SOC)


def test_a_rejection_at_the_obc_gate_is_frozen_and_final(officer, gate, submit_and_accept):
    proposal = submit_and_accept(_scheme(officer, 150000))
    gate(proposal)
    submit_and_accept(proposal)
    gate(proposal, Outcome.REJECTED, rationale="Not affordable this year.")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.stage) == (ProposalStatus.REJECTED, Stage.OBC)
    assert proposal.case_versions.count() == 2


def test_the_route_is_fixed_once_the_first_gate_is_decided(
    officer, head_of_ict, gate, submit_and_accept
):
    proposal = submit_and_accept(_scheme(officer, 150000))
    gate(proposal)
    services.thresholds_set(
        user=head_of_ict,
        fields={"bjc_limit": Decimal(200000), "key_decision_limit": Decimal(500000)},
    )
    services.proposal_submit(proposal=proposal, user=officer)
    proposal.refresh_from_db()
    assert (proposal.route, proposal.stage) == (Route.THREE_STAGE, Stage.OBC)


def test_a_proposal_from_before_stages_is_settled_by_one_decision(housing, gate):
    proposal = ProposalFactory(
        business_unit=housing, complete=True, status=ProposalStatus.IN_ASSESSMENT
    )
    assert proposal.stage == ""
    gate(proposal)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED
    assert not proposal.case_versions.exists()


def test_submitting_needs_the_risk_questions_answered(officer):
    proposal = _scheme(officer, 50000, risk_novel="")
    with pytest.raises(ValidationError) as error:
        services.proposal_submit(proposal=proposal, user=officer)
    assert "risk_novel" in error.value.message_dict


def test_scores_given_at_an_earlier_gate_stay_apart_while_the_next_case_is_developed(
    officer, member, gate, submit_and_accept
):
    proposal = submit_and_accept(_scheme(officer, 150000))
    gate(proposal)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DEVELOPING
    assert not policies.may_see_scores(member, proposal)
    visible = selectors.proposals_visible_to(member).filter(policies.scores_visible(member))
    assert proposal not in visible


def test_only_the_head_of_ict_sets_the_thresholds_and_each_change_is_kept(head_of_ict, chair):
    with pytest.raises(PermissionDenied):
        services.thresholds_set(
            user=chair, fields={"bjc_limit": Decimal(1), "key_decision_limit": Decimal(2)}
        )
    services.thresholds_set(
        user=head_of_ict,
        fields={"bjc_limit": Decimal(120000), "key_decision_limit": Decimal(750000)},
    )
    services.thresholds_set(
        user=head_of_ict,
        fields={
            "bjc_limit": Decimal(120000),
            "key_decision_limit": Decimal(750000),
            "council_limit": Decimal(5000000),
        },
    )
    assert RoutingThresholds.objects.count() == 1
    assert [h.council_limit for h in selectors.threshold_changes()] == [Decimal(5000000), None]
    assert {h.history_user for h in selectors.threshold_changes()} == {head_of_ict}


def test_the_key_decision_limit_cannot_be_below_the_bjc_limit(head_of_ict, client_for):
    response = client_for(head_of_ict).post(
        reverse("projects:thresholds"),
        {"bjc_limit": "500000", "key_decision_limit": "100000", "council_limit": ""},
    )
    assert response.status_code == 200
    assert "The key-decision limit must be at least" in response.content.decode()
    assert not RoutingThresholds.objects.exists()


def test_the_proposal_page_says_where_it_goes_and_why(officer, client_for, submit_and_accept):
    proposal = submit_and_accept(_scheme(officer, 1200000))
    page = client_for(officer).get(proposal.get_absolute_url()).content.decode()
    assert "This is a key decision: its whole-life cost, £1,200,000, is above the " in page
    assert "Strategic Outline Case" in page


def test_the_proposals_history_says_which_stage_was_frozen(
    officer, gate, submit_and_accept, client_for
):
    proposal = submit_and_accept(_scheme(officer, 150000))
    gate(proposal)
    history = client_for(officer).get(reverse("projects:proposal-history", args=[proposal.pk]))
    assert "Strategic Outline Case frozen at its gate" in history.content.decode()


def test_the_proposal_page_shows_each_frozen_stage_as_case_versions_reads_it(
    officer, gate, submit_and_accept, client_for, django_assert_num_queries
):
    """The page finds the frozen stages among the decisions it reads for its decision
    panel (selectors.case_versions_of): the same versions, in the same order, with the
    same decisions and meetings, as selectors.case_versions' query, and no query more."""
    from django.template.loader import render_to_string

    proposal = submit_and_accept(_scheme(officer, 150000))
    gate(proposal)
    submit_and_accept(proposal)
    gate(proposal, Outcome.APPROVED_WITH_CONDITIONS, conditions="Agree the exit plan.")
    submit_and_accept(proposal)
    gate(proposal, Outcome.REJECTED, rationale="No money left.")
    proposal.refresh_from_db()
    expected = list(selectors.case_versions(proposal))
    assert [v.stage for v in expected] == [Stage.SOC, Stage.OBC, Stage.FBC]

    decisions = selectors.decisions_for_detail(proposal)
    with django_assert_num_queries(0):
        versions = selectors.case_versions_of(decisions)
        meetings = [str(v.decision.meeting) for v in versions]
    assert [v.pk for v in versions] == [v.pk for v in expected]
    assert meetings == [str(v.decision.meeting) for v in expected]

    stages = render_to_string(
        "projects/_case_versions.html", {"case_versions": expected, "proposal": proposal}
    )
    assert "govuk-summary-card" in stages
    page = client_for(officer).get(proposal.get_absolute_url()).content.decode()
    assert stages in page


def test_the_decisions_read_as_sql_are_the_orm_query(
    officer, chair, gate, submit_and_accept, django_assert_num_queries
):
    """selectors.decisions_for_detail (plain SQL) gives the decisions `proposal.decisions
    .select_related("meeting", "decided_by", "case_version")` gave, newest first (two at
    the same moment by pk): what the page shows of each, its meeting and who recorded it,
    and its frozen version or none, asked without a further query; for a proposal
    through three gates, one decided before business case stages, and one undecided."""
    import datetime

    from django.template.loader import render_to_string

    from projects.models import Decision

    staged = submit_and_accept(_scheme(officer, 150000))
    gate(staged)
    submit_and_accept(staged)
    gate(staged, Outcome.APPROVED_WITH_CONDITIONS, conditions="Agree <the> exit & plan.")
    submit_and_accept(staged)
    gate(staged, Outcome.REJECTED, rationale="No money left.\r\nSorry & 'so on'.")
    unstaged = ProposalFactory(status=ProposalStatus.DEFERRED)
    for rationale in ("First <look>", "Second & last"):
        Decision.objects.create(
            proposal=unstaged,
            meeting=MeetingFactory(chair=chair, title="Extra <meeting>"),
            outcome=Outcome.DEFERRED,
            rationale=rationale,
            revisit_date=datetime.date(2027, 4, 1),
            decided_by=chair,
        )
    unstaged.decisions.update(
        decided_at=datetime.datetime(2026, 3, 31, 23, 30, tzinfo=datetime.UTC)
    )

    def shown(decision):
        version = getattr(decision, "case_version", None)
        return (
            [getattr(decision, field.attname) for field in Decision._meta.concrete_fields],
            decision.get_outcome_display(),
            (str(decision.meeting), decision.meeting.get_absolute_url()),
            str(decision.decided_by),
            version
            and [getattr(version, f.attname) for f in BusinessCaseVersion._meta.concrete_fields],
            version and (version.decision.pk, str(version.decision.meeting), version.outcome_label),
        )

    for proposal in (staged, unstaged, ProposalFactory()):
        decisions = selectors.decisions_for_detail(proposal)
        with django_assert_num_queries(0):
            read = [shown(decision) for decision in decisions]
            versions = selectors.case_versions_of(decisions)
        was = list(proposal.decisions.select_related("meeting", "decided_by", "case_version"))
        assert read == [shown(decision) for decision in was]
        assert render_to_string(
            "projects/_case_versions.html", {"case_versions": versions, "proposal": proposal}
        ) == render_to_string(
            "projects/_case_versions.html",
            {"case_versions": selectors.case_versions_of(was), "proposal": proposal},
        )
    assert [len(selectors.decisions_for_detail(p)) for p in (staged, unstaged)] == [3, 2]
    assert (
        len(versions) == 0
        and len(selectors.case_versions_of(selectors.decisions_for_detail(staged))) == 3
    )
