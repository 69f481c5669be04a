"""A committee risk report's two parts as files: tagged PDF (WeasyPrint, PDF/UA) and
Word, in the council's committee-paper layout (to, date, report of, title; summary and
recommendations; the risks; background papers)."""

import io

from django.template.loader import render_to_string
from docx import Document
from weasyprint import HTML

from .documents import _name_table

FORMATS = ("pdf", "docx")


def paper_pdf(context: dict) -> bytes:
    html = render_to_string("reports/committee_paper_pdf.html", context)
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


def _table(document, caption: str, header: list[str], rows: list[list[str]]) -> None:
    document.add_paragraph(caption, style="Caption")
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    _name_table(table, caption)
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = str(text)


def paper_docx(context: dict) -> bytes:
    c = context
    exempt, committee = c["exempt"], c["committee"]
    issued = f"{c['issued_on']:%-d %B %Y}"
    document = Document()
    document.core_properties.title = (
        f"{'Exempt part: ' if exempt else ''}ICT risk report to {committee}, {issued}"
    )
    document.core_properties.author = c["council_name"]
    if exempt:
        document.add_paragraph().add_run(c["exempt_heading"]).bold = True
    document.add_paragraph(c["council_name"])
    document.add_heading(f"ICT risk report{': exempt part' if exempt else ''}", level=0)
    for label, value in (
        ("To", committee),
        ("Date", issued),
        ("Report of", "Head of ICT"),
        ("Title of report", f"ICT risk report{' (exempt part)' if exempt else ''}"),
    ):
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)

    document.add_heading("Summary and recommendations", level=1)
    previous = c["previous_issued_on"]
    if exempt:
        document.add_paragraph(
            f"This part reports the {len(c['rows'])} risks whose information is exempt from "
            f"publication, and the heat map and totals of all {c['total']} risks reported to "
            f"the {committee}. It is not for publication."
        )
    else:
        since = (
            f"since the last report on {previous:%-d %B %Y}"
            if previous
            else f"(this is the first risk report to the {committee})"
        )
        document.add_paragraph(
            f"Purpose of report: to report the ICT strategy's risks on the ICT and corporate "
            f"registers to the {committee}: each risk's direction of travel {since}, what "
            "changed, and the risks that stay red."
        )
        document.add_paragraph(
            f"Recommendation: that the {committee} notes the risks, their direction of "
            "travel and the long-standing red risks."
        )
        if c["exempt_count"]:
            document.add_paragraph(
                f"{c['exempt_count']} risk(s) reported in the exempt part of this report, which "
                "is not for publication by virtue of Part 1 of Schedule 12A to the Local "
                "Government Act 1972, and not included in the figures, tables or heat map below."
            )

    document.add_heading("Summary", level=1)
    levels = ", ".join(f"{n} {label.lower()}" for label, n in c["levels"])
    document.add_paragraph(f"{c['total']} open risks: {levels}.")
    counts = c["counts"]
    document.add_paragraph(
        f"{counts['worsened']} worsened, {counts['improved']} improved, "
        f"{counts['unchanged']} unchanged, {counts['new']} new; {len(c['closed'])} closed or no "
        f"longer reported; {len(c['long_standing'])} long-standing red."
    )

    document.add_heading(
        f"{'Exempt risks' if exempt else 'The risks'} and their direction of travel", level=1
    )
    header = ["Reference", "Risk", "Owner", "Residual score", "Direction of travel", "What changed"]
    rows = []
    for row in c["rows"]:
        moved = f": {row['previous_score']} to {row['score']}" if row["previous_score"] else ""
        changes = "; ".join(row["changes"]) or (
            "Not in the last report" if row["direction"] == "new" else "Nothing"
        )
        title = row["title"] + (" (long-standing red)" if row["long_standing_red"] else "")
        line = [row["reference"], title, row["owner"], f"{row['score']} ({row['level_label']})",
                f"{row['direction_label']}{moved}", changes]  # fmt: skip
        if exempt:
            line.append(f"Paragraph {row['paragraph_label']}. {row['exempt_reason']}")
        rows.append(line)
    if rows:
        _table(
            document,
            f"{'Exempt risks' if exempt else 'Risks in the public part'}, highest residual "
            "score first",
            header + (["Exempt under"] if exempt else []),
            rows,
        )
    else:
        document.add_paragraph("No risks to report.")

    document.add_heading("Closed since the last report", level=1)
    for item in c["closed"]:
        reason = f", because {item['reason']}" if item["reason"] else ""
        document.add_paragraph(
            f"{item['reference']} {item['title']} (score {item['previous_score']} when last "
            f"reported): {item['outcome']}{reason}",
            style="List Bullet",
        )
    if not c["closed"]:
        document.add_paragraph("None.")

    rule = c["rule"]
    document.add_heading("Long-standing red risks", level=1)
    document.add_paragraph(
        f"A risk is flagged when its residual level is {rule['level'].lower()} (red) in this "
        f"report and it was also {rule['level'].lower()} in the reports to the {committee} "
        f"before it, {rule['reports']} reports running including this one, or its ratings "
        f"have held it there for {rule['months']} months or more."
    )
    for row in c["long_standing"]:
        document.add_paragraph(
            f"{row['reference']} {row['title']}: score {row['score']}, in {row['red_streak']} "
            f"report(s) running. Owner: {row['owner']}.",
            style="List Bullet",
        )
    if not c["long_standing"]:
        document.add_paragraph("None.")

    document.add_heading("Heat map", level=1)
    _table(
        document,
        f"{c['heat_map_caption']}, by residual rating: impact down, likelihood across",
        ["", *(f"Likelihood {n} {label}" for n, label in c["likelihood_labels"])],
        [
            [f"Impact {row['impact']} {row['label']}"]
            + [
                f"{cell['count']} risks, {cell['level_label']} ({cell['score']})"
                for cell in row["cells"]
            ]
            for row in c["heat_map"]
        ],
    )

    document.add_heading("Background papers", level=1)
    document.add_paragraph(
        f"The ICT and corporate risk registers, as at {issued}.", style="List Bullet"
    )
    if previous:
        document.add_paragraph(
            f"The risk report to the {committee} of {previous:%-d %B %Y}.", style="List Bullet"
        )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


BUILDERS = {"pdf": paper_pdf, "docx": paper_docx}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
