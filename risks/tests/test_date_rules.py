"""Dates checked against today and against the risk: by the forms, with a message at
the field, and by the services, however they are called."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from risks import services
from risks.models import RiskAction
from risks.tests.factories import RiskFactory

DAY = datetime.timedelta(days=1)


def _date_boxes(name, day):
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


@pytest.fixture
def risk(strategy, head_of_ict):
    return RiskFactory(owner=head_of_ict)


def test_a_target_date_in_the_past_is_refused_when_set(risk, head_of_ict):
    with pytest.raises(ValidationError) as refused:
        services.risk_update(
            user=head_of_ict, risk=risk, fields={"target_date": timezone.localdate() - DAY}
        )
    assert refused.value.message_dict == {
        "target_date": ["The target date must be today or in the future"]
    }
    risk.refresh_from_db()
    assert risk.target_date is None


def test_a_target_date_that_has_passed_stays_when_the_rest_is_edited(strategy, head_of_ict):
    passed = timezone.localdate() - 5 * DAY
    risk = RiskFactory(owner=head_of_ict, target_date=passed)
    services.risk_update(
        user=head_of_ict,
        risk=risk,
        fields={"target_date": passed, "existing_controls": "Weekly supplier calls."},
    )
    risk.refresh_from_db()
    assert (risk.target_date, risk.existing_controls) == (passed, "Weekly supplier calls.")


def test_the_risk_form_refuses_a_new_target_date_in_the_past(risk, head_of_ict, client_for):
    response = client_for(head_of_ict).post(
        reverse("risks:risk-update", args=[risk.pk]),
        _date_boxes("target_date", timezone.localdate() - DAY),
    )
    assert response.context["form"].errors["target_date"] == [
        "The target date must be today or in the future"
    ]


def test_a_review_cannot_be_dated_in_the_future_or_before_the_risk_was_raised(risk, head_of_ict):
    raised = timezone.localdate(risk.created_at)
    for day, message in (
        (timezone.localdate() + DAY, "The date of review must be today or in the past"),
        (
            raised - DAY,
            f"The date of review must be on or after {raised.day} {raised:%B %Y}, "
            "when the risk was raised",
        ),
    ):
        with pytest.raises(ValidationError) as refused:
            services.risk_review(
                user=head_of_ict,
                risk=risk,
                residual_likelihood=3,
                residual_impact=3,
                note="Looked again.",
                reviewed_on=day,
            )
        assert refused.value.message_dict == {"reviewed_on": [message]}
    assert not risk.reviews.exists()


def test_a_mitigating_action_cannot_be_due_in_the_past(risk, head_of_ict):
    fields = {
        "description": "Too late",
        "owner": head_of_ict,
        "due_date": timezone.localdate() - DAY,
    }
    with pytest.raises(ValidationError) as refused:
        services.action_add(user=head_of_ict, risk=risk, fields=fields)
    assert refused.value.message_dict == {
        "due_date": ["The due date must be today or in the future"]
    }
    assert not RiskAction.objects.exists()


def test_an_overdue_action_keeps_its_due_date_when_its_status_changes(risk, head_of_ict):
    overdue = timezone.localdate() - 3 * DAY
    action = RiskAction.objects.create(
        risk=risk, description="Renew the contract", owner=head_of_ict, due_date=overdue
    )
    services.action_update(
        user=head_of_ict, action=action, fields={"status": "in_progress", "due_date": overdue}
    )
    action.refresh_from_db()
    assert (action.status, action.due_date) == ("in_progress", overdue)
