from types import SimpleNamespace

import pytest

from projects.tests.factories import MeetingFactory, ProjectFactory
from risks.models import RiskAction, RiskControl
from risks.tests.factories import RiskFactory, escalated_risk


@pytest.fixture
def risk_owner(db):
    from common.roles import Role
    from governance.tests.factories import UserFactory

    return UserFactory(username="rowan", first_name="Rowan", last_name="Owner", roles=[Role.MEMBER])


@pytest.fixture
def risk_world(risk_owner, chair, officer, strategy):
    risk = RiskFactory(owner=risk_owner)
    risk.themes.set([strategy.themes.get(number=4)])
    action = RiskAction.objects.create(
        risk=risk, description="Add exit clauses", owner=risk_owner, due_date="2030-01-31"
    )
    return SimpleNamespace(
        risk=risk,
        escalated=escalated_risk(),
        action=action,
        control=RiskControl.objects.create(
            risk=risk, description="Backups restored monthly", owner=risk_owner, line="first"
        ),
        meeting=MeetingFactory(chair=chair),
        project=ProjectFactory(proposal__business_unit=officer.business_unit),
    )
