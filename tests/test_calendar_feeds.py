"""Calendar feeds (common.calendar) as Outlook and Google read them: each person's
meetings, risk reviews and actions, and scheduled reports, only as far as their roles
let them see them in the portal; a key that does not work is not found."""

import datetime

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from common.choices import AccessTokenKind
from common.roles import Role
from common.tokens import token_create, token_revoke
from governance.choices import MeetingStatus
from governance.tests.factories import UserFactory
from projects.tests.factories import MeetingFactory
from risks.models import RiskAction
from risks.tests.factories import RiskFactory

CANARY_RISK = "Canary risk osprey"
CANARY_ACTION = "Canary action godwit"


@pytest.fixture(autouse=True)
def _portal_address(settings):
    settings.PORTAL_BASE_URL = "https://ict.example.gov.uk"


def _feed_url(user) -> str:
    _, key = token_create(user=user, name="Calendar feed", kind=AccessTokenKind.CALENDAR)
    return reverse("calendar-feed", args=[key])


def _events(client, url) -> list:
    response = client.get(url)
    assert response.status_code == 200
    return icalendar.Calendar.from_ical(response.content).walk("VEVENT")


def _summaries(client, url) -> list[str]:
    return [str(event["SUMMARY"]) for event in _events(client, url)]


def _next_week_at_ten():
    day = timezone.localdate() + datetime.timedelta(days=7)
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=timezone.get_default_timezone())


def test_the_feed_is_a_calendar_with_the_next_meeting(member, chair, client):
    meeting = MeetingFactory(
        title="ICT Governance Group", starts_at=_next_week_at_ten(), chair=chair
    )
    url = _feed_url(member)

    response = client.get(url)

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    feed = icalendar.Calendar.from_ical(response.content)
    (event,) = [e for e in feed.walk("VEVENT") if str(e["SUMMARY"]).startswith("Meeting")]
    assert str(event["SUMMARY"]) == "Meeting: ICT Governance Group"
    assert event.decoded("DTSTART") == meeting.starts_at
    assert event.decoded("DTSTART").utcoffset() == datetime.timedelta(0)  # written in UTC
    assert event.decoded("DTEND") > event.decoded("DTSTART")
    assert str(event["UID"]) == f"meeting-{meeting.pk}@ict.example.gov.uk"
    assert str(event["LOCATION"]) == meeting.location
    assert str(event["URL"]) == f"https://ict.example.gov.uk{meeting.get_absolute_url()}"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "DTSTAMP" in event


def test_a_cancelled_meeting_is_marked_cancelled(member, client):
    meeting = MeetingFactory(starts_at=_next_week_at_ten(), status=MeetingStatus.CANCELLED)
    (event,) = [
        e for e in _events(client, _feed_url(member)) if str(e["UID"]).startswith("meeting-")
    ]
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["SUMMARY"]) == f"Cancelled meeting: {meeting.title}"


def test_meetings_outside_the_window_are_left_out(member, client):
    MeetingFactory(starts_at=timezone.now() - datetime.timedelta(days=200))
    MeetingFactory(starts_at=timezone.now() + datetime.timedelta(days=800))
    assert not [s for s in _summaries(client, _feed_url(member)) if "Meeting" in s]


def test_someone_who_may_not_read_meetings_gets_none(officer, administrator, client):
    MeetingFactory(starts_at=_next_week_at_ten())
    for person in (officer, administrator):
        assert not [s for s in _summaries(client, _feed_url(person)) if "Meeting" in s]


def test_a_revoked_or_replaced_feed_is_not_found(member, client):
    token, key = token_create(user=member, name="Calendar feed", kind=AccessTokenKind.CALENDAR)
    url = reverse("calendar-feed", args=[key])
    assert client.get(url).status_code == 200

    token_revoke(user=member, token=token)
    assert client.get(url).status_code == 404

    replaced = _feed_url(member)
    _feed_url(member)
    assert client.get(replaced).status_code == 404


def test_a_deactivated_persons_feed_is_not_found(member, client):
    url = _feed_url(member)
    member.is_active = False
    member.save()
    assert client.get(url).status_code == 404


def test_an_api_key_does_not_open_a_feed(member, client):
    _, key = token_create(user=member, name="Power BI", kind=AccessTokenKind.API)
    assert client.get(reverse("calendar-feed", args=[key])).status_code == 404


def test_risk_reviews_and_actions_due_appear_as_all_day_entries_for_their_owners(officer, client):
    review_day = timezone.localdate() + datetime.timedelta(days=10)
    risk = RiskFactory(owner=officer, title="Supplier fails", next_review_date=review_day)
    action = RiskAction.objects.create(
        risk=risk,
        description="Agree exit clauses",
        owner=officer,
        due_date=review_day + datetime.timedelta(days=5),
    )

    events = {str(e["UID"]).split("@")[0]: e for e in _events(client, _feed_url(officer))}

    review = events[f"risk-review-{risk.pk}"]
    assert str(review["SUMMARY"]) == f"Risk review due: {risk.reference} Supplier fails"
    assert review.decoded("DTSTART") == review_day
    assert review.decoded("DTEND") == review_day + datetime.timedelta(days=1)
    assert str(review["TRANSP"]) == "TRANSPARENT"
    due = events[f"risk-action-{action.pk}"]
    assert str(due["SUMMARY"]) == f"Risk action due: {risk.reference} Agree exit clauses"
    assert due.decoded("DTSTART") == action.due_date


def test_a_risk_the_person_may_not_see_never_appears(member, client):
    """Another owner's risk is no concern of the member's feed; and an owner of the
    risk or of its action who may not read the register (administrators) never gets
    its title."""
    owner, action_owner = (UserFactory(roles=[Role.ADMINISTRATOR]) for _ in range(2))
    risk = RiskFactory(
        owner=owner,
        title=CANARY_RISK,
        next_review_date=timezone.localdate() + datetime.timedelta(days=3),
    )
    RiskAction.objects.create(
        risk=risk,
        description=CANARY_ACTION,
        owner=action_owner,
        due_date=timezone.localdate() + datetime.timedelta(days=4),
    )
    for person in (member, owner, action_owner):
        text = client.get(_feed_url(person)).content.decode()
        assert CANARY_RISK not in text and CANARY_ACTION not in text


def test_a_risk_owner_who_reads_the_register_sees_the_canary(member, client):
    """The counterpart of the test above, so that it could fail: the same canary, and
    an action on it, show to their owners when they may read the register."""
    action_owner = UserFactory(roles=[Role.OFFICER])
    risk = RiskFactory(
        owner=member,
        title=CANARY_RISK,
        next_review_date=timezone.localdate() + datetime.timedelta(days=3),
    )
    RiskAction.objects.create(
        risk=risk,
        description=CANARY_ACTION,
        owner=action_owner,
        due_date=timezone.localdate() + datetime.timedelta(days=4),
    )
    assert CANARY_RISK in client.get(_feed_url(member)).content.decode()
    assert CANARY_ACTION in client.get(_feed_url(action_owner)).content.decode()


def test_closed_actions_and_closed_risks_are_left_out(officer, client):
    day = timezone.localdate() + datetime.timedelta(days=3)
    risk = RiskFactory(owner=officer, next_review_date=day)
    RiskAction.objects.create(
        risk=risk, description="Done already", owner=officer, due_date=day, status="completed"
    )
    assert not [s for s in _summaries(client, _feed_url(officer)) if "Done already" in s]


def test_report_schedules_appear_for_those_who_may_see_them(head_of_ict, officer, client):
    head = _summaries(client, _feed_url(head_of_ict))
    packs = [s for s in head if s == "Scheduled report: Monthly Governance Group pack"]
    assert len(packs) == 3  # the next three runs
    assert "Scheduled report: Quarterly risk report" in head
    assert not [s for s in _summaries(client, _feed_url(officer)) if "Scheduled report" in s]


def test_the_feeds_queries_do_not_grow_with_its_entries(head_of_ict, client):
    def queries() -> int:
        url = _feed_url(head_of_ict)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def add_some():
        for days in range(1, 6):
            day = timezone.localdate() + datetime.timedelta(days=days)
            MeetingFactory(starts_at=_next_week_at_ten() + datetime.timedelta(days=days))
            risk = RiskFactory(owner=head_of_ict, next_review_date=day)
            RiskAction.objects.create(
                risk=risk, description="Act", owner=UserFactory(), due_date=day
            )

    add_some()
    few = queries()
    add_some()
    add_some()
    assert queries() == few
    # The data version (every request), the key with its user, noting it was used, the
    # roles, then one query per source's table: meetings; risks and actions; schedules.
    assert few == 8
