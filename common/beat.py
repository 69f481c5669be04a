"""One Celery beat at a time, however many are started.

Beat sends each scheduled task when it falls due; two beats would send each twice (two
e-mail sweeps, two reminders). A deployment runs one, but a second can be started by
mistake, or left running on an old node during an upgrade. So the portal's scheduler is
django-celery-beat's database scheduler that sends only while it holds the beat lease:
one row in the database every node shares (`BeatLease`), taken by one beat for
BEAT_LEASE_SECONDS and renewed at every tick (at most every 5 seconds). Another beat
finds the lease held and waits, sending nothing; if the holder stops or dies, its lease
lapses and a waiting beat takes over within a lease's length, so the schedule goes on.

Taking and renewing the lease is one conditional UPDATE, atomic on PostgreSQL and on
SQLite alike, and not a save: it sends no signal, so it never counts as a change to the
portal's data (common.dataversion).
"""

import datetime
import logging
import os
import socket
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django_celery_beat.schedulers import DatabaseScheduler

from .models import BeatLease

logger = logging.getLogger(__name__)

LEASE_ROW = 1


def lease_take(holder: str, *, now: datetime.datetime | None = None) -> bool:
    """Take or renew the beat lease for `holder`; whether `holder` now holds it."""
    now = now or timezone.now()
    until = now + datetime.timedelta(seconds=settings.BEAT_LEASE_SECONDS)
    if not BeatLease.objects.filter(pk=LEASE_ROW).exists():
        try:
            with transaction.atomic():
                BeatLease.objects.bulk_create([BeatLease(pk=LEASE_ROW, holder="", until=now)])
        except IntegrityError:
            pass  # another beat made the row first
    taken = (
        BeatLease.objects.filter(pk=LEASE_ROW)
        .filter(Q(holder=holder) | Q(until__lte=now))
        .update(holder=holder, until=until)
    )
    return taken == 1


def lease_release(holder: str) -> None:
    """Give the lease up at once, so a waiting beat need not wait for it to lapse."""
    BeatLease.objects.filter(pk=LEASE_ROW, holder=holder).update(holder="", until=timezone.now())


class LeasedDatabaseScheduler(DatabaseScheduler):
    """django-celery-beat's scheduler, sending only while this beat holds the lease."""

    def __init__(self, *args, **kwargs):
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.leading = False
        super().__init__(*args, **kwargs)

    def tick(self, *args, **kwargs):
        leading = lease_take(self.holder)
        if leading != self.leading:
            self.leading = leading
            if leading:
                logger.info("Beat %s holds the lease and sends the schedule", self.holder)
                # Another beat may have sent tasks meanwhile: read the schedule and
                # each task's last run again from the database before sending any.
                if self._last_full_sync is not None:
                    self._last_full_sync = datetime.datetime.min
            else:
                logger.warning("Beat %s lost the lease; it sends nothing", self.holder)
        if not leading:
            if not getattr(self, "_told_waiting", False):
                logger.warning(
                    "Another beat holds the lease: beat %s waits and sends nothing",
                    self.holder,
                )
                self._told_waiting = True
            return min(self.max_interval, settings.BEAT_LEASE_SECONDS / 3)
        return super().tick(*args, **kwargs)

    def close(self):
        try:
            super().close()
        finally:
            if self.leading:
                lease_release(self.holder)
