"""Decisions are recorded only at meetings that happen: started, opened by the chair,
in session or held (until the minutes are drafted), and quorate; the agenda is fixed
once the minutes are drafted. One rule (policies.decision_refusal), asked by the
service, the decision page and the meeting's agenda alike."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from common.errors import WorkflowError
from governance import services as governance_services
from governance.choices import MeetingStatus as M
from governance.tests.factories import TermsOfReferenceFactory
from projects import policies, services
from projects.choices import ProposalStatus
from projects.models import AgendaItem, Decision
from projects.tests.factories import MeetingFactory, ProposalFactory

NOW = timezone.now


@pytest.fixture
def agenda(chair, member, housing):
    """A proposal in assessment on the agenda of a meeting in session, with both of
    the two voting members present and a quorum of two."""
    TermsOfReferenceFactory(minimum_quorum=2)
    meeting = MeetingFactory(chair=chair, quorum=2, in_session=True)
    governance_services.attendance_record(meeting=meeting, user=chair, present=[chair, member])
    proposal = ProposalFactory(
        business_unit=housing, complete=True, status=ProposalStatus.IN_ASSESSMENT
    )
    item = AgendaItem.objects.create(meeting=meeting, proposal=proposal, position=1)
    return item


def _decide(item, user, **kwargs):
    return services.proposal_decide(
        proposal=item.proposal,
        user=user,
        meeting=item.meeting,
        outcome=kwargs.pop("outcome", "approved"),
        rationale=kwargs.pop("rationale", "Strong fit with theme 2."),
        **kwargs,
    )


def _set(meeting, **fields):
    """Put the meeting in another state, as test data (history is not the point here)."""
    for name, value in fields.items():
        setattr(meeting, name, value)
    meeting.save()


def _refused_everywhere(item, chair, client, message):
    """The rule refuses with `message`: the service refuses, the decision page says why
    and offers no form, and the agenda has no "Record decision" link."""
    assert policies.decision_refusal(chair, item.meeting, item.proposal) == message
    assert policies.decision_refusals(chair, item.meeting, [item]) == {item.pk: message}
    with pytest.raises(WorkflowError) as error:
        _decide(item, chair)
    assert str(error.value) == message
    page = client.get(reverse("projects:decide", args=[item.pk]))
    assert message in page.content.decode()
    assert 'name="submit"' not in page.content.decode()  # no form, no button
    assert not page.context["show_form"]
    meeting_page = client.get(item.meeting.get_absolute_url()).content.decode()
    assert "Record decision" not in meeting_page
    assert not Decision.objects.exists()


def test_no_decision_before_the_meeting_starts(agenda, chair, client_for):
    starts = NOW() + datetime.timedelta(days=7)
    _set(agenda.meeting, status=M.SCHEDULED, opened_at=None, starts_at=starts)
    _refused_everywhere(
        agenda,
        chair,
        client_for(chair),
        f"The meeting has not started: it starts at "
        f"{timezone.localtime(starts):%H:%M on %A %-d %B %Y}. Decisions can be recorded once "
        "the chair has opened it.",
    )


def test_no_decision_until_the_chair_opens_the_meeting(agenda, chair, client_for):
    _set(agenda.meeting, status=M.SCHEDULED, opened_at=None)
    _refused_everywhere(
        agenda,
        chair,
        client_for(chair),
        "The chair has not opened the meeting yet. Decisions can be recorded once they do.",
    )


def test_no_decision_at_a_cancelled_meeting(agenda, chair, client_for):
    _set(agenda.meeting, status=M.CANCELLED)
    _refused_everywhere(
        agenda,
        chair,
        client_for(chair),
        "This meeting was cancelled, so no decisions can be recorded at it.",
    )


@pytest.mark.parametrize("status", [M.MINUTES_DRAFTED, M.MINUTES_APPROVED])
def test_no_decision_once_the_minutes_are_drafted(status, agenda, chair, client_for):
    _set(agenda.meeting, status=status, minutes_approved_at=NOW(), minutes_approved_by=chair)
    _refused_everywhere(
        agenda,
        chair,
        client_for(chair),
        "The minutes of this meeting are drafted, so no more decisions can be recorded.",
    )


def test_no_decision_at_an_inquorate_meeting_and_the_page_says_how_many(
    agenda, chair, member, client_for
):
    governance_services.attendance_record(
        meeting=agenda.meeting, user=chair, present=[chair], apologies=[member]
    )
    _refused_everywhere(
        agenda,
        chair,
        client_for(chair),
        "The meeting is not quorate: 1 of the 2 voting members needed is present. "
        "Record who is present first.",
    )


@pytest.mark.parametrize("close_first", [False, True], ids=["in session", "held"])
def test_the_chair_decides_while_the_meeting_is_in_session_or_held(close_first, agenda, chair):
    if close_first:
        governance_services.meeting_close(meeting=agenda.meeting, user=chair)
    assert policies.decision_refusal(chair, agenda.meeting, agenda.proposal) is None
    decision = _decide(agenda, chair)
    assert (decision.meeting, decision.decided_by) == (agenda.meeting, chair)


def test_only_the_chair_decides(agenda, member, head_of_ict):
    for user in (member, head_of_ict):
        refusal = policies.decision_refusal(user, agenda.meeting, agenda.proposal)
        assert refusal == "Only the Governance Group chair records decisions."


def test_a_decided_proposal_says_who_decided_it(agenda, chair):
    _decide(agenda, chair)
    agenda.proposal.refresh_from_db()
    refusal = policies.decision_refusal(chair, agenda.meeting, agenda.proposal)
    assert refusal.startswith(f"{chair} has already recorded the decision on this proposal")
    assert refusal.endswith("Nothing was changed.")


def test_a_refused_decision_comes_back_with_the_chairs_text_and_the_reason_at_the_top(
    agenda, chair, member, client_for
):
    client = client_for(chair)
    url = reverse("projects:decide", args=[agenda.pk])
    page = client.get(url)
    assert page.context["show_form"] and 'name="submit"' in page.content.decode()
    # A member leaves while the chair types.
    governance_services.attendance_record(
        meeting=agenda.meeting, user=chair, present=[chair], apologies=[member]
    )
    response = client.post(
        url,
        {
            "outcome": "approved_with_conditions",
            "rationale": "Pays back in year 2.",
            "conditions": "Complete the DPIA before go-live.",
        },
    )
    assert response.status_code == 200  # the same page, not a redirect that loses the text
    content = response.content.decode()
    assert "Pays back in year 2." in content
    assert "Complete the DPIA before go-live." in content
    summary = content.index("govuk-error-summary")
    assert content.index("1 of the 2 voting members needed is present", summary) < content.index(
        "Pays back in year 2."
    )
    assert not Decision.objects.exists()
    agenda.proposal.refresh_from_db()
    assert agenda.proposal.status == ProposalStatus.IN_ASSESSMENT

    governance_services.attendance_record(
        meeting=agenda.meeting, user=chair, present=[chair, member]
    )
    response = client.post(
        url, {"outcome": "approved", "rationale": "Pays back in year 2.", "conditions": ""}
    )
    assert response.status_code == 302
    assert Decision.objects.get().rationale == "Pays back in year 2."


def test_the_agenda_offers_record_decision_only_where_the_rule_allows(agenda, chair, client_for):
    page = client_for(chair).get(agenda.meeting.get_absolute_url()).content.decode()
    assert f"Record decision<span class=\"govuk-visually-hidden\"> on {agenda.proposal.reference}" in page
    _decide(agenda, chair)
    page = client_for(chair).get(agenda.meeting.get_absolute_url()).content.decode()
    assert "Record decision<span" not in page


# --------------------------------------------------------------------------- the agenda


@pytest.mark.parametrize("status", [M.MINUTES_DRAFTED, M.MINUTES_APPROVED, M.CANCELLED])
def test_the_agenda_is_fixed_once_the_minutes_are_drafted(status, agenda, chair, housing, client_for):
    other = ProposalFactory(
        business_unit=housing, complete=True, status=ProposalStatus.IN_ASSESSMENT
    )
    _set(agenda.meeting, status=status, minutes_approved_at=NOW(), minutes_approved_by=chair)
    assert policies.agenda_refusal(chair, agenda.meeting) is not None
    for attempt in (
        lambda: services.agenda_add(meeting=agenda.meeting, proposal=other, user=chair),
        lambda: services.agenda_move(item=agenda, user=chair, up=False),
        lambda: services.agenda_remove(item=agenda, user=chair),
    ):
        with pytest.raises(WorkflowError, match="its agenda can no longer change"):
            attempt()
    client = client_for(chair)
    response = client.get(reverse("projects:agenda-add", args=[agenda.meeting.pk]))
    assert response.status_code == 302
    page = client.get(agenda.meeting.get_absolute_url()).content.decode()
    assert "Add a proposal to the agenda" not in page and "Remove<span" not in page
    assert list(AgendaItem.objects.values_list("proposal", flat=True)) == [agenda.proposal.pk]


@pytest.mark.parametrize("status", [M.SCHEDULED, M.IN_SESSION, M.HELD])
def test_the_agenda_changes_until_the_minutes_are_drafted(status, agenda, chair, housing):
    _set(agenda.meeting, status=status)
    other = ProposalFactory(
        business_unit=housing, complete=True, status=ProposalStatus.IN_ASSESSMENT
    )
    services.agenda_add(meeting=agenda.meeting, proposal=other, user=chair)
    services.agenda_move(item=agenda, user=chair, up=False)
    assert list(
        AgendaItem.objects.order_by("position").values_list("proposal", flat=True)
    ) == [other.pk, agenda.proposal.pk]
