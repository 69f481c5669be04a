"""Importing the risk register from Excel and CSV (common.imports, risks.imports)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from common.models import ImportRun
from common.testing import upload_import, xlsx_file, xlsx_rows
from risks import services
from risks.models import Risk

FUTURE = timezone.localdate() + datetime.timedelta(days=400)


def _raise(user, owner, **fields):
    values = {
        "title": "Supplier fails", "cause": "One supplier", "event": "It fails",
        "consequence": "Outage", "category": "supplier", "owner": owner,
        "inherent_likelihood": 4, "inherent_impact": 5, "existing_controls": "",
        "residual_likelihood": 2, "residual_impact": 3, "target_likelihood": 1,
        "target_impact": 2, "target_date": None, "response": "treat", "proximity": "",
        "review_every_days": None,
    }  # fmt: skip
    return services.risk_create(user=user, fields=values | fields)


@pytest.fixture
def register(head_of_ict, risk_owner, strategy):
    _raise(head_of_ict, risk_owner)
    _raise(
        head_of_ict, head_of_ict, title="=HYPERLINK(\"http://x\")", category="information_security",
        existing_controls="Backups, tested monthly", target_date=FUTURE, proximity="near",
        review_every_days=45, response="tolerate", residual_likelihood=5, residual_impact=5,
    )  # fmt: skip
    _raise(head_of_ict, risk_owner, title="Skills gap", category="people")


def _export(client) -> bytes:
    response = client.get(reverse("risks:risk-list"), {"format": "xlsx"})
    assert response.status_code == 200
    return response.content


def test_the_register_exported_and_imported_into_an_empty_portal_comes_back_the_same(
    register, head_of_ict, client_for
):
    client = client_for(head_of_ict)
    exported = _export(client)
    Risk.objects.all().delete()
    run = upload_import(client, "risks", "risks.xlsx", exported)
    assert run.status == "checked", run.error
    assert [row["action"] for row in run.preview] == ["create"] * 3
    run = upload_import(client, "risks", "risks.xlsx", exported, confirm=True)
    assert run.status == "done" and run.result["create"] == 3
    # Every column round-trips, the worked-out ones (scores, level, appetite, next
    # review) too: the data was raised today under the same matrix.
    assert xlsx_rows(_export(client)) == xlsx_rows(exported)
    risk = Risk.objects.get(title__startswith="=HYPERLINK")
    record = risk.history.filter(history_type="+").latest()  # ids are used again
    assert (record.history_user, record.history_change_reason) == (
        head_of_ict, "Imported from risks.xlsx"
    )
    # The next risk raised in the portal gets the next free reference.
    last = max(Risk.objects.values_list("pk", flat=True))
    assert _raise(head_of_ict, head_of_ict).pk == last + 1


def test_importing_the_register_s_own_export_changes_nothing(register, head_of_ict, client_for):
    client = client_for(head_of_ict)
    exported = _export(client)
    records = Risk.history.count()
    run = upload_import(client, "risks", "risks.xlsx", exported)
    assert run.result == {"create": 0, "change": 0, "unchanged": 3, "error": 0}
    page = client.get(run.get_absolute_url()).content.decode()
    assert "There are no changes" in page
    assert Risk.history.count() == records


def test_a_changed_row_lists_what_it_changes_and_history_names_the_file(
    register, head_of_ict, client_for
):
    client = client_for(head_of_ict)
    rows = xlsx_rows(_export(client))
    header = rows[0]
    rows[1][header.index("Title")] = "Supplier goes bust"
    rows[1][header.index("Residual likelihood")] = 3
    run = upload_import(client, "risks", "my register.xlsx", xlsx_file({"Risks": rows}))
    changed = [row for row in run.preview if row["action"] == "change"]
    assert [(r["reference"], r["changes"]) for r in changed] == [
        (rows[1][0], ["Title", "Residual likelihood"])
    ]
    run = upload_import(client, "risks", "my register.xlsx", xlsx_file({"Risks": rows}),
                        confirm=True)  # fmt: skip
    risk = Risk.objects.get(title="Supplier goes bust")
    latest = risk.history.latest()
    assert latest.history_change_reason == "Imported from my register.xlsx"
    assert latest.history_user == head_of_ict
    page = client.get(reverse("risks:risk-history", args=[risk.pk])).content.decode()
    assert "Hannah Ives (Imported from my register.xlsx)" in page


HEADINGS = ["Reference", "Title", "Category", "Owner", "Cause", "Event", "Consequence",
            "Inherent likelihood", "Inherent impact", "Residual likelihood", "Residual impact",
            "Target likelihood", "Target impact", "Target date", "Response"]  # fmt: skip


def _row(**changes):
    values = dict(zip(HEADINGS, ["", "Cyber attack", "Information security", "hannah", "Phishing",
                                 "Ransomware", "Services down", 4, 5, 3, 4, 2, 3, FUTURE,
                                 "Treat"], strict=True))  # fmt: skip
    return [(values | changes)[h] for h in HEADINGS]


def test_a_file_with_bad_rows_imports_nothing_and_names_every_bad_row(
    head_of_ict, strategy, client_for
):
    client = client_for(head_of_ict)
    content = xlsx_file({"Risk register": [
        HEADINGS,
        _row(),
        _row(Title=""),
        _row(Owner="Nobody Known"),
        _row(**{"Target date": datetime.date(2020, 1, 1), "Residual impact": 9}),
        _row(Title="Fine again"),
    ]})  # fmt: skip
    history_before = Risk.history.count()
    run = upload_import(client, "risks", "risks.xlsx", content)
    bad = {row["row"]: row["errors"] for row in run.bad_rows}
    assert bad == {
        3: ["Title: Enter the title"],
        4: ["Owner: no one in the portal is called “Nobody Known”"],
        5: [
            "Residual impact: Select the residual impact from the list",
            "Target date: The target date must be today or in the future",
        ],
    }, bad
    page = client.get(run.get_absolute_url()).content.decode()
    assert "3 rows have problems" in page
    for number in (3, 4, 5):
        assert f"Row {number}" in page
    response = client.post(reverse("import-confirm", args=[run.pk]))
    assert response.status_code == 302
    assert not Risk.objects.exists() and Risk.history.count() == history_before
    assert ImportRun.objects.get().status == "checked"


def test_a_csv_file_imports_too(head_of_ict, strategy, client_for):
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADINGS)
    writer.writerow(_row(**{"Target date": FUTURE.strftime("%d/%m/%Y")}))
    run = upload_import(client_for(head_of_ict), "risks", "risks.csv",
                        buffer.getvalue().encode(), confirm=True)  # fmt: skip
    assert run.status == "done", run.preview
    assert Risk.objects.get().target_date == FUTURE


def test_a_file_that_is_not_a_spreadsheet_is_refused_at_the_field(head_of_ict, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(head_of_ict).post(
        reverse("import-upload", args=["risks"]),
        {"file": SimpleUploadedFile("risks.xlsx", b"%PDF-1.4 not a workbook")},
    )
    assert response.status_code == 200
    assert "The selected file must be an Excel (.xlsx) or CSV file" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_the_template_has_headings_an_example_and_how_to_fill_it_in(head_of_ict, client_for):
    response = client_for(head_of_ict).get(reverse("import-template", args=["risks"]))
    rows = xlsx_rows(response.content)
    assert rows[0][:3] == ["Reference", "Title", "Category"] and len(rows) == 2
    guide = xlsx_rows(response.content, "How to fill this in")
    assert guide[4][:3] == ["Risk register", "Owner", "Required"]
    assert any(r[1] == "Response" and "Tolerate" in r[3] for r in guide)


def test_only_the_uploader_confirms_and_a_second_confirm_imports_nothing_more(
    head_of_ict, strategy, client_for
):
    from common.roles import Role
    from governance.tests.factories import UserFactory

    colleague = client_for(UserFactory(username="harriet", roles=[Role.HEAD_OF_ICT]))
    client = client_for(head_of_ict)
    run = upload_import(client, "risks", "r.xlsx", xlsx_file({"Risk register": [HEADINGS, _row()]}))
    confirm = reverse("import-confirm", args=[run.pk])
    assert "Only Hannah Ives, who uploaded this file" in colleague.get(
        run.get_absolute_url()
    ).content.decode()
    assert colleague.post(confirm).status_code == 403
    assert not Risk.objects.exists()
    assert client.post(confirm).status_code == 302
    assert client.post(confirm, follow=True).status_code == 200
    assert Risk.objects.count() == 1
