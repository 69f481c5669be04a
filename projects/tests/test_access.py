"""Every projects URL, for anonymous, no role and each role (see common.testing)."""

import pytest
from django.urls import reverse

from common.roles import ALL_ROLES, GOVERNANCE_GROUP, Role
from common.testing import SIGNED_IN_KINDS, AccessCase, assert_access

OFFICER = frozenset({Role.OFFICER})
HEAD = frozenset({Role.HEAD_OF_ICT})
CHAIR = frozenset({Role.CHAIR})
OVERSIGHT = GOVERNANCE_GROUP | HEAD
VIEWERS = OVERSIGHT | OFFICER
# A draft is seen only by its own unit: everyone else with a viewing role gets 404.
DRAFT_HIDDEN = {Role.MEMBER: 404, Role.CHAIR: 404, Role.HEAD_OF_ICT: 404}


def _url(name, attr=None):
    return lambda o: reverse(f"projects:{name}", args=[getattr(o, attr).pk] if attr else [])


def _contract_url(name):
    return lambda o: reverse(f"projects:{name}", args=[o.contract.project_id, o.contract.pk])


ACCESS_CASES = [
    AccessCase("projects:proposal-list", _url("proposal-list"), VIEWERS),
    AccessCase("projects:proposal-start", _url("proposal-start"), OFFICER),
    AccessCase("projects:proposal-detail", _url("proposal-detail", "submitted"), VIEWERS),
    AccessCase(
        "projects:proposal-detail",
        _url("proposal-detail", "draft"),
        VIEWERS,
        overrides=DRAFT_HIDDEN,
    ),
    AccessCase("projects:proposal-edit", _url("proposal-edit", "draft"), OFFICER),
    AccessCase("projects:proposal-history", _url("proposal-history", "submitted"), VIEWERS),
    AccessCase("projects:proposal-start-triage", _url("proposal-start-triage", "submitted"), HEAD),
    AccessCase(
        "projects:proposal-start-triage",
        _url("proposal-start-triage", "submitted"),
        HEAD,
        method="post",
        ok_status=302,
    ),
    AccessCase("projects:proposal-return", _url("proposal-return", "submitted"), HEAD),
    AccessCase("projects:proposal-accept", _url("proposal-accept", "submitted"), HEAD),
    AccessCase("projects:proposal-withdraw", _url("proposal-withdraw", "submitted"), OFFICER),
    AccessCase("projects:proposal-reopen", _url("proposal-reopen", "submitted"), HEAD),
    AccessCase("projects:proposal-score", _url("proposal-score", "assessing"), GOVERNANCE_GROUP),
    AccessCase(
        "projects:proposal-conflict", _url("proposal-conflict", "assessing"), GOVERNANCE_GROUP
    ),
    AccessCase("projects:attachment-add", _url("attachment-add", "draft"), OFFICER),
    AccessCase("projects:attachment-download", _url("attachment-download", "attachment"), VIEWERS),
    AccessCase(
        "projects:attachment-delete",
        _url("attachment-delete", "attachment"),
        OFFICER,
        method="post",
        ok_status=302,
    ),
    AccessCase("projects:criterion-list", _url("criterion-list"), OVERSIGHT),
    AccessCase("projects:criterion-create", _url("criterion-create"), HEAD),
    AccessCase("projects:criterion-update", _url("criterion-update", "criterion"), HEAD),
    AccessCase("projects:tcop-point-update", _url("tcop-point-update", "tcop_point"), HEAD),
    AccessCase("projects:budgets", _url("budgets"), HEAD),
    AccessCase("projects:thresholds", _url("thresholds"), HEAD),
    AccessCase("projects:portfolio", _url("portfolio"), OVERSIGHT),
    AccessCase("projects:agenda-add", _url("agenda-add", "meeting"), CHAIR),
    # The world's scenario is the Head of ICT's, shared: the Group reads it, only its
    # creator or the Head of ICT changes it; officers never see one.
    AccessCase("projects:scenario-list", _url("scenario-list"), OVERSIGHT),
    AccessCase("projects:scenario-create", _url("scenario-create"), OVERSIGHT),
    AccessCase("projects:scenario-detail", _url("scenario-detail", "scenario"), OVERSIGHT),
    AccessCase(
        "projects:scenario-update",
        _url("scenario-update", "scenario"),
        OVERSIGHT,
        overrides={Role.MEMBER: 403, Role.CHAIR: 403},
    ),
    AccessCase(
        "projects:scenario-share",
        _url("scenario-share", "scenario"),
        OVERSIGHT,
        method="post",
        data={"shared": "yes"},
        ok_status=302,
        overrides={Role.MEMBER: 403, Role.CHAIR: 403},
    ),
    AccessCase(
        "projects:scenario-paper-add",
        _url("scenario-paper-add", "scenario"),
        frozenset({Role.HEAD_OF_ICT, Role.CHAIR}),
    ),
    AccessCase("projects:agenda-up", _url("agenda-up", "item"), CHAIR, "post", ok_status=302),
    AccessCase("projects:agenda-down", _url("agenda-down", "item"), CHAIR, "post", ok_status=302),
    AccessCase(
        "projects:agenda-remove", _url("agenda-remove", "item"), CHAIR, "post", ok_status=302
    ),
    AccessCase("projects:decide", _url("decide", "item"), CHAIR),
    AccessCase("projects:project-list", _url("project-list"), VIEWERS),
    AccessCase("projects:project-detail", _url("project-detail", "project"), VIEWERS),
    AccessCase("projects:project-history", _url("project-history", "project"), VIEWERS),
    # The officer here is the project's manager; other group members may look, not update.
    AccessCase(
        "projects:progress-update-create",
        _url("progress-update-create", "project"),
        OFFICER | HEAD,
    ),
    AccessCase("projects:project-close", _url("project-close", "project"), OFFICER | HEAD),
    # Contracts are kept by who leads the project: its manager (the officer) and the Head.
    AccessCase("projects:contract-create", _url("contract-create", "project"), OFFICER | HEAD),
    AccessCase("projects:contract-update", _contract_url("contract-update"), OFFICER | HEAD),
    AccessCase("projects:contract-remove", _contract_url("contract-remove"), OFFICER | HEAD),
    AccessCase(
        "projects:contract-remove",
        _contract_url("contract-remove"),
        OFFICER | HEAD,
        method="post",
        ok_status=302,
    ),
    AccessCase("projects:transparency", _url("transparency"), HEAD),
    AccessCase(
        "projects:transparency-publish",
        _url("transparency-publish"),
        HEAD,
        method="post",
        ok_status=302,
    ),
    # Open data: anyone, signed in or not (the world has a publication).
    AccessCase("projects:transparency-csv", _url("transparency-csv"), ALL_ROLES, public=True),
    AccessCase("projects:transparency-json", _url("transparency-json"), ALL_ROLES, public=True),
]


@pytest.mark.parametrize("case", ACCESS_CASES, ids=str)
def test_anonymous_is_sent_to_sign_in(case, client, world):
    assert_access(case, role=None, client=client, objects=world, anonymous=True)


@pytest.mark.parametrize("role", SIGNED_IN_KINDS, ids=lambda r: r or "no role")
@pytest.mark.parametrize("case", ACCESS_CASES, ids=str)
def test_signed_in_access_by_role(case, role, users_by_role, client_for, world):
    user = users_by_role[role]
    assert_access(case, role=role, client=client_for(user), objects=world, anonymous=False)


def test_another_units_officer_gets_404_for_every_proposal_page(world, client_for, finance):
    from governance.tests.factories import UserFactory

    outsider = UserFactory(business_unit=finance, roles=[Role.OFFICER])
    client = client_for(outsider)
    for proposal in (world.draft, world.submitted, world.assessing):
        for name in ("proposal-detail", "proposal-edit", "proposal-history", "proposal-withdraw"):
            response = client.get(reverse(f"projects:{name}", args=[proposal.pk]))
            assert response.status_code == 404, (name, proposal.status)
    assert (
        client.get(reverse("projects:attachment-download", args=[world.attachment.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("projects:project-detail", args=[world.project.pk])).status_code == 404
    )
