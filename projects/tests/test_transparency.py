"""Contracts on projects and the transparency dataset (Local Government Transparency
Code 2015): what goes in, who publishes it, and what the public files show."""

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from common.models import OutboundEmail
from common.roles import Role
from governance.tests.factories import UserFactory
from projects import selectors, services
from projects.choices import ContractProcess, ProposalStatus, YesNo
from projects.models import Contract, TransparencyPublication
from projects.tests.factories import ContractFactory, ProjectFactory
from projects.transparency import COLUMNS
from tests.shown_forms import shown_form
from tests.test_hostile_input import post

CSV_URL = reverse("projects:transparency-csv")
JSON_URL = reverse("projects:transparency-json")


@pytest.fixture
def project(officer, housing):
    return ProjectFactory(proposal__business_unit=housing, proposal__created_by=officer)


def _form_fields(**changes) -> dict:
    fields = {
        "reference": "ICT-2026-001",
        "title": "Hosted e-mail",
        "description": "Mail and calendars for 1,200 staff.",
        "department": "ICT",
        "supplier_name": "Acme Cloud Ltd",
        "supplier_company_number": "01234567",
        "supplier_charity_number": "",
        "supplier_is_sme": YesNo.NO,
        "supplier_is_vcse": YesNo.NO,
        "total_value": Decimal("48000.00"),
        "irrecoverable_vat": None,
        "start_date": datetime.date(2026, 7, 1),
        "end_date": datetime.date(2029, 6, 30),
        "review_date": None,
        "process": ContractProcess.FRAMEWORK,
    }
    return fields | changes


def _public_json(client=None) -> dict:
    response = (client or Client()).get(JSON_URL)
    assert response.status_code == 200
    return json.loads(response.content)


def _public_csv() -> list[dict]:
    response = Client().get(CSV_URL)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


# ------------------------------------------------------------------------ the dataset


def test_only_contracts_over_5000_on_approved_proposals_projects_are_in_the_dataset(project):
    over = ContractFactory(project=project, total_value=Decimal("5000.01"))
    ContractFactory(project=project, total_value=Decimal("5000.00"))  # at, not over
    ContractFactory(project=project, total_value=Decimal("950.00"))
    with_conditions = ContractFactory(
        project=ProjectFactory(proposal__status=ProposalStatus.APPROVED_WITH_CONDITIONS),
        total_value=Decimal("80000"),
    )
    # A project whose proposal is not approved should not exist; if one did, its
    # contracts would stay out.
    ContractFactory(
        project=ProjectFactory(proposal__status=ProposalStatus.REJECTED),
        total_value=Decimal("80000"),
    )

    assert set(selectors.transparency_contracts()) == {over, with_conditions}


def test_a_closed_projects_contracts_stay_in_the_dataset(project):
    project.status = "closed"
    project.save()
    contract = ContractFactory(project=project)
    assert list(selectors.transparency_contracts()) == [contract]


# ----------------------------------------------------------------------- publishing


def test_the_public_files_are_not_found_before_anything_is_published(db):
    for url in (CSV_URL, JSON_URL):
        response = Client().get(url)
        assert response.status_code == 404
        assert "not published" in response.content.decode()
        assert response["Content-Type"].startswith("text/plain")


def test_the_public_files_show_what_was_published_not_later_edits(project, head_of_ict):
    contract = ContractFactory(project=project, supplier_name="Acme Cloud Ltd")
    services.transparency_publish(user=head_of_ict)

    services.contract_update(
        contract=contract,
        user=head_of_ict,
        fields={"supplier_name": "Renamed Supplier plc", "total_value": Decimal("99000")},
    )
    ContractFactory(project=project, reference="ICT-LATE", total_value=Decimal("70000"))

    published = _public_json()["contracts"]
    assert [row["supplier_name"] for row in published] == ["Acme Cloud Ltd"]
    assert published[0]["contract_value"] == 12500
    assert [row["Supplier name"] for row in _public_csv()] == ["Acme Cloud Ltd"]

    services.transparency_publish(user=head_of_ict)

    republished = _public_json()["contracts"]
    assert {row["reference_number"] for row in republished} == {contract.reference, "ICT-LATE"}
    assert "Renamed Supplier plc" in {row["Supplier name"] for row in _public_csv()}


def test_a_removed_contract_stays_published_until_republished_and_in_history(
    project, head_of_ict, officer
):
    contract = ContractFactory(project=project)
    services.transparency_publish(user=head_of_ict)
    services.contract_remove(contract=contract, user=officer)

    assert not Contract.objects.exists()
    assert len(_public_json()["contracts"]) == 1
    removed = Contract.history.filter(id=contract.pk).first()
    assert removed.history_type == "-" and removed.history_user == officer
    services.transparency_publish(user=head_of_ict)
    assert _public_json()["contracts"] == []


@pytest.mark.parametrize(
    "role", [Role.OFFICER, Role.MEMBER, Role.CHAIR, Role.ADMINISTRATOR, None], ids=str
)
def test_only_the_head_of_ict_may_publish(role, housing, client_for):
    user = UserFactory(business_unit=housing, roles=[role] if role else [])
    with pytest.raises(PermissionDenied):
        services.transparency_publish(user=user)
    assert client_for(user).post(reverse("projects:transparency-publish")).status_code == 403
    assert client_for(user).get(reverse("projects:transparency")).status_code == 403
    assert not TransparencyPublication.objects.exists()


def test_the_head_of_ict_publishes_from_the_transparency_page(project, head_of_ict, client_for):
    ContractFactory(project=project, reference="ICT-0042")
    client = client_for(head_of_ict)
    page = client.get(reverse("projects:transparency")).content.decode()
    assert "Nothing has been published yet" in page
    assert "Added: ICT-0042" in page

    response = client.post(reverse("projects:transparency-publish"))

    assert response.status_code == 302
    publication = TransparencyPublication.objects.get()
    assert publication.published_by == head_of_ict
    assert publication.history.get().history_user == head_of_ict
    assert (
        "publishing now would change nothing but its date"
        in client.get(reverse("projects:transparency")).content.decode()
    )


def test_the_csv_defuses_a_supplier_named_as_a_formula(project, head_of_ict):
    hostile = '=HYPERLINK("http://evil.example","Click")'
    ContractFactory(project=project, supplier_name=hostile, title="+SUM(A1:A9)")
    services.transparency_publish(user=head_of_ict)

    (row,) = _public_csv()

    assert row["Supplier name"] == "'" + hostile
    assert row["Title of agreement"] == "'+SUM(A1:A9)"
    # The JSON is data, not a spreadsheet: it carries the name as it is.
    assert _public_json()["contracts"][0]["supplier_name"] == hostile


def test_the_json_parses_and_carries_the_codes_fields(project, head_of_ict, settings):
    settings.COUNCIL_NAME = "Oxford City Council"
    ContractFactory(
        project=project,
        total_value=Decimal("48000.50"),
        irrecoverable_vat=Decimal("1200"),
        review_date=datetime.date(2027, 6, 1),
        supplier_charity_number="1098765",
        supplier_is_vcse=YesNo.YES,
    )
    services.transparency_publish(user=head_of_ict)

    response = Client().get(JSON_URL)
    document = json.loads(response.content)

    assert response["Cache-Control"] == "public, max-age=300"
    assert document["council"] == "Oxford City Council"
    assert datetime.datetime.fromisoformat(document["published"]).tzinfo is not None
    (row,) = document["contracts"]
    assert list(row) == [key for key, _ in COLUMNS]
    assert row["contract_value"] == 48000.5 and row["irrecoverable_vat"] == 1200
    assert row["start_date"] == "2026-06-01" and row["end_date"] == "2028-05-31"
    assert row["review_date"] == "2027-06-01"
    assert row["supplier_is_sme"] is True and row["supplier_is_vcse"] is True
    assert row["supplier_charity_number"] == "1098765"
    assert row["procurement_process"] == ContractProcess.FRAMEWORK.label
    csv_rows = _public_csv()
    assert list(csv_rows[0]) == [header for _, header in COLUMNS]
    assert csv_rows[0]["Sum to be paid over the length of the contract"] == "48000.50"


# ------------------------------------------------------------------ contracts' pages


def test_the_project_manager_adds_a_contract_and_the_head_of_ict_is_told(
    project, officer, head_of_ict, client_for
):
    contract = services.contract_add(project=project, user=officer, fields=_form_fields())
    assert contract.history.get().history_user == officer
    told = OutboundEmail.objects.get(recipient=head_of_ict.email)
    assert "transparency dataset" in told.subject
    page = client_for(officer).get(project.get_absolute_url()).content.decode()
    assert "ICT-2026-001" in page and "£48,000" in page
    assert reverse("projects:contract-update", args=[project.pk, contract.pk]) in page


def test_a_member_sees_a_projects_contracts_but_may_not_change_them(project, member, client_for):
    contract = ContractFactory(project=project)
    client = client_for(member)
    page = client.get(project.get_absolute_url()).content.decode()
    assert contract.reference in page
    assert reverse("projects:contract-update", args=[project.pk, contract.pk]) not in page
    url = reverse("projects:contract-update", args=[project.pk, contract.pk])
    assert client.get(url).status_code == 403
    with pytest.raises(PermissionDenied):
        services.contract_update(contract=contract, user=member, fields={"title": "Changed"})


def test_a_contract_on_a_project_the_viewer_may_not_see_is_not_on_their_pages(
    project, finance, client_for
):
    other_unit_project = ProjectFactory(proposal__business_unit=finance)
    hidden = ContractFactory(project=other_unit_project, title="Finance secret deal")
    ContractFactory(project=project, title="Housing own contract")
    officer = UserFactory(business_unit=project.proposal.business_unit, roles=[Role.OFFICER])
    client = client_for(officer)

    page = client.get(project.get_absolute_url()).content.decode()
    assert "Housing own contract" in page
    assert "Finance secret deal" not in page
    assert client.get(other_unit_project.get_absolute_url()).status_code == 404
    # Nor by putting the contract under a project they may see.
    for name in ("contract-update", "contract-remove"):
        url = reverse(f"projects:{name}", args=[project.pk, hidden.pk])
        assert client.get(url).status_code in (403, 404)


def test_a_contract_under_another_project_in_the_url_is_not_found(project, head_of_ict, client_for):
    elsewhere = ContractFactory(project=ProjectFactory())
    url = reverse("projects:contract-update", args=[project.pk, elsewhere.pk])
    assert client_for(head_of_ict).get(url).status_code == 404


def test_a_contract_saved_unchanged_changes_nothing(project, officer, client_for):
    contract = ContractFactory(
        project=project,
        irrecoverable_vat=Decimal("250.50"),
        review_date=datetime.date(2027, 6, 1),
        supplier_charity_number="1098765",
    )
    client = client_for(officer)
    url = reverse("projects:contract-update", args=[project.pk, contract.pk])
    page = shown_form(client.get(url))
    assert not page.unanswered
    before = list(Contract.history.values_list("history_id", flat=True))

    response = post(client, url, page.submission())

    assert response.status_code == 302
    assert list(Contract.history.values_list("history_id", flat=True)) == before


def test_an_end_date_before_the_start_date_is_refused_at_the_field(project, officer, client_for):
    client = client_for(officer)
    url = reverse("projects:contract-create", args=[project.pk])
    page = shown_form(client.get(url))
    data = page.submission() | {
        "reference": ["ICT-9"], "title": ["Backwards"], "description": ["Nothing"],
        "supplier_name": ["Acme"], "supplier_is_sme": ["yes"], "supplier_is_vcse": ["no"],
        "total_value": ["6000"], "process": ["quotations"],
        "start_date_0": ["1"], "start_date_1": ["6"], "start_date_2": ["2027"],
        "end_date_0": ["31"], "end_date_1": ["5"], "end_date_2": ["2027"],
    }  # fmt: skip

    response = post(client, url, data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["end_date"] == ["The end date must be on or after 1 June 2027, the start date"]
    assert list(errors) == ["end_date"]
    assert not Contract.objects.exists()
    with pytest.raises(Exception, match="end date"):
        services.contract_add(
            project=project,
            user=officer,
            fields=_form_fields(end_date=datetime.date(2026, 6, 30)),
        )
    assert not Contract.objects.exists()


def test_a_reference_used_twice_is_refused_at_the_field(project, officer, client_for):
    ContractFactory(project=project, reference="ICT-1")
    client = client_for(officer)
    url = reverse("projects:contract-create", args=[project.pk])
    page = shown_form(client.get(url))
    answers = {
        "reference": ["ICT-1"], "title": ["Again"], "description": ["Again"],
        "supplier_name": ["Acme"], "supplier_is_sme": ["yes"], "supplier_is_vcse": ["no"],
        "total_value": ["6000"], "process": ["quotations"],
        "start_date_0": ["1"], "start_date_1": ["6"], "start_date_2": ["2027"],
        "end_date_0": ["1"], "end_date_1": ["6"], "end_date_2": ["2028"],
    }  # fmt: skip

    response = post(client, url, page.submission() | answers)

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "reference": ["Contract reference is already in use: enter a different one"]
    }
    assert Contract.objects.count() == 1
