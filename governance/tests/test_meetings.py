import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.models import Meeting, MeetingAttendance
from projects.choices import ProposalStatus
from projects.models import AgendaItem
from projects.tests.factories import MeetingFactory, ProposalFactory


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
            "notes": "",
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


def test_attendance_records_each_member_present_or_absent_and_minutes_show_it(
    chair, member, client_for
):
    meeting = MeetingFactory(chair=chair, quorum=2)
    client = client_for(chair)
    client.post(
        reverse("governance:meeting-attendance", args=[meeting.pk]), {"present": [chair.pk]}
    )
    assert set(MeetingAttendance.objects.values_list("person_id", "attended")) == {
        (chair.pk, True),
        (member.pk, False),
    }
    minutes = client.get(reverse("governance:meeting-minutes", args=[meeting.pk])).content.decode()
    assert "was not quorate (1 present, 2 needed)" in minutes
