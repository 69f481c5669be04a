import csv
import io

import openpyxl
from django.urls import reverse

from common.exports import safe_cell
from risks.tests.factories import RiskFactory

HOSTILE = '=HYPERLINK("http://example.invalid")'


def test_formula_triggers_are_made_text():
    for value in ("=1+1", "+44 1865", "-2", "@SUM(A1)", "\t=1", "\r=1"):
        assert safe_cell(value) == "'" + value
    assert safe_cell("Plain text") == "Plain text"
    assert safe_cell(12) == 12


def test_csv_export_holds_a_formula_title_as_text(risk_owner, client_for, member):
    RiskFactory(owner=risk_owner, title=HOSTILE, consequence="-1 day of service")
    response = client_for(member).get(reverse("risks:export-csv"))
    assert response["Content-Disposition"].startswith('attachment; filename="risk-register-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, row = rows[0], rows[1]
    assert row[header.index("Title")] == "'" + HOSTILE
    assert row[header.index("Consequence")] == "'-1 day of service"


def test_xlsx_export_holds_a_formula_title_as_text(risk_owner, client_for, member):
    RiskFactory(owner=risk_owner, title=HOSTILE)
    response = client_for(member).get(reverse("risks:export-xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("Title") + 1)
    assert cell.data_type == "s"
    assert cell.value == "'" + HOSTILE


def test_exports_follow_the_filter(risk_owner, client_for, member):
    RiskFactory(owner=risk_owner, title="Supplier risk", category="supplier")
    RiskFactory(owner=risk_owner, title="People risk", category="people")
    response = client_for(member).get(reverse("risks:export-csv") + "?category=people")
    body = response.content.decode("utf-8-sig")
    assert "People risk" in body and "Supplier risk" not in body
