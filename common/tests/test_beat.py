"""One Celery beat at a time (common.beat): a second beat started by mistake sends
nothing, and takes over if the first dies."""

import datetime
import json
import os
import signal
import sys
import time

import pytest
import redis
from django.conf import settings
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from common import beat, dataversion
from common.models import BeatLease
from common.testing import database_url, start_process, wait_for

TASK = "common.tasks.send_pending_emails"
LEASE_SECONDS = 3


@pytest.mark.django_db
def test_the_lease_is_held_by_one_beat_until_it_lapses(settings):
    settings.BEAT_LEASE_SECONDS = 30
    start = timezone.now()
    assert beat.lease_take("beat-a", now=start)
    assert not beat.lease_take("beat-b", now=start + datetime.timedelta(seconds=10))
    assert beat.lease_take("beat-a", now=start + datetime.timedelta(seconds=20))  # renewed
    assert not beat.lease_take("beat-b", now=start + datetime.timedelta(seconds=40))
    # Beat A stopped renewing at 20 s: from 50 s on the lease is B's.
    assert beat.lease_take("beat-b", now=start + datetime.timedelta(seconds=51))
    assert not beat.lease_take("beat-a", now=start + datetime.timedelta(seconds=52))
    assert BeatLease.objects.get().holder == "beat-b"


@pytest.mark.django_db
def test_a_beat_that_stops_gives_the_lease_up_at_once():
    assert beat.lease_take("beat-a")
    beat.lease_release("beat-a")
    assert beat.lease_take("beat-b")


@pytest.mark.django_db
def test_renewing_the_lease_is_no_change_to_the_data():
    before = dataversion.current()
    for _ in range(3):
        beat.lease_take("beat-a")
    assert dataversion.current() == before


def _sent(queue) -> list[str]:
    """The sender ("origin") of each message of TASK waiting in the broker's queue,
    oldest first (kombu pushes each message on the list's head)."""
    origins = []
    for raw in reversed(queue.lrange("celery", 0, -1)):
        headers = json.loads(raw)["headers"]
        if headers["task"] == TASK:
            origins.append(headers["origin"])
    return origins


def _beat(tmp_path, name):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ictstrategy.settings.test",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "BEAT_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    log = (tmp_path / f"{name}.log").open("w")
    command = [
        sys.executable, "-m", "celery", "-A", "ictstrategy", "beat", "--loglevel=INFO",
        "--pidfile=", "--schedule", str(tmp_path / f"{name}.schedule"),
    ]  # fmt: skip
    return start_process(command, env=env, log=log)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not settings.CELERY_BROKER_URL.startswith("redis://"),
    reason="Reads what the beats sent from Redis's queue: set CELERY_BROKER_URL to Redis, "
    "as CI does.",
)
def test_a_second_beat_sends_nothing_until_the_first_dies(tmp_path):
    queue = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    queue.delete("celery")
    every_second = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.filter(task=TASK).delete()
    PeriodicTask.objects.create(name="test: every second", task=TASK, interval=every_second)
    first = _beat(tmp_path, "first")
    second = None
    try:
        assert wait_for(lambda: len(_sent(queue)) >= 2, 30), "the first beat sent nothing"
        second = _beat(tmp_path, "second")
        time.sleep(LEASE_SECONDS + 4)  # the second beat started, and found the lease held
        senders = set(_sent(queue))
        assert len(senders) == 1, f"more than one beat sent: {senders}"
        assert "sends nothing" in (tmp_path / "second.log").read_text()

        first.send_signal(signal.SIGKILL)  # no chance to give the lease up
        first.wait(timeout=10)
        before = len(_sent(queue))
        assert wait_for(lambda: len(set(_sent(queue))) == 2, LEASE_SECONDS + 15), (
            "the second beat did not take over"
        )
        taken_over = _sent(queue)[before:]
        assert len(set(taken_over)) == 1 and taken_over[-1] not in senders
    finally:
        for process in (first, second):
            if process and process.poll() is None:
                process.terminate()
                process.wait(timeout=20)
        queue.delete("celery")
