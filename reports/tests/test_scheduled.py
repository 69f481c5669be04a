"""Scheduled reports: the period each run covers, one archive entry per period however
often a schedule fires, and requests made while the worker is down produced when it
returns. The last two run a real Celery worker (on Redis in CI)."""

import datetime
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.urls import reverse

from common.models import OutboundEmail
from common.testing import wait_for
from ictstrategy.celery import app as celery_app
from reports import selectors, services
from reports.generation import build, period_for
from reports.models import ReportRun, ScheduledReport
from reports.tasks import run_scheduled_report


@pytest.mark.parametrize(
    ("kind", "day", "period"),
    [
        ("governance_pack", datetime.date(2026, 11, 1), "2026-11"),
        ("risk_report", datetime.date(2026, 4, 1), "2026-Q1"),
        ("risk_report", datetime.date(2026, 10, 1), "2026-Q3"),
        ("risk_report", datetime.date(2027, 1, 1), "2026-Q4"),
        ("annual_draft", datetime.date(2027, 4, 1), "2026"),
    ],
)
def test_the_period_a_run_covers_by_hand(kind, day, period):
    assert period_for(kind, day) == period


def test_requesting_and_producing_twice_gives_one_report(db, head_of_ict, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    first = services.report_request(kind="risk_report", period="2026-Q3", requested_by=head_of_ict)
    second = services.report_request(kind="risk_report", period="2026-Q3")
    assert first == second and ReportRun.objects.count() == 1
    assert services.report_generate(run_id=first.pk) is True
    assert services.report_generate(run_id=first.pk) is False
    first.refresh_from_db()
    assert (first.status, first.filename) == ("done", "risk-report-2026-Q3.xlsx")
    assert len(first.sha256) == 64
    assert OutboundEmail.objects.filter(recipient=head_of_ict.email).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_schedule_run_twice_by_a_real_worker_leaves_one_archive_entry(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    schedule = ScheduledReport.objects.get(kind="governance_pack")
    schedule.recipients = "ict-governance@example.org"
    schedule.save()
    celery_app.control.purge()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=60):
        run_scheduled_report.delay(schedule.pk).get(timeout=60)
        run_scheduled_report.delay(schedule.pk).get(timeout=60)
        assert wait_for(lambda: ReportRun.objects.filter(status="done").exists(), 60)
    run = ReportRun.objects.get()
    assert run.schedule == schedule and run.filename.endswith(".pdf")
    assert run.file.read().startswith(b"%PDF-")
    assert OutboundEmail.objects.filter(recipient="ict-governance@example.org").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_request_made_while_the_worker_is_stopped_is_produced_when_it_starts(
    settings, tmp_path, head_of_ict, client_for
):
    settings.MEDIA_ROOT = tmp_path
    celery_app.control.purge()
    response = client_for(head_of_ict).post(reverse("reports:request"), {"kind": "risk_report"})
    assert response.status_code == 302
    run = ReportRun.objects.get()
    time.sleep(1)
    run.refresh_from_db()
    assert run.status == "pending"  # no worker yet: recorded, waiting
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=60):
        assert wait_for(lambda: ReportRun.objects.get().status == "done", 60)
    assert ReportRun.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"hour": "25"}, "hour"),
        ({"minute": "every"}, "minute"),
        ({"month_of_year": "13"}, "month_of_year"),
        ({"minute": "*/0"}, "minute"),  # Celery cannot run a step of 0
        ({"day_of_month": "0"}, "day_of_month"),
        ({"recipients": "head@example.org\nnot an address"}, "recipients"),
    ],
)
def test_bad_schedules_are_refused_at_the_field(overrides, field, head_of_ict, client_for):
    schedule = ScheduledReport.objects.get(kind="risk_report")
    data = {"is_active": "on", "minute": "0", "hour": "7", "day_of_month": "1",
            "month_of_year": "1,4,7,10", "recipients": "", **overrides}  # fmt: skip
    response = client_for(head_of_ict).post(
        reverse("reports:schedule-update", args=[schedule.pk]), data
    )
    assert field in response.context["form"].errors
    schedule.periodic_task.refresh_from_db()
    assert schedule.periodic_task.crontab.hour == "7"


def test_head_of_ict_changes_a_schedule(head_of_ict, client_for):
    schedule = ScheduledReport.objects.get(kind="governance_pack")
    client_for(head_of_ict).post(
        reverse("reports:schedule-update", args=[schedule.pk]),
        {"minute": "30", "hour": "6", "day_of_month": "2", "month_of_year": "*",
         "recipients": "pack@example.org"},
    )  # fmt: skip
    schedule.refresh_from_db()
    cron = schedule.periodic_task.crontab
    assert (cron.minute, cron.hour, cron.day_of_month) == ("30", "6", "2")
    assert schedule.is_active is False and schedule.periodic_task.enabled is False
    assert schedule.recipient_list() == ["pack@example.org"]


def test_a_run_reports_its_progress_while_it_is_produced(
    db, head_of_ict, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    run = services.report_request(kind="annual_draft", period="2025", requested_by=head_of_ict)
    client = client_for(head_of_ict)
    page = client.get(run.get_absolute_url()).content.decode()
    assert "<progress" in page and 'for="report-progress"' in page
    assert client.get(reverse("reports:run-status", args=[run.pk])).json() == {
        "status": "pending", "status_label": "Waiting", "progress": 0, "stage": "",
    }  # fmt: skip
    reported = []
    build("annual_draft", "2025", progress=lambda percent, stage: reported.append(percent))
    assert reported == sorted(reported) and 0 < reported[0] < 100

    services.report_generate(run_id=run.pk)
    status = client.get(reverse("reports:run-status", args=[run.pk])).json()
    assert (status["status"], status["progress"], status["stage"]) == ("done", 100, "Ready")
    assert run.history.count() >= 1


def test_a_run_whose_file_is_gone_is_not_found_not_an_error(
    db, head_of_ict, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    run = services.report_request(kind="risk_report", period="2026-Q2", requested_by=head_of_ict)
    services.report_generate(run_id=run.pk)
    run.refresh_from_db()
    run.file.storage.delete(run.file.name)
    response = client_for(head_of_ict).get(reverse("reports:run-download", args=[run.pk]))
    assert response.status_code == 404


def test_a_finished_run_recorded_without_a_file_is_not_found_not_an_error(
    db, head_of_ict, client_for
):
    run = ReportRun.objects.create(kind="risk_report", period="2026-Q3", status="done")
    response = client_for(head_of_ict).get(reverse("reports:run-download", args=[run.pk]))
    assert response.status_code == 404


def test_the_archive_lists_each_schedule_as_its_model_reads(head_of_ict, client_for):
    """The archive reads its schedules as values (selectors.schedules_listed): they
    read as the schedules themselves do, a schedule without a crontab included."""
    pack = ScheduledReport.objects.get(kind="governance_pack")
    pack.recipients = "pack@example.org\n\n  board&co@example.org \n"
    pack.save()
    unscheduled = ScheduledReport.objects.get(kind="annual_draft")
    unscheduled.periodic_task = None
    unscheduled.save()
    expected = []
    for schedule in ScheduledReport.objects.select_related("periodic_task__crontab"):
        cron = schedule.periodic_task.crontab if schedule.periodic_task else None
        when = [cron.minute, cron.hour, cron.day_of_month, cron.month_of_year] if cron else []
        expected.append(
            (str(schedule), " ".join(when) if cron else "   ", ", ".join(schedule.recipient_list()))
        )
    listed = [(row.name, row.when, row.recipients) for row in selectors.schedules_listed()]
    assert listed == expected
    assert (
        "Monthly Governance Group pack",
        "0 7 1 *",
        "pack@example.org, board&co@example.org",
    ) in listed
    page = client_for(head_of_ict).get(reverse("reports:archive")).content.decode()
    assert "pack@example.org, board&amp;co@example.org" in page
