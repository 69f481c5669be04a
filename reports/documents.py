"""The annual report as files: tagged PDF (WeasyPrint, PDF/UA), editable Word, Excel
with a sheet per section, and CSV."""

import io

from django.template.loader import render_to_string
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import Table
from weasyprint import HTML

from common.exports import csv_bytes, xlsx_bytes
from common.figures import figure

from .models import AnnualReport
from .selectors import report_charts, report_sheets, report_tables

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": DOCX_TYPE,
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


# What the report's page offers, in the order it offers them.
FORMAT_LABELS = {"pdf": "PDF", "docx": "Word", "xlsx": "Excel", "csv": "CSV"}
NOT_RECORDED = "Not recorded"


def pdf_bytes(report: AnnualReport, figures: dict, *, council_name: str) -> bytes:
    html = render_to_string(
        "reports/annual_pdf.html",
        {
            "report": report,
            "figures": figures,
            "sheets": report_tables(figures),
            "charts": report_charts(figures),
            "council_name": council_name,
        },
    )
    # PDF/UA makes WeasyPrint tag the structure (headings, tables) for screen readers.
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


def docx_bytes(report: AnnualReport, figures: dict, *, council_name: str) -> bytes:
    document = Document()
    document.core_properties.title = f"Annual progress report {report.label}"
    document.core_properties.author = council_name
    document.add_heading(f"ICT strategy: annual progress report {report.label}", level=0)
    document.add_paragraph(
        f"{council_name}. {figures['strategy']}. Version {report.version}, "
        f"{report.get_status_display().lower()}."
    )
    for _, label, text in report.narratives():
        if text:
            document.add_heading(label, level=1)
            for paragraph in text.split("\n\n"):
                document.add_paragraph(paragraph)
    for sheet in report_tables(figures):
        document.add_heading(sheet.title, level=1)
        document.add_paragraph(f"{sheet.caption}.", style="Caption")
        table = document.add_table(rows=1, cols=len(sheet.header))
        table.style = "Table Grid"
        _name_table(table, sheet.caption)
        for cell, text in zip(table.rows[0].cells, sheet.header, strict=True):
            cell.text = text
        for row in sheet.rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = figure(value, missing=NOT_RECORDED)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _name_table(table: Table, name: str) -> None:
    """The table's alternative text title, which Word gives screen readers as its name
    (python-docx has no call for it)."""
    caption = OxmlElement("w:tblCaption")
    caption.set(qn("w:val"), name)
    properties = table._tbl.tblPr
    # The schema puts the caption after the table's look, before any description.
    look = properties.find(qn("w:tblLook"))
    if look is not None:
        look.addnext(caption)
    else:
        properties.append(caption)


def xlsx_file(report: AnnualReport, figures: dict, **kwargs) -> bytes:
    return xlsx_bytes([(s.title, s.header, s.rows) for s in report_sheets(figures)])


def csv_file(report: AnnualReport, figures: dict, **kwargs) -> bytes:
    # One block per section: its title, its column headings, its rows, a blank line.
    rows = [
        line
        for sheet in report_sheets(figures)
        for line in ([sheet.title], sheet.header, *sheet.rows, [])
    ]
    return csv_bytes([f"Annual progress report {report.label}"], rows)


BUILDERS = {"pdf": pdf_bytes, "docx": docx_bytes, "xlsx": xlsx_file, "csv": csv_file}
