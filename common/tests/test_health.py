"""The health endpoint against real parts: a real Celery worker, a database and a broker
that really cannot be reached, and a migration really recorded as unapplied."""

import socket
import threading

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.core.files.storage import Storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.urls import reverse

from common.health import UNPINGABLE_BROKERS
from ictstrategy.celery import app as celery_app


def _closed_port() -> int:
    """A loopback port nothing listens on: bound by the system's choice, then released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _health(client):
    response = client.get(reverse("health"))
    body = response.json()
    return response, body, {name: check["ok"] for name, check in body["checks"].items()}


@pytest.fixture
def ping_broker(settings):
    """The Celery app whose worker a test starts, on a broker that carries a ping.

    Workers are not pinged over the filesystem broker (see common.health), so where it
    is configured these tests use kombu's in-memory broker, which carries a ping between
    threads of this process as Redis does between processes, and a worker of an app
    bound to it. On Redis (CI) they use the portal's own app and broker.
    """
    if not settings.CELERY_BROKER_URL.startswith(UNPINGABLE_BROKERS):
        celery_app.control.purge()
        yield celery_app
        return
    # The in-memory transport polls once a second unless told otherwise; the ping waits
    # only a second for its answer.
    fast_polling = {"polling_interval": 0.05}
    settings.CELERY_BROKER_URL = "memory://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = fast_polling
    memory_app = Celery("health-test", broker="memory://", set_as_current=False)
    memory_app.conf.broker_transport_options = fast_polling
    yield memory_app
    # Starting a worker makes its app the current one; later tests need the portal's.
    celery_app.set_current()
    celery_app.set_default()


# Starting the portal's worker closes this thread's database connection (Celery's
# Django fix-up), which only a test outside a transaction recovers from.
@pytest.mark.django_db(transaction=True)
def test_all_parts_working_answers_200_with_a_real_worker_running(client, ping_broker):
    with start_worker(ping_broker, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        response, body, ok = _health(client)
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert ok == {"database": True, "broker": True, "worker": True, "migrations": True, "files": True}
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"] == "application/json"


def test_no_worker_running_answers_503_naming_the_worker(client, db, ping_broker):
    response, body, ok = _health(client)
    assert response.status_code == 503
    assert body["status"] == "fail"
    assert ok == {"database": True, "broker": True, "worker": False, "migrations": True, "files": True}
    assert body["checks"]["worker"]["detail"] == "no worker answered within 1 s"


def test_an_unreachable_broker_answers_503_naming_the_broker_and_not_its_address(
    client, db, settings
):
    port = _closed_port()
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{port}/0"
    response, body, ok = _health(client)
    assert response.status_code == 503
    assert ok["broker"] is False and ok["database"] is True
    assert body["checks"]["broker"]["detail"].startswith("cannot connect")
    assert body["checks"]["worker"] == {
        "ok": False,
        "detail": "not checked: the broker is unreachable",
    }
    assert "127.0.0.1" not in response.content.decode()
    assert str(port) not in response.content.decode()


@pytest.fixture
def dead_database(transactional_db, tmp_path):
    """The default connection pointed at a database that cannot be reached: a closed
    loopback port (PostgreSQL) or a file in a folder that does not exist (SQLite)."""
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = str(tmp_path / "missing" / "portal.sqlite3")
    else:
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(_closed_port()))
    yield
    connection.close()
    connection.settings_dict.update(saved)


def test_an_unreachable_database_answers_503_naming_the_database_not_a_500(client, dead_database):
    response, body, ok = _health(client)
    assert response.status_code == 503
    assert ok["database"] is False and ok["migrations"] is False and ok["broker"] is True
    assert body["checks"]["database"]["detail"].startswith("cannot run a query")
    assert body["checks"]["migrations"]["detail"] == "not checked: the database is unreachable"
    assert "Traceback" not in response.content.decode()
    assert "missing" not in response.content.decode()  # nor the path or address


def test_a_migration_recorded_as_unapplied_answers_503_naming_migrations(client, db):
    leaf = next(
        node
        for node in MigrationExecutor(connection).loader.graph.leaf_nodes()
        if node[0] == "risks"
    )
    MigrationRecorder(connection).record_unapplied(*leaf)
    response, body, ok = _health(client)
    assert response.status_code == 503
    assert ok["migrations"] is False and ok["database"] is True
    assert body["checks"]["migrations"]["detail"] == "1 not applied"


def test_on_the_filesystem_broker_the_worker_is_unknown_and_nothing_is_left_behind(
    client, db, settings, tmp_path
):
    queue = tmp_path / "queue"
    queue.mkdir()
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(queue),
        "data_folder_out": str(queue),
    }
    response, body, ok = _health(client)
    assert ok["broker"] is True
    assert body["checks"]["worker"] == {
        "ok": None,
        "detail": "unknown: workers are not pinged over the filesystem broker",
    }
    # An unknown worker does not fail the answer; only a failed check does.
    assert response.status_code == 200 and body["status"] == "ok"
    assert list(queue.iterdir()) == []


def test_a_missing_filesystem_queue_folder_fails_the_broker(client, db, settings, tmp_path):
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(tmp_path / "gone"),
        "data_folder_out": str(tmp_path / "gone"),
    }
    response, _, ok = _health(client)
    assert response.status_code == 503
    assert ok["broker"] is False


@pytest.mark.django_db
def test_an_object_store_that_answers_is_healthy(client, object_store):
    _, body, _ = _health(client)
    assert body["checks"]["files"] == {"ok": True, "detail": "the object store answers"}


@pytest.mark.django_db
def test_an_unreachable_object_store_answers_503_naming_files_not_its_address(
    client, settings, azurite
):
    port = _closed_port()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.azure_storage.AzureStorage",
            "OPTIONS": {
                "connection_string": azurite.replace(
                    azurite.split("BlobEndpoint=")[1], f"http://127.0.0.1:{port}/devstoreaccount1"
                ),
                "azure_container": "portal",
            },
        },
    }
    response, body, ok = _health(client)
    assert response.status_code == 503
    assert ok["files"] is False and ok["database"] is True
    detail = body["checks"]["files"]["detail"]
    assert detail.startswith(("cannot reach the object store", "the object store did not"))
    assert str(port) not in response.content.decode()


@pytest.mark.django_db
def test_a_media_folder_that_cannot_be_made_answers_503_naming_files(client, settings, tmp_path):
    (tmp_path / "not-a-folder").write_text("a file where the folder's parent should be")
    settings.MEDIA_ROOT = tmp_path / "not-a-folder" / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    response, body, _ = _health(client)
    assert response.status_code == 503
    assert body["checks"]["files"] == {"ok": False, "detail": "the folder cannot be written"}


class HangingStore(Storage):
    """An object store that takes a question and answers it only when `released`:
    one that hangs. It counts the questions it is asked."""

    released = threading.Event()
    asked = 0

    def exists(self, name):
        type(self).asked += 1
        type(self).released.wait(timeout=30)
        return False


@pytest.fixture
def hanging_store(settings):
    HangingStore.released.clear()
    HangingStore.asked = 0
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.HangingStore"},
    }
    yield HangingStore
    HangingStore.released.set()


@pytest.mark.django_db
def test_a_store_that_hangs_is_asked_once_and_asked_afresh_once_it_answers(
    client, settings, hanging_store, monkeypatch
):
    monkeypatch.setattr("common.health.FILES_TIMEOUT", 0.2)
    for _ in range(3):
        response, body, _ = _health(client)
        assert response.status_code == 503
        assert body["checks"]["files"]["detail"] == "the object store did not answer within 0.2 s"
    # Three probes, one question: the later checks waited on the first one's answer.
    assert hanging_store.asked == 1
    hanging_store.released.set()
    response, body, _ = _health(client)
    assert body["checks"]["files"] == {"ok": True, "detail": "the object store answers"}
    # The store was asked once more, not once for each check it missed.
    assert hanging_store.asked == 2
