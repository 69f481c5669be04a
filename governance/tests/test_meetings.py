"""Governance Group meetings that happen: a meeting's life from scheduled to approved
minutes, its terms of reference and quorum, attendance, and minutes that download."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from common.errors import WorkflowError
from common.roles import Role
from governance import meetings, policies, services
from governance.choices import AttendanceStatus, MeetingStatus
from governance.models import Meeting, MeetingAttendance, TermsOfReference
from governance.tests.factories import TermsOfReferenceFactory, UserFactory
from projects.choices import ProposalStatus
from projects.models import AgendaItem
from projects.tests.factories import MeetingFactory, ProposalFactory

S = MeetingStatus
NOW = timezone.now


def _meeting_at(status, **kwargs):
    """A meeting in `status` that started an hour ago (opened then, unless it was
    scheduled or cancelled)."""
    if status in (S.SCHEDULED, S.CANCELLED):
        kwargs.setdefault("starts_at", NOW() - datetime.timedelta(hours=1))
        return MeetingFactory(status=status, **kwargs)
    if status == S.MINUTES_APPROVED:
        kwargs.setdefault("minutes_approved_by", kwargs.get("chair") or UserFactory())
        kwargs.setdefault("minutes_approved_at", NOW())
    return MeetingFactory(in_session=True, status=status, **kwargs)


STEP_SERVICES = {
    "open": lambda m, u: services.meeting_open(meeting=m, user=u),
    "close": lambda m, u: services.meeting_close(meeting=m, user=u),
    "draft_minutes": lambda m, u: services.minutes_draft(meeting=m, user=u, notes="Noted."),
    "approve_minutes": lambda m, u: services.minutes_approve(meeting=m, user=u),
    "cancel": lambda m, u: services.meeting_cancel(meeting=m, user=u),
}


@pytest.fixture
def terms_of_two(db):
    """The shared fixtures have two voting members, the member and the chair."""
    return TermsOfReferenceFactory(minimum_quorum=2)


# ---------------------------------------------------------------------- a meeting's life


def test_a_meeting_moves_from_scheduled_to_approved_minutes_with_who_did_each_step(
    chair, head_of_ict, member, terms_of_two
):
    meeting = MeetingFactory(chair=chair, starts_at=NOW() - datetime.timedelta(minutes=5))
    services.meeting_open(meeting=meeting, user=chair)
    services.attendance_record(meeting=meeting, user=chair, present=[chair, member])
    services.meeting_close(meeting=meeting, user=chair)
    services.minutes_draft(meeting=meeting, user=head_of_ict, notes="  Budget to be reviewed. ")
    services.minutes_approve(meeting=meeting, user=chair)

    meeting.refresh_from_db()
    assert meeting.status == S.MINUTES_APPROVED
    assert meeting.opened_at <= meeting.closed_at <= meeting.minutes_approved_at
    assert (meeting.minutes_approved_by, meeting.notes) == (chair, "Budget to be reviewed.")
    steps = [
        (record.status, record.history_user)
        for record in meeting.history.order_by("history_date", "history_id")
    ]
    assert steps == [
        (S.SCHEDULED, None),  # made by the factory
        (S.IN_SESSION, chair),
        (S.HELD, chair),
        (S.MINUTES_DRAFTED, head_of_ict),
        (S.MINUTES_APPROVED, chair),
    ]


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("action", list(STEP_SERVICES))
def test_each_step_is_taken_only_from_its_states(action, status, chair):
    meeting = _meeting_at(status, chair=chair)
    step = policies.STEPS[action]
    if status in step.sources:
        STEP_SERVICES[action](meeting, chair)
        meeting.refresh_from_db()
        assert meeting.status == step.target
    else:
        with pytest.raises(WorkflowError, match=f"This meeting is {status.label.lower()}"):
            STEP_SERVICES[action](meeting, chair)
        meeting.refresh_from_db()
        assert meeting.status == status


@pytest.mark.parametrize("role", [Role.OFFICER, Role.MEMBER, Role.HEAD_OF_ICT, Role.ADMINISTRATOR])
def test_only_the_chair_opens_and_closes_a_meeting_and_approves_its_minutes(role, chair):
    user = UserFactory(roles=[role])
    for action, status in (
        ("open", S.SCHEDULED),
        ("close", S.IN_SESSION),
        ("approve_minutes", S.MINUTES_DRAFTED),
    ):
        meeting = _meeting_at(status, chair=chair)
        assert policies.step_refusal(user, meeting, action).startswith(
            "Only the Governance Group chair"
        )
        with pytest.raises(PermissionDenied):
            STEP_SERVICES[action](meeting, user)


@pytest.mark.parametrize("role", [Role.OFFICER, Role.MEMBER, Role.ADMINISTRATOR])
def test_only_the_chair_and_the_head_of_ict_draft_minutes_and_cancel(role, chair, head_of_ict):
    user = UserFactory(roles=[role])
    with pytest.raises(PermissionDenied):
        services.minutes_draft(meeting=_meeting_at(S.HELD), user=user, notes="")
    with pytest.raises(PermissionDenied):
        services.meeting_cancel(meeting=_meeting_at(S.SCHEDULED), user=user)
    services.minutes_draft(meeting=_meeting_at(S.HELD), user=head_of_ict, notes="")
    services.meeting_cancel(meeting=_meeting_at(S.SCHEDULED), user=head_of_ict)


def test_the_chair_cannot_open_a_meeting_before_its_start_time(chair):
    starts = NOW() + datetime.timedelta(minutes=30)
    meeting = MeetingFactory(chair=chair, starts_at=starts)
    refusal = policies.step_refusal(chair, meeting, "open")
    assert refusal == (
        f"The meeting starts at {timezone.localtime(starts):%H:%M on %A %-d %B %Y}. "
        "It can be opened from then."
    )
    with pytest.raises(WorkflowError, match="It can be opened from then"):
        services.meeting_open(meeting=meeting, user=chair)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.opened_at) == (S.SCHEDULED, None)


def test_whoever_opens_a_meeting_without_a_chair_chairs_it(chair):
    meeting = MeetingFactory(chair=None, starts_at=NOW() - datetime.timedelta(minutes=1))
    services.meeting_open(meeting=meeting, user=chair)
    meeting.refresh_from_db()
    assert meeting.chair == chair


def test_a_meeting_in_session_cannot_be_rescheduled_or_cancelled(chair):
    meeting = _meeting_at(S.IN_SESSION, chair=chair)
    with pytest.raises(WorkflowError, match="its details can no longer change"):
        services.meeting_save(user=chair, meeting=meeting, fields={"location": "Elsewhere"})
    with pytest.raises(WorkflowError, match="cannot cancel the meeting"):
        services.meeting_cancel(meeting=meeting, user=chair)


def test_the_meeting_page_offers_each_step_only_when_it_may_be_taken(chair, member, client_for):
    meeting = MeetingFactory(chair=chair, starts_at=NOW() - datetime.timedelta(minutes=1))
    page = client_for(chair).get(meeting.get_absolute_url()).content.decode()
    assert "Open the meeting" in page and "Cancel the meeting" in page
    assert "Close the meeting" not in page
    assert "Open the meeting" not in client_for(member).get(meeting.get_absolute_url()).content.decode()

    later = MeetingFactory(chair=chair)
    page = client_for(chair).get(later.get_absolute_url()).content.decode()
    assert "Open the meeting" not in page
    assert "The meeting has not started" in page  # said on the agenda, before anyone tries

    client_for(chair).post(reverse("governance:meeting-open", args=[meeting.pk]))
    page = client_for(chair).get(meeting.get_absolute_url()).content.decode()
    assert "Close the meeting" in page and "Open the meeting" not in page


def test_a_refused_step_says_why_on_the_meeting_page(chair, client_for):
    meeting = MeetingFactory(chair=chair)  # next week
    response = client_for(chair).post(
        reverse("governance:meeting-open", args=[meeting.pk]), follow=True
    )
    assert "It can be opened from then." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == S.SCHEDULED


# ------------------------------------------------------------ terms of reference, quorum


def test_the_head_of_ict_sets_the_terms_of_reference_with_history(head_of_ict):
    terms = services.terms_of_reference_set(
        user=head_of_ict, fields={"minimum_quorum": 4, "chair_counts": False}
    )
    services.terms_of_reference_set(user=head_of_ict, fields={"minimum_quorum": 5})
    assert TermsOfReference.objects.get() == terms
    terms.refresh_from_db()
    assert (terms.minimum_quorum, terms.chair_counts) == (5, False)
    assert [r.minimum_quorum for r in terms.history.order_by("history_date")] == [4, 5]
    assert {r.history_user for r in terms.history.all()} == {head_of_ict}


@pytest.mark.parametrize("role", [Role.OFFICER, Role.MEMBER, Role.CHAIR, Role.ADMINISTRATOR])
def test_only_the_head_of_ict_sets_the_terms_of_reference(role, db):
    with pytest.raises(PermissionDenied):
        services.terms_of_reference_set(
            user=UserFactory(roles=[role]), fields={"minimum_quorum": 1}
        )
    assert not TermsOfReference.objects.exists()


def test_terms_of_reference_have_defaults_until_set(db):
    terms = meetings.selectors.terms_of_reference()
    assert terms.pk is None
    assert (terms.minimum_quorum, terms.chair_counts, terms.head_of_ict_attends) == (3, True, True)


def test_a_meetings_quorum_cannot_go_below_the_terms_minimum(chair, head_of_ict):
    services.terms_of_reference_set(user=head_of_ict, fields={"minimum_quorum": 3})
    fields = {"title": "ICT Governance Group", "starts_at": NOW(), "quorum": 1}
    with pytest.raises(ValidationError) as error:
        services.meeting_save(user=chair, fields=fields)
    assert error.value.message_dict["quorum"] == [
        "Enter a quorum of 3 or more: the terms of reference set the minimum at 3"
    ]
    assert services.meeting_save(user=chair, fields={**fields, "quorum": 4}).quorum == 4


def test_the_meeting_form_refuses_a_quorum_below_the_terms_minimum_at_the_field(
    chair, head_of_ict, client_for
):
    services.terms_of_reference_set(user=head_of_ict, fields={"minimum_quorum": 3})
    data = {"title": "ICT Governance Group", "date_0": "14", "date_1": "1", "date_2": "2027",
            "time": "14:00", "quorum": "1"}  # fmt: skip
    response = client_for(chair).post(reverse("governance:meeting-create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["quorum"] == [
        "Enter a quorum of 3 or more: the terms of reference set the minimum at 3"
    ]
    assert not Meeting.objects.exists()


def test_the_quorum_counts_present_members_and_the_chair_when_the_terms_say_so(
    chair, member, head_of_ict, terms_of_two
):
    other = UserFactory(roles=[Role.MEMBER])
    meeting = _meeting_at(S.IN_SESSION, chair=chair, quorum=2)
    services.attendance_record(
        meeting=meeting, user=chair, present=[chair, member], apologies=[other]
    )
    assert meetings.quorum_of(meeting) == meetings.Quorum(present=2, needed=2, chair_counts=True)

    services.terms_of_reference_set(user=head_of_ict, fields={"chair_counts": False})
    quorum = meetings.quorum_of(meeting)
    assert (quorum.present, quorum.met) == (1, False)
    assert str(quorum) == "1 of the 2 voting members needed is present"


def test_the_head_of_ict_attends_without_a_vote_and_never_counts(chair, member, head_of_ict):
    both = UserFactory(roles=[Role.MEMBER, Role.HEAD_OF_ICT])
    meeting = _meeting_at(S.IN_SESSION, chair=chair, quorum=3)
    services.attendance_record(
        meeting=meeting, user=chair, present=[chair, member], in_attendance=[head_of_ict, both]
    )
    assert not policies.votes(head_of_ict) and not policies.votes(both)
    assert str(meetings.quorum_of(meeting)) == "2 of the 3 voting members needed are present"
    with pytest.raises(ValidationError):
        services.attendance_record(meeting=meeting, user=chair, present=[chair, head_of_ict])


def test_a_meeting_not_yet_held_must_meet_the_minimum_in_force_now(
    chair, member, head_of_ict, terms_of_two
):
    meeting = _meeting_at(S.IN_SESSION, chair=chair, quorum=2)
    services.attendance_record(meeting=meeting, user=chair, present=[chair, member])
    assert policies.decisions_refusal(meeting) is None
    services.terms_of_reference_set(user=head_of_ict, fields={"minimum_quorum": 3})
    assert policies.decisions_refusal(meeting) == (
        "The meeting is not quorate: 2 of the 3 voting members needed are present. "
        "Record who is present first."
    )


def test_a_meeting_held_keeps_the_quorum_it_was_held_under(chair, member, head_of_ict, terms_of_two):
    meeting = _meeting_at(S.IN_SESSION, chair=chair, quorum=2)
    services.attendance_record(meeting=meeting, user=chair, present=[chair, member])
    services.meeting_close(meeting=meeting, user=chair)
    services.terms_of_reference_set(
        user=head_of_ict, fields={"minimum_quorum": 5, "chair_counts": False}
    )
    meeting.refresh_from_db()
    assert (meeting.quorum, meeting.chair_counts) == (2, True)
    assert meetings.quorum_of(meeting).met
    assert policies.decisions_refusal(meeting) is None  # decisions taken there still stand


# ----------------------------------------------------------------------------- attendance


def test_attendance_records_each_member_present_with_apologies_or_absent_and_others(
    chair, member, head_of_ict, officer
):
    absent = UserFactory(roles=[Role.MEMBER])
    meeting = MeetingFactory(chair=chair)
    services.attendance_record(
        meeting=meeting,
        user=chair,
        present=[chair],
        apologies=[member],
        in_attendance=[head_of_ict, officer],
    )
    assert dict(MeetingAttendance.objects.values_list("person_id", "status")) == {
        chair.pk: AttendanceStatus.PRESENT,
        member.pk: AttendanceStatus.APOLOGIES,
        absent.pk: AttendanceStatus.ABSENT,
        head_of_ict.pk: AttendanceStatus.IN_ATTENDANCE,
        officer.pk: AttendanceStatus.IN_ATTENDANCE,
    }
    services.attendance_record(meeting=meeting, user=chair, present=[chair, member])
    assert dict(MeetingAttendance.objects.values_list("person_id", "status")) == {
        chair.pk: AttendanceStatus.PRESENT,
        member.pk: AttendanceStatus.PRESENT,
        absent.pk: AttendanceStatus.ABSENT,
    }
    officer_line = MeetingAttendance.history.filter(person_id=officer.pk).order_by("history_date")
    assert [r.history_type for r in officer_line] == ["+", "-"]
    assert {r.history_user for r in officer_line} == {chair}


def test_a_member_is_recorded_present_or_with_apologies_never_both_or_in_attendance(
    chair, member, officer
):
    meeting = MeetingFactory(chair=chair)
    for arguments in (
        {"present": [member], "apologies": [member]},
        {"present": [officer]},
        {"present": [], "in_attendance": [member]},
    ):
        with pytest.raises(ValidationError):
            services.attendance_record(meeting=meeting, user=chair, **arguments)
    assert not MeetingAttendance.objects.exists()


def test_the_attendance_form_takes_each_member_and_others_in_attendance(
    chair, member, head_of_ict, client_for
):
    meeting = MeetingFactory(chair=chair, quorum=2)
    client = client_for(chair)
    page = client.get(reverse("governance:meeting-attendance", args=[meeting.pk]))
    form = page.context["form"]
    assert form.initial["in_attendance"] == [head_of_ict.pk]  # the terms say the Head attends
    response = client.post(
        reverse("governance:meeting-attendance", args=[meeting.pk]),
        {
            f"member_{chair.pk}": "present",
            f"member_{member.pk}": "apologies",
            "in_attendance": [head_of_ict.pk],
        },
    )
    assert response.status_code == 302
    assert dict(MeetingAttendance.objects.values_list("person_id", "status")) == {
        chair.pk: "present",
        member.pk: "apologies",
        head_of_ict.pk: "in_attendance",
    }


@pytest.mark.parametrize("status", [S.MINUTES_DRAFTED, S.MINUTES_APPROVED, S.CANCELLED])
def test_attendance_is_fixed_once_the_minutes_are_drafted(status, chair, member, client_for):
    meeting = _meeting_at(status, chair=chair)
    with pytest.raises(WorkflowError):
        services.attendance_record(meeting=meeting, user=chair, present=[chair, member])
    response = client_for(chair).get(reverse("governance:meeting-attendance", args=[meeting.pk]))
    assert response.status_code == 302
    assert not MeetingAttendance.objects.exists()


# ---------------------------------------------------------------------------- the agenda


def test_chair_builds_reorders_and_trims_the_agenda(chair, member, housing, client_for):
    meeting = MeetingFactory(chair=chair)
    first, second, third = (
        ProposalFactory(business_unit=housing, complete=True, status=ProposalStatus.IN_ASSESSMENT)
        for _ in range(3)
    )
    client = client_for(chair)
    for proposal in (first, second, third):
        response = client.post(
            reverse("projects:agenda-add", args=[meeting.pk]), {"proposal": proposal.pk}
        )
        assert response.status_code == 302

    def order():
        return list(
            AgendaItem.objects.filter(meeting=meeting)
            .order_by("position")
            .values_list("proposal_id", flat=True)
        )

    assert order() == [first.pk, second.pk, third.pk]
    third_item = AgendaItem.objects.get(proposal=third)
    client.post(reverse("projects:agenda-up", args=[third_item.pk]))
    assert order() == [first.pk, third.pk, second.pk]
    client.post(reverse("projects:agenda-remove", args=[AgendaItem.objects.get(proposal=first).pk]))
    assert order() == [third.pk, second.pk]

    page = client.get(meeting.get_absolute_url()).content.decode()
    assert page.index(third.title) < page.index(second.title)


def test_a_proposal_not_in_assessment_cannot_be_added_to_the_agenda(chair, housing, client_for):
    meeting = MeetingFactory(chair=chair)
    draft = ProposalFactory(business_unit=housing)
    response = client_for(chair).post(
        reverse("projects:agenda-add", args=[meeting.pk]), {"proposal": draft.pk}
    )
    assert response.status_code == 200
    assert "proposal" in response.context["form"].errors
    assert not AgendaItem.objects.exists()


# ----------------------------------------------------------------------- scheduling


def test_chair_schedules_a_meeting_in_the_portal(chair, client_for):
    response = client_for(chair).post(
        reverse("governance:meeting-create"),
        {
            "title": "ICT Governance Group",
            "date_0": "14",
            "date_1": "1",
            "date_2": "2027",
            "time": "14:00",
            "location": "Town Hall",
            "quorum": "3",
            "chair": str(chair.pk),
        },
    )
    meeting = Meeting.objects.get()
    assert response["Location"] == meeting.get_absolute_url()
    assert timezone.localtime(meeting.starts_at).replace(tzinfo=None) == datetime.datetime(
        2027, 1, 14, 14, 0
    )
    assert meeting.history.get().history_user == chair


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"time": "25:00"}, "time"),
        ({"date_1": "13"}, "date"),
        ({"quorum": "0"}, "quorum"),
        ({"quorum": "-3"}, "quorum"),
        ({"chair": "999999"}, "chair"),
    ],
)
def test_bad_meeting_details_are_refused_at_the_field(chair, client_for, overrides, field):
    data = {
        "title": "ICT Governance Group",
        "date_0": "14",
        "date_1": "1",
        "date_2": "2027",
        "time": "14:00",
        "quorum": "3",
        **overrides,
    }
    response = client_for(chair).post(reverse("governance:meeting-create"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Meeting.objects.exists()


# ------------------------------------------------------------------------------- minutes


@pytest.fixture
def held_meeting(chair, member, head_of_ict, housing, terms_of_two):
    """A meeting held with everyone there, one proposal approved with conditions and
    one not reached, and a risk put on its agenda."""
    from projects import services as project_services

    meeting = MeetingFactory(
        chair=chair, quorum=2, starts_at=NOW() - datetime.timedelta(hours=2)
    )
    decided, undecided = (
        ProposalFactory(business_unit=housing, complete=True, status=ProposalStatus.IN_ASSESSMENT)
        for _ in range(2)
    )
    for proposal in (decided, undecided):
        project_services.agenda_add(meeting=meeting, proposal=proposal, user=chair)
    services.meeting_open(meeting=meeting, user=chair)
    services.attendance_record(
        meeting=meeting, user=chair, present=[chair, member], in_attendance=[head_of_ict]
    )
    project_services.proposal_decide(
        proposal=decided,
        user=chair,
        meeting=meeting,
        outcome="approved_with_conditions",
        rationale="Strong fit with theme 2.",
        conditions="Complete the DPIA before go-live.",
    )
    services.meeting_close(meeting=meeting, user=chair)
    meeting.decided, meeting.undecided = decided, undecided
    return meeting


def test_the_minutes_list_attendance_the_agenda_and_each_decision(held_meeting, chair, client_for):
    page = client_for(chair).get(
        reverse("governance:meeting-minutes", args=[held_meeting.pk])
    ).content.decode()
    assert "Not yet drafted: the record so far." in page
    assert "Download the minutes" not in page
    for text in (
        f"{chair.get_full_name()} (chair)",
        "Hannah Ives",
        "The meeting was quorate: 2 of the 2 voting members needed present.",
        f"1. {held_meeting.decided.reference} {held_meeting.decided.title}",
        "Decision: Approve with conditions.",
        "Reason: Strong fit with theme 2.",
        "Conditions: Complete the DPIA before go-live.",
        f"2. {held_meeting.undecided.reference}",
        "Not decided.",
    ):
        assert escape(text) in page, text  # generated names may hold an apostrophe


def test_approved_minutes_download_as_tagged_pdf_and_word_with_clear_names(
    held_meeting, chair, head_of_ict, member, client_for
):
    from docx import Document
    from pypdf import PdfReader

    services.minutes_draft(meeting=held_meeting, user=head_of_ict, notes="Next review in March.")
    services.minutes_approve(meeting=held_meeting, user=chair)
    client = client_for(member)
    day = timezone.localtime(held_meeting.starts_at).strftime("%Y-%m-%d")

    pdf = client.get(reverse("governance:meeting-minutes-pdf", args=[held_meeting.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == (
        f'attachment; filename="minutes-ict-governance-group-{day}-approved.pdf"'
    )
    reader = PdfReader(io.BytesIO(pdf.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged for screen readers
    word = client.get(reverse("governance:meeting-minutes-docx", args=[held_meeting.pk]))
    assert word["Content-Disposition"].endswith(f'{day}-approved.docx"')
    document_text = "\n".join(p.text for p in Document(io.BytesIO(word.content)).paragraphs)
    for contents in (" ".join(text.split()), document_text):
        assert f"Approved as a true record by {chair.get_full_name()}" in contents
        assert "Decision: Approve with conditions." in contents
        assert "Conditions: Complete the DPIA before go-live." in contents
        assert "Next review in March." in contents


def test_minutes_cannot_be_downloaded_before_they_are_drafted(held_meeting, chair, client_for):
    response = client_for(chair).get(
        reverse("governance:meeting-minutes-pdf", args=[held_meeting.pk]), follow=True
    )
    assert response.redirect_chain[-1][0] == held_meeting.get_absolute_url()
    assert "The minutes of this meeting have not been drafted yet." in response.content.decode()


def test_approved_minutes_are_fixed(held_meeting, chair, member, head_of_ict):
    from projects import services as project_services

    services.minutes_draft(meeting=held_meeting, user=head_of_ict, notes="Draft.")
    services.minutes_approve(meeting=held_meeting, user=chair)
    item = AgendaItem.objects.get(proposal=held_meeting.undecided)
    attempts = [
        lambda: services.minutes_draft(meeting=held_meeting, user=head_of_ict, notes="Changed."),
        lambda: services.attendance_record(meeting=held_meeting, user=chair, present=[chair]),
        lambda: services.meeting_save(user=chair, meeting=held_meeting, fields={"quorum": 9}),
        lambda: project_services.agenda_remove(item=item, user=chair),
        lambda: project_services.agenda_move(item=item, user=chair, up=True),
        lambda: project_services.proposal_decide(
            proposal=held_meeting.undecided, user=chair, meeting=held_meeting,
            outcome="rejected", rationale="Too late.",
        ),
    ]  # fmt: skip
    history = held_meeting.history.count()
    for attempt in attempts:
        with pytest.raises(WorkflowError):
            attempt()
    held_meeting.refresh_from_db()
    assert (held_meeting.notes, held_meeting.history.count()) == ("Draft.", history)
    assert AgendaItem.objects.filter(meeting=held_meeting).count() == 2
    assert held_meeting.decisions.count() == 1


def test_the_minutes_form_drafts_and_redrafts_until_approved(held_meeting, head_of_ict, client_for):
    client = client_for(head_of_ict)
    url = reverse("governance:meeting-minutes-draft", args=[held_meeting.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"notes": "First draft."})
    client.post(url, {"notes": "Second draft."})
    held_meeting.refresh_from_db()
    assert (held_meeting.status, held_meeting.notes) == (S.MINUTES_DRAFTED, "Second draft.")


# ------------------------------------------------------------------ terms of reference pages


def test_the_terms_of_reference_page_says_who_counts(member, chair, head_of_ict, client_for):
    page = client_for(member).get(reverse("governance:meeting-terms")).content.decode()
    assert "the portal's defaults apply" in page
    assert "Governance Group members present, the chair included." in page
    assert "Change the terms of reference" not in page

    client = client_for(head_of_ict)
    response = client.post(
        reverse("governance:meeting-terms-update"),
        {"minimum_quorum": "2", "chair_counts": "False", "head_of_ict_attends": "True",
         "remit": "Assures ICT spend."},
    )  # fmt: skip
    assert response.status_code == 302
    terms = TermsOfReference.objects.get()
    assert (terms.minimum_quorum, terms.chair_counts) == (2, False)
    page = client.get(reverse("governance:meeting-terms")).content.decode()
    assert "The chair does not count." in page and "Assures ICT spend." in page
    history = client.get(reverse("governance:meeting-terms-history")).content.decode()
    assert "Hannah Ives" in history
