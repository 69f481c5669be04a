"""Several nodes on shared services: two web nodes (gunicorn) and two Celery workers,
each its own process with no files of its own, against the local PostgreSQL, Redis and
a real object store on loopback (Azurite, Microsoft's Azure Storage emulator).

What a council running the portal on more than one machine relies on, shown end to end:
a file uploaded through one node downloads through the other; a session signed in on
one works on the other; failed sign-ins counted on one lock the account on the other; a
report requested on one node is produced once by whichever worker takes it, and still
once when the worker producing it is killed mid-way; and a change made through one node
is never shown stale by the other, though each remembers pages in the shared cache.

The nodes run the production settings (over plain HTTP on loopback: the benchmark's
variant of them), so nothing here leans on a test-only shortcut."""

import hashlib
import os
import re
import signal
import subprocess
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass

import pytest
import redis
import requests
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.urls import reverse

from common.roles import Role
from common.testing import database_url, free_port, start_process, wait_for
from governance.tests.factories import UserFactory
from projects.choices import ProposalStatus
from projects.models import Attachment
from projects.tests.factories import ProposalFactory
from reports.models import ReportRun, RunStatus

ON_SHARED_SERVICES = settings.DATABASES["default"]["ENGINE"].endswith(
    "postgresql"
) and settings.CELERY_BROKER_URL.startswith("redis://")
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not ON_SHARED_SERVICES,
        reason="Nodes share PostgreSQL and Redis: set DATABASE_URL and CELERY_BROKER_URL "
        "to them, as CI does (the embedded SQLite and folder broker are one machine's).",
    ),
]

PASSWORD = "a-long-test-password-2026"
PDF = b"%PDF-1.4\n% A business case, uploaded through one node\n%%EOF\n"
# Short enough for a test to see a killed worker's report taken over; production keeps
# the defaults (an hour, five minutes).
VISIBILITY_TIMEOUT = 6
CLAIM_SECONDS = 3
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Node:
    name: str
    url: str


class Person:
    """One browser: a cookie jar shared by every node (cookies are per host, not per
    port, as they would be behind one load-balanced address)."""

    def __init__(self):
        self.http = requests.Session()

    def get(self, node: Node, path: str, **kwargs) -> requests.Response:
        return self.http.get(node.url + path, timeout=60, **kwargs)

    def post(self, node: Node, path: str, data=None, *, form_path=None, **kwargs):
        """Posts as the form at `form_path` (default `path`) would, with its CSRF token."""
        page = self.get(node, form_path or path)
        token = CSRF.search(page.text).group(1)
        return self.http.post(
            node.url + path,
            data={"csrfmiddlewaretoken": token, **(data or {})},
            headers={"Referer": node.url + (form_path or path)},
            timeout=60,
            **kwargs,
        )

    def sign_in(self, node: Node, username: str, password: str = PASSWORD):
        return self.post(node, reverse("login"), {"login": username, "password": password})


def _wait_until_up(node: Node, process, log_path):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{node.name} stopped:\n{log_path.read_text()[-3000:]}")
        try:
            if requests.get(node.url + reverse("login"), timeout=5).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or still starting
            pass
        time.sleep(0.3)
    pytest.fail(f"{node.name} did not answer within a minute.")


@pytest.fixture
def cluster(tmp_path, azure_storage):
    """Two web nodes and two workers, each with a media folder of its own that nothing
    should ever be written to; yields the nodes and the workers by name."""
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete("celery", "unacked", "unacked_index")  # nothing queued by earlier tests
    env = {
        **os.environ,  # with DJANGO_STORAGE=azure and the container (azure_storage)
        "DJANGO_SETTINGS_MODULE": "ictstrategy.settings.bench",
        "DJANGO_SECRET_KEY": "multi-node-test-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url(),
        # The same Redis as the broker: what one node remembers, the other reads. Keys
        # are made under the test database's own data version, so nothing is stale.
        "DJANGO_CACHE_URL": settings.CELERY_BROKER_URL,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "REPORT_CLAIM_SECONDS": str(CLAIM_SECONDS),
        "PRECOMPUTE_FIGURES": "off",
    }
    with ExitStack() as stack:
        nodes, workers = [], {}
        for name in ("web-a", "web-b"):
            port = free_port()
            node = Node(name, f"http://127.0.0.1:{port}")
            log_path = tmp_path / f"{name}.log"
            process = start_process(
                _web_command(port),
                env={**env, "DJANGO_MEDIA_ROOT": str(tmp_path / "media" / name)},
                log=log_path.open("w"),
            )
            stack.callback(_stop, process)
            _wait_until_up(node, process, log_path)
            nodes.append(node)
        for name in ("worker-a", "worker-b"):
            process = start_process(
                _worker_command(name),
                env={**env, "DJANGO_MEDIA_ROOT": str(tmp_path / "media" / name)},
                log=(tmp_path / f"{name}.log").open("w"),
                own_group=True,  # killed whole, like a lost machine
            )
            stack.callback(_stop, process, group=True)
            workers[name] = process
        _wait_for_workers(tmp_path)
        yield nodes, workers
    broker.delete("celery", "unacked", "unacked_index")


def _web_command(port):
    return [
        sys.executable, "-m", "gunicorn", "ictstrategy.wsgi", "--bind", f"127.0.0.1:{port}",
        "--workers", "2", "--log-level", "warning",
    ]  # fmt: skip


def _worker_command(name):
    return [
        sys.executable, "-m", "celery", "-A", "ictstrategy", "worker", "--loglevel=INFO",
        "--concurrency=1", "--without-heartbeat", "--without-gossip", "--without-mingle",
        "--hostname", f"{name}@%h",
    ]  # fmt: skip


def _stop(process, *, group=False):
    if process.poll() is not None:
        return
    if group:
        os.killpg(process.pid, signal.SIGTERM)
    else:
        process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL) if group else process.kill()
        process.wait(timeout=10)


def _wait_for_workers(tmp_path):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        logs = [(tmp_path / f"{n}.log").read_text() for n in ("worker-a", "worker-b")]
        if all("ready." in log for log in logs):
            return
        time.sleep(0.3)
    pytest.fail("The workers did not start within a minute:\n" + "\n".join(logs))


def _wait_for(condition, seconds, what):
    if answer := wait_for(condition, seconds, every=0.02):
        return answer
    pytest.fail(f"Waited {seconds} s for {what}.")


def _with_production_password(user):
    """The nodes run the production hasher; the test settings hash with MD5."""
    hasher = Argon2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save(update_fields=["password"])
    return user


def _run(kind) -> ReportRun | None:
    return ReportRun.objects.filter(kind=kind).first()


def test_two_web_nodes_and_two_workers_share_sessions_files_throttles_reports_and_pages(
    cluster, azure_storage, officer, head_of_ict, housing, finance, tmp_path
):
    (a, b), workers = cluster
    _with_production_password(officer)
    _with_production_password(head_of_ict)
    other_officer = _with_production_password(
        UserFactory(business_unit=finance, roles=[Role.OFFICER])
    )
    draft = ProposalFactory(business_unit=housing, status=ProposalStatus.DRAFT)
    proposal = ProposalFactory(business_unit=housing, status=ProposalStatus.SUBMITTED)

    # A session signed in on node A works on node B.
    head = Person()
    assert head.sign_in(a, head_of_ict.username).status_code == 200
    home = head.get(b, reverse("home"))
    assert home.status_code == 200 and home.url == b.url + reverse("home")
    assert head_of_ict.get_full_name() in home.text

    # A file uploaded through node A downloads through node B, from the object store.
    olivia = Person()
    olivia.sign_in(a, officer.username)
    uploaded = olivia.post(
        a,
        reverse("projects:attachment-add", args=[draft.pk]),
        files={"file": ("business-case.pdf", PDF, "application/pdf")},
    )
    assert uploaded.status_code == 200, uploaded.text[-2000:]
    attachment = Attachment.objects.get(proposal=draft)
    assert azure_storage.read(attachment.file.name) == PDF
    download = olivia.get(b, reverse("projects:attachment-download", args=[attachment.pk]))
    assert (download.status_code, download.content) == (200, PDF)
    assert "attachment" in download.headers["Content-Disposition"]
    stranger = Person()
    stranger.sign_in(b, other_officer.username)
    refused = stranger.get(b, reverse("projects:attachment-download", args=[attachment.pk]))
    assert refused.status_code == 404

    # Five failed sign-ins on node A lock the account on node B.
    for _ in range(5):
        Person().sign_in(a, officer.username, "not-the-password")
    locked = Person().sign_in(b, officer.username)
    assert locked.status_code == 429

    # A page remembered by node B is never shown stale after a change through node A.
    in_triage = reverse("projects:proposal-list") + "?status=in_triage"
    listed = head.get(b, in_triage).text
    assert proposal.title not in listed
    again = head.get(b, in_triage).text  # remembered now, in the shared cache
    assert CSRF.sub("", again) == CSRF.sub("", listed)
    started = head.post(
        a,
        reverse("projects:proposal-start-triage", args=[proposal.pk]),
        form_path=proposal.get_absolute_url(),
    )
    assert started.status_code == 200
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.IN_TRIAGE
    assert proposal.title in head.get(b, in_triage).text

    # A report requested on node B is produced once, by whichever worker takes it.
    head.post(b, reverse("reports:request"), {"kind": "risk_report"})
    run = _wait_for(
        lambda: (r := _run("risk_report")) and r.status == RunStatus.DONE and r, 60, "the report"
    )
    assert run.attempts == 1 and run.worker.split("@")[0] in workers
    produced = head.get(a, reverse("reports:run-download", args=[run.pk]))
    assert produced.status_code == 200
    assert hashlib.sha256(produced.content).hexdigest() == run.sha256

    # A worker killed mid-report leaves it to the other, and it is produced once.
    head.post(b, reverse("reports:request"), {"kind": "governance_pack"})
    taken = _wait_for(
        lambda: (r := _run("governance_pack")) and r.status == RunStatus.RUNNING and r,
        60,
        "a worker to start the report",
    )
    killed = taken.worker.split("@")[0]
    os.killpg(workers[killed].pid, signal.SIGKILL)  # no warm shutdown, no acknowledgement
    workers[killed].wait(timeout=10)
    assert _run("governance_pack").status == RunStatus.RUNNING  # killed mid-way
    (survivor,) = set(workers) - {killed}
    run = _wait_for(
        lambda: (r := _run("governance_pack")) and r.status == RunStatus.DONE and r,
        VISIBILITY_TIMEOUT + CLAIM_SECONDS + 60,
        "worker B to take the report over",
    )
    assert run.worker.startswith(f"{survivor}@") and run.attempts == 2
    assert run.history.filter(status=RunStatus.DONE).count() == 1
    assert {n for n in azure_storage.names() if n.startswith("reports/governance_pack/")} == {
        run.file.name
    }
    produced = head.get(b, reverse("reports:run-download", args=[run.pk]))
    assert hashlib.sha256(produced.content).hexdigest() == run.sha256
    # No node kept a file of its own.
    assert not [path for path in (tmp_path / "media").rglob("*") if path.is_file()]
