"""The annual report's tests share a year of data worked out by hand."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from governance import services as governance_services
from governance.choices import KPIValueStatus
from governance.models import KPIMeasurement
from governance.tests.factories import BusinessUnitFactory
from projects.choices import ProjectStatus, ProposalStatus
from projects.models import BenefitRealised, ProgressUpdate
from projects.tests.factories import BudgetFactory, ProjectFactory, ProposalFactory

FY = 2026  # 1 April 2026 to 31 March 2027


def at_noon(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _update(project, author, day, spend):
    ProgressUpdate.objects.create(
        project=project, author=author, reported_on=day, rag_overall="green",
        rag_time="green", rag_cost="green", rag_scope="green", percent_complete=20,
        narrative="On track", actual_spend_to_date=spend,
    )  # fmt: skip


@pytest.fixture
def year_of_data(head_of_ict, strategy):
    """Four decisions in 2026/27 and one outside it:
    A approved, 10 days; B rejected, 20 days; C approved with conditions, 31 days
    (all Housing); D deferred, 40 days (Finance); E approved in 2025/26.
    Median days = (20 + 31) / 2 = 25.5. Housing approval rate 2/3 = 66.7%; Finance 0%.

    Projects: A in delivery; C closed during the year; E started in 2025/26 and still
    in delivery; F closed before the year began. Cost and spend count A, C and E."""
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
            submitted_at=at_noon(submitted),
            decided_at=at_noon(submitted + datetime.timedelta(days=days)),
        )
    # Spend to date is the latest update's figure, not the sum of updates.
    # A: nothing before the year, £30,000 by its end: £30,000 in the year.
    a = ProjectFactory(proposal=proposals["A"], started_on=datetime.date(2026, 5, 15))
    _update(a, head_of_ict, datetime.date(2026, 7, 1), 10000)
    _update(a, head_of_ict, datetime.date(2026, 8, 1), 30000)
    # C: closed in February with £38,500.50 spent, all in the year.
    c = ProjectFactory(
        proposal=proposals["C"],
        started_on=datetime.date(2026, 10, 1),
        status=ProjectStatus.CLOSED,
        closed_on=datetime.date(2027, 2, 1),
    )
    _update(c, head_of_ict, datetime.date(2027, 2, 1), Decimal("38500.50"))
    # E: £8,000 before the year, £9,500 by its end: £1,500 in the year; no cost planned.
    e = ProjectFactory(proposal=proposals["E"], started_on=datetime.date(2025, 6, 1))
    _update(e, head_of_ict, datetime.date(2026, 3, 1), 8000)
    _update(e, head_of_ict, datetime.date(2026, 6, 1), 9500)
    # F: closed before the year, so its £5,000 planned and its spend are not counted;
    # its savings are (£10,000 planned, £2,000 realised in the year).
    f = ProjectFactory(
        proposal__title="F",
        proposal__costs={FY - 1: 20000, FY: 5000},
        started_on=datetime.date(2025, 4, 1),
        status=ProjectStatus.CLOSED,
        closed_on=datetime.date(2026, 2, 1),
    )
    _update(f, head_of_ict, datetime.date(2026, 2, 1), 24000)
    # Savings: each complete proposal plans £10,000 a year; A, C and F plan some for
    # 2026/27, so £30,000. A realised £7,500 and F £2,000: £9,500.
    BenefitRealised.objects.create(project=a, financial_year=FY, cashable_savings=7500)
    BenefitRealised.objects.create(project=f, financial_year=FY, cashable_savings=2000)
    BudgetFactory(financial_year=FY, amount=Decimal(150000))
    kpi = governance_services.kpi_save(
        user=head_of_ict,
        fields={"name": "Calls resolved first time", "unit": "%", "direction": "higher"},
    )
    governance_services.kpi_target_set(user=head_of_ict, kpi=kpi, financial_year=FY, target=80)
    governance_services.kpi_measurement_approve(
        user=head_of_ict,
        measurement=governance_services.kpi_measurement_record(
            user=head_of_ict, kpi=kpi, period_end=datetime.date(2026, 9, 30), value=76
        ),
    )
    # Periods that may not have ended yet on the day the suite runs, which the portal
    # would refuse: set down directly.
    KPIMeasurement.objects.create(
        kpi=kpi,
        period_end=datetime.date(2026, 12, 31),
        value=Decimal("82.50"),
        recorded_by=head_of_ict,
        status=KPIValueStatus.APPROVED,
    )
    spend = governance_services.kpi_save(
        user=head_of_ict,
        fields={"name": "ICT spend per employee", "unit": "£", "direction": "lower"},
    )
    governance_services.kpi_target_set(user=head_of_ict, kpi=spend, financial_year=FY, target=1500)
    KPIMeasurement.objects.create(
        kpi=spend,
        period_end=datetime.date(2026, 12, 31),
        value=1610,
        recorded_by=head_of_ict,
        status=KPIValueStatus.APPROVED,
    )
    return proposals


def produce_and_download(client, report, file_format):
    """Produce a file on the report's page and download it, as a browser would."""
    response = client.post(
        reverse("reports:annual-produce", args=[report.pk]), {"file_format": file_format}
    )
    assert response.status_code == 302
    download = client.get(response["Location"])
    assert download.status_code == 200
    return download, b"".join(download.streaming_content)


@pytest.fixture
def produce():
    return produce_and_download
