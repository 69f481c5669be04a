"""Figures in the council's format wherever people read them, and numbers as numbers
in every workbook the portal makes."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from common.exports import csv_bytes, xlsx_bytes
from common.figures import figure, measure, measure_cell, money, money_cell
from common.fy import financial_year_of
from governance import services as governance_services
from projects.choices import ProposalStatus
from projects.models import ProgressUpdate
from projects.tests.factories import BudgetFactory, ProjectFactory, ProposalFactory
from reports import generation
from risks.tests.factories import RiskFactory


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (600000, "£600,000"),
        ("600000.00", "£600,000"),  # as a finalised report's snapshot stores it
        (Decimal("1610.50"), "£1,610.50"),
        (Decimal("1610.5"), "£1,610.50"),
        (-1610, "-£1,610"),
        (Decimal("-1610.05"), "-£1,610.05"),
        (Decimal("0.004"), "£0"),
        (Decimal("-0.004"), "£0"),  # rounds to nothing: no minus sign
        (Decimal("999.995"), "£1,000"),
        (1234567.891, "£1,234,567.89"),
        (0, "£0"),
        (None, ""),
        ("", ""),
    ],
)
def test_money_is_whole_pounds_unless_there_are_pence(value, shown):
    assert money(value) == shown


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (Decimal("1610.00"), "£", "£1,610"),
        (Decimal("97.50"), "%", "97.5%"),
        (Decimal("82.00"), "%", "82%"),
        (Decimal("12.00"), "days", "12 days"),
        (Decimal("1234.25"), "incidents", "1,234.25 incidents"),
        (Decimal("3.5"), "", "3.5"),
        (Decimal("3.5"), " £ ", "£3.50"),
        (None, "%", ""),
    ],
)
def test_a_kpi_value_carries_its_unit_as_a_reader_expects(value, unit, shown):
    assert measure(value, unit) == shown


def test_template_filters_show_the_same_as_the_documents():
    template = Template(
        "{% load portal %}{{ cost|money }} {{ kpi|measure:'£' }} {{ rate|measure:'%' }} "
        "{{ nothing|figure }} {{ count|figure }} {{ cell|figure:'Not recorded' }}"
    )
    context = Context(
        {"cost": Decimal("600000.00"), "kpi": Decimal("1610"), "rate": Decimal("97.50"),
         "nothing": None, "count": 1234, "cell": money_cell("-1610")}
    )  # fmt: skip
    assert template.render(context) == "£600,000 £1,610 97.5% \N{EN DASH} 1,234 -£1,610"
    assert figure(None, missing="Not recorded") == "Not recorded"
    assert figure(True) == "Yes"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1234, "1,234"),
        (-1234567, "-1,234,567"),
        (0, "0"),
        (Decimal("1234"), "1,234"),
        (1234.0, "1,234"),
        (Decimal("82.50"), "82.5"),
        (True, "Yes"),
        (False, "No"),
        ("Housing & <care>", "Housing & <care>"),
        ("", "\N{EN DASH}"),
    ],
)
def test_a_count_or_text_cell_shows_the_same_by_every_path(value, shown):
    """Whole counts and text take a short way through `figure`; a count reads the same
    as the number it would be as a Decimal."""
    assert figure(value) == shown


def test_csv_holds_money_in_the_councils_format_and_still_defuses_formulas():
    content = csv_bytes(
        ["Item", "Amount", "Rate"],
        [
            ["Refund", money_cell("-1610"), measure_cell("97.5", "%")],
            ["-£1,610", money_cell("600000.00"), None],
        ],
    )
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[1] == ["Refund", "-£1,610", "97.5%"]  # ours, from a number: not a formula
    assert rows[2] == ["'-£1,610", "£600,000", ""]  # typed text that starts "-" is defused


def test_xlsx_holds_money_and_measures_as_numbers_with_a_number_format():
    content = xlsx_bytes(
        [
            (
                "Sheet",
                ["Whole", "Pence", "Percent", "Days", "Typed", "Made"],
                [
                    [money_cell("600000.00"), money_cell("-1610.50"),
                     measure_cell("97.50", "%"), measure_cell("12.50", "days"), "=1+1",
                     datetime.datetime(2026, 7, 1, 11, tzinfo=datetime.UTC)],
                ],
            )
        ]
    )  # fmt: skip
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Sheet"]
    whole, pence, percent, days, typed, made = sheet[2]
    assert (whole.data_type, whole.value, whole.number_format) == ("n", 600000, '"£"#,##0')
    assert (pence.value, pence.number_format) == (-1610.5, '"£"#,##0.00')
    assert (percent.value, percent.number_format) == (pytest.approx(0.975), "0.0#%")
    assert (days.value, days.number_format) == (12.5, "#,##0.0#")
    assert (typed.data_type, typed.value) == ("s", "'=1+1")
    assert made.value == datetime.datetime(2026, 7, 1, 12)  # the council's time (BST)


# ------------------------------------------------------------------------ pages and CSV


@pytest.fixture
def money_everywhere(head_of_ict, strategy):
    """A proposal costing £600,000 in 2026/27 (savings £10,000), in assessment; an
    approved project that has spent £1,610.50; a budget; KPIs in pounds and percent."""
    ProposalFactory(
        title="Hosted telephony",
        complete=True,
        status=ProposalStatus.IN_ASSESSMENT,
        costs={2026: 600000},
    )
    project = ProjectFactory(proposal__title="Mobile working", proposal__costs={2026: 45000})
    ProgressUpdate.objects.create(
        project=project, author=head_of_ict, reported_on=timezone.localdate(),
        rag_overall="green", rag_time="green", rag_cost="green", rag_scope="green",
        percent_complete=20, narrative="On track", actual_spend_to_date=Decimal("1610.50"),
    )  # fmt: skip
    BudgetFactory(financial_year=2026, amount=Decimal(2500000))
    year = financial_year_of(timezone.localdate())
    for name, unit, target, value in (
        ("ICT spend per employee", "£", 1500, 1610),
        ("Calls resolved first time", "%", 80, Decimal("97.50")),
        ("Days to fix a fault", "days", 3, 2),
    ):
        kpi = governance_services.kpi_save(
            user=head_of_ict, fields={"name": name, "unit": unit, "direction": "lower"}
        )
        governance_services.kpi_target_set(
            user=head_of_ict, kpi=kpi, financial_year=year, target=target
        )
        governance_services.kpi_measurement_record(
            user=head_of_ict, kpi=kpi, period_end=timezone.localdate(), value=value
        )
    return project


def test_pages_show_money_and_kpis_in_the_councils_format(
    money_everywhere, head_of_ict, client_for
):
    client = client_for(head_of_ict)
    project = money_everywhere
    proposal = project.proposal

    def page(url):
        response = client.get(url)
        assert response.status_code == 200, url
        return response.content.decode()

    listed = page(reverse("projects:proposal-list"))
    assert "£600,000" in listed and "£45,000" in listed
    detail = page(proposal.get_absolute_url())
    assert ">£45,000</td>" in detail and ">£10,000</td>" in detail  # cost, savings planned
    assert ">£0</td>" in detail and ".00</td>" not in detail  # no pence, none shown
    assert "Spend to date £1,610.50" in page(project.get_absolute_url())
    assert "Planned: £10,000<" in page(reverse("projects:project-close", args=[project.pk]))
    assert "£2,500,000" in page(reverse("projects:budgets"))
    portfolio = page(reverse("projects:portfolio") + "?year=2026")
    assert "£2,500,000" in portfolio and "£600,000" in portfolio and "£45,000" in portfolio
    kpis = page(reverse("governance:kpi-list"))
    assert "£1,610" in kpis and "£1,500" in kpis and "97.5%" in kpis and "2 days" in kpis
    assert "1,610 £" not in kpis and "97.5 %" not in kpis
    for html in (listed, portfolio, kpis):
        assert "600000" not in html and "1610.50" not in html


def test_list_csv_files_show_money_and_kpis_in_the_councils_format(
    money_everywhere, head_of_ict, client_for
):
    client = client_for(head_of_ict)

    def table(url):
        content = client.get(url, {"format": "csv"}).content.decode("utf-8-sig")
        return list(csv.DictReader(io.StringIO(content)))

    costs = {row["Title"]: row["Total cost"] for row in table(reverse("projects:proposal-list"))}
    assert costs["Hosted telephony"] == "£600,000"
    portfolio = table(reverse("projects:portfolio"))
    assert [row["Total cost"] for row in portfolio] == ["£600,000"]
    kpis = {row["KPI"]: row for row in table(reverse("governance:kpi-list"))}
    assert kpis["ICT spend per employee"]["Latest value"] == "£1,610"
    assert kpis["Calls resolved first time"]["Target this year"] == "80%"
    assert kpis["Days to fix a fault"]["Latest value"] == "2 days"


def test_every_workbook_the_portal_makes_holds_numbers_as_numbers(member, client_for, strategy):
    """The risk register's Excel export and the quarterly risk report (the annual
    report's workbook has tests of its own)."""
    RiskFactory(title="Supplier fails")
    exported = client_for(member).get(reverse("risks:export-xlsx")).content
    content, _ = generation.build("risk_report", "2026-Q3")
    checked = []
    for workbook in (exported, content):
        for sheet in openpyxl.load_workbook(io.BytesIO(workbook)).worksheets:
            header = [cell.value for cell in sheet[1]]
            # The register and the report's risk sheets say "Residual score"; the sheet
            # of controls and assurance says "Current score" (the Orange Book's word).
            column = next((c for c in ("Residual score", "Current score") if c in header), None)
            if column is None:  # a sheet of controls, one per row: no risk's score
                continue
            checked.append(sheet.title)
            for row in sheet.iter_rows(min_row=2):
                score = row[header.index(column)]
                assert (score.data_type, score.value) == ("n", 4)
    assert "Controls and assurance" in checked and len(checked) >= 3
