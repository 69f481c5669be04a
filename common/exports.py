"""CSV and Excel downloads that are safe to open.

A spreadsheet treats a cell starting with = + - @ (or a tab or carriage return that
hides one) as a formula: a risk titled =HYPERLINK(...) would become a live link. Every
text cell that starts with one of those is prefixed with an apostrophe, so Excel,
LibreOffice and Sheets all show it as the text it is.

Money and measures (common.figures) are text in the council's format in CSV, and
numbers with a number format in Excel, so a workbook's columns add up.
"""

import csv
import io
import itertools
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Font

from .figures import PERCENT_UNIT, POUND_UNIT, Measure, Money, has_pence

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Excel number formats: money as on the page (pence only where there are some).
POUNDS_FORMAT = '"£"#,##0'
POUNDS_AND_PENCE_FORMAT = '"£"#,##0.00'
WHOLE_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0#"
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    """A value as it may go into a spreadsheet: numbers and dates as they are, text
    defused if a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Money | Measure):
        # Made here from a number, never a formula, though "-£1,610" starts with "-".
        return str(value)
    if isinstance(value, int | float | date | datetime) or hasattr(value, "as_tuple"):
        return value
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def attachment(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # so Excel reads the file as UTF-8
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8")


def _csv_cell(value):
    """A CSV cell: a time in the council's time zone to the second, as a person reads
    it (2026-12-06 15:27:05), not the database's UTC with microseconds."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0, tzinfo=None).isoformat(sep=" ")
    return safe_cell(value)


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    return attachment(csv_bytes(header, rows), filename=filename, content_type=CSV_TYPE)


def xlsx_response(
    filename: str, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]]
) -> HttpResponse:
    return attachment(xlsx_bytes(sheets), filename=filename, content_type=XLSX_TYPE)


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]]) -> bytes:
    """One worksheet per (title, header, rows)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        for number, row in enumerate(itertools.chain([header], rows), start=1):
            for column, value in enumerate(row, start=1):
                _xlsx_cell(sheet.cell(row=number, column=column), value)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(cell: Cell, value) -> None:
    """Money and measures as numbers with a number format; text defused."""
    if isinstance(value, Money):
        cell.value = value.amount
        cell.number_format = POUNDS_AND_PENCE_FORMAT if has_pence(value.amount) else POUNDS_FORMAT
        return
    if isinstance(value, Measure):
        _xlsx_measure(cell, value)
        return
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.make_naive(value)  # Excel has no time zones: the council's time
    cell.value = safe_cell(value)
    if isinstance(cell.value, str):
        # openpyxl reads any string starting "=" as a formula; ours are defused by
        # safe_cell, and marking them as strings makes sure none slips through.
        cell.data_type = "s"


def _xlsx_measure(cell: Cell, measure: Measure) -> None:
    if measure.unit == POUND_UNIT:
        _xlsx_cell(cell, Money(measure.value))
        return
    whole = measure.value == measure.value.to_integral_value()
    if measure.unit == PERCENT_UNIT:
        # Excel's own percentage: 97.5% is the number 0.975, so formulas read it right.
        cell.value = measure.value / Decimal(100)
        cell.number_format = "0%" if whole else "0.0#%"
        return
    cell.value = measure.value  # its unit is in a column of its own
    cell.number_format = WHOLE_FORMAT if whole else DECIMAL_FORMAT
