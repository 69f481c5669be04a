"""Dates checked against today: by the forms, with a message at the field, and by the
services, however they are called."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from common.testing import upload_import
from governance import services
from governance.models import KPI, Meeting
from governance.tests.factories import ActionPlanItemFactory, ObjectiveFactory
from projects.tests.factories import MeetingFactory

DAY = datetime.timedelta(days=1)


def _date_boxes(name, day):
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


@pytest.fixture
def kpi(db):
    return KPI.objects.create(name="Uptime", unit="%", direction="higher")


def test_a_kpi_value_for_a_period_not_yet_ended_is_refused_by_the_service(kpi, head_of_ict):
    with pytest.raises(ValidationError) as refused:
        services.kpi_measurement_record(
            user=head_of_ict, kpi=kpi, period_end=timezone.localdate() + DAY, value=Decimal(99)
        )
    assert refused.value.message_dict == {
        "period_end": ["The end of the period measured must be today or in the past"]
    }
    assert not kpi.measurements.exists()


def test_the_kpi_value_form_refuses_a_period_not_yet_ended(kpi, head_of_ict, client_for):
    response = client_for(head_of_ict).post(
        reverse("governance:kpi-value", args=[kpi.pk]),
        {**_date_boxes("period_end", timezone.localdate() + DAY), "value": "99"},
    )
    assert response.context["form"].errors["period_end"] == [
        "The end of the period measured must be today or in the past"
    ]
    assert not kpi.measurements.exists()


def test_a_kpi_import_refuses_a_period_not_yet_ended_and_says_which_row(
    kpi, head_of_ict, client_for
):
    later = timezone.localdate() + 40 * DAY
    text = f"kpi,period_end,value\nUptime,2026-06-30,70\nUptime,{later:%Y-%m-%d},71\n"
    run = upload_import(client_for(head_of_ict), "kpi-values", "v.csv", text.encode())
    assert [(row["row"], row["errors"]) for row in run.bad_rows] == [
        (3, ["Period ending: The end of the period measured must be today or in the past"])
    ]
    assert not kpi.measurements.exists()


def _meeting_fields(chair, starts_at):
    return {"title": "ICT Governance Group", "starts_at": starts_at, "location": "Town Hall",
            "quorum": 3, "chair": chair}  # fmt: skip


def test_a_meeting_cannot_be_scheduled_in_the_past(chair):
    yesterday = timezone.now() - DAY
    with pytest.raises(ValidationError) as refused:
        services.meeting_save(user=chair, fields=_meeting_fields(chair, yesterday))
    assert refused.value.message_dict == {
        "starts_at": ["The date of the meeting must be today or in the future"]
    }
    assert not Meeting.objects.exists()


def test_the_meeting_form_refuses_a_date_in_the_past(chair, client_for):
    response = client_for(chair).post(
        reverse("governance:meeting-create"),
        {"title": "ICT Governance Group", "time": "14:00", "quorum": "3",
         **_date_boxes("date", timezone.localdate() - DAY)},
    )  # fmt: skip
    assert response.context["form"].errors["date"] == [
        "The date of the meeting must be today or in the future"
    ]
    assert not Meeting.objects.exists()


def test_a_past_meeting_keeps_its_date_when_its_other_details_change(chair):
    late = MeetingFactory(chair=chair, starts_at=timezone.now() - 30 * DAY)
    fields = {**_meeting_fields(chair, late.starts_at), "location": "Online"}
    services.meeting_save(user=chair, meeting=late, fields=fields)
    late.refresh_from_db()
    assert late.location == "Online"


def test_an_action_plan_item_cannot_be_given_a_due_date_in_the_past(strategy, head_of_ict):
    objective = ObjectiveFactory(theme=strategy.themes.get(number=1))
    with pytest.raises(ValidationError) as refused:
        services.action_item_create(
            user=head_of_ict,
            objective=objective,
            fields={"title": "Late already", "due_date": timezone.localdate() - DAY},
        )
    assert refused.value.message_dict == {
        "due_date": ["The due date must be today or in the future"]
    }


def test_an_overdue_item_keeps_its_due_date_when_its_progress_changes(strategy, head_of_ict):
    overdue = timezone.localdate() - 10 * DAY
    item = ActionPlanItemFactory(objective__theme=strategy.themes.get(number=1), due_date=overdue)
    services.action_item_update(
        user=head_of_ict, item=item, changes={"progress": 40, "due_date": overdue}
    )
    item.refresh_from_db()
    assert (item.progress, item.due_date) == (40, overdue)
    with pytest.raises(ValidationError):
        services.action_item_update(
            user=head_of_ict, item=item, changes={"due_date": overdue - DAY}
        )
