"""Every list page also downloads as CSV, with the page's filters and access rules."""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from governance.models import Strategy, User
from projects.models import Proposal

LIST_PAGES = [
    ("headofict", lambda: reverse("projects:proposal-list"), "Reference", "Council tax self-service portal"),
    ("headofict", lambda: reverse("projects:project-list"), "Project manager", "Hosted e-mail and office suite"),
    ("headofict", lambda: reverse("projects:portfolio"), "Recommended", "Council tax self-service portal"),
    ("member", lambda: reverse("governance:kpi-list"), "Target this year", "Transactions completed online"),
    ("member", lambda: reverse("governance:meeting-list"), "Quorum", "ICT Governance Group"),
    ("officer", lambda: reverse("governance:strategy-detail", args=[Strategy.objects.get(start_year=2012).pk]),
     "Progress (%)", "Take council tax payments online"),
    ("member", lambda: reverse("risks:risk-list"), None, None),
    ("headofict", lambda: reverse("reports:archive"), "SHA-256", None),
]  # fmt: skip


@pytest.fixture
def demo_data(db):
    call_command("load_demo_data", password="demo-password-123", stdout=io.StringIO())


def _rows(response):
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize(("username", "url", "column", "value"), LIST_PAGES)
def test_list_pages_download_as_csv(username, url, column, value, demo_data, client_for):
    client = client_for(User.objects.get(username=username))
    if column is None:  # the register has its own export links
        assert "export.csv" in client.get(url()).content.decode()
        return
    page = client.get(url()).content.decode()
    assert "format=csv" in page
    rows = _rows(client.get(url() + "?format=csv"))
    assert column in rows[0]
    if value:
        assert any(value in " ".join(row) for row in rows[1:])


def test_csv_follows_the_pages_filters_and_scope(demo_data, client_for):
    officer = User.objects.get(username="officer")
    rows = _rows(client_for(officer).get(reverse("projects:proposal-list") + "?format=csv"))
    units = {row[2] for row in rows[1:]}
    assert units <= {officer.business_unit.name}
    head = User.objects.get(username="headofict")
    rows = _rows(
        client_for(head).get(reverse("projects:proposal-list") + "?status=submitted&format=csv")
    )
    assert {row[3] for row in rows[1:]} == {"Submitted"}
    assert len(rows) - 1 == Proposal.objects.filter(status="submitted").count()


def test_csv_needs_the_same_role_as_the_page(demo_data, client_for):
    admin = User.objects.get(username="admin")
    response = client_for(admin).get(reverse("projects:portfolio") + "?format=csv")
    assert response.status_code == 403
