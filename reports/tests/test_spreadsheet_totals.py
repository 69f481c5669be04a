"""The annual report's workbook adds up in a real spreadsheet engine.

LibreOffice (Debian's libreoffice-calc-nogui, installed by .ci/run) opens the workbook
the portal made, with SUM formulas put over its money columns, works them out, and
writes every sheet as CSV showing each cell as a reader would see it. Text that only
looks like money would add up to nothing."""

import csv
import html
import io
import re
import shutil
import subprocess
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from reports import services

from .conftest import FY

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# CSV, comma, double quote, UTF-8, from line 1, cells as shown, every sheet to a file.
CSV_EVERY_SHEET = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"


def recalculated(workbook: bytes, folder) -> dict[str, list[list[str]]]:
    """Every sheet of `workbook` as LibreOffice works it out and shows it."""
    assert SOFFICE, "LibreOffice is needed: apt-get install libreoffice-calc-nogui"
    source = folder / "book.xlsx"
    source.write_bytes(workbook)
    subprocess.run(  # noqa: S603 - a fixed program and arguments, our own file
        [
            SOFFICE,
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{folder / 'profile'}",  # its own, for parallel runs
            "--convert-to",
            CSV_EVERY_SHEET,
            "--outdir",
            str(folder / "out"),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return {
        path.stem.removeprefix("book-"): list(csv.reader(io.StringIO(path.read_text("utf-8"))))
        for path in (folder / "out").glob("book-*.csv")
    }


def page_figures(page: str) -> dict[str, str]:
    """Each two-cell row of the report's page: its label and its value as shown."""
    cells = r'<td class="govuk-table__cell">(.*?)</td>'
    return {
        html.unescape(label): html.unescape(value)
        for label, value in re.findall(cells + cells + "</tr>", page)
    }


def pounds(shown: str) -> Decimal:
    return Decimal(shown.replace("£", "").replace(",", ""))


def test_the_workbooks_money_columns_add_up_to_the_figures_on_the_page(
    year_of_data, head_of_ict, client_for, produce, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(head_of_ict)
    report = services.annual_report_draft(user=head_of_ict, financial_year=FY)
    page = page_figures(client.get(reverse("reports:annual-detail", args=[report.pk])).text)
    planned = page["Planned cost in 2026/27 of the projects counted"]
    spent = page["Spend in 2026/27 on the projects counted, from their progress updates"]
    assert (planned, spent) == ("£140,000", "£70,000.50")

    _, content = produce(client, report, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(content))
    counted = book["Projects counted"]
    last = counted.max_row
    header = [cell.value for cell in counted[1]]
    check = book.create_sheet("Check")
    for row, title in enumerate(header[6:], start=1):
        column = openpyxl.utils.get_column_letter(header.index(title) + 1)
        check.cell(row=row, column=1, value=title)
        check.cell(row=row, column=2, value=f"=SUM('Projects counted'!{column}2:{column}{last})")
    check.cell(row=5, column=1, value="Counted")
    check.cell(row=5, column=2, value=f"=COUNTA('Projects counted'!A2:A{last})")
    buffer = io.BytesIO()
    book.save(buffer)

    sheets = recalculated(buffer.getvalue(), tmp_path)
    sums = {title: Decimal(value) for title, value in sheets["Check"]}
    assert sums["Planned cost in 2026/27"] == pounds(planned)
    assert sums["Spend in 2026/27"] == pounds(spent)
    assert sums["Spend to date at the end of 2026/27"] - sums[
        "Spend to date before 2026/27"
    ] == pounds(spent)
    named = next(label for label in page if label.startswith("Projects counted for cost"))
    assert sums["Counted"] == int(page[named])
    # The engine shows the workbook's own figures as the page does.
    shown = {row[0]: row[1] for row in sheets["Projects and spend"][1:]}
    for label in (
        "ICT budget for 2026/27",
        "Planned cost in 2026/27 of the projects counted",
        "Spend in 2026/27 on the projects counted, from their progress updates",
        "Cashable savings planned for 2026/27 by every approved project",
        "Cashable savings realised in 2026/27 by every approved project",
    ):
        assert shown[label] == page[label]
    kpis = {row[0]: row[3:5] for row in sheets["KPIs"][1:]}
    assert kpis["ICT spend per employee"] == ["£1,500", "£1,610"]
    assert kpis["Calls resolved first time"] == ["80%", "82.5%"]


@pytest.mark.parametrize("text", ["£140,000", "140000.00"])
def test_text_that_looks_like_money_adds_up_to_nothing(text, tmp_path):
    """What the check above would catch: the workbook the portal used to make."""
    book = openpyxl.Workbook()
    book.active.title = "Check"
    book.active["A1"] = text
    book.active["A1"].data_type = "s"
    book.active["B1"] = "=SUM(A1)"
    buffer = io.BytesIO()
    book.save(buffer)
    assert recalculated(buffer.getvalue(), tmp_path)["Check"] == [[text, "0"]]
