"""The data version: a number that goes up after every committed change to the
portal's data, in whichever process makes it (a web worker, Celery, a command).

Pages remember their costly parts under it (common.templatetags.fragments), and figures
derived from the whole database are cached under it, so a change is never followed by
a stale answer: the next request reads a new version and works the answer out again.

The number lives in the database, not the cache, so every process agrees on it
whatever cache each uses. It goes up after the change commits, never before, and each
request reads it before it reads any data (DataVersionMiddleware). So whatever is
remembered under a version is at least as new as every change that version counts:
 - a change commits, then bumps the version: a request that read the old version may
   remember data that already includes the change, under the old version, which no
   later request asks for;
 - a request that reads the new version reads its data after the change committed.
Inside a transaction that has changed data and not yet committed, nothing is
remembered or reused (changes_pending), so a request sees its own changes.

The version is an epoch and a number (`stamp`). A restore replaces the data with older
data whose number is lower: counted up again, it would reach numbers already used for
the data before the restore, and a cache still holding those (the cache of a web
worker the restore could not clear, since each keeps its own; a shared cache restored
with an old snapshot) would answer with them. So a restore forgets the version
(`forget`), and the next process to read it starts a new epoch, a random token no
database has held: nothing remembered before the restore can ever match a key made
after it, whatever the cache backend and however many processes. A backup leaves the
version out too, so even a restore interrupted before it forgets the version brings
back no epoch that was ever used.
"""

from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from .history import PORTAL_APPS

ROW = 1
# Saves of these change nothing a page derives from its data.
UNTRACKED_MODELS = {"common.dataversion", "common.outboundemail", "common.beatlease"}
# Signing in stamps the user's last_login; that changes no page either.
UNTRACKED_SAVES = {frozenset({"last_login"})}


# The version the request being served read before it read any data
# (DataVersionMiddleware), for `remember` to use rather than read it again per figure.
# Forgotten as soon as this process counts a change (bump, forget): from then on
# `remember` reads the version afresh, so a request that has committed a change never
# reads a figure kept for the version before it.
_read_by_request: ContextVar[str | None] = ContextVar("data_version", default=None)


def current() -> int:
    """The number of changes counted in this epoch."""
    return _read()[1]


def stamp() -> str:
    """The version as it goes into every remembered key: epoch and number."""
    epoch, number = _read()
    return f"{epoch}.{number}"


def _read() -> tuple[str, int]:
    from .models import DataVersion

    versions = DataVersion.objects.filter(pk=ROW).values_list("epoch", "number")
    if (version := versions.first()) is not None:
        return version
    # None yet (a new or restored database): start an epoch. One query more, once.
    try:
        with transaction.atomic():
            started = DataVersion.objects.create(pk=ROW)
    except IntegrityError:  # another process started it first
        return versions.get()
    return started.epoch, started.number


def bump() -> None:
    """Count a change that has committed: one UPDATE, in its own transaction."""
    from .models import DataVersion

    _read_by_request.set(None)
    if DataVersion.objects.filter(pk=ROW).update(number=F("number") + 1):
        return
    try:
        with transaction.atomic():
            DataVersion.objects.create(pk=ROW, number=1)
    except IntegrityError:  # another process created the row first
        DataVersion.objects.filter(pk=ROW).update(number=F("number") + 1)


def table() -> str:
    """The table the version is kept in: a backup leaves its rows out."""
    from .models import DataVersion

    return DataVersion._meta.db_table


def forget(connection) -> None:
    """Forget the version in the database `connection` opens, after a restore has
    replaced its data: the next process to read it starts a new epoch."""
    _read_by_request.set(None)
    with connection.cursor() as cursor:
        # The model's own table name, quoted: nothing here comes from outside.
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(table())}")  # noqa: S608


def remember(key: str, work_out, timeout: int):
    """`work_out()`, remembered under `key` until the data changes. The version is read
    before `work_out` reads any data.

    For the costly figures the worker works out ahead (common.precompute), under the
    same key: with PAGE_CACHE off a page still reads a figure the worker has kept for
    the current version, as it would read a table, but keeps nothing itself."""
    if changes_pending():
        return work_out()
    key = versioned(key, _read_by_request.get() or stamp())
    if settings.PAGE_CACHE:
        return cache.get_or_set(key, work_out, timeout=timeout)
    kept = cache.get(key) if settings.PRECOMPUTE_FIGURES else None
    return work_out() if kept is None else kept


def versioned(key: str, version: str) -> str:
    """The key `remember` keeps a value under for the data version `version`."""
    return f"{key}:{version}"


def changes_pending() -> bool:
    """Whether this connection's open transaction has changed data it has not committed.
    (Django keeps an open transaction's on-commit callbacks in `run_on_commit` and drops
    those of a savepoint rolled back.)"""
    return connection.in_atomic_block and any(
        callback is _bump_after_commit for _, callback, _ in connection.run_on_commit
    )


def _bump_after_commit():
    from . import precompute

    bump()
    precompute.queue()  # the costly figures for the new version, worked out ahead


def tracked(model) -> bool:
    """The portal's own models, not their history records: a history record is written
    with the change it records, which counts already (and a sign-in, which counts as no
    change, writes one too)."""
    return (
        model._meta.app_label in PORTAL_APPS
        and model._meta.label_lower not in UNTRACKED_MODELS
        and not hasattr(model, "instance_type")  # django-simple-history's records
    )


def _changed(sender, **kwargs):
    if not tracked(sender) or kwargs.get("update_fields") in UNTRACKED_SAVES:
        return
    if kwargs.get("action", "post_").startswith("pre_"):
        return  # m2m_changed is sent before and after a change; count it once made
    if not changes_pending():
        transaction.on_commit(_bump_after_commit)


def _migrated(sender, **kwargs):
    # A deploy migrates: what was remembered was made by the code before it.
    bump()


def connect(app_config):
    for name, signal in (("save", post_save), ("delete", post_delete), ("m2m", m2m_changed)):
        signal.connect(_changed, dispatch_uid=f"dataversion-{name}")
    post_migrate.connect(_migrated, sender=app_config, dispatch_uid="dataversion-migrated")


class DataVersionMiddleware:
    """Reads the data version before the view reads any data (see the module's note),
    for the fragments the page remembers: `request.data_version`, a `stamp()`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            request.data_version = stamp()
        except DatabaseError:
            # The database is down (the health check says so) or not migrated yet:
            # the page remembers nothing and meets the error itself.
            request.data_version = None
        read = _read_by_request.set(request.data_version)
        try:
            return self.get_response(request)
        finally:
            _read_by_request.reset(read)
