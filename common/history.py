"""Reading django-simple-history records as a list of changes a person can follow."""

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps

PORTAL_APPS = {"common", "governance", "projects", "risks", "reports"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str
    action: str
    changes: list[FieldChange]


ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}
HIDDEN_FIELDS = {"id", "created_at", "updated_at"}


def _display(record, field_name: str) -> str:
    field = record.instance_type._meta.get_field(field_name)
    value = getattr(record, field.attname)
    if value is None or value == "":
        return "(blank)"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        related = getattr(record, field_name, None)
        return str(related) if related is not None else f"#{value}"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def history_entries(obj) -> list[HistoryEntry]:
    """Every change to `obj`, newest first, each with the fields that changed.

    Reads the history in one query (plus one per changed relation shown) and compares
    neighbouring records in memory, rather than asking each record for its predecessor.
    """
    records = list(
        obj.history.select_related("history_user").order_by("history_date", "history_id")
    )
    entries = []
    previous = None
    for record in records:
        if previous is None:
            fields = [
                f.name
                for f in record.tracked_fields  # not those the history leaves out
                if f.name not in HIDDEN_FIELDS and getattr(record, f.attname) not in (None, "")
            ]
            changes = [FieldChange(_verbose(record, f), "", _display(record, f)) for f in fields]
        else:
            delta = record.diff_against(previous)
            changes = [
                FieldChange(
                    _verbose(record, change.field),
                    _display(previous, change.field),
                    _display(record, change.field),
                )
                for change in delta.changes
                if change.field not in HIDDEN_FIELDS
            ]
        user = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=(user.get_full_name() or user.get_username()) if user else "System",
                action=ACTIONS[record.history_type],
                changes=changes,
            )
        )
        previous = record
    return list(reversed(entries))


def _verbose(record, field_name: str) -> str:
    return str(record.instance_type._meta.get_field(field_name).verbose_name).capitalize()


def audited_models() -> list:
    """Every model whose changes django-simple-history records, the portal's own and
    the many-to-many links it tracks aside."""
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in PORTAL_APPS
        and getattr(model._meta, "simple_history_manager_attribute", None)
    ]


def history_model(model):
    return getattr(model, model._meta.simple_history_manager_attribute).model
