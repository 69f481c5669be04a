"""A large import runs in a real Celery worker (on Redis in CI): checked and imported
in the background with its progress on the run's page, and imported once however often
the task runs."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.urls import reverse

from common.imports import IN_BACKGROUND_OVER_ROWS
from common.models import ImportRun
from common.tasks import apply_import
from common.testing import upload_import, xlsx_file
from ictstrategy.celery import app as celery_app
from risks.models import Risk
from risks.tests.test_imports import HEADINGS, _row

ROWS = IN_BACKGROUND_OVER_ROWS + 20


def _watch(client, run, until: set[str], seconds=180) -> list[int]:
    """Poll the run's status as its page's script does; the progress values seen."""
    seen, deadline = [], time.monotonic() + seconds
    url = reverse("import-run-status", args=[run.pk])
    while time.monotonic() < deadline:
        answer = client.get(url).json()
        seen.append((answer["status"], answer["progress"]))
        if answer["status"] in until:
            return seen
        time.sleep(0.05)
    raise AssertionError(f"The run did not finish: {seen[-5:]}")


@pytest.mark.django_db(transaction=True)
def test_a_large_file_is_checked_and_imported_once_by_a_real_worker_with_progress(
    head_of_ict, strategy, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(head_of_ict)
    content = xlsx_file({"Risk register": [HEADINGS] + [
        _row(Title=f"Risk number {n}") for n in range(ROWS)
    ]})  # fmt: skip
    celery_app.control.purge()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=60):
        run = upload_import(client, "risks", "big register.xlsx", content)
        assert run.rows == ROWS and run.status in ("to_check", "checking")
        checking = _watch(client, run, {"checked", "failed"})
        run.refresh_from_db()
        assert run.status == "checked" and run.result["create"] == ROWS, run.error
        assert not Risk.objects.exists()

        assert client.post(reverse("import-confirm", args=[run.pk])).status_code == 302
        # The task asked for again (a retry, a second worker) imports nothing more.
        apply_import.delay(run.pk)
        importing = _watch(client, run, {"done", "failed"})
        apply_import.delay(run.pk).get(timeout=60)
    run.refresh_from_db()
    assert run.status == "done" and run.result["create"] == ROWS
    assert Risk.objects.count() == ROWS
    assert Risk.history.filter(history_type="+").count() == ROWS
    # The page showed progress on the way, not only the start and the end.
    middle = [p for status, p in checking + importing if status in ("checking", "importing")]
    assert any(0 < p < 100 for p in middle), checking + importing
    page = client.get(run.get_absolute_url()).content.decode()
    assert f"{ROWS} added" in page
    assert ImportRun.objects.count() == 1
