"""Calendar feeds: an iCalendar file of the dates that concern one person, which
Outlook or Google Calendar fetch from a private URL (`/calendar/<key>.ics`, the key a
calendar token of common.tokens).

Common knows none of the dates itself. Each app registers a source in its
AppConfig.ready() (governance its meetings, risks its reviews and actions, reports its
schedules), as they register page sections (common.slots), so dependencies still run
one way. A source is `source(user, window) -> Iterable[CalendarEvent]` and answers
only with what that person's roles and the app's policies let them see in the portal.
Each reads the dates inside the window with a fixed number of queries, so a feed costs
the same however many rows the portal holds.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone

# From a quarter ago (recent meetings stay in view) to eighteen months ahead (the
# next financial year's meetings and reviews).
DAYS_BEFORE = 90
DAYS_AFTER = 548


class Status:
    CONFIRMED = "CONFIRMED"
    CANCELLED = "CANCELLED"


@dataclass(frozen=True)
class CalendarEvent:
    """One entry of a feed. `start` is a date (an all-day entry, such as a review
    due) or an aware datetime; `end` defaults to the end of the day, or to the start
    for a time. `uid` is stable and unique within the portal ("meeting-12"), so a
    calendar updates an entry rather than adding another; `url` is the portal page's
    path. `busy` entries block time in the person's diary (a meeting); others are
    reminders (a review due, a report sent)."""

    uid: str
    summary: str
    start: datetime.date | datetime.datetime
    end: datetime.date | datetime.datetime | None = None
    location: str = ""
    description: str = ""
    url: str = ""
    status: str = Status.CONFIRMED
    busy: bool = False


@dataclass(frozen=True)
class Window:
    """The dates a feed covers, as local dates and as aware datetimes (for fields that
    hold times)."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def around(cls, today: datetime.date) -> "Window":
        return cls(
            today - datetime.timedelta(days=DAYS_BEFORE),
            today + datetime.timedelta(days=DAYS_AFTER),
        )

    @property
    def starts_at(self) -> datetime.datetime:
        return _local_midnight(self.start)

    @property
    def ends_at(self) -> datetime.datetime:
        return _local_midnight(self.end + datetime.timedelta(days=1))


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=timezone.get_default_timezone())


Source = Callable[..., Iterable[CalendarEvent]]
_sources: list[Source] = []


def register_source(source: Source) -> None:
    if source not in _sources:
        _sources.append(source)


def events_for(user, *, today: datetime.date | None = None) -> list[CalendarEvent]:
    """Every registered source's events for `user` within the window, by start."""
    window = Window.around(today or timezone.localdate())
    events = [event for source in _sources for event in source(user, window)]
    return sorted(events, key=lambda e: (_as_utc(e.start), e.uid))


def _as_utc(when: datetime.date | datetime.datetime) -> datetime.datetime:
    if isinstance(when, datetime.datetime):
        return when.astimezone(datetime.UTC)
    return _local_midnight(when).astimezone(datetime.UTC)


def _ical_value(when: datetime.date | datetime.datetime):
    """Dates stay dates (VALUE=DATE, all-day); times are written in UTC, which every
    calendar reads without a VTIMEZONE block and shows in the reader's own time."""
    if isinstance(when, datetime.datetime):
        return when.astimezone(datetime.UTC)
    return when


def _end(event: CalendarEvent):
    if event.end is not None:
        return event.end
    if isinstance(event.start, datetime.datetime):
        return event.start
    return event.start + datetime.timedelta(days=1)


def calendar_for(user, *, now: datetime.datetime | None = None) -> bytes:
    """The person's feed as an iCalendar file."""
    now = now or timezone.now()
    host = urlsplit(settings.PORTAL_BASE_URL).hostname or "ict-strategy-portal"
    name = f"{settings.COUNCIL_NAME} ICT Strategy Portal"
    feed = icalendar.Calendar()
    feed.add("prodid", f"-//{settings.COUNCIL_NAME}//ICT Strategy Portal//EN")
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    feed.add("x-wr-calname", name)
    # How often calendars should fetch it again; Outlook and Google decide for
    # themselves, but both read these as a hint.
    feed.add("refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    feed.add("x-published-ttl", "PT1H")
    for event in events_for(user, today=timezone.localdate(now)):
        entry = icalendar.Event()
        entry.add("uid", f"{event.uid}@{host}")
        entry.add("dtstamp", now.astimezone(datetime.UTC))
        entry.add("dtstart", _ical_value(event.start))
        entry.add("dtend", _ical_value(_end(event)))
        entry.add("summary", event.summary)
        if event.location:
            entry.add("location", event.location)
        if event.description:
            entry.add("description", event.description)
        if event.url:
            entry.add("url", settings.PORTAL_BASE_URL + event.url)
        entry.add("status", event.status)
        entry.add("transp", "OPAQUE" if event.busy else "TRANSPARENT")
        feed.add_component(entry)
    return feed.to_ical()
