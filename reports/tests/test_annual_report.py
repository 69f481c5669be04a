"""The annual report's figures against a hand-computed data set, its exports, and a
final report that does not change when the data does."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from common.errors import WorkflowError
from projects.choices import ProposalStatus
from projects.tests.factories import ProposalFactory
from reports import services
from reports.selectors import (
    annual_report_figures,
    annual_report_page_figures,
    report_charts,
    report_tables,
)

from .conftest import FY, at_noon


def test_figures_by_hand(year_of_data, head_of_ict):
    report = services.annual_report_draft(user=head_of_ict, financial_year=FY)
    figures = annual_report_figures(report)
    projects = figures["projects"]
    assert projects["received"] == 4
    assert projects["decided"] == 4
    assert projects["outcomes"] == {
        "Approved": 1,
        "Rejected": 1,
        "Approved with conditions": 1,
        "Deferred": 1,
    }
    assert projects["median_days_to_decision"] == 25.5
    assert projects["approval_by_unit"]["Housing Services"]["approval_rate"] == 66.7
    assert projects["approval_by_unit"]["Finance"]["approval_rate"] == 0.0
    assert projects["approved_in_year"] == 2
    assert [p["title"] for p in projects["counted"]] == ["A", "C", "E"]
    assert projects["planned_cost"] == "140000.00"  # A 100,000 + C 40,000 + E nothing
    assert projects["spend_in_year"] == "70000.50"  # A 30,000 + C 38,500.50 + E 1,500
    assert projects["savings_planned"] == "30000.00"  # A, C and F, £10,000 each
    assert projects["savings_realised"] == "9500.00"
    assert projects["budget"] == "150000.00"
    # Every complete proposal serves theme 1: A and C approved, A and E in delivery.
    assert projects["by_theme"] == {
        "1": {"approved_in_year": 2, "in_delivery": 2, "closed_in_year": 1}
    }
    kpi = next(k for k in figures["kpis"] if k["unit"] == "%")
    assert (kpi["latest"], kpi["target"], kpi["status"], kpi["trend"]) == (
        "82.50",
        "80.00",
        "On target",
        "Improving",
    )
    assert figures["themes"][0]["title"] == "Establishment of the new City ICT service"


def test_the_page_figures_show_what_the_figures_show_without_the_projects_counted(
    year_of_data, head_of_ict
):
    """The page reads its own figures, without the list of projects counted: its tables
    and charts are those of the whole figures."""
    report = services.annual_report_draft(user=head_of_ict, financial_year=FY)
    figures = annual_report_figures(report)
    shown = annual_report_page_figures(report)
    assert "counted" not in shown["projects"]
    assert shown["projects"]["number_counted"] == len(figures["projects"]["counted"]) == 3
    assert report_tables(shown) == report_tables(figures)
    assert report_charts(shown) == report_charts(figures)
    assert {**shown, "projects": None} == {**figures, "projects": None}


def test_spend_and_planned_cost_count_the_same_projects_and_the_page_names_them(
    year_of_data, head_of_ict, client_for
):
    """A closed project's spend counts as its planned cost does; a project closed before
    the year counts in neither."""
    report = services.annual_report_draft(user=head_of_ict, financial_year=FY)
    counted = annual_report_figures(report)["projects"]["counted"]
    closed = next(p for p in counted if p["title"] == "C")
    assert (closed["status"], closed["planned_cost"], closed["spend_in_year"]) == (
        "Closed",
        "40000.00",
        "38500.50",
    )
    page = client_for(head_of_ict).get(report.get_absolute_url()).content.decode()
    named = (
        "Projects counted for cost and spend: every project in delivery at any time in "
        "2026/27 (started by 31 March 2027 and not closed before 1 April 2026)"
    )
    assert f'{named}</td><td class="govuk-table__cell">3</td>' in page
    assert "Planned cost in 2026/27 of the projects counted" in page
    assert "Spend in 2026/27 on the projects counted, from their progress updates" in page
    assert "Cashable savings realised in 2026/27 by every approved project" in page


def test_money_and_kpis_on_the_page_are_in_the_councils_format(
    year_of_data, head_of_ict, client_for
):
    report = services.annual_report_draft(user=head_of_ict, financial_year=FY)
    page = client_for(head_of_ict).get(report.get_absolute_url()).content.decode()
    for figure in ("£150,000", "£140,000", "£70,000.50", "£30,000", "£9,500"):
        assert f">{figure}</td>" in page
    assert "140000" not in page and "70000.50" not in page
    assert ">£1,610</td>" in page and ">£1,500</td>" in page  # a KPI in pounds
    assert "1,610 £" not in page and "1610" not in page
    assert ">82.5%</td>" in page and ">80%</td>" in page  # a KPI in percent
    assert ">66.7%</td>" in page  # an approval rate


def test_the_workbook_holds_money_and_kpis_as_formatted_numbers(
    year_of_data, head_of_ict, client_for, settings, tmp_path, produce
):
    settings.MEDIA_ROOT = tmp_path
    report = services.annual_report_draft(user=head_of_ict, financial_year=FY)
    response, content = produce(client_for(head_of_ict), report, "xlsx")
    assert response["Content-Disposition"] == (
        'attachment; filename="annual-report-2026-2027-v1-draft.xlsx"'
    )
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == [
        "Themes",
        "Projects and spend",
        "Projects by theme",
        "Governance",
        "KPIs",
        "Risks",
        "Risk movement",
        "Projects counted",
    ]
    governance = {
        row[0]: row[1] for row in book["Governance"].iter_rows(min_row=2, values_only=True)
    }
    assert governance["Median days from submission to decision"] == 25.5
    spend = {row[0].value: row[1] for row in book["Projects and spend"].iter_rows(min_row=2)}
    realised = spend["Cashable savings realised in 2026/27 by every approved project"]
    assert (realised.data_type, realised.value, realised.number_format) == (
        "n",
        7500 + 2000,
        '"£"#,##0',
    )
    spent = spend["Spend in 2026/27 on the projects counted, from their progress updates"]
    assert (spent.data_type, spent.value, spent.number_format) == (
        "n",
        Decimal("70000.50"),
        '"£"#,##0.00',
    )
    kpis = {row[0].value: row for row in book["KPIs"].iter_rows(min_row=2)}
    latest = kpis["ICT spend per employee"][4]
    assert (latest.data_type, latest.value, latest.number_format) == ("n", 1610, '"£"#,##0')
    percent = kpis["Calls resolved first time"][4]
    assert (percent.data_type, percent.number_format) == ("n", "0.0#%")
    assert percent.value == pytest.approx(0.825)  # Excel's own percentage: 82.5%
    approval = next(
        row[1] for row in book["Governance"].iter_rows(min_row=2) if "Housing" in row[0].value
    )
    assert (approval.data_type, approval.number_format) == ("n", "0.0#%")
    counted = list(book["Projects counted"].iter_rows(min_row=2))
    assert [row[0].value for row in counted] == [
        p["reference"] for p in annual_report_figures(report)["projects"]["counted"]
    ]
    assert all(cell.data_type == "n" for row in counted for cell in row[6:])


def test_a_final_report_keeps_its_figures_when_the_data_changes(year_of_data, head_of_ict):
    report = services.annual_report_draft(user=head_of_ict, financial_year=FY)
    services.annual_report_write(
        user=head_of_ict, report=report, narrative={"executive_summary": "A good year."}
    )
    final = services.annual_report_finalise(user=head_of_ict, report=report)
    before = annual_report_figures(final)

    ProposalFactory(
        status=ProposalStatus.APPROVED,
        complete=True,
        submitted_at=at_noon(datetime.date(2026, 12, 1)),
        decided_at=at_noon(datetime.date(2026, 12, 5)),
    )
    final.refresh_from_db()
    assert annual_report_figures(final) == before
    assert before["projects"]["decided"] == 4

    with pytest.raises(WorkflowError):
        services.annual_report_write(user=head_of_ict, report=final, narrative={"priorities": "x"})
    # A new draft is a new version, carrying the narrative, with live figures.
    draft = services.annual_report_draft(user=head_of_ict, financial_year=FY)
    assert (draft.version, draft.executive_summary) == (2, "A good year.")
    assert annual_report_figures(draft)["projects"]["decided"] == 5


def test_a_drafts_figures_follow_every_change_to_the_data(year_of_data, head_of_ict):
    draft = services.annual_report_draft(user=head_of_ict, financial_year=FY)
    assert annual_report_figures(draft)["projects"]["decided"] == 4
    assert annual_report_figures(draft)["projects"]["decided"] == 4  # remembered

    decided = ProposalFactory(
        status=ProposalStatus.APPROVED,
        complete=True,
        submitted_at=at_noon(datetime.date(2026, 12, 1)),
        decided_at=at_noon(datetime.date(2026, 12, 5)),
    )
    assert annual_report_figures(draft)["projects"]["decided"] == 5
    decided.delete()
    assert annual_report_figures(draft)["projects"]["decided"] == 4


def test_pdf_and_word_show_the_figures_in_the_councils_format(
    year_of_data, head_of_ict, client_for, settings, tmp_path, produce
):
    from docx import Document
    from pypdf import PdfReader

    settings.MEDIA_ROOT = tmp_path
    report = services.annual_report_draft(user=head_of_ict, financial_year=FY)
    services.annual_report_write(
        user=head_of_ict, report=report, narrative={"executive_summary": "A year of delivery."}
    )
    client = client_for(head_of_ict)
    pdf, content = produce(client, report, "pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert (
        pdf["Content-Disposition"] == 'attachment; filename="annual-report-2026-2027-v1-draft.pdf"'
    )
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages).replace("\n", " ")
    assert "A year of delivery." in text
    assert "Median days from submission to decision 25.5" in text
    assert "Cashable savings realised in 2026/27 by every approved project £9,500" in text
    assert "of the projects counted £140,000" in text
    assert "from their progress updates £70,000.50" in text
    assert "£1,610" in text and "82.5%" in text and "66.7%" in text
    assert "140000" not in text and "1,610 £" not in text
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged for screen readers

    _, word = produce(client, report, "docx")
    document = Document(io.BytesIO(word))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert {"25.5", "66.7%", "£140,000", "£70,000.50", "£9,500", "£1,610", "82.5%"} <= set(cells)
    assert not any("140000" in cell for cell in cells)
    assert any(p.text == "A year of delivery." for p in document.paragraphs)


def _structure(node, tag: str) -> list:
    """The elements tagged `tag` in a PDF's structure tree under `node`."""
    found = []
    kids = node.get("/K", [])
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object()
        if isinstance(kid, dict) and "/S" in kid:
            if kid["/S"] == tag:
                found.append(kid)
            else:
                found += _structure(kid, tag)
    return found


def test_tables_are_named_by_a_caption_that_does_not_repeat_their_heading(
    year_of_data, head_of_ict, client_for, settings, tmp_path, produce
):
    from docx import Document
    from docx.oxml.ns import qn
    from pypdf import PdfReader

    from reports.selectors import report_tables

    settings.MEDIA_ROOT = tmp_path
    report = services.annual_report_draft(user=head_of_ict, financial_year=FY)
    tables = report_tables(annual_report_figures(report))
    assert all(t.caption and t.caption.lower() != t.title.lower() for t in tables)
    client = client_for(head_of_ict)

    _, content = produce(client, report, "pdf")
    reader = PdfReader(io.BytesIO(content))
    lines = [line.strip() for page in reader.pages for line in page.extract_text().splitlines()]
    shown = [table for table in tables if table.rows]  # an empty one says so in words
    assert len(shown) >= 5
    for table in shown:
        heading = lines.index(table.title)
        assert lines[heading + 1] != table.title
        assert lines[heading + 1].startswith(table.caption[:40])
    # In the PDF's structure for screen readers, each section's table holds its
    # caption (a table carried over to the next page goes on in a section of its own).
    sections = _structure(reader.trailer["/Root"]["/StructTreeRoot"], "/Sect")
    headed = [s for s in sections if _structure(s, "/H2") and _structure(s, "/Table")]
    assert len(headed) == len(shown)
    assert all(_structure(_structure(s, "/Table")[0], "/Caption") for s in headed)

    _, word = produce(client, report, "docx")
    document = Document(io.BytesIO(word))
    names = [t._tbl.tblPr.find(qn("w:tblCaption")).get(qn("w:val")) for t in document.tables]
    assert names == [t.caption for t in tables]

    page = client.get(report.get_absolute_url()).content.decode()
    for table in shown:
        caption = escape(table.caption)
        assert (
            f'<caption class="govuk-table__caption govuk-!-font-weight-regular">{caption}.' in page
        )


def test_charts_have_text_alternatives_stating_every_value(year_of_data, head_of_ict, client_for):
    from reports.selectors import report_charts

    report = services.annual_report_draft(user=head_of_ict, financial_year=FY)
    charts = report_charts(annual_report_figures(report))
    outcomes = next(c for c in charts if "outcome" in c["title"])["svg"]
    assert 'role="img"' in outcomes and "<title" in outcomes
    assert "Approved: 1; Approved with conditions: 1; Deferred: 1; Rejected: 1" in outcomes
    page = client_for(head_of_ict).get(report.get_absolute_url()).content.decode()
    assert 'aria-labelledby="chart-outcomes-title chart-outcomes-desc"' in page
    assert "<figcaption" in page


def test_a_chart_with_nothing_to_show_says_so_in_words(head_of_ict, client_for, strategy):
    report = services.annual_report_draft(user=head_of_ict, financial_year=FY)
    page = client_for(head_of_ict).get(report.get_absolute_url()).content.decode()
    assert "Proposals decided in the year, by outcome: nothing to show for this year." in page
    assert 'aria-labelledby="chart-outcomes-title' not in page


def test_producing_a_file_records_it_once_and_downloading_it_records_nothing(
    year_of_data, head_of_ict, member, client_for, settings, tmp_path
):
    import hashlib

    from reports.models import ReportExport

    settings.MEDIA_ROOT = tmp_path
    report = services.annual_report_draft(user=head_of_ict, financial_year=FY)
    client = client_for(member)  # a reader, not only the Head of ICT, may make a file
    produce = reverse("reports:annual-produce", args=[report.pk])
    assert client.get(produce).status_code == 405  # a GET makes nothing

    response = client.post(produce, {"file_format": "pdf"})
    (export,) = ReportExport.objects.all()
    assert response["Location"] == reverse("reports:annual-file", args=[report.pk, export.pk])
    assert (export.file_format, export.created_by) == ("pdf", member)
    first = b"".join(client.get(response["Location"]).streaming_content)
    again = client.get(response["Location"])
    assert b"".join(again.streaming_content) == first  # the same file, not a new one
    assert again["Content-Type"] == "application/pdf"
    assert export.sha256 == hashlib.sha256(first).hexdigest()
    assert ReportExport.objects.count() == 1
    assert ReportExport.history.count() == 1

    page = client.get(report.get_absolute_url()).content.decode()
    assert f'href="{response["Location"]}" download>{export.filename}</a>' in page
    assert export.sha256 in page


def test_a_file_is_found_only_under_its_own_report_and_only_while_it_is_kept(
    year_of_data, head_of_ict, client_for, settings, tmp_path
):
    from reports.models import ReportExport

    settings.MEDIA_ROOT = tmp_path
    client = client_for(head_of_ict)
    report = services.annual_report_draft(user=head_of_ict, financial_year=FY)
    other = services.annual_report_draft(user=head_of_ict, financial_year=FY - 1)
    client.post(reverse("reports:annual-produce", args=[report.pk]), {"file_format": "csv"})
    export = ReportExport.objects.get()
    assert client.get(reverse("reports:annual-file", args=[other.pk, export.pk])).status_code == 404
    export.file.delete(save=False)  # a restore without the media folder
    assert (
        client.get(reverse("reports:annual-file", args=[report.pk, export.pk])).status_code == 404
    )


def test_an_unknown_format_makes_no_file(year_of_data, head_of_ict, client_for):
    from reports.models import ReportExport

    report = services.annual_report_draft(user=head_of_ict, financial_year=FY)
    response = client_for(head_of_ict).post(
        reverse("reports:annual-produce", args=[report.pk]), {"file_format": "exe"}, follow=True
    )
    assert "Choose PDF, Word, Excel or CSV." in response.content.decode()
    assert not ReportExport.objects.exists()


def test_a_report_finalised_before_cost_and_spend_counted_the_same_projects_keeps_its_words(
    head_of_ict, client_for, strategy
):
    """Its frozen figures were counted over other projects: they keep their old labels,
    and are still shown in the council's format."""
    from reports.assembly import annual_report_data

    report = services.annual_report_draft(user=head_of_ict, financial_year=FY)
    report = services.annual_report_finalise(user=head_of_ict, report=report)
    snapshot = annual_report_data(FY)
    projects = snapshot["projects"]
    for key in ("counted", "spend_in_year"):
        del projects[key]
    projects |= {"planned_cost": "600000.00", "spend_to_date_in_delivery": "1610.50"}
    report.snapshot = snapshot
    report.save()
    page = client_for(head_of_ict).get(report.get_absolute_url()).content.decode()
    assert 'Planned cost of approved projects</td><td class="govuk-table__cell">£600,000' in page
    assert (
        'Spend to date on projects in delivery</td><td class="govuk-table__cell">£1,610.50' in page
    )
    assert "projects counted" not in page


@pytest.mark.django_db
def test_a_year_counts_proposals_by_the_councils_calendar_days_at_its_edges():
    from projects.selectors import year_summary

    def local(day, hour, minute):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))

    first, last = datetime.date(FY, 4, 1), datetime.date(FY + 1, 3, 31)
    # Half past midnight on 1 April is still 31 March in UTC (summer time): in the year.
    for moment in (local(first, 0, 30), local(last, 23, 59)):
        ProposalFactory(status=ProposalStatus.REJECTED, submitted_at=moment, decided_at=moment)
    for moment in (local(first, 0, 0) - datetime.timedelta(minutes=1), local(last, 23, 59)
                   + datetime.timedelta(minutes=1)):  # fmt: skip
        ProposalFactory(status=ProposalStatus.REJECTED, submitted_at=moment, decided_at=moment)
    summary = year_summary(FY)
    assert (summary["received"], summary["decided"]) == (2, 2)
