"""The three scheduled reports every install has, each with its beat schedule. Created
where missing; the Head of ICT's changes are never overwritten."""

import json

from django.conf import settings
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from common.services import after_migrate as common_after_migrate

from .models import ReportKind, ScheduledReport

# minute, hour, day of month, month of year (local time)
DEFAULT_SCHEDULES = {
    ReportKind.GOVERNANCE_PACK: ("0", "7", "1", "*"),
    ReportKind.RISK_REPORT: ("0", "7", "1", "1,4,7,10"),
    ReportKind.ANNUAL_DRAFT: ("0", "7", "1", "4"),
    ReportKind.COMMITTEE_RISK: ("0", "7", "1", "1,4,7,10"),
}


@transaction.atomic
def schedules_ensure() -> None:
    for kind, (minute, hour, day, month) in DEFAULT_SCHEDULES.items():
        schedule, _ = ScheduledReport.objects.get_or_create(kind=kind)
        if schedule.periodic_task_id:
            continue
        cron, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_month=day, month_of_year=month,
            day_of_week="*", timezone=settings.TIME_ZONE,
        )  # fmt: skip
        schedule.periodic_task = PeriodicTask.objects.create(
            name=f"Scheduled report: {kind.label}",
            task="reports.tasks.run_scheduled_report",
            crontab=cron,
            args=json.dumps([schedule.pk]),
        )
        schedule.save(update_fields=["periodic_task"])


after_migrate = common_after_migrate(ScheduledReport, schedules_ensure)
