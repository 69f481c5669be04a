"""Governance Group meetings in people's calendar feeds (common.calendar), for those
who may read the meetings page."""

import datetime

from common.calendar import CalendarEvent, Status, Window, register_source

from . import policies, selectors
from .choices import MeetingStatus

# A meeting has a start time but no end in the portal; a calendar needs one. Two hours
# is what the Group's meetings take.
MEETING_LENGTH = datetime.timedelta(hours=2)


def meetings(user, window: Window) -> list[CalendarEvent]:
    if not policies.may_read_meetings(user):
        return []
    events = []
    for meeting in selectors.meetings_between(window.starts_at, window.ends_at):
        cancelled = meeting.status == MeetingStatus.CANCELLED
        details = [f"Status: {meeting.get_status_display()}."]
        if meeting.chair:
            details.append(f"Chair: {meeting.chair.get_full_name() or meeting.chair}.")
        events.append(
            CalendarEvent(
                uid=f"meeting-{meeting.pk}",
                summary=f"{'Cancelled meeting' if cancelled else 'Meeting'}: {meeting.title}",
                start=meeting.starts_at,
                end=meeting.starts_at + MEETING_LENGTH,
                location=meeting.location,
                description=" ".join(details),
                url=meeting.get_absolute_url(),
                status=Status.CANCELLED if cancelled else Status.CONFIRMED,
                busy=not cancelled,
            )
        )
    return events


def register():
    register_source(meetings)
