"""The proposal state machine: every action from every state, by every role."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from common.errors import WorkflowError
from common.models import OutboundEmail
from common.roles import Role
from governance import services as governance_services
from governance.tests.factories import TermsOfReferenceFactory, UserFactory
from projects import services
from projects.choices import ProposalStatus as S
from projects.models import AgendaItem, Decision, Project, ProposalEvent
from projects.tests.factories import MeetingFactory, ProposalFactory
from projects.workflow import TRANSITIONS, routes

SIMPLE_ACTIONS = {
    "submit": lambda p, u: services.proposal_submit(proposal=p, user=u, answer="Here it is."),
    "start_triage": lambda p, u: services.proposal_start_triage(proposal=p, user=u),
    "return": lambda p, u: services.proposal_return(proposal=p, user=u, comment="Costs?"),
    "accept": lambda p, u: services.proposal_accept(proposal=p, user=u),
    "withdraw": lambda p, u: services.proposal_withdraw(proposal=p, user=u),
    "reopen": lambda p, u: services.proposal_reopen(proposal=p, user=u),
}
ROLES = [Role.OFFICER, Role.MEMBER, Role.CHAIR, Role.HEAD_OF_ICT, Role.ADMINISTRATOR]


def _decide(proposal, user, meeting):
    return services.proposal_decide(
        proposal=proposal,
        user=user,
        meeting=meeting,
        outcome="approved",
        rationale="Strong fit with theme 2.",
    )


@pytest.fixture
def quorate_meeting(chair, member):
    TermsOfReferenceFactory(minimum_quorum=2)
    meeting = MeetingFactory(chair=chair, quorum=2, in_session=True)
    governance_services.attendance_record(meeting=meeting, user=chair, present=[chair, member])
    return meeting


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("source", list(S))
@pytest.mark.parametrize("action", list(SIMPLE_ACTIONS))
def test_each_action_is_allowed_only_to_its_role_from_its_states(action, source, role, housing):
    transition = TRANSITIONS[action]
    user = UserFactory(business_unit=housing, roles=[role])
    proposal = ProposalFactory(business_unit=housing, complete=True, status=source)
    allowed = role == transition.role and source in transition.sources
    if allowed:
        SIMPLE_ACTIONS[action](proposal, user)
        proposal.refresh_from_db()
        assert proposal.status == transition.target
        event = ProposalEvent.objects.get(proposal=proposal)
        assert (event.actor, event.from_status, event.to_status) == (user, source, proposal.status)
        assert proposal.history.first().history_user == user
        return
    expected = PermissionDenied if role != transition.role else WorkflowError
    with pytest.raises(expected):
        SIMPLE_ACTIONS[action](proposal, user)
    proposal.refresh_from_db()
    assert proposal.status == source
    assert not ProposalEvent.objects.filter(proposal=proposal).exists()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("source", list(S))
def test_only_the_chair_decides_and_only_in_assessment(
    role, source, housing, quorate_meeting, chair
):
    user = chair if role == Role.CHAIR else UserFactory(roles=[role])
    proposal = ProposalFactory(business_unit=housing, complete=True, status=source)
    AgendaItem.objects.create(meeting=quorate_meeting, proposal=proposal, position=1)
    if role == Role.CHAIR and source == S.IN_ASSESSMENT:
        _decide(proposal, user, quorate_meeting)
        proposal.refresh_from_db()
        assert proposal.status == S.APPROVED
        assert Project.objects.filter(proposal=proposal).exists()
        return
    with pytest.raises(PermissionDenied if role != Role.CHAIR else WorkflowError):
        _decide(proposal, user, quorate_meeting)
    assert not Decision.objects.exists()


@pytest.mark.parametrize("action", ["submit", "withdraw"])
def test_an_officer_of_another_unit_cannot_act_on_the_proposal(action, housing, finance):
    outsider = UserFactory(business_unit=finance, roles=[Role.OFFICER])
    proposal = ProposalFactory(business_unit=housing, complete=True, status=S.DRAFT)
    with pytest.raises(PermissionDenied):
        SIMPLE_ACTIONS[action](proposal, outsider)


def test_returning_needs_a_comment_and_changes_nothing_without_one(housing, head_of_ict):
    proposal = ProposalFactory(business_unit=housing, complete=True, status=S.SUBMITTED)
    with pytest.raises(ValidationError) as error:
        services.proposal_return(proposal=proposal, user=head_of_ict, comment="  ")
    assert "comment" in error.value.message_dict
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED


def test_resubmitting_a_returned_proposal_needs_the_units_answer(officer):
    proposal = ProposalFactory(
        business_unit=officer.business_unit, complete=True, status=S.RETURNED
    )
    with pytest.raises(ValidationError) as error:
        services.proposal_submit(proposal=proposal, user=officer, answer="")
    assert "answer" in error.value.message_dict
    services.proposal_submit(proposal=proposal, user=officer, answer="Costs now itemised.")
    assert proposal.events.get().comment == "Costs now itemised."


def test_submitting_an_incomplete_case_lists_every_missing_part_at_its_field(officer):
    proposal = ProposalFactory(business_unit=officer.business_unit, title="Half done")
    with pytest.raises(ValidationError) as error:
        services.proposal_submit(proposal=proposal, user=officer)
    missing = error.value.message_dict
    for field in ("case_for_change", "themes", "preferred_option", "procurement_route",
                  "funding_source", "capital_0", "non_cashable_benefits", "project_manager",
                  "start_date", "personal_data", "security_impact"):  # fmt: skip
        assert field in missing, field
    proposal.refresh_from_db()
    assert proposal.status == S.DRAFT


def test_a_chosen_theme_needs_to_say_how_it_is_served(officer, strategy):
    proposal = ProposalFactory(business_unit=officer.business_unit, complete=True, themes=[])
    services.proposal_save_draft(
        proposal=proposal, user=officer, fields={}, themes={strategy.themes.get(number=3).pk: ""}
    )
    with pytest.raises(ValidationError) as error:
        services.proposal_submit(proposal=proposal, user=officer)
    assert f"how_{strategy.themes.get(number=3).pk}" in error.value.message_dict


def test_statutory_work_must_say_what_requires_it(officer):
    proposal = ProposalFactory(
        business_unit=officer.business_unit, complete=True, is_statutory=True
    )
    with pytest.raises(ValidationError) as error:
        services.proposal_submit(proposal=proposal, user=officer)
    assert list(error.value.message_dict) == ["statutory_basis"]


def test_decision_needs_the_proposal_on_the_agenda_and_a_quorate_meeting(housing, chair, member):
    TermsOfReferenceFactory(minimum_quorum=2)
    proposal = ProposalFactory(business_unit=housing, complete=True, status=S.IN_ASSESSMENT)
    meeting = MeetingFactory(chair=chair, quorum=2, in_session=True)
    with pytest.raises(WorkflowError, match="agenda"):
        _decide(proposal, chair, meeting)
    AgendaItem.objects.create(meeting=meeting, proposal=proposal, position=1)
    governance_services.attendance_record(meeting=meeting, user=chair, present=[chair])
    with pytest.raises(WorkflowError, match="not quorate"):
        _decide(proposal, chair, meeting)
    governance_services.attendance_record(meeting=meeting, user=chair, present=[chair, member])
    _decide(proposal, chair, meeting)


@pytest.mark.parametrize(
    ("outcome", "extra", "field"),
    [
        ("approved_with_conditions", {}, "conditions"),
        ("deferred", {}, "revisit_date"),
        ("rejected", {"rationale": ""}, "rationale"),
    ],
)
def test_decisions_need_their_conditions_revisit_date_or_reason(
    outcome, extra, field, housing, chair, quorate_meeting
):
    proposal = ProposalFactory(business_unit=housing, complete=True, status=S.IN_ASSESSMENT)
    AgendaItem.objects.create(meeting=quorate_meeting, proposal=proposal, position=1)
    arguments = {"rationale": "Reason.", **extra}
    with pytest.raises(ValidationError) as error:
        services.proposal_decide(
            proposal=proposal, user=chair, meeting=quorate_meeting, outcome=outcome, **arguments
        )
    assert field in error.value.message_dict
    proposal.refresh_from_db()
    assert proposal.status == S.IN_ASSESSMENT
    assert not Decision.objects.exists()


def test_everyone_concerned_is_emailed_after_the_decision_commits(
    officer, head_of_ict, chair, quorate_meeting, django_capture_on_commit_callbacks
):
    proposal = ProposalFactory(
        business_unit=officer.business_unit,
        created_by=officer,
        complete=True,
        status=S.IN_ASSESSMENT,
    )
    AgendaItem.objects.create(meeting=quorate_meeting, proposal=proposal, position=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_decide(
            proposal=proposal,
            user=chair,
            meeting=quorate_meeting,
            outcome="approved_with_conditions",
            rationale="Good value.",
            conditions="Complete the DPIA before go-live.",
        )
    recipients = set(OutboundEmail.objects.values_list("recipient", flat=True))
    assert {officer.email, head_of_ict.email} <= recipients
    officer_mail = OutboundEmail.objects.get(recipient=officer.email)
    assert "Approve with conditions" in officer_mail.subject
    assert "Complete the DPIA before go-live." in officer_mail.body
    assert mail.outbox == [] or all(m.to for m in mail.outbox)


def test_a_deferred_proposal_can_be_reopened_for_assessment(housing, head_of_ict):
    proposal = ProposalFactory(business_unit=housing, complete=True, status=S.DEFERRED)
    services.proposal_reopen(proposal=proposal, user=head_of_ict)
    proposal.refresh_from_db()
    assert proposal.status == S.IN_ASSESSMENT


STATUS_PAIRS = [(source, target) for source in S for target in S if source != target]


@pytest.mark.parametrize(("source", "target"), STATUS_PAIRS)
def test_each_route_follows_the_table_from_source_to_target_passing_no_status_twice(source, target):
    for route in routes(source, target):
        passed = [source]
        for transition in route:
            assert passed[-1] in transition.sources
            passed.append(transition.target)
        assert passed[-1] == target
        assert len(set(passed)) == len(passed)


def test_routes_come_shortest_first_and_leave_decisions_to_their_outcome():
    actions = [[t.action for t in route] for route in routes(S.DRAFT, S.IN_ASSESSMENT)]
    assert actions == [["submit", "accept"], ["submit", "start_triage", "accept"]]
    assert [t.action for t in routes(S.DRAFT, S.WITHDRAWN)[0]] == ["withdraw"]
    assert routes(S.IN_ASSESSMENT, S.APPROVED) == ()
