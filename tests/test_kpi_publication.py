"""A KPI value awaiting approval is seen only by its recorder and those who may approve
it, on every path a KPI value leaves the portal by; once approved, by everyone.

Each path is read as its reader gets it (the page's HTML, the CSV and Excel downloads,
the REST API, the Power BI feed, the history page, the annual report's figures, the
home page), looking for the unpublished value's figure and its commentary.
(tests/test_canaries.py also plants an unpublished value and walks every URL.)
"""

import datetime
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from common.choices import AccessTokenKind
from common.roles import Role
from common.tokens import token_create
from governance import services
from governance.choices import KPIValueStatus
from governance.tests.factories import UserFactory
from reports.assembly import annual_report_data

FIGURE = "87.1"  # 871 of 1,000: appears nowhere else on any page below
COMMENTARY = "Unpublished commentary wryneck"
YEAR = 2026


def _xlsx_text(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        " ".join("" if cell is None else str(cell) for cell in row)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


def _paths(kpi, user) -> dict[str, str]:
    """Everything each path out shows `user`, as text."""
    client = Client()
    client.force_login(user)
    api = APIClient()
    api.force_login(user)
    _, key = token_create(user=user, name="Power BI", kind=AccessTokenKind.API)
    feed = APIClient().get("/feeds/kpis.json", {"key": key})
    answers = {
        "KPI page": client.get(kpi.get_absolute_url()),
        "KPI list": client.get(reverse("governance:kpi-list")),
        "KPI list CSV": client.get(reverse("governance:kpi-list"), {"format": "csv"}),
        "KPI history": client.get(reverse("governance:kpi-history", args=[kpi.pk])),
        "home page": client.get("/"),
        "API list": api.get("/api/v1/kpis/"),
        "API detail": api.get(f"/api/v1/kpis/{kpi.pk}/"),
        "Power BI feed": feed,
    }
    texts = {}
    for path, response in answers.items():
        assert response.status_code == 200, path
        texts[path] = response.content.decode()
    excel = client.get(reverse("governance:kpi-list"), {"format": "xlsx"})
    texts["KPI list Excel (with its values sheet)"] = _xlsx_text(excel.content)
    texts["annual report's figures"] = json.dumps(annual_report_data(YEAR))
    return texts


def _showing(texts: dict[str, str]) -> set[str]:
    return {path for path, text in texts.items() if FIGURE in text or COMMENTARY in text}


@pytest.fixture
def rate_kpi(head_of_ict, strategy):
    kpi = services.kpi_save(
        user=head_of_ict,
        fields={
            "name": "Incidents resolved within the SLA",
            "unit": "%",
            "direction": "higher",
            "is_rate": True,
            "numerator_label": "incidents resolved within the SLA",
            "denominator_label": "incidents resolved",
            "red_boundary": Decimal(80),
            "green_boundary": Decimal(90),
        },
    )
    services.kpi_comparator_set(
        user=head_of_ict, kpi=kpi, financial_year=YEAR, organisation="Oxfordshire County Council",
        value=Decimal("91.30"), source="Benchmarking club 2026",
    )  # fmt: skip
    published = services.kpi_measurement_record(
        user=head_of_ict, kpi=kpi, period_end=datetime.date(2026, 6, 30),
        numerator=Decimal(50), denominator=Decimal(100), note="First quarter",
    )  # fmt: skip
    services.kpi_measurement_approve(user=head_of_ict, measurement=published)
    return kpi


@pytest.mark.django_db
def test_an_unapproved_value_is_on_no_path_out_until_approved(
    rate_kpi, head_of_ict, officer, member
):
    second_head = UserFactory(roles=[Role.HEAD_OF_ICT])
    value = services.kpi_measurement_record(
        user=head_of_ict, kpi=rate_kpi, period_end=datetime.date(2026, 9, 30),
        numerator=Decimal(871), denominator=Decimal(1000), note=COMMENTARY,
    )  # fmt: skip
    assert value.value == Decimal("87.10") and value.status == KPIValueStatus.AWAITING_APPROVAL

    for reader in (officer, member):
        assert _showing(_paths(rate_kpi, reader)) == set(), reader
    # Its recorder and the other Head of ICT (who may approve it) see it where values show.
    for approver in (head_of_ict, second_head):
        assert "KPI page" in _showing(_paths(rate_kpi, approver))
    # The annual report is a published document: approved values only, even for them.
    assert "annual report's figures" not in _showing(_paths(rate_kpi, head_of_ict))

    services.kpi_measurement_approve(user=second_head, measurement=value)

    every_path = set(_paths(rate_kpi, officer))
    # The home page shows no KPI; every other path shows the value now.
    assert _showing(_paths(rate_kpi, officer)) == every_path - {"home page"}
    page = _paths(rate_kpi, member)["KPI page"]
    assert "Amber" in page  # 87.1% is between the red (80%) and green (90%) boundaries
    assert "Oxfordshire County Council" in page and "Benchmarking club 2026" in page
    (reported,) = annual_report_data(YEAR)["kpis"]
    assert (reported["latest"], reported["rag"], reported["comparator"]) == (
        "87.10",
        "Amber",
        "Oxfordshire County Council, 2026/27: 91.3% (Benchmarking club 2026)",
    )
