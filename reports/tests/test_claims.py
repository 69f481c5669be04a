"""A report's claim: the worker producing it holds the run while it shows progress; one
that dies mid-way leaves it to another once the claim lapses, and the run is produced
once however the attempts interleave (services.report_generate)."""

import datetime

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from common.models import OutboundEmail
from reports import generation, services
from reports.models import ReportRun, RunStatus

pytestmark = pytest.mark.django_db

KIND, PERIOD = "risk_report", "2026-Q3"


@pytest.fixture
def run(head_of_ict, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return services.report_request(kind=KIND, period=PERIOD, requested_by=head_of_ict)


def _files():
    _, files = default_storage.listdir(f"reports/{KIND}")
    return files


def _running(run, *, claimed_until, worker="worker-a@node1"):
    ReportRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, attempts=1, worker=worker, claimed_until=claimed_until
    )


def test_a_run_a_live_worker_holds_is_not_produced_again(run):
    _running(run, claimed_until=timezone.now() + datetime.timedelta(minutes=5))
    assert services.report_generate(run_id=run.pk, worker="worker-b@node2") is False
    assert services.reports_generate_pending(worker="worker-b@node2") == 0
    run.refresh_from_db()
    assert (run.status, run.attempts, run.worker) == (RunStatus.RUNNING, 1, "worker-a@node1")


def test_a_run_whose_worker_died_is_taken_over_and_produced_once(run, head_of_ict):
    _running(run, claimed_until=timezone.now() - datetime.timedelta(seconds=1))
    assert services.report_generate(run_id=run.pk, worker="worker-b@node2") is True
    assert services.report_generate(run_id=run.pk, worker="worker-c@node3") is False
    run.refresh_from_db()
    assert (run.status, run.attempts, run.worker) == (RunStatus.DONE, 2, "worker-b@node2")
    assert run.claimed_until is None
    assert _files() == [run.filename]
    assert OutboundEmail.objects.filter(recipient=head_of_ict.email).count() == 1


def test_the_sweep_takes_over_a_lapsed_claim_and_a_run_left_by_older_code(run, head_of_ict):
    _running(run, claimed_until=timezone.now() - datetime.timedelta(seconds=1))
    older = services.report_request(kind="governance_pack", period="2026-11")
    # Marked running by code that kept no claim, long enough ago to be abandoned.
    ReportRun.objects.filter(pk=older.pk).update(
        status=RunStatus.RUNNING,
        claimed_until=None,
        created_at=timezone.now() - services.STALE_RUNNING - datetime.timedelta(minutes=1),
    )
    assert services.reports_generate_pending(worker="beat-sweep@node2") == 2
    assert set(ReportRun.objects.values_list("status", flat=True)) == {RunStatus.DONE}


def test_each_step_of_progress_renews_the_claim(run, monkeypatch, settings):
    seen = []
    real_build = generation.build

    def build(kind, period, progress):
        def watched(percent, stage):
            progress(percent, stage)
            seen.append(ReportRun.objects.get(pk=run.pk).claimed_until)

        return real_build(kind, period, progress=watched)

    monkeypatch.setattr(generation, "build", build)
    started = timezone.now()
    assert services.report_generate(run_id=run.pk, worker="worker-a@node1") is True
    assert seen and all(
        claim >= started + datetime.timedelta(seconds=settings.REPORT_CLAIM_SECONDS)
        for claim in seen
    )
    assert seen == sorted(seen)


def test_an_attempt_overtaken_while_still_running_discards_its_file(run, monkeypatch):
    """Worker A is slow: its claim lapses mid-way and worker B takes the run over and
    finishes first. A's work is then thrown away, not saved as a second file."""
    real_build = generation.build

    def slow_build(kind, period, progress):
        content = real_build(kind, period, progress=progress)
        ReportRun.objects.filter(pk=run.pk).update(
            claimed_until=timezone.now() - datetime.timedelta(seconds=1)
        )
        monkeypatch.setattr(generation, "build", real_build)  # B works at normal speed
        assert services.report_generate(run_id=run.pk, worker="worker-b@node2") is True
        return content

    monkeypatch.setattr(generation, "build", slow_build)
    assert services.report_generate(run_id=run.pk, worker="worker-a@node1") is False
    run.refresh_from_db()
    assert (run.status, run.attempts, run.worker) == (RunStatus.DONE, 2, "worker-b@node2")
    assert _files() == [run.filename]
    assert run.history.filter(status=RunStatus.DONE).count() == 1
