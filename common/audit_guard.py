"""Guards, installed for the whole test suite, that every change leaves history naming
who made it.

1. Bulk writes. `QuerySet.update()`, `bulk_create()` and `bulk_update()` write rows
   without `save()`, so django-simple-history records nothing. Made by the portal's own
   code on an audited model, one is a violation, unless it goes through simple-history's
   `bulk_create_with_history` / `bulk_update_with_history` (which write the history
   rows themselves) or only touches fields the history leaves out on purpose (display
   state such as a report run's progress).
2. Attribution. A history row the portal's code writes must name the user who acted:
   the request's user, or one the code states (`save_with_history(obj, user=...)`;
   `save_by_system` states that no person acted, for what a schedule does). Reference
   data that migrate loads and what operators' management commands write are exempt.

Test code arranging its data is exempt from both. The conftest fails any test whose
code caused a violation.
"""

import sys
import threading
from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet
from simple_history.models import HistoricalRecords, registered_models
from simple_history.signals import pre_create_historical_record

HISTORY_DIR = str(Path(sys.modules["simple_history"].__file__).parent)
THIS_FILE = __file__
SERVICES_FILE = str(Path(__file__).with_name("services.py"))

violations = []
_lock = threading.Lock()


def _record(message):
    with _lock:
        violations.append(message)


def take_violations():
    with _lock:
        found = list(violations)
        violations.clear()
    return found


# Who is writing: the frames of the call stack that are the portal's own code.


def _is_project_code(filename):
    return (
        filename.startswith(str(settings.BASE_DIR))
        and "site-packages" not in filename
        and filename != THIS_FILE
    )


def _is_test_code(filename):
    path = Path(filename)
    return "tests" in path.parts or path.name in {"conftest.py", "testing.py"}


def _frames():
    frame = sys._getframe(2)
    while frame is not None:
        yield frame
        frame = frame.f_back


# 1. Bulk writes.


def _is_audited(model):
    # Many-to-many links are recorded by simple-history from the m2m_changed signal,
    # so the related manager's bulk_create of link rows is not a bypass.
    return registered_models.get(model._meta.db_table) is model and not model._meta.auto_created


def _excluded_fields(model):
    return set(getattr(model.history.model, "_history_excluded_fields", ()))


def _check_bulk_write(queryset, operation, fields=()):
    model = queryset.model
    if not _is_audited(model):
        return
    if operation in ("update", "bulk_update") and fields and set(fields) <= _excluded_fields(model):
        return
    for frame in _frames():
        filename = frame.f_code.co_filename
        if filename.startswith(HISTORY_DIR):
            return  # bulk_create_with_history and friends write the history themselves
        if _is_project_code(filename):
            if not _is_test_code(filename):
                _record(
                    f"{model._meta.label}.objects...{operation}() at "
                    f"{filename}:{frame.f_lineno} writes without a history record"
                )
            return


# 2. Attribution.


def _exempt_from_attribution(frame):
    """Test code arranging data (the nearest portal frame that is not a model's own
    save), an operator's management command, or reference data loaded by migrate."""
    nearest = None
    while frame is not None:
        filename = frame.f_code.co_filename
        if _is_project_code(filename):
            if nearest is None and Path(filename).name != "models.py":
                nearest = filename
            if "commands" in Path(filename).parts:
                return True
            if filename == SERVICES_FILE and frame.f_code.co_name == "receiver":
                return True  # common.services.after_migrate
        frame = frame.f_back
    return nearest is None or _is_test_code(nearest)


def _check_attribution(sender, instance, history_instance, **kwargs):
    if history_instance.history_user_id is not None or hasattr(instance, "_history_user"):
        return
    request = getattr(HistoricalRecords.context, "request", None)
    if request is not None and request.user.is_authenticated:
        return
    frame = sys._getframe(1)
    if _exempt_from_attribution(frame):
        return
    caller = next(
        f for f in _frames()
        if _is_project_code(f.f_code.co_filename) and Path(f.f_code.co_filename).name != "models.py"
    )  # fmt: skip
    _record(
        f"{sender.__name__} ({history_instance.get_history_type_display()}) at "
        f"{caller.f_code.co_filename}:{caller.f_lineno} is not attributed to anyone"
    )


def install():
    """Wrap the QuerySet bulk writers and watch history rows; idempotent."""
    if getattr(QuerySet, "_audit_guard_installed", False):
        return
    pre_create_historical_record.connect(_check_attribution, weak=False)
    update, bulk_create, bulk_update = QuerySet.update, QuerySet.bulk_create, QuerySet.bulk_update

    def guarded_update(self, **kwargs):
        _check_bulk_write(self, "update", kwargs)
        return update(self, **kwargs)

    def guarded_bulk_create(self, objs, *args, **kwargs):
        _check_bulk_write(self, "bulk_create")
        return bulk_create(self, objs, *args, **kwargs)

    def guarded_bulk_update(self, objs, fields, *args, **kwargs):
        _check_bulk_write(self, "bulk_update", fields)
        return bulk_update(self, objs, fields, *args, **kwargs)

    QuerySet.update = guarded_update
    QuerySet.bulk_create = guarded_bulk_create
    QuerySet.bulk_update = guarded_bulk_update
    QuerySet._audit_guard_installed = True
