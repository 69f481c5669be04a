"""Helpers every app's services share."""

from collections.abc import Callable, Iterable

from django.db import connections


def save_with_history(obj, *, user, exclude: Iterable[str] = ()) -> bool:
    """Validate, then save with the acting user on the history record. `exclude` names
    fields the caller sets itself after validation (such as numbering or parents).

    An object that holds exactly what its row holds is not saved: a form saved
    unchanged writes no row and no history entry, so history lists only real changes.
    Returns whether anything was written."""
    obj.full_clean(exclude=set(exclude))
    # Set even when nothing is saved: links changed next (m2m .set()) write history
    # records that name this user.
    obj._history_user = user
    if not obj._state.adding and not differs_from_stored(obj):
        return False
    obj.save()
    return True


def differs_from_stored(obj) -> bool:
    """Whether any field of `obj` differs from its row in the database (or it has no
    row). Fields the database stamps on every save (auto_now) do not count."""
    fields = [
        f
        for f in obj._meta.concrete_fields
        if not f.primary_key and not getattr(f, "auto_now", False)
    ]
    stored = (
        type(obj)._base_manager.filter(pk=obj.pk).values_list(*(f.attname for f in fields)).first()
    )
    if stored is None:
        return True
    return any(getattr(obj, f.attname) != value for f, value in zip(fields, stored, strict=True))


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
