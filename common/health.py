"""Health checks for load balancers and monitoring, answered at `/health/`.

Four checks, each cheap and each catching its own failure, so one broken part is
reported by name and never turns the answer into a 500:

- database: the default database answers a trivial query;
- broker: the Celery broker accepts a connection within a second;
- worker: a Celery worker answers a ping within a second;
- migrations: no migration in the code is waiting to be applied;
- files: where uploads and reports are kept can be reached: the object store answers
  within two seconds, or the local folder can be written to.

The answer is public (probes do not sign in), so it says which part failed and never
why in detail: an exception's message can name hosts, users and paths, so the message
goes to the log and the answer gives a fixed phrase and the exception's class.
"""

import logging
import os
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as NoAnswer
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage, storages
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from kombu.pidbox import Mailbox

from ictstrategy.celery import app as celery_app

log = logging.getLogger(__name__)

BROKER_CONNECT_TIMEOUT = 1  # seconds
WORKER_PING_TIMEOUT = 1.0  # seconds
FILES_TIMEOUT = 2.0  # seconds
# A name the object store is asked about (it need not exist): a round trip with the
# portal's credentials, which reads and writes nothing.
FILES_PROBE = "health-check-probe"
# The object store's client retries for longer than a probe may wait, so the question
# is asked on a thread of its own, and answered "no answer" if it takes too long. While
# a question to the store is still unanswered, later checks wait on it rather than ask
# again: a store that hangs holds one question and one thread, however often the load
# balancer probes, and the first check after it answers asks afresh.
_question_lock = threading.Lock()
_question = None  # the latest _Question


class _Question:
    def __init__(self, storage):
        self.storage = storage
        self.answer: Future = Future()
        threading.Thread(target=self._ask, name="health-files", daemon=True).start()

    def _ask(self) -> None:
        try:
            self.answer.set_result(self.storage.exists(FILES_PROBE))
        except Exception as exc:
            self.answer.set_exception(exc)


def _ask_the_store() -> Future:
    global _question
    storage = storages["default"]
    with _question_lock:
        if _question is None or _question.answer.done() or _question.storage is not storage:
            _question = _Question(storage)
        return _question.answer


# kombu's filesystem transport can carry a ping (it implements fanout), but it has no
# message expiry and never forgets a worker's control queue, not even after a clean
# shutdown: each ping leaves a file, never read, in the queue folder for every worker
# that ever ran there. A probe every few seconds would pile up thousands of files an
# hour, so on that broker (`make run` only) the worker is not pinged.
UNPINGABLE_BROKERS = ("filesystem://",)


@dataclass(frozen=True)
class Check:
    ok: bool | None  # None: not checked, because this set-up cannot check it honestly
    detail: str

    def as_json(self) -> dict:
        return {"ok": self.ok, "detail": self.detail}


@dataclass(frozen=True)
class HealthReport:
    checks: dict[str, Check]

    @property
    def ok(self) -> bool:
        """Healthy unless a check failed; a check that could not be made does not fail."""
        return all(check.ok is not False for check in self.checks.values())

    def as_json(self) -> dict:
        return {
            "status": "ok" if self.ok else "fail",
            "checks": {name: check.as_json() for name, check in self.checks.items()},
        }


def _failed(name: str, what: str, exc: Exception) -> Check:
    log.warning("Health check %s failed: %s: %s", name, type(exc).__name__, exc)
    return Check(False, f"{what} ({type(exc).__name__})")


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return _failed("database", "cannot run a query", exc)
    return Check(True, "answers queries")


def check_migrations(*, database_ok: bool) -> Check:
    if not database_ok:
        # A second attempt at a database that did not answer would only wait again.
        return Check(False, "not checked: the database is unreachable")
    try:
        executor = MigrationExecutor(connection)
        unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        return _failed("migrations", "cannot read the migration state", exc)
    if unapplied:
        return Check(False, f"{len(unapplied)} not applied")
    return Check(True, "all applied")


def _broker_connection():
    # The broker named in settings, with a short connect timeout; the Celery app's own
    # pooled connections retry for longer, which suits publishing, not a probe.
    return celery_app.connection_for_write(
        url=settings.CELERY_BROKER_URL,
        connect_timeout=BROKER_CONNECT_TIMEOUT,
        transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
    )


def check_broker() -> Check:
    try:
        with _broker_connection() as broker:
            broker.ensure_connection(max_retries=0)
            # A round trip on every transport: the queue's length (LLEN on Redis, the
            # queue folder's listing on the filesystem).
            waiting = broker.default_channel.queue_declare(
                queue=celery_app.conf.task_default_queue
            ).message_count
    except Exception as exc:
        return _failed("broker", "cannot connect", exc)
    return Check(True, f"connected; {waiting} task(s) waiting")


def _mailbox() -> Mailbox:
    # Celery's own control mailbox publishes through the app's producer pool, on
    # whichever connection that pool holds; this one publishes and collects the reply
    # on the connection the check opened. Same exchange and serializer as celery's.
    conf = celery_app.conf
    return Mailbox(
        conf.control_exchange,
        type="fanout",
        accept=conf.accept_content,
        serializer=conf.task_serializer,
        reply_queue_expires=conf.control_queue_expires,
    )


def check_worker(*, broker_ok: bool) -> Check:
    if settings.CELERY_BROKER_URL.startswith(UNPINGABLE_BROKERS):
        return Check(None, "unknown: workers are not pinged over the filesystem broker")
    if not broker_ok:
        return Check(False, "not checked: the broker is unreachable")
    try:
        with _broker_connection() as broker:
            # One answer is enough: stop waiting as soon as any worker replies.
            replies = _mailbox()(broker).multi_call("ping", timeout=WORKER_PING_TIMEOUT, limit=1)
    except Exception as exc:
        return _failed("worker", "cannot ping", exc)
    if not replies:
        log.warning("Health check worker failed: no worker answered a ping")
        return Check(False, f"no worker answered within {WORKER_PING_TIMEOUT:g} s")
    return Check(True, "a worker answered")


def check_files() -> Check:
    if isinstance(default_storage, FileSystemStorage):
        folder = Path(default_storage.location)
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent  # made with the first file saved
        if not (folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)):
            log.warning("Health check files failed: the folder %s cannot be written", folder)
            return Check(False, "the folder cannot be written")
        return Check(True, "the folder can be written")
    try:
        _ask_the_store().result(timeout=FILES_TIMEOUT)
    except NoAnswer:
        log.warning("Health check files failed: the object store did not answer in time")
        return Check(False, f"the object store did not answer within {FILES_TIMEOUT:g} s")
    except Exception as exc:
        return _failed("files", "cannot reach the object store", exc)
    return Check(True, "the object store answers")


def health_report() -> HealthReport:
    database, broker = check_database(), check_broker()
    return HealthReport(
        {
            "database": database,
            "broker": broker,
            "worker": check_worker(broker_ok=bool(broker.ok)),
            "migrations": check_migrations(database_ok=bool(database.ok)),
            "files": check_files(),
        }
    )
