import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from common.errors import WorkflowError
from common.roles import Role
from governance.tests.factories import UserFactory
from projects.tests.factories import MeetingFactory
from risks import services
from risks.models import RiskAgendaItem, RiskReview
from risks.tests.factories import RiskFactory

RISK = {
    "title": "Personal data breach",
    "cause": "New channels widen the attack surface.",
    "event": "Residents' data is disclosed.",
    "consequence": "ICO fine and loss of trust.",
    "category": "information_security",
    "inherent_likelihood": 4,
    "inherent_impact": 5,
    "residual_likelihood": 3,
    "residual_impact": 4,
    "target_likelihood": 1,
    "target_impact": 4,
    "response": "treat",
}


def test_raising_a_risk_outside_appetite_puts_it_on_the_next_meeting_agenda(
    head_of_ict, risk_owner, chair, strategy
):
    later = MeetingFactory(
        chair=chair, starts_at=datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC)
    )
    next_one = MeetingFactory(chair=chair)
    risk = services.risk_create(
        user=head_of_ict,
        fields={**RISK, "owner": risk_owner},
        links={"themes": [strategy.themes.get(number=5)]},
    )
    assert (risk.inherent_score, risk.residual_score, risk.target_score) == (20, 12, 4)
    assert risk.residual_level == "high"
    item = RiskAgendaItem.objects.get()
    assert (item.meeting, item.risk, item.reason) == (next_one, risk, "Outside appetite")
    assert later.risk_items.count() == 0
    raised = RiskReview.objects.get(risk=risk)
    assert raised.outside_appetite and raised.kind == "raised"
    assert risk.history.first().history_user == head_of_ict


def test_owner_records_a_review_that_brings_it_within_appetite(head_of_ict, risk_owner, chair):
    MeetingFactory(chair=chair)
    risk = services.risk_create(user=head_of_ict, fields={**RISK, "owner": risk_owner})
    services.risk_review(
        user=risk_owner, risk=risk, residual_likelihood=2, residual_impact=3, note="Encrypted."
    )
    risk.refresh_from_db()
    assert risk.residual_score == 6
    latest = risk.reviews.first()
    assert (latest.reviewer, latest.outside_appetite) == (risk_owner, False)


@pytest.mark.parametrize("role", [Role.OFFICER, Role.MEMBER, Role.CHAIR, Role.ADMINISTRATOR])
def test_only_the_head_of_ict_and_the_owner_change_a_risk(role, risk_owner):
    risk = RiskFactory(owner=risk_owner)
    someone = UserFactory(roles=[role])
    with pytest.raises(PermissionDenied):
        services.risk_review(
            user=someone, risk=risk, residual_likelihood=1, residual_impact=1, note="x"
        )
    with pytest.raises(PermissionDenied):
        services.risk_update(user=someone, risk=risk, fields={"title": "Changed"})
    with pytest.raises(PermissionDenied):
        services.risk_close(user=someone, risk=risk, reason="Gone")
    with pytest.raises(PermissionDenied):
        services.action_add(
            user=someone,
            risk=risk,
            fields={"description": "x", "owner": someone, "due_date": datetime.date(2030, 1, 1)},
        )
    if role != Role.HEAD_OF_ICT:
        with pytest.raises(PermissionDenied):
            services.risk_create(user=someone, fields={**RISK, "owner": someone})
    risk.refresh_from_db()
    assert risk.title != "Changed" and risk.status == "open"


def test_an_owner_cannot_hand_their_risk_to_someone_else(risk_owner):
    risk = RiskFactory(owner=risk_owner)
    with pytest.raises(PermissionDenied):
        services.risk_update(user=risk_owner, risk=risk, fields={"owner": UserFactory()})


def test_a_review_needs_a_note_and_a_date_not_in_the_future(risk_owner):
    risk = RiskFactory(owner=risk_owner)
    with pytest.raises(ValidationError):
        services.risk_review(
            user=risk_owner, risk=risk, residual_likelihood=1, residual_impact=1, note=" "
        )
    with pytest.raises(ValidationError):
        services.risk_review(
            user=risk_owner,
            risk=risk,
            residual_likelihood=1,
            residual_impact=1,
            note="Fine",
            reviewed_on=datetime.date.today() + datetime.timedelta(days=1),
        )
    assert not risk.reviews.exists()


def test_a_closed_risk_takes_no_more_reviews(risk_owner):
    risk = RiskFactory(owner=risk_owner)
    services.risk_close(user=risk_owner, risk=risk, reason="Supplier replaced.")
    with pytest.raises(WorkflowError):
        services.risk_review(
            user=risk_owner, risk=risk, residual_likelihood=1, residual_impact=1, note="x"
        )


def test_appetite_levels_must_tolerate_more_as_they_rise(head_of_ict):
    with pytest.raises(ValidationError):
        services.appetite_update(
            user=head_of_ict,
            thresholds={"averse": 3, "minimal": 2, "cautious": 10, "open": 15, "eager": 20},
            categories={},
        )
