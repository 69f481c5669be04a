"""Reading django-simple-history records as a history a person can follow.

An object's history is its own records and those of its parts: a proposal's costs per
year and its scores, a meeting's attendance and agenda, a KPI's values. Each app says
once, in its `history.py` (registered from its AppConfig.ready()), which of its models
are parts of which object, which rule hides a part from some viewers, and how its
fields read. As with common.slots, a part may live in an app to the right of its
owner (a meeting's agenda holds proposals and risks), so the owner's app knows none
of them.

Every value is read as a person would say it: names, not ids (a deleted object by its
last name in history), choices by their label, Yes and No, money as £1,610, dates and
times in the council's time zone, and links as "Added: X, Y; removed: Z". Records that
change nothing a person can see are left out, and the records one save writes (the
object, then each of its links) read as one entry.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.db import models
from django.db.models import prefetch_related_objects

from . import formatting
from .fy import financial_year_label

PORTAL_APPS = {"common", "governance", "projects", "risks", "reports"}
# Fields that are bookkeeping, not content: every record has them.
BOOKKEEPING = frozenset({"id", "created_at", "updated_at"})
# The records one save writes (the object, then one per link changed) are a few
# milliseconds apart.
ONE_SAVE = datetime.timedelta(seconds=2)
NOT_SET = "Not set"


@dataclass(frozen=True)
class Part:
    """Records of `model` that belong in another object's history.

    `parent` names the model's foreign key to that object, or to another part of it
    (a criterion score's assessment, which is a part of the proposal). `label` says
    which part changed: a format string over the record's fields as they read, such as
    "Costs and savings for {financial_year}", where `{parent}` is the parent part's
    label. `visible(user, owner)` is the rule that hides the part from some viewers;
    the parts of a hidden part are hidden too. `records(user, history)` narrows the
    part's history records to those the viewer may see (a KPI value's records from
    before its approval), so what changed is told between the records they may see."""

    model: type[models.Model]
    parent: str
    label: str
    visible: Callable[[object, models.Model], bool] | None = None
    records: Callable[[object, models.QuerySet], models.QuerySet] | None = None


@dataclass(frozen=True)
class Reading:
    """How a model's fields read: which hold money, and which mean nothing to a person
    (a stored file's server-chosen path, numbers the portal works out)."""

    money: frozenset[str] = frozenset()
    hidden: frozenset[str] = frozenset()


_parts: dict[type, list[Part]] = defaultdict(list)
_readings: dict[type, Reading] = {}
_scopes: dict[type, Callable] = {}


def register_parts(owner: type[models.Model], *parts: Part) -> None:
    """Make `parts` part of the history of each `owner` object, in this order."""
    for part in parts:
        if part not in _parts[owner]:
            _parts[owner].append(part)


def register_reading(
    model: type[models.Model], *, money: Iterable[str] = (), hidden: Iterable[str] = ()
) -> None:
    _readings[model] = Reading(money=frozenset(money), hidden=frozenset(hidden))


def register_scope(model: type[models.Model], visible_to: Callable) -> None:
    """Name an object of `model` in history only to viewers for whom `visible_to(user)`
    (a queryset, asked once per page) holds it; others read that it is there, not what
    it is called."""
    _scopes[model] = visible_to


@dataclass(frozen=True)
class Change:
    """One field's change. `summary` is set instead of old and new for links."""

    field: str
    old: str = ""
    new: str = ""
    summary: str = ""


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime.datetime
    who: str
    action: str  # "Created", "Changed" or "Deleted"
    part: str  # which part changed; empty for the object itself
    changes: list[Change] = field(default_factory=list)

    @property
    def title(self) -> str:
        if not self.part:
            return f"{self.action} by {self.who}"
        verb = {"Created": "added", "Deleted": "removed"}.get(self.action, "changed")
        return f"{self.part}: {verb} by {self.who}"

    @property
    def when_text(self) -> str:
        return formatting.local_datetime(self.when)


def history_entries(obj, *, user) -> list[HistoryEntry]:
    """Every change to `obj` and to the parts of it `user` may see, newest first.

    Reads a fixed number of queries whatever the length of the history: one per
    source of records (the object, each part, each tracked link) and one or two per
    kind of object named."""
    return _History(obj, user).entries()


# --------------------------------------------------------------------------- reading


@dataclass
class _Source:
    """The records of the object itself, or of one part."""

    model: type[models.Model]
    part: Part | None
    records: list = field(default_factory=list)
    links: dict = field(default_factory=dict)  # m2m name -> {history_id: set of ids}


class _History:
    def __init__(self, obj, user):
        self.obj = obj
        self.user = user
        self.owner_model = obj._meta.concrete_model
        self.names = _Names(user)

    def entries(self) -> list[HistoryEntry]:
        sources = [self._own(), *self._parts()]
        for source in sources:
            self._want_names(source)
        self.names.resolve()
        self.latest = {
            (source.model, record.id): record for source in sources for record in source.records
        }
        entries = []
        for order, source in enumerate(sources):
            by_object = defaultdict(list)
            for record in source.records:
                by_object[record.id].append(record)
            for records in by_object.values():
                entries += [(entry, order) for entry in self._object_entries(source, records)]
        entries.sort(key=lambda pair: (pair[0].when, -pair[1]), reverse=True)
        return [entry for entry, _ in entries]

    # Which records --------------------------------------------------------------

    def _own(self) -> _Source:
        history = history_model(self.owner_model).objects.filter(id=self.obj.pk)
        return self._load(_Source(self.owner_model, None), history)

    def _parts(self) -> list[_Source]:
        sources, shown = [], {}
        for part in _parts[self.owner_model]:
            parent = part.model._meta.get_field(part.parent).related_model
            if parent is self.owner_model:
                history = history_model(part.model).objects.filter(
                    **{f"{part.parent}_id": self.obj.pk}
                )
            elif parent in shown:
                history = history_model(part.model).objects.filter(
                    **{f"{part.parent}_id__in": shown[parent].values("id")}
                )
            elif any(p.model is parent for p in _parts[self.owner_model]):
                continue  # the parent part is hidden from this viewer, so this is too
            else:
                raise ImproperlyConfigured(
                    f"{part.model.__name__}.{part.parent} is neither a "
                    f"{self.owner_model.__name__} nor a part registered before it."
                )
            if part.visible and not part.visible(self.user, self.obj):
                continue
            if part.records:
                history = part.records(self.user, history)
            shown[part.model] = history
            sources.append(self._load(_Source(part.model, part), history))
        return sources

    def _load(self, source: _Source, history) -> _Source:
        history = history.select_related("history_user").order_by("history_date", "history_id")
        source.records = list(history)
        for m2m in _tracked_links(source.model):
            rows = getattr(history_model(source.model), m2m.name).model.objects.filter(
                history_id__in=history.values("history_id")
            )
            linked = defaultdict(set)
            for history_id, target in rows.values_list("history_id", m2m.m2m_reverse_name()):
                linked[history_id].add(target)
            source.links[m2m.name] = linked
        return source

    def _want_names(self, source: _Source) -> None:
        fields = _readable_fields(source.model, source.part)
        relations = [f for f in fields if f.is_relation]
        for record in source.records:
            for f in relations:
                self.names.want(f.related_model, getattr(record, f.attname))
        for m2m in _tracked_links(source.model):
            for ids in source.links[m2m.name].values():
                for pk in ids:
                    self.names.want(m2m.related_model, pk)

    # What changed ---------------------------------------------------------------

    def _object_entries(self, source: _Source, records: list) -> list[HistoryEntry]:
        """One object's entries: the records of each save taken together, compared
        with the state before that save; those with nothing to show left out."""
        entries, before = [], None
        for save in _saves(records):
            after = save[-1]
            if after.history_type == "-":
                action, changes = "Deleted", self._values(source, after, old=True)
            elif save[0].history_type == "+":
                action, changes = "Created", self._values(source, after, old=False)
            else:
                action, changes = "Changed", self._differences(source, before, after)
            if changes or action != "Changed":
                entries.append(
                    HistoryEntry(
                        when=after.history_date,
                        who=_who(after),
                        action=action,
                        part=self._label(source, after) if source.part else "",
                        changes=changes,
                    )
                )
            before = after
        return entries

    def _values(self, source: _Source, record, *, old: bool) -> list[Change]:
        """What a created object holds, or what a deleted one held."""
        held = [
            (_label(f), self._read(source.model, f, getattr(record, f.attname)))
            for f in _readable_fields(source.model, source.part)
        ] + [
            (_label(m2m), ", ".join(self._names(m2m, links.get(record.history_id, set()))))
            for m2m, links in self._links(source)
        ]
        return [
            Change(label, old=text) if old else Change(label, new=text)
            for label, text in held
            if text
        ]

    def _differences(self, source: _Source, before, after) -> list[Change]:
        """What changed since `before`; with no record before (the object predates its
        history), everything it holds is new."""
        changes = []
        for f in _readable_fields(source.model, source.part):
            old, new = getattr(before, f.attname, None), getattr(after, f.attname)
            if old != new:
                changes.append(
                    Change(
                        _label(f),
                        old=self._read(source.model, f, old) or NOT_SET,
                        new=self._read(source.model, f, new) or NOT_SET,
                    )
                )
        for m2m, linked in self._links(source):
            old = linked.get(getattr(before, "history_id", None), set())
            new = linked.get(after.history_id, set())
            said = []
            if added := self._names(m2m, new - old):
                said.append(f"Added: {', '.join(added)}")
            if removed := self._names(m2m, old - new):
                said.append(f"{'removed' if said else 'Removed'}: {', '.join(removed)}")
            if said:
                changes.append(Change(_label(m2m), summary="; ".join(said)))
        return changes

    def _links(self, source: _Source) -> list[tuple]:
        return [(m2m, source.links[m2m.name]) for m2m in _tracked_links(source.model)]

    def _names(self, m2m, ids) -> list[str]:
        return sorted(self.names.name(m2m.related_model, pk) for pk in ids)

    def _read(self, model, f, value) -> str:
        """The value as a person would read it; empty for no value."""
        if value is None or value == "":
            return ""
        if f.is_relation:
            return self.names.name(f.related_model, value)
        if f.choices:
            return str(dict(f.flatchoices).get(value, value))
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if f.name in _readings.get(model, Reading()).money:
            return formatting.money(value)
        if f.name.endswith("financial_year"):
            return financial_year_label(value)
        if isinstance(value, datetime.datetime):
            return formatting.local_datetime(value)
        if isinstance(value, datetime.date):
            return formatting.date(value)
        if isinstance(value, Decimal):
            return formatting.number(value)
        return str(value)

    def _label(self, source: _Source, record) -> str:
        part = source.part
        values = _LabelValues(self, source, record)
        return part.label.format_map(values)


class _LabelValues(dict):
    """The fields of a part's record, as they read, for its label's format string."""

    def __init__(self, history: _History, source: _Source, record):
        super().__init__()
        self.history, self.source, self.record = history, source, record

    def __missing__(self, key):
        meta = self.source.model._meta
        if key == "parent":
            f = meta.get_field(self.source.part.parent)
            parent_part = next(
                p for p in _parts[self.history.owner_model] if p.model is f.related_model
            )
            parent = self.history.latest.get((f.related_model, getattr(self.record, f.attname)))
            if parent is None:
                return ""
            return self.history._label(_Source(f.related_model, parent_part), parent)
        f = meta.get_field(key)
        return self.history._read(self.source.model, f, getattr(self.record, f.attname))


def _who(record) -> str:
    """Who made a save: its user, else the portal itself, with the reason it gave (such
    as single sign-on group claims, or the file an import read) if any."""
    user = record.history_user
    reason = getattr(record, "history_change_reason", None)
    who = "The portal" if user is None else user.get_full_name() or user.get_username()
    return f"{who} ({reason})" if reason else who


def _saves(records: list) -> list[list]:
    """The records of one object, grouped into the saves that wrote them. Changing a
    link writes a record of its own, with the object's fields as the save before it
    left them (even the time it was saved); such a record joins that save."""
    saves = []
    for record in records:
        last = saves[-1][-1] if saves else None
        if (
            last
            and record.history_type == "~"
            and last.history_type != "-"
            and record.history_user_id == last.history_user_id
            and record.history_date - last.history_date <= ONE_SAVE
            and all(
                getattr(record, f.attname) == getattr(last, f.attname)
                for f in record.tracked_fields
            )
        ):
            saves[-1].append(record)
        else:
            saves.append([record])
    return saves


def _readable_fields(model, part: Part | None) -> list:
    reading = _readings.get(model, Reading())
    hidden = BOOKKEEPING | reading.hidden | ({part.parent} if part else set())
    return [
        model._meta.get_field(f.name)
        for f in history_model(model).tracked_fields
        if f.editable and f.name not in hidden
    ]


def _tracked_links(model) -> list:
    return list(getattr(history_model(model), "_history_m2m_fields", ()))


def _label(f) -> str:
    return str(f.verbose_name)[:1].upper() + str(f.verbose_name)[1:]


# ----------------------------------------------------------------------------- names


class _Names:
    """The names of the objects a page of history mentions, read a model at a time:
    the object as it is, or as history last saw it if it has been deleted."""

    def __init__(self, user):
        self.user = user
        self.wanted: dict[type, set] = defaultdict(set)
        self.known: dict[tuple[type, object], str] = {}

    def want(self, model, pk) -> None:
        if pk is not None:
            self.wanted[model._meta.concrete_model].add(pk)

    def name(self, model, pk) -> str:
        return self.known.get((model._meta.concrete_model, pk)) or _deleted(model)

    def resolve(self) -> None:
        for model, ids in self.wanted.items():
            scope = _scopes.get(model)
            visible = (
                set(scope(self.user).filter(pk__in=ids).values_list("pk", flat=True))
                if scope
                else ids
            )
            found = model._default_manager.filter(pk__in=ids).select_related()
            for obj in found:
                self.known[(model, obj.pk)] = str(obj) if obj.pk in visible else _unseen(model)
            missing = ids - {obj.pk for obj in found}
            if missing and not scope and _is_audited(model):
                self._resolve_deleted(model, missing)

    def _resolve_deleted(self, model, ids) -> None:
        last_seen = {}
        history = history_model(model).objects.filter(id__in=ids)
        for record in history.order_by("history_date", "history_id"):
            last_seen[record.id] = record
        instances = [record.instance for record in last_seen.values()]
        relations = [f.name for f in model._meta.concrete_fields if f.many_to_one]
        prefetch_related_objects(instances, *relations)
        for instance in instances:
            try:
                self.known[(model, instance.pk)] = f"{instance} (deleted)"
            except (ObjectDoesNotExist, AttributeError):
                # Its name needs an object that has gone too; say what it was instead.
                continue


def _deleted(model) -> str:
    return f"(deleted {model._meta.verbose_name})"


def _unseen(model) -> str:
    name = str(model._meta.verbose_name)
    article = "an" if name[:1].lower() in "aeiou" else "a"
    return f"({article} {name} you cannot see)"


def _is_audited(model) -> bool:
    return bool(getattr(model._meta, "simple_history_manager_attribute", None))


# ---------------------------------------------------------------------------- models


def audited_models() -> list:
    """Every model whose changes django-simple-history records, the portal's own and
    the many-to-many links it tracks aside."""
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in PORTAL_APPS and _is_audited(model)
    ]


def history_model(model):
    return getattr(model, model._meta.simple_history_manager_attribute).model
