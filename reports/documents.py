"""The annual report as files: tagged PDF (WeasyPrint, PDF/UA), editable Word, Excel
with a sheet per section, and CSV."""

import io

from django.template.loader import render_to_string
from docx import Document
from weasyprint import HTML

from common.exports import csv_bytes, xlsx_bytes

from .models import AnnualReport
from .selectors import report_charts, report_sheets

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": DOCX_TYPE,
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _cell_text(value) -> str:
    if value is None:
        return "Not recorded"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def pdf_bytes(report: AnnualReport, figures: dict, *, council_name: str) -> bytes:
    html = render_to_string(
        "reports/annual_pdf.html",
        {
            "report": report,
            "figures": figures,
            "sheets": report_sheets(figures),
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
    for title, header, rows in report_sheets(figures):
        document.add_heading(title, level=1)
        table = document.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = text
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = _cell_text(value)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_file(report: AnnualReport, figures: dict, **kwargs) -> bytes:
    return xlsx_bytes(report_sheets(figures))


def csv_file(report: AnnualReport, figures: dict, **kwargs) -> bytes:
    # One block per section: its title, its column headings, its rows, a blank line.
    rows = [
        line
        for title, header, table in report_sheets(figures)
        for line in ([title], header, *table, [])
    ]
    return csv_bytes([f"Annual progress report {report.label}"], rows)


BUILDERS = {"pdf": pdf_bytes, "docx": docx_bytes, "xlsx": xlsx_file, "csv": csv_file}
