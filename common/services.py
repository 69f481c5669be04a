"""Helpers every app's services share."""

from collections.abc import Callable, Iterable

from django.db import connections


def save_with_history(obj, *, user, exclude: Iterable[str] = ()) -> None:
    """Validate, then save with the acting user on the history record. `exclude` names
    fields the caller sets itself after validation (such as numbering or parents)."""
    obj.full_clean(exclude=set(exclude))
    obj._history_user = user
    obj.save()


def save_by_system(obj) -> None:
    """Save something the portal does on its own, on a schedule: its history names no
    user, on purpose. The caller builds `obj` from trusted values."""
    obj._history_user = None
    obj.save()


def after_migrate(model, ensure: Callable[[], None]):
    """A post_migrate receiver that runs `ensure` (which creates an app's reference
    data) once `model`'s table exists. post_migrate fires for every app whatever was
    migrated, so skip a rollback and a partial migrate that has not reached the app."""

    def receiver(*, plan=None, using="default", **kwargs):
        if plan and all(backwards for _, backwards in plan):
            return
        if model._meta.db_table not in connections[using].introspection.table_names():
            return
        ensure()

    return receiver
