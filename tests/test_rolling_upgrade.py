"""Zero-downtime upgrades: the previous release's code keeps working against this
release's schema, as it must while a rolling upgrade has migrated the database but not
yet replaced every node (README, "Upgrading without downtime").

The previous release is the commit named in deploy/previous-release. Its code is taken
from this repository's history (so CI needs a full clone, not a shallow one), served by
gunicorn against the test database migrated by this release, and asked for the main
pages as two roles, and made to write a report run (a table this release added columns
to). The migrations added since it are linted for operations old code cannot run
against (django-migration-linter): dropped or renamed columns and tables, and columns
made NOT NULL without a default in the database."""

import io
import os
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django_migration_linter import MigrationLinter

from common.testing import Browser, database_url, free_port
from governance.choices import KPIValueStatus
from governance.models import KPIMeasurement, Strategy
from projects.models import Proposal
from reports.models import ReportRun

DEMO_PASSWORD = "demo-portal-2026"
RELEASE_FILE = Path(settings.BASE_DIR) / "deploy" / "previous-release"


def previous_release() -> str:
    return RELEASE_FILE.read_text().split()[0]


def _git(*args) -> bytes:
    answer = subprocess.run(  # noqa: S603 - fixed arguments
        ["git", *args],  # noqa: S607 - git from PATH
        cwd=settings.BASE_DIR,
        capture_output=True,
        check=False,
    )
    if answer.returncode != 0:
        pytest.fail(
            f"git {' '.join(args)} failed: {answer.stderr.decode()}. This test reads the "
            f"previous release ({previous_release()}) from the repository's history: run it "
            "in a full clone (git fetch --unshallow)."
        )
    return answer.stdout


@pytest.fixture(scope="module")
def previous_code(tmp_path_factory) -> Path:
    """The previous release's code in a folder, with this checkout's built assets."""
    folder = tmp_path_factory.mktemp("previous-release")
    archive = _git("archive", "--format=tar", previous_release())
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    (folder / "static" / "dist").symlink_to(Path(settings.BASE_DIR) / "static" / "dist")
    return folder


def _old(previous_code, *args, **popen):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ictstrategy.settings.test",
        "DATABASE_URL": database_url(),
        "DJANGO_CACHE_URL": "locmemcache://",
        "PYTHONPATH": str(previous_code),
    }
    return env, [sys.executable, *args]


@pytest.mark.django_db(transaction=True)
def test_the_previous_release_serves_the_main_pages_from_the_new_schema(
    previous_code, tmp_path, settings, client
):
    """Each main page answers as this release's code answers it (a page a role may not
    open is refused by both), for a Head of ICT and a business unit officer."""
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo_data", stdout=io.StringIO())
    pages = [
        reverse("home"),
        reverse("projects:proposal-list"),
        *(p.get_absolute_url() for p in Proposal.objects.order_by("pk")[:3]),
        reverse("projects:portfolio"),
        reverse("projects:project-list"),
        reverse("risks:risk-list"),
        reverse("risks:heat-map"),
        reverse("governance:kpi-list"),
        Strategy.objects.order_by("pk").first().get_absolute_url(),
        reverse("reports:archive"),
    ]
    port = free_port()
    env, command = _old(
        previous_code, "-m", "gunicorn", "ictstrategy.wsgi", "--bind", f"127.0.0.1:{port}",
        "--workers", "1", "--log-level", "warning",
    )  # fmt: skip
    env["DJANGO_MEDIA_ROOT"] = str(tmp_path / "media")
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(  # noqa: S603 - fixed arguments
        command, cwd=previous_code, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        base_url = f"http://127.0.0.1:{port}"
        _wait_until_up(base_url, server, tmp_path / "gunicorn.log")
        for username in ("headofict", "officer"):
            browser = Browser(base_url)
            browser.sign_in(username, DEMO_PASSWORD)
            client.force_login(get_user_model().objects.get(username=username))
            for page in pages:
                try:
                    status = browser.get(page)[0]
                except urllib.error.HTTPError as refused:
                    status = refused.code
                expected = client.get(page).status_code
                assert status == expected, f"{username} {page}: {status}\n{_tail(tmp_path)}"
                assert status < 500
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.django_db(transaction=True)
def test_the_previous_release_writes_to_tables_this_release_added_columns_to(
    previous_code, tmp_path
):
    """Its report runs have no worker or claim, and its KPIs and KPI values know nothing
    of rates or approval: the database's defaults fill those in, and a value it records
    awaits approval, as one recorded by this release does."""
    call_command("load_demo_data", stdout=io.StringIO())
    script = (
        "import datetime\n"
        "from governance import services as governance\n"
        "from governance.models import KPI, User\n"
        "from reports import services\n"
        "run = services.report_request(kind='risk_report', period='2026-Q3')\n"
        "assert services.report_generate(run_id=run.pk)\n"
        "kpi = KPI.objects.create(name='Calls answered first time', unit='%', direction='higher')\n"
        "value = governance.kpi_measurement_record(user=User.objects.get(username='headofict'),"
        " kpi=kpi, period_end=datetime.date(2026, 9, 30), value=91)\n"
        "print(run.pk, value.pk)\n"
    )
    env, command = _old(previous_code, "manage.py", "shell", "-c", script)
    env["DJANGO_MEDIA_ROOT"] = str(tmp_path / "media")
    answer = subprocess.run(  # noqa: S603 - fixed arguments
        command, cwd=previous_code, env=env, capture_output=True, text=True, check=False
    )
    assert answer.returncode == 0, answer.stderr
    run_pk, value_pk = (int(pk) for pk in answer.stdout.split()[-2:])
    run = ReportRun.objects.get(pk=run_pk)
    assert (run.status, run.worker, run.claimed_until) == ("done", "", None)
    value = KPIMeasurement.objects.select_related("kpi").get(pk=value_pk)
    assert (value.kpi.is_rate, value.kpi.numerator_label) == (False, "")
    assert (value.status, value.approved_by) == (KPIValueStatus.AWAITING_APPROVAL, None)


@pytest.mark.django_db
def test_the_migrations_since_the_previous_release_keep_old_code_working():
    _git("cat-file", "-e", f"{previous_release()}^{{commit}}")
    linter = MigrationLinter(
        str(settings.BASE_DIR),
        no_cache=True,
        no_output=True,
        all_warnings_as_errors=False,
    )
    linter.lint_all_migrations(git_commit_id=previous_release())
    assert not linter.has_errors, "a migration since the previous release breaks old code"


def _wait_until_up(base_url, server, log_path):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"The previous release's server stopped:\n{log_path.read_text()}")
        try:
            # The sign-in page: /health/ also asks for a worker, which this test runs none of.
            with urllib.request.urlopen(base_url + reverse("login"), timeout=5):  # noqa: S310 - loopback
                return
        except OSError:
            time.sleep(0.3)
    pytest.fail("The previous release's server did not answer within a minute.")


def _tail(tmp_path):
    return (tmp_path / "gunicorn.log").read_text()[-3000:]
