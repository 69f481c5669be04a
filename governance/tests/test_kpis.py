import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse, reverse_lazy

from common.errors import WorkflowError
from common.models import OutboundEmail
from common.roles import Role
from common.testing import upload_import
from governance import kpis, policies, services
from governance.choices import KPIValueStatus
from governance.forms import KPIForm
from governance.models import KPI, KPIMeasurement
from governance.selectors import kpi_values_published, kpi_values_visible_to, kpis_with_latest
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


# ------------------------------------------------ rates, RAG, approval, comparators


@pytest.mark.parametrize(
    ("value", "direction", "expected"),
    [
        (D(79), "higher", "Red"),
        (D(80), "higher", "Amber"),
        (D(89.99), "higher", "Amber"),
        (D(90), "higher", "Green"),
        (D(11), "lower", "Red"),
        (D(10), "lower", "Amber"),
        (D(5), "lower", "Green"),
        (None, "higher", "No thresholds"),
    ],
)
def test_rag_reads_the_boundaries_with_the_direction(value, direction, expected):
    red, green = (D(80), D(90)) if direction == "higher" else (D(10), D(5))
    assert kpis.rag(value, red, green, direction) == expected


@pytest.fixture
def rate(head_of_ict):
    return services.kpi_save(
        user=head_of_ict,
        fields={"name": "Incidents resolved within the SLA", "unit": "%", "direction": "higher",
                "is_rate": True, "red_boundary": D(80), "green_boundary": D(90)},
    )  # fmt: skip


def test_a_rates_value_is_worked_out_from_its_numerator_and_denominator(rate, head_of_ict):
    value = services.kpi_measurement_record(
        user=head_of_ict, kpi=rate, period_end=datetime.date(2026, 6, 30),
        numerator=D(2), denominator=D(3),
    )  # fmt: skip
    assert value.value == D("66.67")
    with pytest.raises(ValidationError) as refused:
        services.kpi_measurement_record(
            user=head_of_ict, kpi=rate, period_end=datetime.date(2026, 6, 30),
            numerator=D(2), denominator=D(3), value=D(99),
        )  # fmt: skip
    assert "value" in refused.value.message_dict


def test_a_denominator_of_0_is_refused_at_the_field(rate, head_of_ict, client_for):
    client = client_for(head_of_ict)
    page = client.get(reverse("governance:kpi-value", args=[rate.pk])).content.decode()
    assert 'name="numerator"' in page and 'name="value"' not in page
    response = client.post(
        reverse("governance:kpi-value", args=[rate.pk]),
        {"period_end_0": "30", "period_end_1": "6", "period_end_2": "2026",
         "numerator": "5", "denominator": "0"},
    )  # fmt: skip
    assert response.context["form"].errors["denominator"] == ["The denominator must be more than 0"]
    assert not rate.measurements.exists()
    with pytest.raises(ValidationError):
        services.kpi_measurement_record(
            user=head_of_ict, kpi=rate, period_end=datetime.date(2026, 6, 30),
            numerator=D(5), denominator=D(0),
        )  # fmt: skip


def test_the_kpi_form_refuses_one_boundary_or_boundaries_the_wrong_way_round(head_of_ict):
    form = KPIForm({"name": "X", "unit": "%", "direction": "higher", "red_boundary": "90"})
    assert "green_boundary" in form.errors
    with pytest.raises(ValidationError):
        services.kpi_save(
            user=head_of_ict,
            fields={"name": "Y", "unit": "%", "direction": "higher",
                    "red_boundary": D(90), "green_boundary": D(80)},
        )  # fmt: skip


def test_a_new_value_awaits_approval_and_only_approvers_and_its_recorder_see_it(
    kpi, head_of_ict, officer, member
):
    value = services.kpi_measurement_record(
        user=head_of_ict, kpi=kpi, period_end=datetime.date(2026, 6, 30), value=D(70)
    )
    assert value.status == KPIValueStatus.AWAITING_APPROVAL
    assert list(kpi_values_visible_to(head_of_ict)) == [value]
    assert not kpi_values_visible_to(officer).exists()
    assert not kpi_values_visible_to(member).exists()
    assert not kpi_values_published().exists()
    services.kpi_measurement_approve(user=head_of_ict, measurement=value)
    assert list(kpi_values_visible_to(officer)) == [value]


def test_four_eyes_nobody_approves_their_own_value_while_another_approver_exists(kpi, head_of_ict):
    value = services.kpi_measurement_record(
        user=head_of_ict, kpi=kpi, period_end=datetime.date(2026, 6, 30), value=D(70)
    )
    # The only Head of ICT has nobody else to ask, so approves their own.
    assert policies.kpi_value_approval_refusal(head_of_ict, value) is None
    other = UserFactory(roles=[Role.HEAD_OF_ICT])
    assert "another Head of ICT" in policies.kpi_value_approval_refusal(head_of_ict, value)
    with pytest.raises(WorkflowError):
        services.kpi_measurement_approve(user=head_of_ict, measurement=value)
    for role in (Role.CHAIR, Role.MEMBER, Role.OFFICER, Role.ADMINISTRATOR):
        assert policies.kpi_value_approval_refusal(UserFactory(roles=[role]), value)
    approved = services.kpi_measurement_approve(user=other, measurement=value)
    assert (approved.status, approved.approved_by) == (KPIValueStatus.APPROVED, other)
    with pytest.raises(WorkflowError, match="already approved"):
        services.kpi_measurement_approve(user=other, measurement=value)


def test_a_new_number_reopens_approval_and_new_commentary_alone_does_not(kpi, head_of_ict):
    def record(value, note):
        return services.kpi_measurement_record(
            user=head_of_ict, kpi=kpi, period_end=datetime.date(2026, 6, 30), value=value,
            note=note,
        )  # fmt: skip

    services.kpi_measurement_approve(user=head_of_ict, measurement=record(D(70), ""))
    assert record(D("70.00"), "Better than forecast").status == KPIValueStatus.APPROVED
    reopened = record(D(71), "Better than forecast")
    assert (reopened.status, reopened.approved_by, reopened.approved_at) == (
        KPIValueStatus.AWAITING_APPROVAL, None, None,
    )  # fmt: skip


def test_an_imported_value_awaits_approval(kpi, head_of_ict, client_for):
    upload_import(
        client_for(head_of_ict), "kpi-values", "values.csv",
        f"kpi,period_end,value,commentary\n{kpi.name},2026-06-30,70,Q1\n".encode(),
        confirm=True,
    )  # fmt: skip
    value = kpi.measurements.get()
    assert (value.note, value.status) == ("Q1", KPIValueStatus.AWAITING_APPROVAL)


def test_a_rate_imports_from_its_numerator_and_denominator(rate, head_of_ict, client_for):
    run = upload_import(
        client_for(head_of_ict), "kpi-values", "values.csv",
        f"kpi,period_end,numerator,denominator\n{rate.name},2026-06-30,9,10\n"
        f"{rate.name},2026-09-30,9,0\n".encode(),
    )  # fmt: skip
    assert [row["row"] for row in run.bad_rows] == [3]
    assert "Denominator" in run.bad_rows[0]["errors"][0]


def test_the_approve_button_shows_only_to_who_may_approve(kpi, head_of_ict, client_for):
    value = services.kpi_measurement_record(
        user=head_of_ict, kpi=kpi, period_end=datetime.date(2026, 6, 30), value=D(70)
    )
    approve = reverse("governance:kpi-value-approve", args=[value.pk])
    assert approve in client_for(head_of_ict).get(kpi.get_absolute_url()).content.decode()
    other = UserFactory(roles=[Role.HEAD_OF_ICT])
    page = client_for(head_of_ict).get(kpi.get_absolute_url()).content.decode()
    assert approve not in page and "another Head of ICT approves it" in page
    response = client_for(other).post(approve)
    assert response.status_code == 302
    value.refresh_from_db()
    assert value.status == KPIValueStatus.APPROVED


def test_a_comparator_shows_beside_the_values_of_its_year(kpi, head_of_ict, officer, client_for):
    services.kpi_comparator_set(
        user=head_of_ict, kpi=kpi, financial_year=2026,
        organisation="Oxfordshire County Council", value=D(87), source="CIPFA 2026",
    )  # fmt: skip
    value = services.kpi_measurement_record(
        user=head_of_ict, kpi=kpi, period_end=datetime.date(2026, 6, 30), value=D(70)
    )
    services.kpi_measurement_approve(user=head_of_ict, measurement=value)
    page = client_for(officer).get(kpi.get_absolute_url()).content.decode()
    assert "Oxfordshire County Council, 2026/27, 87" in page
    (row,) = kpis_with_latest(2026, user=officer)
    assert row.comparator.organisation == "Oxfordshire County Council"


def test_history_shows_others_a_new_number_only_once_approved(
    kpi, head_of_ict, officer, client_for
):
    def record(value):
        return services.kpi_measurement_record(
            user=head_of_ict, kpi=kpi, period_end=datetime.date(2026, 6, 30), value=value
        )

    services.kpi_measurement_approve(user=head_of_ict, measurement=record(D(70)))
    record(D("64.25"))
    history = reverse("governance:kpi-history", args=[kpi.pk])
    assert "64.25" in client_for(head_of_ict).get(history).content.decode()
    page = client_for(officer).get(history).content.decode()
    assert "64.25" not in page and "70" in page
    services.kpi_measurement_approve(user=head_of_ict, measurement=kpi.measurements.get())
    assert "64.25" in client_for(officer).get(history).content.decode()


def test_the_other_heads_of_ict_are_asked_to_approve_a_new_number_by_email(kpi, head_of_ict):
    other = UserFactory(roles=[Role.HEAD_OF_ICT], email="deputy.head@example.org")
    UserFactory(roles=[Role.MEMBER], email="member@example.org")

    def record(value, note=""):
        return services.kpi_measurement_record(
            user=head_of_ict, kpi=kpi, period_end=datetime.date(2026, 6, 30), value=value,
            note=note,
        )  # fmt: skip

    def asked():
        return list(
            OutboundEmail.objects.filter(subject__contains="awaits your approval").values_list(
                "recipient", flat=True
            )
        )

    value = record(D(70))
    assert asked() == ["deputy.head@example.org"]
    assert kpi.get_absolute_url() in OutboundEmail.objects.get().body
    record(D("70.00"), "Commentary only")  # no new number: nobody is asked again
    assert len(asked()) == 1
    services.kpi_measurement_approve(user=other, measurement=value)
    record(D(72))  # a new number for an approved value reopens it, and asks again
    assert len(asked()) == 2


def test_the_home_page_lists_the_values_awaiting_each_approver(kpi, head_of_ict, client_for):
    other = UserFactory(roles=[Role.HEAD_OF_ICT])
    services.kpi_measurement_record(
        user=head_of_ict, kpi=kpi, period_end=datetime.date(2026, 6, 30), value=D(70)
    )
    panel = "KPI values awaiting your approval"
    # Its recorder may not approve it while another Head of ICT may: theirs to do.
    mine = client_for(head_of_ict).get(reverse("home")).content.decode()
    assert panel in mine and "No KPI values are waiting for you to approve them." in mine
    theirs = client_for(other).get(reverse("home")).content.decode()
    assert kpi.name in theirs and "30 Jun 2026" in theirs
    member = client_for(UserFactory(roles=[Role.MEMBER])).get(reverse("home")).content.decode()
    assert panel not in member
    services.kpi_measurement_approve(user=other, measurement=KPIMeasurement.objects.get())
    theirs = client_for(other).get(reverse("home")).content.decode()
    assert "No KPI values are waiting for you to approve them." in theirs


def test_latest_and_previous_are_the_two_latest_periods_whatever_the_order_recorded(
    kpi, head_of_ict
):
    for month in (9, 3, 12, 6):
        services.kpi_measurement_record(
            user=head_of_ict,
            kpi=kpi,
            period_end=datetime.date(2025, month, 28),
            value=D(month),
        )
    (row,) = kpis_with_latest(2026, user=head_of_ict)
    assert (row.previous.period_end, row.latest.period_end) == (
        datetime.date(2025, 9, 28),
        datetime.date(2025, 12, 28),
    )
    assert row.trend == "Improving"


def test_the_approval_panels_rows_read_as_values_render_as_the_models_did(kpi, head_of_ict):
    """kpi_value_rows_awaiting_approval_by's rows (values, not model instances) render
    the home page's panel exactly as the values themselves (first_and_total of
    kpi_values_awaiting_approval_by) did, for the recorder and for another approver."""
    from django.template.loader import render_to_string

    from common.slots import first_and_total
    from governance.selectors import (
        kpi_value_rows_awaiting_approval_by,
        kpi_values_awaiting_approval_by,
    )

    other = UserFactory(roles=[Role.HEAD_OF_ICT], first_name="Ann <&>", last_name="O'Neil")
    named = KPI.objects.create(**{**_fields_of(kpi), "name": "Calls & <answers>"})
    for when, on in ((datetime.date(2026, 6, 30), kpi), (datetime.date(2026, 3, 31), named),
                     (datetime.date(2026, 6, 30), named)):  # fmt: skip
        services.kpi_measurement_record(user=head_of_ict, kpi=on, period_end=when, value=D("7.5"))
    services.kpi_measurement_record(
        user=other, kpi=kpi, period_end=datetime.date(2026, 9, 30), value=D(1234567)
    )
    template = "governance/panels/kpi_values_to_approve.html"
    for user in (head_of_ict, other, UserFactory(roles=[Role.MEMBER])):
        for limit in (2, 10):
            old_values, old_total = first_and_total(kpi_values_awaiting_approval_by(user), limit)
            values, total = kpi_value_rows_awaiting_approval_by(user, limit)
            old = render_to_string(template, {"panel": {"values": old_values, "total": old_total}})
            new = render_to_string(template, {"panel": {"values": values, "total": total}})
            assert new == old, (user, limit)
    assert len(kpi_value_rows_awaiting_approval_by(other, 10)[0]) == 3


def _fields_of(kpi):
    return {
        f.name: getattr(kpi, f.name)
        for f in KPI._meta.concrete_fields
        if f.name not in ("id", "name") and not f.many_to_many
    }
