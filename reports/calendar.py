"""Scheduled reports' next runs in people's calendar feeds (common.calendar), for
those who may read the report archive, where the schedules are listed."""

import datetime

from django.urls import reverse
from django.utils import timezone

from common.calendar import CalendarEvent, Window, register_source

from . import policies, selectors

RUNS_SHOWN = 3  # per schedule: the next few are enough to plan by
RUN_LENGTH = datetime.timedelta(minutes=15)  # a marker in the day, not time blocked


def next_runs(cron, *, after: datetime.datetime, until: datetime.datetime, limit: int):
    """The next `limit` times after `after` (and before `until`) at which a
    django-celery-beat crontab fires, in its own time zone. Celery's crontab expands
    each field into the set of values it fires at; a day must match the month, the day
    of the month and the day of the week (Celery's 0 is Sunday), as beat reads them."""
    schedule, zone = cron.schedule, cron.timezone
    day, last = after.astimezone(zone).date(), until.astimezone(zone).date()
    runs = []
    while day <= last:
        if (
            day.month in schedule.month_of_year
            and day.day in schedule.day_of_month
            and day.isoweekday() % 7 in schedule.day_of_week
        ):
            for hour in sorted(schedule.hour):
                for minute in sorted(schedule.minute):
                    at = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zone)
                    if after < at < until:
                        runs.append(at)
                        if len(runs) == limit:
                            return runs
        day += datetime.timedelta(days=1)
    return runs


def scheduled_runs(user, window: Window) -> list[CalendarEvent]:
    if not policies.may_read_reports(user):
        return []
    now = timezone.now()
    archive = reverse("reports:archive")
    events = []
    for schedule in selectors.schedules_on():
        cron = schedule.periodic_task.crontab
        for at in next_runs(cron, after=now, until=window.ends_at, limit=RUNS_SHOWN):
            recipients = len(schedule.recipient_list())
            events.append(
                CalendarEvent(
                    uid=f"report-{schedule.pk}-{at.astimezone(datetime.UTC):%Y%m%dT%H%MZ}",
                    summary=f"Scheduled report: {schedule}",
                    start=at,
                    end=at + RUN_LENGTH,
                    description=(
                        f"The portal produces the {schedule.get_kind_display().lower()} and "
                        f"e-mails it to {recipients} recipient{'s' if recipients != 1 else ''}; "
                        "it is also kept in the report archive."
                    ),
                    url=archive,
                )
            )
    return events


def register():
    register_source(scheduled_runs)
