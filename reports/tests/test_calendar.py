"""Scheduled reports in calendar feeds (reports.calendar): the next runs as beat
fires them, in UK time, and only schedules that are on."""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from django_celery_beat.models import CrontabSchedule

from common.calendar import Window
from reports import services
from reports.calendar import next_runs, scheduled_runs
from reports.models import ReportKind, ScheduledReport

LONDON = ZoneInfo("Europe/London")


def _cron(minute="0", hour="7", day_of_month="1", month_of_year="*", day_of_week="*"):
    return CrontabSchedule(
        minute=minute,
        hour=hour,
        day_of_month=day_of_month,
        month_of_year=month_of_year,
        day_of_week=day_of_week,
        timezone="Europe/London",
    )


def test_the_next_runs_are_in_uk_time_through_the_change_to_summer_time():
    after = datetime.datetime(2026, 12, 6, 12, tzinfo=datetime.UTC)
    runs = next_runs(
        _cron(month_of_year="1,4,7,10"),
        after=after,
        until=after + datetime.timedelta(days=548),
        limit=3,
    )
    assert runs == [
        datetime.datetime(2027, 1, 1, 7, tzinfo=LONDON),
        datetime.datetime(2027, 4, 1, 7, tzinfo=LONDON),
        datetime.datetime(2027, 7, 1, 7, tzinfo=LONDON),
    ]
    assert runs[1].astimezone(datetime.UTC).hour == 6  # 7am British Summer Time


def test_a_run_later_today_counts_and_one_earlier_does_not():
    after = datetime.datetime(2027, 3, 1, 6, 59, tzinfo=LONDON)
    until = after + datetime.timedelta(days=40)
    runs = next_runs(_cron(hour="7,18"), after=after, until=until, limit=3)
    assert runs == [
        datetime.datetime(2027, 3, 1, 7, tzinfo=LONDON),
        datetime.datetime(2027, 3, 1, 18, tzinfo=LONDON),
        datetime.datetime(2027, 4, 1, 7, tzinfo=LONDON),
    ]


def test_a_day_must_match_the_day_of_the_week_too_as_beat_reads_it():
    # The 1st of a month that is a Monday (Celery's 1): February and March 2027.
    after = datetime.datetime(2027, 1, 1, tzinfo=LONDON)
    runs = next_runs(
        _cron(day_of_week="1"),
        after=after,
        until=after + datetime.timedelta(days=365),
        limit=2,
    )
    assert runs == [
        datetime.datetime(2027, 2, 1, 7, tzinfo=LONDON),
        datetime.datetime(2027, 3, 1, 7, tzinfo=LONDON),
    ]


def test_no_runs_beyond_the_window():
    after = datetime.datetime(2027, 1, 2, tzinfo=LONDON)
    runs = next_runs(
        _cron(month_of_year="1"), after=after, until=after + datetime.timedelta(days=300), limit=3
    )
    assert runs == []


def test_a_schedule_switched_off_is_not_in_the_feed(head_of_ict):
    window = Window.around(timezone.localdate())
    pack = ScheduledReport.objects.get(kind=ReportKind.GOVERNANCE_PACK)
    assert any("Governance Group pack" in e.summary for e in scheduled_runs(head_of_ict, window))

    cron = pack.periodic_task.crontab
    services.schedule_update(
        user=head_of_ict,
        schedule=pack,
        fields={"is_active": False},
        crontab={
            "minute": cron.minute,
            "hour": cron.hour,
            "day_of_month": cron.day_of_month,
            "month_of_year": cron.month_of_year,
        },
    )

    assert not any(
        "Governance Group pack" in e.summary for e in scheduled_runs(head_of_ict, window)
    )
