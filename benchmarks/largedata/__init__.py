"""Large, realistic generated data: a council's worth of proposals, projects, risks,
KPIs and meetings over several financial years, for benchmarks and load tests.

This package holds the machinery (a run, its random streams, fast inserts with
history) and one module per app that writes that app's models: `generate()` runs them
left to right (governance, projects, risks, reports), as the apps depend on each
other. A generator receives the `GenerationRun`, reads what the generators before it
made from `run.made`, and publishes what it made there in turn. The apps themselves
know nothing of this package: it lives in `benchmarks`, the last app.

Three promises:
- Fast: rows go in with bulk inserts (COPY on PostgreSQL), never a save() per row.
- Consistent history: every row gets its "+" history record naming the person who made
  it, dated when it happened; an object that changed later (a proposal moving through
  its workflow, a risk at each review) gets a "~" record per change, and the history of
  its many-to-many links, as django-simple-history would have written them.
- Deterministic: the same seed, scale and reference date give the same data. Every
  random choice comes from `run.rng(name)`, a random.Random seeded from the seed and a
  stable name, so one part's data does not depend on how many numbers another drew.
  The reference date ("as of") defaults to today: pass it to reproduce a run.
"""

import copy
import datetime
import io
import json
import os
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from common import dataversion
from common.fy import financial_year_of

BATCH_SIZE = 2000
# Usernames and unit codes of generated rows start with this.
GENERATED_PREFIX = "gen-"
# One well-known account per role, by role, for benchmarks to sign in with.
BENCH_USERS = {
    "officer": "bench-officer",
    "member": "bench-member",
    "chair": "bench-chair",
    "headofict": "bench-headofict",
    "admin": "bench-admin",
}
# Their password, unless the run is given another.
BENCH_PASSWORD = os.environ.get("BENCH_PASSWORD", "bench-portal-2026")


class GeneratedDataPresent(Exception):
    """Generated data is already in the database and the run was not asked to append."""


@dataclass(frozen=True)
class Change:
    """A later change to a generated object: who made it, when, and the fields' new values."""

    when: datetime.datetime
    who: Any
    fields: dict[str, Any]


@dataclass(frozen=True)
class Scale:
    proposals: int
    risks: int
    years: int


@dataclass
class GenerationRun:
    """One run of the generators: its settings, its random streams, and the tally of
    rows written."""

    seed: int
    as_of: datetime.date
    scale: Scale
    password: str
    append: bool = False
    # What each generator made, by app label, for the generators to its right.
    made: dict[str, Any] = field(default_factory=dict)
    # Rows written, by model label (history and link tables included).
    rows: Counter = field(default_factory=Counter)
    # The well-known accounts to sign in with: (username, role names).
    accounts: list[tuple[str, str]] = field(default_factory=list)
    # Write with PostgreSQL's COPY (None: whenever the database is PostgreSQL).
    by_copy: bool | None = None

    @property
    def last_year(self) -> int:
        """The financial year containing the reference date."""
        return financial_year_of(self.as_of)

    @property
    def first_year(self) -> int:
        return self.last_year - self.scale.years + 1

    @property
    def start(self) -> datetime.date:
        """The first day of the first financial year generated."""
        return datetime.date(self.first_year, 4, 1)

    @property
    def cutoff(self) -> datetime.datetime:
        """The start of the reference day: everything that has happened happened
        before it; scheduled meetings and due dates may come after it."""
        return self.at(self.as_of, 0)

    @property
    def days(self) -> int:
        """Days from the start of the first year to the reference date."""
        return (self.as_of - self.start).days

    def rng(self, name: str) -> random.Random:
        """A random stream of its own for each named part of the data."""
        return random.Random(f"{self.seed}:{name}")  # noqa: S311 - repeatable test data, not secrets

    def at(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        """A local time on a day, as an aware datetime."""
        return timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(hour, minute)),
            timezone.get_default_timezone(),
        )

    def working_moment(self, day: datetime.date, rng: random.Random) -> datetime.datetime:
        """Some time between 09:00 and 17:00 on a day."""
        minutes = rng.randrange(9 * 60, 17 * 60)
        return self.at(day, minutes // 60, minutes % 60)

    def happened(self, moment: datetime.datetime | datetime.date) -> bool:
        """Whether a moment (or a whole day) is before the reference day."""
        if isinstance(moment, datetime.datetime):
            return moment < self.cutoff
        return moment < self.as_of

    def insert(self, model: type[models.Model], objs: list) -> list:
        """Insert objects with their history; see `insert`."""
        if objs:
            self.rows.update(insert(model, objs, by_copy=self.by_copy))
        return objs


# ----------------------------------------------------------------------------- inserts


def stamp(obj, *, who, when: datetime.datetime):
    """Say who made `obj` and when, for its "+" history record. Returns obj."""
    obj._history_user = who
    obj._history_date = when
    return obj


def evolve(obj, change: Change):
    """Record a later change to `obj`; `insert` writes the object as it ends up, with a
    "~" history record for each change. Changes must come in time order."""
    changes = obj.__dict__.setdefault("_generated_changes", [])
    if changes and change.when < changes[-1].when:
        raise ValueError(f"Changes to {obj!r} out of time order")
    changes.append(change)
    return obj


def link(obj, field_name: str, ids: Iterable[int]):
    """Link `obj` through a many-to-many field from its creation on; its history records
    each list the links, as django-simple-history's m2m_fields would."""
    obj.__dict__.setdefault("_generated_links", {})[field_name] = list(ids)
    return obj


def changes_of(obj) -> list[Change]:
    return obj.__dict__.get("_generated_changes", [])


def current(obj):
    """`obj` with its recorded changes applied (a copy, if there are any)."""
    return _snapshots(obj, auto_now=[])[-1]


@contextmanager
def timestamps_as_given(model: type[models.Model]) -> Iterator[None]:
    """Keep the created_at and updated_at values the generator chose: auto_now and
    auto_now_add would stamp every row with the moment of the insert."""
    stamped = [
        (f, f.auto_now, f.auto_now_add)
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    for f, _, _ in stamped:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in stamped:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def insert(model: type[models.Model], objs: list, *, by_copy: bool | None = None) -> Counter:
    """Insert `objs` (each stamped with who made it and when) with their history: a "+"
    record of each as first made, a "~" record per recorded change (the table gets the
    final state), and each record's many-to-many links. Returns rows written per table.

    On PostgreSQL the rows go in with COPY (`by_copy`, the default there): for a million
    rows the ORM's INSERTs take minutes, mostly in Python preparing each value. Elsewhere,
    or with by_copy=False, they go in through simple_history's bulk_create_with_history
    and bulk_update_with_history. Both write the same rows; a test checks that."""
    for obj in objs:
        if getattr(obj, "_history_user", None) is None or obj.__dict__.get("_history_date") is None:
            raise ValueError(f"{model.__name__} generated without who made it and when")
    if by_copy is None:
        by_copy = connection.vendor == "postgresql"
    auto_now = [f.attname for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
    relations = [f for f in model._meta.concrete_fields if f.is_relation]
    for obj in objs:
        _resolve_relations(obj, relations)
    records = [_snapshots(obj, auto_now) for obj in objs]
    with timestamps_as_given(model):
        if by_copy:
            return _CopyWriter(model).write(objs, records)
        return _write_by_orm(model, objs, records, auto_now)


def _resolve_relations(obj, relations) -> None:
    """A foreign key set to an object that was saved after it was set takes that
    object's id now (as the ORM does on save), before the object is copied."""
    cache = obj._state.fields_cache
    for f in relations:
        if obj.__dict__.get(f.attname) is None and cache.get(f.name) is not None:
            obj.__dict__[f.attname] = cache[f.name].pk


def _snapshots(obj, auto_now: list[str]) -> list:
    """The object as first made, then after each recorded change (stamped with who made
    the change and when); the last is what the table holds."""
    state, snapshots = obj, [obj]
    for change in changes_of(obj):
        state = copy.copy(state)
        for name, value in change.fields.items():
            setattr(state, name, value)
        for name in auto_now:
            setattr(state, name, change.when)
        stamp(state, who=change.who, when=change.when)
        snapshots.append(state)
    return snapshots


def _links(obj) -> dict[str, list[int]]:
    return obj.__dict__.get("_generated_links", {})


def _write_by_orm(model, objs: list, records: list[list], auto_now: list[str]) -> Counter:
    """The same rows through simple_history's bulk helpers: each object as first made
    with bulk_create_with_history, a "~" record for each change but the last, then the
    last change with bulk_update_with_history, and the links with each record."""
    rows = Counter()
    history_model = model.history.model
    bulk_create_with_history(objs, model, batch_size=BATCH_SIZE, default_change_reason=None)
    for snapshots in records:
        for snapshot in snapshots:
            snapshot.pk = snapshots[0].pk
    changed = [snapshots for snapshots in records if len(snapshots) > 1]
    model.history.bulk_history_create(
        [s for snapshots in changed for s in snapshots[1:-1]],
        update=True,
        batch_size=BATCH_SIZE,
        default_change_reason=None,
    )
    fields = sorted(
        {name for obj in objs for change in changes_of(obj) for name in change.fields}
        | {model._meta.get_field(attname).name for attname in auto_now}
    )
    if changed:
        bulk_update_with_history(
            [snapshots[-1] for snapshots in changed],
            model,
            fields,
            batch_size=BATCH_SIZE,
            default_change_reason=None,
        )
    rows[model._meta.label] += len(objs)
    rows[history_model._meta.label] += sum(len(snapshots) for snapshots in records)
    names = _link_names(objs)
    if not names:
        return rows
    history_ids: dict[int, list[int]] = {}
    for pk, history_id in (
        model.history.filter(id__in=[obj.pk for obj in objs])
        .order_by("history_date", "history_id")
        .values_list("id", "history_id")
    ):
        history_ids.setdefault(pk, []).append(history_id)
    for name in names:
        m2m = model._meta.get_field(name)
        through = m2m.remote_field.through
        source, target = f"{m2m.m2m_field_name()}_id", f"{m2m.m2m_reverse_field_name()}_id"
        links = through.objects.bulk_create(
            [
                through(**{source: obj.pk, target: target_id})
                for obj in objs
                for target_id in _links(obj).get(name, ())
            ],
            batch_size=BATCH_SIZE,
        )
        history_links_model = getattr(history_model, name).model
        history_links = history_links_model.objects.bulk_create(
            [
                history_links_model(
                    history_id=history_id,
                    id=row.pk,
                    **{source: getattr(row, source), target: getattr(row, target)},
                )
                for row in links
                for history_id in history_ids[getattr(row, source)]
            ],
            batch_size=BATCH_SIZE,
        )
        rows[through._meta.label] += len(links)
        rows[history_links_model._meta.label] += len(history_links)
    return rows


def _link_names(objs: list) -> list[str]:
    return sorted({name for obj in objs for name in _links(obj)})


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_NULL = "\\N"


def _text(value) -> str:
    return _NULL if value is None else value.translate(_COPY_ESCAPES)


def _number(value) -> str:
    return _NULL if value is None else str(value)


def _decimal(value) -> str:
    return _NULL if value is None else format(value, "f")


def _boolean(value) -> str:
    return _NULL if value is None else ("t" if value else "f")


def _iso(value) -> str:
    return _NULL if value is None else value.isoformat()


def _json(value) -> str:
    return _NULL if value is None else json.dumps(value).translate(_COPY_ESCAPES)


def _copy_format(field: models.Field):
    """How to write the field's values in COPY's text format."""
    kind = field.get_internal_type()
    if field.is_relation or kind.endswith(("IntegerField", "AutoField")):
        return _number
    return {
        "BooleanField": _boolean,
        "DecimalField": _decimal,
        "DateTimeField": _iso,
        "DateField": _iso,
        "JSONField": _json,
    }.get(kind, _text)


class _CopyWriter:
    """Rows into one model's table, its history table and its link tables with
    PostgreSQL's COPY: the same rows the ORM path writes. Primary keys are taken from
    each table's sequence first, as the ORM's INSERT would take them, so rows can point
    at each other before they are written."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.history_model = model.history.model

    def write(self, objs: list, records: list[list]) -> Counter:
        rows = Counter()
        model, history_model = self.model, self.history_model
        for snapshots, pk in zip(records, _next_ids(model, len(objs)), strict=True):
            for snapshot in snapshots:
                snapshot.pk = pk
        fields = model._meta.concrete_fields
        values = _values([f.attname for f in fields])
        rows[model._meta.label] += _copy(model, fields, (values(r[-1]) for r in records))

        # A history row: the tracked fields' values, then simple_history's own.
        meta = history_model._meta
        tracked = [meta.get_field(f.attname) for f in history_model.tracked_fields]
        own = ["history_id", "history_date", "history_change_reason", "history_type"]
        fields = [*tracked, *(meta.get_field(name) for name in own), meta.get_field("history_user")]
        values = _values([f.attname for f in tracked])
        snapshots = [(s, "~" if index else "+") for r in records for index, s in enumerate(r)]
        history_ids = _next_ids(history_model, len(snapshots))
        rows[history_model._meta.label] += _copy(
            history_model,
            fields,
            (
                (*values(s), hid, s._history_date, None, kind, s._history_user.pk)
                for hid, (s, kind) in zip(history_ids, snapshots, strict=True)
            ),
        )
        # Each object's history ids, in the order of its snapshots.
        by_object, position = [], 0
        for snapshots in records:
            by_object.append(history_ids[position : position + len(snapshots)])
            position += len(snapshots)
        for name in _link_names(objs):
            rows.update(self._write_links(name, objs, by_object))
        return rows

    def _write_links(self, name: str, objs: list, history_ids: list[list[int]]) -> Counter:
        m2m = self.model._meta.get_field(name)
        through = m2m.remote_field.through
        history_links_model = getattr(self.history_model, name).model
        source, target = f"{m2m.m2m_field_name()}_id", f"{m2m.m2m_reverse_field_name()}_id"
        pairs = [
            (index, obj.pk, target_id)
            for index, obj in enumerate(objs)
            for target_id in _links(obj).get(name, ())
        ]
        link_ids = _next_ids(through, len(pairs))
        written = Counter()
        fields = [through._meta.get_field(name) for name in ("id", source, target)]
        written[through._meta.label] = _copy(
            through,
            fields,
            (
                [link_id, pk, target_id]
                for link_id, (_, pk, target_id) in zip(link_ids, pairs, strict=True)
            ),
        )
        history_rows = [
            {"id": link_id, source: pk, target: target_id, "history_id": history_id}
            for link_id, (index, pk, target_id) in zip(link_ids, pairs, strict=True)
            for history_id in history_ids[index]
        ]
        m2m_history_ids = _next_ids(history_links_model, len(history_rows))
        fields = history_links_model._meta.concrete_fields
        written[history_links_model._meta.label] = _copy(
            history_links_model,
            fields,
            (
                [{**row, "m2m_history_id": m2m_id}[f.attname] for f in fields]
                for row, m2m_id in zip(history_rows, m2m_history_ids, strict=True)
            ),
        )
        return written


def _values(attnames: list[str]) -> Callable[[Any], tuple]:
    """A fast reader of an object's values for these attributes, as a tuple."""
    read = attrgetter(*attnames)
    return read if len(attnames) > 1 else lambda obj: (read(obj),)


def _next_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys from the table's sequence, in ascending order."""
    if not count:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, model._meta.pk.column]
        )
        sequence = cursor.fetchone()[0]
        cursor.execute(
            "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count]
        )
        return sorted(row[0] for row in cursor.fetchall())


def _copy(model: type[models.Model], fields: list, rows: Iterable[list]) -> int:
    """COPY rows (values in the order of `fields`) into the model's table; returns how
    many."""
    formats = [_copy_format(f) for f in fields]
    buffer, count = io.StringIO(), 0
    for row in rows:
        buffer.write("\t".join([write(value) for write, value in zip(formats, row, strict=True)]))
        buffer.write("\n")
        count += 1
    if not count:
        return 0
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    buffer.seek(0)
    with connection.cursor() as cursor:
        database_cursor = cursor.cursor
        if hasattr(database_cursor, "copy_expert"):  # psycopg2
            database_cursor.copy_expert(sql, buffer)
        else:  # psycopg 3
            with database_cursor.copy(sql) as copy_in:
                copy_in.write(buffer.getvalue())
    return count


# ------------------------------------------------------------------- what is there


def is_generated() -> bool:
    """Whether generated data is in the database (its bench accounts are)."""
    return get_user_model().objects.filter(username__in=BENCH_USERS.values()).exists()


def risk_count() -> int:
    return apps.get_model("risks", "Risk").objects.count()


def years_of_history() -> int:
    """Financial years from the first proposal's to the last's."""
    first, last = (
        apps.get_model("projects", "Proposal")
        .objects.aggregate(first=models.Min("created_at"), last=models.Max("created_at"))
        .values()
    )
    if first is None:
        return 0
    local = timezone.localtime
    return financial_year_of(local(last).date()) - financial_year_of(local(first).date()) + 1


# -------------------------------------------------------------------------- generators

Generator = Callable[[GenerationRun], None]


def generators() -> list[tuple[str, Generator]]:
    """Each app's generator, in the order they run: each reads what those before it made.
    Imported here, not at the top, because each app's module imports this package's
    machinery."""
    from .governance import generate_governance
    from .projects import generate_projects
    from .reports import generate_reports
    from .risks import generate_risks

    return [
        ("governance", generate_governance),
        ("projects", generate_projects),
        ("risks", generate_risks),
        ("reports", generate_reports),
    ]


def generate(run: GenerationRun, *, report: Callable[[str], None] = lambda line: None) -> None:
    """Run every app's generator in one transaction: all the data, or none. Then,
    on PostgreSQL, refresh the planner's statistics of the tables written, so the first
    pages served on the data (a benchmark's) are planned for its size."""
    with transaction.atomic():
        for name, generator in generators():
            started = time.perf_counter()
            before = sum(run.rows.values())
            generator(run)
            report(
                f"  {name}: {sum(run.rows.values()) - before:,} rows in "
                f"{time.perf_counter() - started:.1f} s"
            )
    dataversion.bump()  # COPY and bulk inserts send no signals
    if connection.vendor == "postgresql" and run.rows:
        started = time.perf_counter()
        quote = connection.ops.quote_name
        tables = sorted(apps.get_model(label)._meta.db_table for label in run.rows)
        # After a bulk load, as PostgreSQL's manual advises: VACUUM marks the new pages
        # all-visible, so a count can be read from an index alone, as it can once a
        # server's autovacuum has caught up; ANALYZE gives the planner the statistics.
        # VACUUM cannot run inside a transaction (a test's), so there only ANALYZE.
        done, command = (
            ("analysed", "ANALYZE")
            if connection.in_atomic_block
            else ("vacuumed and analysed", "VACUUM (ANALYZE)")
        )
        with connection.cursor() as cursor:
            cursor.execute(f"{command} {', '.join(quote(table) for table in tables)}")
        report(
            f"  statistics: {len(tables)} tables {done} in {time.perf_counter() - started:.1f} s"
        )
