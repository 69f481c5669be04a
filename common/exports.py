"""CSV and Excel downloads that are safe to open.

A spreadsheet treats a cell starting with = + - @ (or a tab or carriage return that
hides one) as a formula: a risk titled =HYPERLINK(...) would become a live link. Every
text cell that starts with one of those is prefixed with an apostrophe, so Excel,
LibreOffice and Sheets all show it as the text it is.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    """A value as it may go into a spreadsheet: numbers and dates as they are, text
    defused if a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
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
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8")


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
        sheet.append([safe_cell(h) for h in header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([safe_cell(value) for value in row])
        for cell in (c for row in sheet.iter_rows() for c in row):
            # openpyxl reads any string starting "=" as a formula; ours are defused
            # above, and marking them as strings makes sure none slips through.
            if isinstance(cell.value, str):
                cell.data_type = "s"
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
