"""Importing the portal's lists from Excel and CSV: how a council starts, with its risk
register, projects, proposals, action plan and KPIs in spreadsheets.

Each app declares an `Importer` for what it owns and registers it from its
AppConfig.ready() (as with common.slots), so common knows no app to its right. An
importer reads the same columns its list exports (common.lists), validates each row
with the same form the page uses and writes with the same service, so an import can
never accept what the page refuses, nor write what the page would not.

One engine (`run_rows`) does both the dry run and the import: it hands every row to
the importer inside one transaction, each row in a savepoint, so a bad row is named
and the rows after it are still checked. The dry run rolls everything back and keeps
what each row would do (the preview); the import does the same again and commits only
if no row is bad and every row does what the preview said. So the preview is exactly
what importing does, including refusals only a service makes, and a file with any bad
row imports nothing.

Every history record written while a file imports names the person importing as its
user and "Imported from <file>" as its change reason (common.history shows both).
"""

import contextlib
import contextvars
import csv
import datetime
import hashlib
import io
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

import openpyxl
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.management.color import no_style
from django.db import DatabaseError, connection, connections, transaction
from django.dispatch import receiver
from django.utils import timezone
from simple_history.signals import pre_create_historical_record

from .errors import WorkflowError
from .exports import FORMULA_TRIGGERS, xlsx_bytes
from .models import ImportRun, ImportStatus
from .roles import Role, roles_of
from .services import save_with_history
from .uploads import MAX_UPLOAD_BYTES, check_upload, safe_display_name

logger = logging.getLogger(__name__)

# A file of more rows than this is checked and imported by a Celery task, with its
# progress on the run's page; a smaller one in the request, which takes a second or
# two and shows the preview at once. The import itself is one transaction either way.
IN_BACKGROUND_OVER_ROWS = 500
MAX_ROWS = 20_000
CREATE, CHANGE, UNCHANGED, ERROR = "create", "change", "unchanged", "error"


# ------------------------------------------------------------------ what an importer reads


@dataclass(frozen=True)
class ImportColumn:
    """A column an import reads, as its template's "How to fill this in" sheet
    describes it. `aliases` are other headings meaning the same (another tool's)."""

    header: str
    required: bool = False
    help: str = ""
    allowed: str = ""
    example: Any = ""
    aliases: tuple[str, ...] = ()
    read: bool = True  # False: worked out by the portal; exported, never imported

    def names(self) -> set[str]:
        return {_folded(self.header), *(_folded(alias) for alias in self.aliases)}


@dataclass(frozen=True)
class ImportSheet:
    """One worksheet an import reads. The first of an importer's sheets is its main
    one: a CSV file is that sheet, and a workbook without a sheet of its title is read
    from its first sheet."""

    title: str
    columns: tuple[ImportColumn, ...]
    reference: str = "Reference"  # the column naming the object a row is about

    def column(self, heading) -> ImportColumn | None:
        folded = _folded(heading)
        return next((c for c in self.columns if folded in c.names()), None)


@dataclass
class Row:
    sheet: str
    number: int  # as the spreadsheet numbers it, so a person finds it
    values: dict[str, Any]  # by column header

    def get(self, header: str):
        value = self.values.get(header)
        return None if value is None or (isinstance(value, str) and not value.strip()) else value

    def text(self, header: str) -> str:
        return as_text(self.get(header))


@dataclass
class Outcome:
    """What one row does: creates, changes (naming the fields) or leaves unchanged."""

    action: str
    reference: str = ""
    label: str = ""
    changes: list[str] = field(default_factory=list)


class Importer:
    """What one kind of import reads and how it writes. Subclasses set the class
    attributes and `handle`."""

    name: ClassVar[str]  # in URLs: "risks"
    title: ClassVar[str]  # "Risks"
    description: ClassVar[str] = ""
    allowed_roles: ClassVar[frozenset[Role]]  # from the app's policies.py
    sheets: ClassVar[Sequence[ImportSheet]]
    list_url_name: ClassVar[str] = ""  # where the imported rows are listed
    order: ClassVar[int] = 100

    def allows(self, user) -> bool:
        return bool(roles_of(user) & self.allowed_roles)

    def recognise(self, headings: Sequence[str]) -> str:
        """A note when the main sheet's headings are another tool's (Project Online)."""
        return ""

    def handle(self, row: Row, *, user, context: dict) -> Outcome:
        """Validate one row and write it through the app's service. Raise
        ValidationError (or WorkflowError, PermissionDenied) for a bad row. `context`
        lasts one run of the file: somewhere to keep what every row looks up."""
        raise NotImplementedError

    def finish(self, *, user, context: dict) -> None:
        """After the last row (for example, move an id sequence past ids the file named)."""

    def example_rows(self) -> dict[str, list]:
        return {
            sheet.title: [c.example for c in sheet.columns] for sheet in self.sheets
        }


_registry: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    _registry[importer.name] = importer
    return importer


def importers_for(user) -> list[Importer]:
    return sorted(
        (i for i in _registry.values() if i.allows(user)), key=lambda i: (i.order, i.title)
    )


def importer(name: str) -> Importer | None:
    return _registry.get(name)


def may_import_any(user) -> bool:
    return any(i.allows(user) for i in _registry.values())


def importer_roles() -> frozenset[Role]:
    roles = frozenset()
    for registered_importer in _registry.values():
        roles |= registered_importer.allowed_roles
    return roles


# ------------------------------------------------------------------ reading values


def _folded(heading) -> str:
    return " ".join(str(heading or "").split()).casefold()


def _undefused(value):
    """An exported text cell that a spreadsheet would read as a formula was written
    with a leading apostrophe (common.exports); read back, it is the text it was."""
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in "".join(
        FORMULA_TRIGGERS
    ):
        return value[1:]
    return value


def as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return str(value).strip()


DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d %B %Y", "%d %b %Y", "%m/%d/%Y")


def as_date(value, header: str) -> datetime.date | None:
    """A date from a date cell or text such as 2027-03-31 or 31/03/2027."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = as_text(value)
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValidationError(f"{header} must be a date, for example 31/03/2027 (not “{text}”)")


def as_number(value, header: str) -> Decimal | None:
    """A number from a number cell or text such as £1,610.50 or 97.5%."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValidationError(f"{header} must be a number")
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        text = as_text(value).replace(",", "").replace("£", "").replace("%", "").strip()
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise ValidationError(f"{header} must be a number (not “{as_text(value)}”)") from None
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        raise ValidationError(f"{header} is out of range")
    return number


def labels(choices: Iterable[tuple[Any, str]]) -> str:
    """A choice's labels, for a template's "allowed" column: "Open, Closed"."""
    return ", ".join(label for _, label in choices)


def as_choice(value, choices: Iterable[tuple[Any, str]], header: str, *, blank=""):
    """The stored value of a choice named by its value or its label, in any case."""
    text = _folded(as_text(value))
    if not text:
        return blank
    for stored, label in choices:
        if text in (_folded(stored), _folded(label), _folded(str(label).split(":")[0])):
            return stored
    allowed = ", ".join(str(label).split(":")[0] for stored, label in choices if stored != "")
    raise ValidationError(f"{header} must be one of: {allowed} (not “{as_text(value)}”)")


def as_boolean(value, header: str) -> bool:
    text = _folded(as_text(value))
    if text in ("yes", "y", "true", "1"):
        return True
    if text in ("no", "n", "false", "0", ""):
        return False
    raise ValidationError(f"{header} must be Yes or No (not “{as_text(value)}”)")


class People:
    """The people a row may name, found by full name, username or e-mail address (any
    case), as the lists show them."""

    def __init__(self, users: Iterable):
        self.by_key: dict[str, list] = {}
        for user in users:
            for key in {user.get_full_name(), user.get_username(), user.email, str(user)}:
                if key:
                    self.by_key.setdefault(_folded(key), []).append(user)

    def find(self, value, header: str, *, required: bool = True):
        text = as_text(value)
        if not text:
            if required:
                raise ValidationError(f"Enter the {header.lower()}")
            return None
        found = {u.pk: u for u in self.by_key.get(_folded(text), [])}
        if not found:
            raise ValidationError(f"{header}: no one in the portal is called “{text}”")
        if len(found) > 1:
            raise ValidationError(f"{header}: more than one person is called “{text}”")
        return next(iter(found.values()))


class Problems:
    """Collects a row's problems, so one row's every problem is named at once.
    `check` runs a conversion and remembers which field it was for if it failed, so
    the form's own message for that field (now blank) is not added as well."""

    def __init__(self):
        self.messages: list[str] = []
        self.fields: set[str] = set()

    def check(self, name: str, convert: Callable, *args, **kwargs):
        try:
            return convert(*args, **kwargs)
        except ValidationError as error:
            self.messages += _messages(error)
            self.fields.add(name)
            return None

    def validated(self, form, headers: Mapping[str, str] | None = None) -> dict:
        """The form's cleaned data, or a ValidationError naming every problem."""
        valid = form.is_valid()
        messages = list(self.messages)
        if not valid:
            for name, errors in form.errors.items():
                if name in self.fields:
                    continue
                column = (headers or {}).get(name)
                messages += [f"{column}: {m}" if column else m for m in errors]
        if messages:
            raise ValidationError(messages)
        return form.cleaned_data


def reference_number(text: str, prefix: str, *, example: str, what: str) -> int | None:
    """The id a portal reference such as R-007 names; None for no reference."""
    if not text:
        return None
    head, _, digits = text.strip().upper().partition("-")
    if head != prefix or not digits.isdigit() or not 0 < int(digits) < 2**31:
        raise ValidationError(
            f"Reference “{text}” is not a portal reference like {example}: "
            f"leave it blank to add the row as a new {what}"
        )
    return int(digits)


def form_data(form_class_fields: Mapping[str, forms.Field], values: Mapping[str, Any]) -> dict:
    """Form data for `values` by field name, as a browser would post it: a date as the
    GOV.UK date pattern's day, month and year boxes, a model choice as its key."""
    data = {}
    for name, value in values.items():
        widget = form_class_fields[name].widget if name in form_class_fields else None
        if isinstance(widget, forms.MultiWidget):
            parts = widget.decompress(value) if value else [""] * len(widget.widgets)
            for suffix, part in zip(widget.widgets_names, parts, strict=True):
                data[f"{name}{suffix}"] = "" if part is None else str(part)
        elif isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        else:
            data[name] = "" if value is None else getattr(value, "pk", value)
    return data


def differences(obj, wanted: Mapping[str, Any], labels: Mapping[str, str]) -> list[str]:
    """The labels of the fields whose wanted value differs from what `obj` holds."""
    return [labels.get(name, name) for name, value in wanted.items() if getattr(obj, name) != value]


def reset_sequence(*models) -> None:
    """After objects were created with the ids their references named, move the id
    sequence past them, so the next object made in the portal gets a free id."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(statement)


# ------------------------------------------------------------------ reading files

CSV_EXTENSION, XLSX_EXTENSION = ".csv", ".xlsx"
NOT_A_SPREADSHEET = "The selected file must be an Excel (.xlsx) or CSV file"


def check_import_file(upload) -> str:
    """Refuse anything but an Excel workbook (checked by its content, as every upload
    is) or a UTF-8 CSV file. Returns the extension to store it under."""
    extension = os.path.splitext(upload.name or "")[1].lower()
    if extension == CSV_EXTENSION:
        if not upload.size:
            raise ValidationError("The selected file is empty")
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                f"The selected file must be smaller than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB"
            )
        upload.seek(0)
        content = upload.read()
        upload.seek(0)
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError("The selected file must be a CSV file in UTF-8") from error
        if "\x00" in text:  # no text file holds a NUL, and PostgreSQL cannot store one
            raise ValidationError("The selected file must be a CSV file in UTF-8")
        return CSV_EXTENSION
    try:
        checked = check_upload(upload)
    except ValidationError as error:
        if error.code in ("not_allowed", "wrong_extension"):
            raise ValidationError(NOT_A_SPREADSHEET, code="not_allowed") from error
        raise
    if checked.extension != XLSX_EXTENSION:
        raise ValidationError(NOT_A_SPREADSHEET, code="not_allowed")
    return XLSX_EXTENSION


def read_tables(imp: Importer, content: bytes, extension: str) -> tuple[dict[str, list[Row]], str]:
    """The rows of each sheet the importer reads, and a note on what was recognised.
    Raises ValidationError when the file cannot be read or lacks a required column."""
    if extension == CSV_EXTENSION:
        text = content.decode("utf-8-sig")
        grids = {imp.sheets[0].title: ((None, r) for r in csv.reader(io.StringIO(text)))}
    else:
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a damaged file
            raise ValidationError("The selected file could not be read as an Excel file") from error
        by_title = {_folded(ws.title): ws for ws in workbook.worksheets}
        grids = {}
        for number, sheet in enumerate(imp.sheets):
            worksheet = by_title.get(_folded(sheet.title))
            if worksheet is None and number == 0 and workbook.worksheets:
                worksheet = workbook.worksheets[0]
            if worksheet is not None:
                grids[sheet.title] = _cells(worksheet)
    tables, note = {}, ""
    for number, sheet in enumerate(imp.sheets):
        if sheet.title not in grids:
            tables[sheet.title] = []
            continue
        rows = _rows(sheet, grids[sheet.title], main=number == 0)
        if number == 0:
            note = imp.recognise(rows.headings)
        tables[sheet.title] = rows.rows
    if not any(tables.values()):
        raise ValidationError("The selected file has no rows to import")
    if sum(len(rows) for rows in tables.values()) > MAX_ROWS:
        raise ValidationError(f"The selected file must have {MAX_ROWS:,} rows or fewer")
    return tables, note


def _cells(worksheet) -> Iterator[tuple[None, list]]:
    for row in worksheet.iter_rows():
        yield None, [_cell_value(cell) for cell in row]


def _cell_value(cell):
    value = getattr(cell, "value", None)
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = Decimal(str(value))
        # Excel's percentages are fractions shown as percents: 97.5% is 0.975.
        if "%" in (getattr(cell, "number_format", "") or ""):
            number = (number * 100).normalize()
        return int(number) if number == number.to_integral_value() else number
    return _undefused(value)


@dataclass
class _Read:
    headings: list[str]
    rows: list[Row]


def _rows(sheet: ImportSheet, grid, *, main: bool) -> _Read:
    headings, columns, rows = [], None, []
    for number, (_, cells) in enumerate(grid, start=1):
        cells = [_undefused(c) for c in cells]
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        if columns is None:
            headings = [as_text(c) for c in cells]
            columns = [sheet.column(h) for h in headings]
            found = {c.header for c in columns if c}
            missing = [c.header for c in sheet.columns if c.required and c.header not in found]
            if missing:
                raise ValidationError(
                    f"The sheet “{sheet.title}” needs the column{'s' if len(missing) > 1 else ''} "
                    + ", ".join(missing)
                )
            continue
        values = {}
        for column, value in zip(columns, cells, strict=False):
            if column is not None and column.read and column.header not in values:
                values[column.header] = value
        rows.append(Row(sheet.title, number, values))
    if columns is None and main:
        raise ValidationError("The selected file has no heading row")
    return _Read(headings, rows)


# ------------------------------------------------------------------ the engine

_reason: contextvars.ContextVar[str | None] = contextvars.ContextVar("import_reason", default=None)


@contextlib.contextmanager
def change_reason(reason: str):
    token = _reason.set(reason[:100])
    try:
        yield
    finally:
        _reason.reset(token)


@receiver(pre_create_historical_record)
def _name_the_file(sender, history_instance, **kwargs):
    reason = _reason.get()
    if reason and not getattr(history_instance, "history_change_reason", None):
        history_instance.history_change_reason = reason


def _messages(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return [m for messages in error.message_dict.values() for m in messages]
        return list(error.messages)
    return [str(error)]


def run_rows(
    imp: Importer,
    tables: Mapping[str, list[Row]],
    *,
    user,
    file_name: str,
    commit: bool,
    progress: Callable[[int], None] | None = None,
    before_commit: Callable[[list[dict]], bool] | None = None,
) -> list[dict]:
    """Hand every row to the importer in one transaction and say what each did.
    Without `commit`, or if any row is bad, or if `before_commit` says no, everything
    is rolled back."""
    rows = [row for sheet in imp.sheets for row in tables.get(sheet.title, [])]
    outcomes, context = [], {"file_name": file_name}
    with change_reason(f"Imported from {file_name}"), transaction.atomic():
        for done, row in enumerate(rows, start=1):
            sheet = next(s for s in imp.sheets if s.title == row.sheet)
            entry = {"sheet": row.sheet, "row": row.number, "reference": row.text(sheet.reference)}
            try:
                with transaction.atomic():
                    outcome = imp.handle(row, user=user, context=context)
            except (ValidationError, WorkflowError, PermissionDenied) as error:
                entry |= {"action": ERROR, "errors": _messages(error)}
            else:
                # A new row without a reference gets one only when it is saved, and the
                # dry run's is not the import's, so the preview calls it new.
                given = entry["reference"] or (outcome.action != CREATE and outcome.reference)
                entry |= {
                    "action": outcome.action,
                    "reference": given or "",
                    "label": outcome.label,
                    "changes": outcome.changes,
                }
            outcomes.append(entry)
            if progress and done % 50 == 0:
                progress(done * 100 // len(rows))
        imp.finish(user=user, context=context)
        clean = not any(o["action"] == ERROR for o in outcomes)
        if not (commit and clean and (before_commit is None or before_commit(outcomes))):
            transaction.set_rollback(True)
    return outcomes


def summary(outcomes: Sequence[Mapping]) -> dict[str, int]:
    counts = {CREATE: 0, CHANGE: 0, UNCHANGED: 0, ERROR: 0}
    for outcome in outcomes:
        counts[outcome["action"]] += 1
    return counts


def same_plan(preview: Sequence[Mapping], outcomes: Sequence[Mapping]) -> bool:
    """Whether importing now does what the preview showed, row by row."""

    def plan(entries):
        return [
            (e["sheet"], e["row"], e["action"], e.get("reference"), tuple(e.get("changes", ())))
            for e in entries
        ]

    return plan(preview) == plan(outcomes)


class _Progress:
    """Writes a run's progress on a connection of its own, so the page sees it while
    the import's one transaction is still open. Progress is display state: if it
    cannot be written (SQLite allows one writer), the import carries on without it."""

    def __init__(self, run_id: int, *, start: int, span: int):
        self.run_id, self.start, self.span = run_id, start, span
        self.connection = None

    def __call__(self, percent: int) -> None:
        try:
            if self.connection is None:
                self.connection = connections.create_connection("default")
            with self.connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {ImportRun._meta.db_table} SET progress = %s WHERE id = %s",  # noqa: S608 - our table name
                    [self.start + percent * self.span // 100, self.run_id],
                )
        except DatabaseError:
            logger.info("Progress of import run %s not written", self.run_id)

    def close(self):
        if self.connection is not None:
            self.connection.close()


# ------------------------------------------------------------------ services


def _require_importer(user, kind: str) -> Importer:
    imp = importer(kind)
    if imp is None or not imp.allows(user):
        raise PermissionDenied("Your role does not let you import this.")
    return imp


def _content(run: ImportRun) -> bytes:
    with run.file.open("rb") as stored:
        return stored.read()


def import_upload(*, user, kind: str, upload) -> ImportRun:
    """Keep the uploaded file under a server-chosen name, bound to the person, with its
    SHA-256, and check it: in the request if it is small, else in the background."""
    imp = _require_importer(user, kind)
    extension = check_import_file(upload)
    upload.seek(0)
    content = upload.read()
    tables, _ = read_tables(imp, content, extension)  # unreadable: refused at the field
    with transaction.atomic():
        run = ImportRun(
            kind=kind,
            file_name=safe_display_name(upload.name or f"import{extension}"),
            sha256=hashlib.sha256(content).hexdigest(),
            rows=sum(len(rows) for rows in tables.values()),
            uploaded_by=user,
        )
        run.file.save(f"{hashlib.sha256(os.urandom(32)).hexdigest()[:32]}{extension}",
                      ContentFile(content), save=False)  # fmt: skip
        save_with_history(run, user=user)
        if run.rows > IN_BACKGROUND_OVER_ROWS:
            transaction.on_commit(lambda: _queue("check", run.pk))
    if run.rows <= IN_BACKGROUND_OVER_ROWS:
        import_check(run_id=run.pk)
        run.refresh_from_db()
    return run


def _queue(step: str, run_id: int) -> None:
    from .tasks import apply_import, check_import

    task = check_import if step == "check" else apply_import
    try:
        task.delay(run_id)
    except Exception:
        logger.warning("Could not queue import run %s; it waits for the sweep", run_id)


def _claim(run_id: int, waiting: str, working: str) -> ImportRun | None:
    """Move a run from `waiting` to `working` under its row lock, so however often the
    step is asked for, it runs once."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run_id)
        if run.status != waiting:
            return None
        run.status = working
        save_with_history(run, user=run.uploaded_by)
    return run


def _tables(run: ImportRun, imp: Importer) -> tuple[dict[str, list[Row]], str]:
    content = _content(run)
    if hashlib.sha256(content).hexdigest() != run.sha256:
        raise ValidationError("The stored file is not the one uploaded")
    return read_tables(imp, content, os.path.splitext(run.file.name)[1].lower())


def _fail(run_id: int, message: str) -> None:
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run_id)
        run.status, run.error, run.finished_at = ImportStatus.FAILED, message, timezone.now()
        save_with_history(run, user=run.uploaded_by)


def import_check(*, run_id: int) -> bool:
    """The dry run: what each row would do, every bad row named. Nothing is kept but
    the preview. Returns False if the run was not waiting to be checked."""
    run = _claim(run_id, ImportStatus.WAITING_CHECK, ImportStatus.CHECKING)
    if run is None:
        return False
    imp = importer(run.kind)
    progress = _Progress(run.pk, start=0, span=100) if run.rows > IN_BACKGROUND_OVER_ROWS else None
    try:
        tables, note = _tables(run, imp)
        outcomes = run_rows(
            imp, tables, user=run.uploaded_by, file_name=run.file_name,
            commit=False, progress=progress,
        )  # fmt: skip
    except ValidationError as error:
        _fail(run_id, " ".join(_messages(error)))
        return True
    except Exception:
        logger.exception("Import run %s could not be checked", run_id)
        _fail(run_id, "The file could not be checked, and nothing was imported.")
        return True
    finally:
        if progress:
            progress.close()
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run_id)
        run.preview, run.status, run.progress = outcomes, ImportStatus.CHECKED, 100
        run.result = summary(outcomes) | ({"note": note} if note else {})
        save_with_history(run, user=run.uploaded_by)
    return True


def import_confirm(*, user, run: ImportRun) -> ImportRun:
    """The person who uploaded a checked file with no bad rows asks to import it: in
    the request if it is small, else queued for the worker after commit."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        _require_importer(user, run.kind)
        if run.uploaded_by_id != user.pk:
            raise PermissionDenied("Only the person who uploaded a file can import it.")
        if run.status != ImportStatus.CHECKED:
            raise WorkflowError("This file has already been imported or is being imported.")
        if run.bad_rows:
            raise WorkflowError(
                "This file has rows with problems: put them right and upload it again."
            )
        run.status = ImportStatus.QUEUED
        save_with_history(run, user=user)
        if run.rows > IN_BACKGROUND_OVER_ROWS:
            transaction.on_commit(lambda: _queue("apply", run.pk))
    if run.rows <= IN_BACKGROUND_OVER_ROWS:
        import_apply(run_id=run.pk)
        run.refresh_from_db()
    return run


def import_apply(*, run_id: int) -> bool:
    """Import a confirmed file, all or nothing, in one transaction: re-read from the
    stored file (its SHA-256 checked) and re-validated, and committed only if every
    row does what the preview showed. Returns False if it was not waiting to import,
    so a task run twice imports once."""
    run = _claim(run_id, ImportStatus.QUEUED, ImportStatus.IMPORTING)
    if run is None:
        return False
    imp = importer(run.kind)
    progress = _Progress(run.pk, start=0, span=99) if run.rows > IN_BACKGROUND_OVER_ROWS else None
    committed = False

    def finish(outcomes) -> bool:
        nonlocal committed
        if not same_plan(run.preview, outcomes):
            return False
        locked = ImportRun.objects.select_for_update().get(pk=run_id)
        locked.status, locked.progress, locked.finished_at = (
            ImportStatus.DONE, 100, timezone.now()
        )
        locked.result = summary(outcomes)
        save_with_history(locked, user=locked.uploaded_by)
        committed = True
        return True

    try:
        outcomes = run_rows(
            imp, _tables(run, imp)[0], user=run.uploaded_by, file_name=run.file_name,
            commit=True, progress=progress, before_commit=finish,
        )  # fmt: skip
    except ValidationError as error:
        _fail(run_id, " ".join(_messages(error)))
        return True
    except Exception:
        # Everything was rolled back. Said on the run's page rather than raised, so a
        # confirm in the request answers with that page, not an error.
        logger.exception("Import run %s failed", run_id)
        _fail(run_id, "The import failed, and nothing was imported.")
        return True
    finally:
        if progress:
            progress.close()
    if not committed:
        # The portal changed since the preview (or a row turned bad): nothing was
        # written; show the new preview to confirm again.
        with transaction.atomic():
            locked = ImportRun.objects.select_for_update().get(pk=run_id)
            locked.status, locked.preview, locked.result = (
                ImportStatus.CHECKED, outcomes, summary(outcomes)
            )
            locked.error = (
                "The portal changed after the file was checked, so nothing was imported. "
                "Check the preview again."
            )
            save_with_history(locked, user=locked.uploaded_by)
    return True


def imports_run_pending() -> int:
    """Runs left waiting while the worker or broker was down."""
    done = 0
    for run_id in ImportRun.objects.filter(status=ImportStatus.WAITING_CHECK).values_list(
        "pk", flat=True
    ):
        done += import_check(run_id=run_id)
    for run_id in ImportRun.objects.filter(status=ImportStatus.QUEUED).values_list("pk", flat=True):
        done += import_apply(run_id=run_id)
    return done


# ------------------------------------------------------------------ the template


def template_bytes(imp: Importer) -> bytes:
    """A workbook with each sheet's headings and one example row, and a sheet "How to
    fill this in" naming each column, whether it is required, and what it allows."""
    examples = imp.example_rows()
    sheets = [
        (sheet.title, [c.header for c in sheet.columns], [examples.get(sheet.title, [])])
        for sheet in imp.sheets
    ]
    guide = []
    for sheet in imp.sheets:
        for column in sheet.columns:
            guide.append([
                sheet.title, column.header,
                "Required" if column.required else ("Not read" if not column.read else "Optional"),
                column.allowed, column.help,
            ])  # fmt: skip
    sheets.append(("How to fill this in", ["Sheet", "Column", "Required", "Allowed values",
                                            "What it holds"], guide))  # fmt: skip
    return xlsx_bytes(sheets)
