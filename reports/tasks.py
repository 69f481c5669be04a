"""Thin Celery tasks: they take ids and call a service."""

from celery import shared_task

from .services import (
    committee_report_generate,
    report_generate,
    reports_generate_pending,
    scheduled_report_run,
)


@shared_task(
    bind=True, autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=15 * 60, max_retries=3
)
def generate_report(self, run_id: int) -> bool:
    return report_generate(run_id=run_id, worker=self.request.hostname or "")


@shared_task
def run_scheduled_report(schedule_id: int) -> int | None:
    run = scheduled_report_run(schedule_id=schedule_id)
    return run.pk if run else None


@shared_task(bind=True)
def generate_pending_reports(self) -> int:
    return reports_generate_pending(worker=self.request.hostname or "")


@shared_task(
    bind=True, autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=15 * 60, max_retries=3
)
def generate_committee_report(self, report_id: int) -> bool:
    return committee_report_generate(report_id=report_id)
