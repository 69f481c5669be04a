"""Every risks URL for anonymous, no role and each role. Only the Head of ICT and the
risk's owner change a risk; the rest of the Governance Group and officers read."""

import pytest
from django.urls import reverse

from common.roles import GOVERNANCE_GROUP, Role
from common.testing import SIGNED_IN_KINDS, AccessCase, assert_access

VIEWERS = GOVERNANCE_GROUP | {Role.HEAD_OF_ICT, Role.OFFICER}
HEAD = frozenset({Role.HEAD_OF_ICT})


def _url(name, attr=None):
    return lambda o: reverse(f"risks:{name}", args=[getattr(o, attr).pk] if attr else [])


ACCESS_CASES = [
    AccessCase("risks:risk-list", _url("risk-list"), VIEWERS),
    AccessCase("risks:export-csv", _url("export-csv"), VIEWERS),
    AccessCase("risks:export-xlsx", _url("export-xlsx"), VIEWERS),
    AccessCase("risks:risk-create", _url("risk-create"), HEAD),
    AccessCase("risks:heat-map", _url("heat-map"), VIEWERS),
    AccessCase("risks:overdue", _url("overdue"), VIEWERS),
    AccessCase("risks:settings", _url("settings"), VIEWERS),
    AccessCase("risks:matrix-update", _url("matrix-update"), HEAD),
    AccessCase("risks:appetite-update", _url("appetite-update"), HEAD),
    AccessCase("risks:frequency-update", _url("frequency-update"), HEAD),
    AccessCase("risks:risk-detail", _url("risk-detail", "risk"), VIEWERS),
    AccessCase("risks:risk-history", _url("risk-history", "risk"), VIEWERS),
    AccessCase("risks:risk-update", _url("risk-update", "risk"), HEAD),
    AccessCase("risks:risk-review", _url("risk-review", "risk"), HEAD),
    AccessCase("risks:risk-close", _url("risk-close", "risk"), HEAD),
    AccessCase("risks:risk-exemption", _url("risk-exemption", "risk"), HEAD),
    # The risk is in the ICT register: only the Head of ICT escalates it to corporate.
    AccessCase("risks:risk-escalate", _url("risk-escalate", "risk"), HEAD),
    AccessCase("risks:risk-difference", _url("risk-difference", "escalated"), HEAD),
    AccessCase("risks:action-create", _url("action-create", "risk"), HEAD),
    AccessCase("risks:action-update", _url("action-update", "action"), HEAD),
    AccessCase("risks:control-create", _url("control-create", "risk"), HEAD),
    AccessCase("risks:control-update", _url("control-update", "control"), HEAD),
    AccessCase("risks:control-remove", _url("control-remove", "control"), HEAD),
]


@pytest.mark.parametrize("case", ACCESS_CASES, ids=str)
def test_anonymous_is_sent_to_sign_in(case, client, risk_world):
    assert_access(case, role=None, client=client, objects=risk_world, anonymous=True)


@pytest.mark.parametrize("role", SIGNED_IN_KINDS, ids=lambda r: r or "no role")
@pytest.mark.parametrize("case", ACCESS_CASES, ids=str)
def test_signed_in_access_by_role(case, role, users_by_role, client_for, risk_world):
    client = client_for(users_by_role[role])
    assert_access(case, role=role, client=client, objects=risk_world, anonymous=False)


@pytest.mark.parametrize(
    "name",
    ["risk-update", "risk-review", "risk-close", "action-create", "control-create", "risk-exemption"],
)
def test_the_risk_owner_may_change_their_risk(name, risk_world, risk_owner, client_for):
    response = client_for(risk_owner).get(reverse(f"risks:{name}", args=[risk_world.risk.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("name", ["control-update", "control-remove"])
def test_the_risk_owner_may_change_their_risk_s_controls(name, risk_world, risk_owner, client_for):
    url = reverse(f"risks:{name}", args=[risk_world.control.pk])
    assert client_for(risk_owner).get(url).status_code == 200


def test_another_risk_s_owner_may_not_change_this_risk_s_controls(risk_world, client_for):
    from risks.tests.factories import RiskFactory

    other_owner = RiskFactory().owner
    client = client_for(other_owner)
    for name in ("control-update", "control-remove"):
        url = reverse(f"risks:{name}", args=[risk_world.control.pk])
        assert client.get(url).status_code == 403
    url = reverse("risks:control-create", args=[risk_world.risk.pk])
    assert client.get(url).status_code == 403


def test_other_group_members_see_the_risk_read_only(risk_world, member, client_for):
    page = client_for(member).get(risk_world.risk.get_absolute_url()).content.decode()
    assert "Record a review" not in page and "Edit the risk" not in page
    assert risk_world.risk.title in page
