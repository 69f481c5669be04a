import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse, reverse_lazy

from common.roles import Role
from common.testing import upload_import
from governance import kpis, services
from governance.models import KPI
from governance.selectors import kpis_with_latest
from governance.tests.factories import UserFactory

D = Decimal


@pytest.mark.parametrize(
    ("value", "target", "direction", "expected"),
    [
        (D(95), D(90), "higher", "On target"),
        (D(90), D(90), "higher", "On target"),
        (D(89.5), D(90), "higher", "Off target"),
        (D(3), D(4), "lower", "On target"),
        (D(5), D(4), "lower", "Off target"),
        (D(5), None, "lower", "No target"),
        (None, D(4), "lower", "No target"),
    ],
)
def test_status_against_target_by_hand(value, target, direction, expected):
    assert kpis.status(value, target, direction) == expected


@pytest.mark.parametrize(
    ("previous", "latest", "direction", "expected"),
    [
        (D(80), D(85), "higher", "Improving"),
        (D(85), D(80), "higher", "Worsening"),
        (D(10), D(8), "lower", "Improving"),
        (D(8), D(10), "lower", "Worsening"),
        (D(8), D(8), "lower", "Steady"),
        (None, D(8), "lower", "Not enough data"),
    ],
)
def test_trend_by_hand(previous, latest, direction, expected):
    assert kpis.trend(previous, latest, direction) == expected


@pytest.fixture
def kpi(head_of_ict, strategy):
    return services.kpi_save(
        user=head_of_ict,
        fields={
            "name": "Service desk calls resolved at first contact",
            "unit": "%",
            "direction": "higher",
            "principle": strategy.principles.get(number=8),
        },
    )


def test_kpi_values_and_targets_give_status_and_trend(kpi, head_of_ict):
    services.kpi_target_set(user=head_of_ict, kpi=kpi, financial_year=2026, target=D(75))
    services.kpi_measurement_record(
        user=head_of_ict, kpi=kpi, period_end=datetime.date(2026, 6, 30), value=D(70)
    )
    services.kpi_measurement_record(
        user=head_of_ict, kpi=kpi, period_end=datetime.date(2026, 9, 30), value=D(78)
    )
    (row,) = kpis_with_latest(2026, user=head_of_ict)
    assert (row.latest.value, row.target, row.status, row.trend) == (
        D(78),
        D(75),
        "On target",
        "Improving",
    )
    # Recording the same period again corrects it rather than adding a second value.
    services.kpi_measurement_record(
        user=head_of_ict, kpi=kpi, period_end=datetime.date(2026, 9, 30), value=D(60)
    )
    assert kpi.measurements.count() == 2
    (row,) = kpis_with_latest(2026, user=head_of_ict)
    assert (row.status, row.trend) == ("Off target", "Worsening")


@pytest.mark.parametrize("role", [Role.OFFICER, Role.MEMBER, Role.CHAIR, Role.ADMINISTRATOR])
def test_only_the_head_of_ict_changes_kpis(role, kpi):
    user = UserFactory(roles=[role])
    with pytest.raises(PermissionDenied):
        services.kpi_measurement_record(
            user=user, kpi=kpi, period_end=datetime.date(2026, 6, 30), value=D(1)
        )
    with pytest.raises(PermissionDenied):
        services.kpi_save(user=user, kpi=kpi, fields={"name": "Renamed"})


def test_kpi_value_form_refuses_bad_input(kpi, head_of_ict, client_for):
    response = client_for(head_of_ict).post(
        reverse("governance:kpi-value", args=[kpi.pk]),
        {"period_end_0": "31", "period_end_1": "2", "period_end_2": "2026", "value": "lots"},
    )
    errors = response.context["form"].errors
    assert {"period_end", "value"} <= set(errors)
    assert not kpi.measurements.exists()


def test_kpi_pages_show_approved_values_to_every_role(kpi, head_of_ict, officer, client_for):
    value = services.kpi_measurement_record(
        user=head_of_ict, kpi=kpi, period_end=datetime.date(2026, 6, 30), value=D(70)
    )
    services.kpi_measurement_approve(user=head_of_ict, measurement=value)
    page = client_for(officer).get(reverse("governance:kpi-list")).content.decode()
    assert kpi.name in page and "70" in page
    assert KPI.objects.count() == 1


def _csv(text):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("values.csv", text.encode(), content_type="text/csv")


VALUES_IMPORT = reverse_lazy("import-upload", args=["kpi-values"])


def test_values_import_from_csv(kpi, head_of_ict, client_for):
    run = upload_import(
        client_for(head_of_ict), "kpi-values", "values.csv",
        b"kpi,period_end,value,note\n"
        b"service desk calls resolved at first contact,2026-06-30,70,Q1\n"
        b'Service desk calls resolved at first contact,30/09/2026,"1,078",\n',
        confirm=True,
    )  # fmt: skip
    assert run.status == "done"
    values = list(kpi.measurements.values_list("period_end", "value"))
    assert values == [(datetime.date(2026, 6, 30), D(70)), (datetime.date(2026, 9, 30), D(1078))]


def test_a_bad_row_imports_nothing_and_says_which_row(kpi, head_of_ict, client_for):
    client = client_for(head_of_ict)
    run = upload_import(
        client, "kpi-values", "values.csv",
        b"kpi,period_end,value\n"
        b"Service desk calls resolved at first contact,2026-06-30,70\n"
        b"No such KPI,2026-06-30,1\n"
        b"Service desk calls resolved at first contact,yesterday,1\n"
        b"Service desk calls resolved at first contact,2026-09-30,=cmd|calc\n",
    )  # fmt: skip
    assert {row["row"]: row["errors"] for row in run.bad_rows} == {
        3: ["KPI: there is no KPI called “No such KPI”"],
        4: ["Period ending must be a date, for example 31/03/2027 (not “yesterday”)"],
        5: ["Value must be a number (not “=cmd|calc”)"],
    }
    client.post(reverse("import-confirm", args=[run.pk]))
    assert not kpi.measurements.exists()


def test_an_import_without_the_columns_is_refused(kpi, head_of_ict, client_for):
    response = client_for(head_of_ict).post(VALUES_IMPORT, {"file": _csv("name,value\nx,1\n")})
    assert "needs the columns" in response.context["form"].errors["file"][0]


def test_an_import_with_a_nul_character_is_refused(kpi, head_of_ict, client_for):
    response = client_for(head_of_ict).post(
        VALUES_IMPORT,
        {"file": _csv(f"kpi,period_end,value,note\n{kpi.name},2026-06-30,70,Q\x001\n")},
    )
    assert "must be a CSV file in UTF-8" in response.context["form"].errors["file"][0]
    assert not kpi.measurements.exists()
