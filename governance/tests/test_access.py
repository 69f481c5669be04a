from types import SimpleNamespace

import pytest
from django.urls import reverse

from common.roles import ALL_ROLES, Role
from common.testing import SIGNED_IN_KINDS, AccessCase, assert_access
from governance.tests.factories import ActionPlanItemFactory

HEAD = frozenset({Role.HEAD_OF_ICT})


def _url(name, attr=None):
    return lambda o: reverse(f"governance:{name}", args=[getattr(o, attr).pk] if attr else [])


ACCESS_CASES = [
    AccessCase("governance:strategy-current", _url("strategy-current"), ALL_ROLES, ok_status=302),
    AccessCase("governance:strategy-list", _url("strategy-list"), ALL_ROLES),
    AccessCase("governance:strategy-detail", _url("strategy-detail", "strategy"), ALL_ROLES),
    AccessCase("governance:strategy-history", _url("strategy-history", "strategy"), ALL_ROLES),
    AccessCase("governance:theme-detail", _url("theme-detail", "theme"), ALL_ROLES),
    AccessCase("governance:theme-history", _url("theme-history", "theme"), ALL_ROLES),
    AccessCase("governance:principle-detail", _url("principle-detail", "principle"), ALL_ROLES),
    AccessCase("governance:principle-history", _url("principle-history", "principle"), ALL_ROLES),
    AccessCase("governance:objective-detail", _url("objective-detail", "objective"), ALL_ROLES),
    AccessCase("governance:objective-history", _url("objective-history", "objective"), ALL_ROLES),
    AccessCase("governance:action-item-detail", _url("action-item-detail", "item"), ALL_ROLES),
    AccessCase("governance:action-item-history", _url("action-item-history", "item"), ALL_ROLES),
    AccessCase("governance:objective-create", _url("objective-create", "theme"), HEAD),
    AccessCase(
        "governance:objective-create",
        _url("objective-create", "theme"),
        HEAD,
        method="post",
        data={"title": "Objective by POST"},
        ok_status=302,
    ),
    AccessCase("governance:objective-update", _url("objective-update", "objective"), HEAD),
    AccessCase(
        "governance:objective-update",
        _url("objective-update", "objective"),
        HEAD,
        method="post",
        data={"title": "Renamed by POST"},
        ok_status=302,
    ),
    AccessCase("governance:action-item-create", _url("action-item-create", "objective"), HEAD),
    AccessCase(
        "governance:action-item-create",
        _url("action-item-create", "objective"),
        HEAD,
        method="post",
        data={"title": "Item by POST", "status": "not_started", "rag": "green", "progress": 0},
        ok_status=302,
    ),
    AccessCase("governance:action-item-update", _url("action-item-update", "item"), HEAD),
    AccessCase(
        "governance:action-item-update",
        _url("action-item-update", "item"),
        HEAD,
        method="post",
        data={"title": "Edited by POST", "status": "in_progress", "rag": "amber", "progress": 5},
        ok_status=302,
    ),
]


@pytest.fixture
def objects(strategy):
    item = ActionPlanItemFactory(objective__theme=strategy.themes.get(number=1))
    return SimpleNamespace(
        strategy=strategy,
        theme=item.objective.theme,
        principle=strategy.principles.first(),
        objective=item.objective,
        item=item,
    )


CATALOGUE_CASES = list(ACCESS_CASES)


@pytest.mark.parametrize("case", CATALOGUE_CASES, ids=str)
def test_anonymous_is_sent_to_sign_in(case, client, objects):
    assert_access(case, role=None, client=client, objects=objects, anonymous=True)


@pytest.mark.parametrize("role", SIGNED_IN_KINDS, ids=lambda r: r or "no role")
@pytest.mark.parametrize("case", CATALOGUE_CASES, ids=str)
def test_signed_in_access_by_role(case, role, users_by_role, client_for, objects):
    assert_access(
        case, role=role, client=client_for(users_by_role[role]), objects=objects, anonymous=False
    )


@pytest.mark.parametrize(
    "name",
    [
        "theme-detail",
        "objective-detail",
        "action-item-detail",
        "action-item-update",
        "objective-update",
        "action-item-history",
    ],
)
def test_missing_objects_are_404_for_the_head_of_ict(name, head_of_ict, client_for, db):
    response = client_for(head_of_ict).get(reverse(f"governance:{name}", args=[999999]))
    assert response.status_code == 404


def test_wrong_role_gets_403_even_for_an_object_that_does_not_exist(officer, client_for):
    response = client_for(officer).get(reverse("governance:action-item-update", args=[999999]))
    assert response.status_code == 403


MEETING_VIEWERS = frozenset({Role.MEMBER, Role.CHAIR, Role.HEAD_OF_ICT})
ORGANISERS = frozenset({Role.CHAIR, Role.HEAD_OF_ICT})
CHAIR = frozenset({Role.CHAIR})

MEETING_CASES = [
    AccessCase("governance:meeting-list", _url("meeting-list"), MEETING_VIEWERS),
    AccessCase("governance:meeting-create", _url("meeting-create"), ORGANISERS),
    AccessCase("governance:meeting-detail", _url("meeting-detail", "meeting"), MEETING_VIEWERS),
    AccessCase("governance:meeting-update", _url("meeting-update", "meeting"), ORGANISERS),
    AccessCase("governance:meeting-attendance", _url("meeting-attendance", "meeting"), CHAIR),
    AccessCase("governance:meeting-minutes", _url("meeting-minutes", "meeting"), MEETING_VIEWERS),
    AccessCase("governance:meeting-history", _url("meeting-history", "meeting"), MEETING_VIEWERS),
    # The steps of a meeting's life: a button that posts and comes back to the meeting
    # (saying why, if the step does not apply now).
    AccessCase("governance:meeting-open", _url("meeting-open", "meeting"), CHAIR, "post", ok_status=302),
    AccessCase("governance:meeting-close", _url("meeting-close", "meeting"), CHAIR, "post", ok_status=302),
    AccessCase(
        "governance:meeting-cancel", _url("meeting-cancel", "meeting"), ORGANISERS, "post", ok_status=302
    ),
    AccessCase(
        "governance:meeting-minutes-approve",
        _url("meeting-minutes-approve", "drafted"),
        CHAIR,
        "post",
        ok_status=302,
    ),
    AccessCase(
        "governance:meeting-minutes-draft", _url("meeting-minutes-draft", "held"), ORGANISERS
    ),
    AccessCase(
        "governance:meeting-minutes-pdf", _url("meeting-minutes-pdf", "drafted"), MEETING_VIEWERS
    ),
    AccessCase(
        "governance:meeting-minutes-docx", _url("meeting-minutes-docx", "drafted"), MEETING_VIEWERS
    ),
    AccessCase("governance:meeting-terms", _url("meeting-terms"), MEETING_VIEWERS),
    AccessCase("governance:meeting-terms-update", _url("meeting-terms-update"), HEAD),
    AccessCase(
        "governance:meeting-terms-update",
        _url("meeting-terms-update"),
        HEAD,
        method="post",
        data={"minimum_quorum": "2", "chair_counts": "True", "head_of_ict_attends": "True"},
        ok_status=302,
    ),
    AccessCase("governance:meeting-terms-history", _url("meeting-terms-history"), MEETING_VIEWERS),
]
KPI_CASES = [
    AccessCase("governance:kpi-list", _url("kpi-list"), ALL_ROLES),
    AccessCase("governance:kpi-detail", _url("kpi-detail", "kpi"), ALL_ROLES),
    AccessCase("governance:kpi-history", _url("kpi-history", "kpi"), ALL_ROLES),
    AccessCase("governance:kpi-create", _url("kpi-create"), HEAD),
    AccessCase("governance:kpi-update", _url("kpi-update", "kpi"), HEAD),
    AccessCase("governance:kpi-value", _url("kpi-value", "kpi"), HEAD),
    AccessCase("governance:kpi-target", _url("kpi-target", "kpi"), HEAD),
    AccessCase("governance:kpi-comparator", _url("kpi-comparator", "kpi"), HEAD),
    AccessCase(
        "governance:kpi-value-approve",
        _url("kpi-value-approve", "kpi_value"),
        HEAD,
        method="post",
        ok_status=302,
    ),
]
MEETING_CASES += KPI_CASES
ACCESS_CASES += MEETING_CASES


@pytest.fixture
def meeting_objects(objects, chair, head_of_ict):
    from governance.choices import MeetingStatus
    from governance.models import KPI
    from governance.tests.factories import TermsOfReferenceFactory
    from projects.tests.factories import MeetingFactory

    objects.meeting = MeetingFactory(chair=chair)
    objects.held = MeetingFactory(chair=chair, in_session=True, status=MeetingStatus.HELD)
    objects.drafted = MeetingFactory(
        chair=chair, in_session=True, status=MeetingStatus.MINUTES_DRAFTED
    )
    objects.terms = TermsOfReferenceFactory()
    objects.kpi = KPI.objects.create(name="Uptime", unit="%", direction="higher")
    objects.kpi_value = objects.kpi.measurements.create(
        period_end="2026-06-30", value=99, recorded_by=head_of_ict
    )
    return objects


@pytest.mark.parametrize("case", MEETING_CASES, ids=str)
def test_meeting_pages_anonymous(case, client, meeting_objects):
    assert_access(case, role=None, client=client, objects=meeting_objects, anonymous=True)


@pytest.mark.parametrize("role", SIGNED_IN_KINDS, ids=lambda r: r or "no role")
@pytest.mark.parametrize("case", MEETING_CASES, ids=str)
def test_meeting_pages_by_role(case, role, users_by_role, client_for, meeting_objects):
    client = client_for(users_by_role[role])
    assert_access(case, role=role, client=client, objects=meeting_objects, anonymous=False)


ADMINISTRATOR = frozenset({Role.ADMINISTRATOR})

ACCOUNT_CASES = [
    AccessCase("governance:account-list", _url("account-list"), ADMINISTRATOR),
    AccessCase("governance:account-create", _url("account-create"), ADMINISTRATOR),
    AccessCase(
        "governance:account-create",
        _url("account-create"),
        ADMINISTRATOR,
        method="post",
        data={
            "username": "newcomer",
            "first_name": "Nia",
            "last_name": "Cole",
            "email": "nia.cole@example.org",
            "roles": [Role.MEMBER.value],
        },
        ok_status=302,
    ),
    AccessCase("governance:account-detail", _url("account-detail", "person"), ADMINISTRATOR),
    AccessCase("governance:account-update", _url("account-update", "person"), ADMINISTRATOR),
    AccessCase(
        "governance:account-update",
        _url("account-update", "person"),
        ADMINISTRATOR,
        method="post",
        data={
            "first_name": "Renamed",
            "last_name": "By POST",
            "email": "renamed@example.org",
            "roles": [Role.MEMBER.value],
            "is_active": "on",
        },
        ok_status=302,
    ),
    AccessCase("governance:account-history", _url("account-history", "person"), ADMINISTRATOR),
    AccessCase(
        "governance:account-password-link",
        _url("account-password-link", "person"),
        ADMINISTRATOR,
        method="post",
        ok_status=302,
    ),
    AccessCase(
        "governance:account-second-factor-reset",
        _url("account-second-factor-reset", "person"),
        ADMINISTRATOR,
        method="post",
        ok_status=302,
    ),
    AccessCase("governance:business-unit-list", _url("business-unit-list"), ADMINISTRATOR),
    AccessCase("governance:business-unit-create", _url("business-unit-create"), ADMINISTRATOR),
    AccessCase(
        "governance:business-unit-create",
        _url("business-unit-create"),
        ADMINISTRATOR,
        method="post",
        data={"name": "Parks and Leisure", "code": "parks"},
        ok_status=302,
    ),
    AccessCase(
        "governance:business-unit-detail", _url("business-unit-detail", "unit"), ADMINISTRATOR
    ),
    AccessCase(
        "governance:business-unit-update", _url("business-unit-update", "unit"), ADMINISTRATOR
    ),
    AccessCase(
        "governance:business-unit-update",
        _url("business-unit-update", "unit"),
        ADMINISTRATOR,
        method="post",
        data={"name": "Housing and Homelessness", "code": "housing-homes", "is_active": "on"},
        ok_status=302,
    ),
    AccessCase(
        "governance:business-unit-history", _url("business-unit-history", "unit"), ADMINISTRATOR
    ),
    AccessCase("governance:group-mapping-list", _url("group-mapping-list"), ADMINISTRATOR),
    AccessCase("governance:group-mapping-create", _url("group-mapping-create"), ADMINISTRATOR),
    AccessCase(
        "governance:group-mapping-create",
        _url("group-mapping-create"),
        ADMINISTRATOR,
        method="post",
        data={"claim_value": "ict-governance-group", "label": "Governance", "role": "Head of ICT"},
        ok_status=302,
    ),
    AccessCase(
        "governance:group-mapping-update", _url("group-mapping-update", "mapping"), ADMINISTRATOR
    ),
    AccessCase(
        "governance:group-mapping-update",
        _url("group-mapping-update", "mapping"),
        ADMINISTRATOR,
        method="post",
        data={"claim_value": "housing-staff", "label": "Housing staff", "role": "Head of ICT"},
        ok_status=302,
    ),
    AccessCase(
        "governance:group-mapping-remove", _url("group-mapping-remove", "mapping"), ADMINISTRATOR
    ),
    AccessCase(
        "governance:group-mapping-remove",
        _url("group-mapping-remove", "mapping"),
        ADMINISTRATOR,
        method="post",
        ok_status=302,
    ),
    AccessCase(
        "governance:group-mapping-history", _url("group-mapping-history", "mapping"), ADMINISTRATOR
    ),
]
ACCESS_CASES += ACCOUNT_CASES


@pytest.fixture
def account_objects(db):
    """An account the Administrator may edit (never signed in to), a unit, and a
    single sign-on group that gives it."""
    from governance.models import GroupMapping
    from governance.tests.factories import BusinessUnitFactory, UserFactory

    unit = BusinessUnitFactory(name="Environmental Health", code="env-health")
    return SimpleNamespace(
        person=UserFactory(business_unit=unit, roles=[Role.OFFICER]),
        unit=unit,
        mapping=GroupMapping.objects.create(
            claim_value="env-health-staff", label="Environmental Health staff", business_unit=unit
        ),
    )


@pytest.mark.parametrize("case", ACCOUNT_CASES, ids=str)
def test_account_pages_anonymous(case, client, account_objects):
    assert_access(case, role=None, client=client, objects=account_objects, anonymous=True)


@pytest.mark.parametrize("role", SIGNED_IN_KINDS, ids=lambda r: r or "no role")
@pytest.mark.parametrize("case", ACCOUNT_CASES, ids=str)
def test_account_pages_by_role(case, role, users_by_role, client_for, account_objects):
    client = client_for(users_by_role[role])
    assert_access(case, role=role, client=client, objects=account_objects, anonymous=False)


@pytest.mark.parametrize(
    "name",
    [
        "account-detail",
        "account-update",
        "account-history",
        "business-unit-update",
        "group-mapping-update",
        "group-mapping-remove",
        "group-mapping-history",
    ],
)
def test_missing_accounts_and_units_are_404_for_the_administrator(
    name, administrator, client_for
):
    response = client_for(administrator).get(reverse(f"governance:{name}", args=[999999]))
    assert response.status_code == 404
