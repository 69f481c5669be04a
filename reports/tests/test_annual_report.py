"""The annual report's figures against a hand-computed data set, its exports, and a
final report that does not change when the data does."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from common.errors import WorkflowError
from governance import services as governance_services
from governance.models import KPIMeasurement
from governance.tests.factories import BusinessUnitFactory
from projects.choices import ProposalStatus
from projects.models import BenefitRealised, ProgressUpdate
from projects.tests.factories import BudgetFactory, ProjectFactory, ProposalFactory
from reports import services
from reports.selectors import annual_report_figures

FY = 2026  # 1 April 2026 to 31 March 2027


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@pytest.fixture
def year_of_data(head_of_ict, strategy):
    """Four decisions in 2026/27 and one outside it:
    A approved, 10 days; B rejected, 20 days; C approved with conditions, 31 days
    (all Housing); D deferred, 40 days (Finance); E approved in 2025/26 (ignored).
    Median days = (20 + 31) / 2 = 25.5. Housing approval rate 2/3 = 66.7%; Finance 0%."""
    housing = BusinessUnitFactory(name="Housing Services", code="housing")
    finance = BusinessUnitFactory(name="Finance", code="finance")
    cases = [
        ("A", housing, ProposalStatus.APPROVED, datetime.date(2026, 5, 1), 10, {FY: 100000}),
        ("B", housing, ProposalStatus.REJECTED, datetime.date(2026, 6, 1), 20, {FY: 5000}),
        ("C", housing, ProposalStatus.APPROVED_WITH_CONDITIONS, datetime.date(2026, 9, 1), 31,
         {FY: 40000, FY + 1: 10000}),
        ("D", finance, ProposalStatus.DEFERRED, datetime.date(2026, 11, 1), 40, {FY: 7000}),
        ("E", finance, ProposalStatus.APPROVED, datetime.date(2025, 5, 1), 5, {FY - 1: 9000}),
    ]  # fmt: skip
    proposals = {}
    for title, unit, status, submitted, days, costs in cases:
        proposals[title] = ProposalFactory(
            title=title,
            business_unit=unit,
            status=status,
            complete=True,
            costs=costs,
            submitted_at=_at(submitted),
            decided_at=_at(submitted + datetime.timedelta(days=days)),
        )
    # Savings: each complete proposal plans £10,000 a year; A and C are approved in
    # 2026/27, so £20,000 planned. A's project realised £7,500.
    project = ProjectFactory(proposal=proposals["A"])
    BenefitRealised.objects.create(project=project, financial_year=FY, cashable_savings=7500)
    # Spend to date is the latest update's figure, not the sum of updates: £30,000.
    for day, spend in ((datetime.date(2026, 7, 1), 10000), (datetime.date(2026, 8, 1), 30000)):
        ProgressUpdate.objects.create(
            project=project, author=head_of_ict, reported_on=day, rag_overall="green",
            rag_time="green", rag_cost="green", rag_scope="green", percent_complete=20,
            narrative="On track", actual_spend_to_date=spend,
        )  # fmt: skip
    BudgetFactory(financial_year=FY, amount=Decimal(150000))
    kpi = governance_services.kpi_save(
        user=head_of_ict,
        fields={"name": "Calls resolved first time", "unit": "%", "direction": "higher"},
    )
    governance_services.kpi_target_set(user=head_of_ict, kpi=kpi, financial_year=FY, target=80)
    governance_services.kpi_measurement_record(
        user=head_of_ict, kpi=kpi, period_end=datetime.date(2026, 9, 30), value=76
    )
    # A period that may not have ended yet on the day the suite runs, which the portal
    # would refuse: set down directly.
    KPIMeasurement.objects.create(
        kpi=kpi, period_end=datetime.date(2026, 12, 31), value=82, recorded_by=head_of_ict
    )
    return proposals


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
    assert projects["planned_cost"] == "140000.00"  # A 100,000 + C 40,000 in 2026/27
    assert projects["savings_planned"] == "20000.00"
    assert projects["savings_realised"] == "7500.00"
    assert projects["budget"] == "150000.00"
    assert projects["spend_to_date_in_delivery"] == "30000.00"
    # Every complete proposal serves theme 1: A and C approved, A in delivery.
    assert projects["by_theme"] == {
        "1": {"approved_in_year": 2, "in_delivery": 1, "closed_in_year": 0}
    }
    (kpi,) = figures["kpis"]
    assert (kpi["latest"], kpi["target"], kpi["status"], kpi["trend"]) == (
        "82.00",
        "80.00",
        "On target",
        "Improving",
    )
    assert figures["themes"][0]["title"] == "Establishment of the new City ICT service"


def test_xlsx_has_a_sheet_per_section_showing_the_figures(year_of_data, head_of_ict, client_for):
    report = services.annual_report_draft(user=head_of_ict, financial_year=FY)
    response = client_for(head_of_ict).get(reverse("reports:annual-xlsx", args=[report.pk]))
    assert response["Content-Disposition"] == (
        'attachment; filename="annual-report-2026-2027-v1-draft.xlsx"'
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Themes",
        "Projects and spend",
        "Projects by theme",
        "Governance",
        "KPIs",
        "Risks",
        "Risk movement",
    ]
    governance = {
        row[0]: row[1] for row in book["Governance"].iter_rows(min_row=2, values_only=True)
    }
    assert governance["Median days from submission to decision"] == 25.5
    assert governance["Approval rate, Housing Services (%)"] == 66.7
    spend = {
        row[0]: row[1] for row in book["Projects and spend"].iter_rows(min_row=2, values_only=True)
    }
    assert spend["Cashable savings realised (£)"] == "7500.00"


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
        submitted_at=_at(datetime.date(2026, 12, 1)),
        decided_at=_at(datetime.date(2026, 12, 5)),
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
        submitted_at=_at(datetime.date(2026, 12, 1)),
        decided_at=_at(datetime.date(2026, 12, 5)),
    )
    assert annual_report_figures(draft)["projects"]["decided"] == 5
    decided.delete()
    assert annual_report_figures(draft)["projects"]["decided"] == 4


def test_pdf_and_word_show_the_figures_and_every_file_has_its_checksum(
    year_of_data, head_of_ict, client_for
):
    import hashlib

    from docx import Document
    from pypdf import PdfReader

    from reports.models import ReportExport

    report = services.annual_report_draft(user=head_of_ict, financial_year=FY)
    services.annual_report_write(
        user=head_of_ict, report=report, narrative={"executive_summary": "A year of delivery."}
    )
    client = client_for(head_of_ict)
    pdf = client.get(reverse("reports:annual-pdf", args=[report.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert (
        pdf["Content-Disposition"] == 'attachment; filename="annual-report-2026-2027-v1-draft.pdf"'
    )
    reader = PdfReader(io.BytesIO(pdf.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "A year of delivery." in text
    assert "Median days from submission to decision 25.5" in text
    assert "Cashable savings realised (£) 7500.00" in text
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged for screen readers

    word = client.get(reverse("reports:annual-docx", args=[report.pk]))
    document = Document(io.BytesIO(word.content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "25.5" in cells and "66.7" in cells
    assert any(p.text == "A year of delivery." for p in document.paragraphs)

    exports = {e.file_format: e for e in ReportExport.objects.all()}
    assert exports["pdf"].sha256 == hashlib.sha256(pdf.content).hexdigest()
    assert exports["docx"].sha256 == hashlib.sha256(word.content).hexdigest()
    page = client.get(report.get_absolute_url()).content.decode()
    assert exports["pdf"].sha256 in page


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
