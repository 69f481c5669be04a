"""Importing the action plan and KPIs from Excel (common.imports, governance.imports):
each list's own Excel download imports into a portal without its rows and gives back
the same rows."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from common.fy import financial_year_of
from common.testing import upload_import, xlsx_file, xlsx_rows
from governance import services
from governance.models import KPI, ActionPlanItem, KPIImport, KPIMeasurement, Objective

TODAY = timezone.localdate()
FY = financial_year_of(TODAY)


@pytest.fixture
def plan(head_of_ict, housing, strategy):
    """Two objectives (reference data an import names, not makes) and three items."""
    theme = strategy.themes.get(number=1)
    first = services.objective_create(user=head_of_ict, theme=theme, title="Set up the service")
    second = services.objective_create(user=head_of_ict, theme=theme, title="Run it well")
    due = TODAY + datetime.timedelta(days=200)
    for objective, title, fields in [
        (first, "Hire the team", {"owner": head_of_ict, "lead_unit": housing, "due_date": due}),
        (first, "Agree the budget", {"status": "completed", "progress": 100, "rag": "amber"}),
        (second, "=Service desk", {"status": "in_progress", "progress": 40, "rag": "red"}),
    ]:
        services.action_item_create(
            user=head_of_ict, objective=objective, fields={"title": title, **fields}
        )
    ActionPlanItem.objects.get(title="Hire the team").delete()
    services.action_item_create(
        user=head_of_ict, objective=first,
        fields={"title": "Hire the team", "owner": head_of_ict, "lead_unit": housing,
                "due_date": due},
    )  # fmt: skip
    return strategy


def _export_plan(client, strategy) -> bytes:
    response = client.get(reverse("governance:strategy-detail", args=[strategy.pk]),
                          {"format": "xlsx"})  # fmt: skip
    assert response.status_code == 200
    return response.content


def test_the_action_plan_round_trips_through_an_empty_portal_with_its_references(
    plan, head_of_ict, client_for
):
    client = client_for(head_of_ict)
    exported = _export_plan(client, plan)
    # Item 1.1.1 was deleted, so the plan holds 1.1.2, 1.1.3 and 1.2.1.
    assert [row[0] for row in xlsx_rows(exported)[1:]] == ["1.1.2", "1.1.3", "1.2.1"]
    ActionPlanItem.objects.all().delete()
    run = upload_import(client, "action-plan", "plan.xlsx", exported, confirm=True)
    assert run.status == "done" and run.result["create"] == 3, run.preview
    assert xlsx_rows(_export_plan(client, plan)) == xlsx_rows(exported)
    assert Objective.objects.count() == 2  # named, not made


def test_an_unchanged_action_plan_reports_no_changes_and_writes_no_history(
    plan, head_of_ict, client_for
):
    client = client_for(head_of_ict)
    history = ActionPlanItem.history.count()
    run = upload_import(client, "action-plan", "plan.xlsx", _export_plan(client, plan))
    assert run.result == {"create": 0, "change": 0, "unchanged": 3, "error": 0}
    assert ActionPlanItem.history.count() == history


def test_a_new_item_without_a_reference_joins_the_objective_its_columns_name(
    plan, head_of_ict, client_for
):
    rows = [["Reference", "Theme", "Objective", "Action", "Status", "RAG", "Progress (%)"],
            ["", "1", "Run it well", "Benchmark the service", "Not started", "Green", 0],
            ["", "1", "No such objective", "Lost", "Not started", "Green", 0]]  # fmt: skip
    client = client_for(head_of_ict)
    run = upload_import(client, "action-plan", "new.xlsx", xlsx_file({"Plan": rows}))
    assert [(r["row"], r["errors"]) for r in run.bad_rows] == [
        (3, ["Objective: theme 1 has no objective “No such objective”; add objectives on "
             "the strategy's pages"])
    ]  # fmt: skip
    run = upload_import(client, "action-plan", "new.xlsx", xlsx_file({"Plan": rows[:2]}),
                        confirm=True)  # fmt: skip
    assert ActionPlanItem.objects.get(title="Benchmark the service").reference == "1.2.2"


@pytest.fixture
def kpis(head_of_ict, strategy):
    calls = services.kpi_save(user=head_of_ict, fields={
        "name": "Calls resolved first time", "unit": "%", "direction": "higher",
        "description": "Share of calls closed on first contact",
        "theme": strategy.themes.get(number=2)})  # fmt: skip
    spend = services.kpi_save(user=head_of_ict, fields={
        "name": "ICT spend per employee", "unit": "£", "direction": "lower",
        "principle": strategy.principles.first()})  # fmt: skip
    services.kpi_save(user=head_of_ict, fields={"name": "Outages", "unit": "incidents",
                                                 "direction": "lower"})  # fmt: skip
    for kpi, values in ((calls, ["76", "82.5"]), (spend, ["1610", "1580.50"])):
        for months, value in zip((6, 3), values, strict=True):
            services.kpi_measurement_record(
                user=head_of_ict, kpi=kpi, value=Decimal(value), note=f"{value} noted",
                period_end=TODAY - datetime.timedelta(days=30 * months),
            )
        services.kpi_target_set(user=head_of_ict, kpi=kpi, financial_year=FY, target=80)
    services.kpi_target_set(user=head_of_ict, kpi=spend, financial_year=FY + 1, target=1500)
    sla = services.kpi_save(user=head_of_ict, fields={
        "name": "Incidents resolved within the SLA", "unit": "%", "direction": "higher",
        "is_rate": True, "numerator_label": "within the SLA", "denominator_label": "all",
        "red_boundary": Decimal(80), "green_boundary": Decimal("92.5")})  # fmt: skip
    services.kpi_measurement_record(
        user=head_of_ict, kpi=sla, numerator=Decimal(45), denominator=Decimal(50),
        period_end=TODAY - datetime.timedelta(days=90), note="Rate noted",
    )  # fmt: skip


def _export_kpis(client) -> bytes:
    response = client.get(reverse("governance:kpi-list"), {"format": "xlsx"})
    assert response.status_code == 200
    return response.content


def test_kpis_with_their_values_and_targets_round_trip_through_an_empty_portal(
    kpis, head_of_ict, client_for
):
    client = client_for(head_of_ict)
    exported = _export_kpis(client)
    KPI.objects.all().delete()
    run = upload_import(client, "kpis", "kpis.xlsx", exported, confirm=True)
    assert run.status == "done", run.preview
    assert run.result == {"create": 4 + 5 + 3, "change": 0, "unchanged": 0, "error": 0}
    again = _export_kpis(client)
    for sheet in ("KPIs", "KPI values", "KPI targets"):
        assert xlsx_rows(again, sheet) == xlsx_rows(exported, sheet), sheet
    assert KPIMeasurement.objects.get(value=Decimal("82.5")).note == "82.5 noted"
    rate = KPIMeasurement.objects.get(kpi__name="Incidents resolved within the SLA")
    assert (rate.numerator, rate.denominator, rate.value) == (45, 50, 90)
    assert KPI.objects.get(is_rate=True).green_boundary == Decimal("92.5")
    imports = KPIImport.objects.order_by("kpi__name")
    assert [(i.kpi.name, i.values, i.file_name) for i in imports] == [
        ("Calls resolved first time", 2, "kpis.xlsx"), ("ICT spend per employee", 2, "kpis.xlsx"),
        ("Incidents resolved within the SLA", 1, "kpis.xlsx"),
    ]  # fmt: skip


def test_unchanged_kpis_report_no_changes_and_write_no_history(kpis, head_of_ict, client_for):
    client = client_for(head_of_ict)
    counts = (KPI.history.count(), KPIMeasurement.history.count(), KPIImport.objects.count())
    run = upload_import(client, "kpis", "kpis.xlsx", _export_kpis(client))
    assert run.result == {"create": 0, "change": 0, "unchanged": 12, "error": 0}
    assert (KPI.history.count(), KPIMeasurement.history.count(), KPIImport.objects.count()) == (
        counts
    )
