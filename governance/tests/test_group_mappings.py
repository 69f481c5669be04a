"""Single sign-on groups: the Administrator maps the identity provider's groups to roles
and business units, and at each sign-in apply_group_claims gives a person exactly what
their groups map to, through the role-change record, with history and security-log
lines, changing nothing when nothing changed (issue 13)."""

import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from common.roles import Role
from governance import policies
from governance.accounts import services
from governance.accounts.group_claims import apply_group_claims
from governance.accounts.selectors import account_history
from governance.choices import ChangePath, RoleChangeKind
from governance.models import GroupMapping, RoleChange, User
from governance.tests.factories import BusinessUnitFactory, UserFactory

OFFICER, MEMBER, CHAIR, HEAD, ADMIN = (role.value for role in Role)
HEADS = "0b5a4f0e-6a51-4c6b-9d7e-3f1a2b3c4d5e"
MEMBERS = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f"
HOUSING = "Housing Services staff"
FINANCE = "Finance staff"


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.INFO, logger="ictstrategy.security")

    def lines():
        return [r.getMessage() for r in caplog.records if r.name == "ictstrategy.security"]

    return lines


def _map(claim_value, *, role="", unit=None, label=None):
    return GroupMapping.objects.create(
        claim_value=claim_value, label=label or claim_value, role=role, business_unit=unit
    )


@pytest.fixture
def mappings(housing, finance):
    """Heads of ICT and members by group object id; two units by group name."""
    return {
        "head": _map(HEADS, role=HEAD, label="Head of ICT"),
        "member": _map(MEMBERS, role=MEMBER, label="Governance Group"),
        "officer": _map(HOUSING, role=OFFICER),
        "housing": _map(HOUSING, unit=housing),
        "finance": _map(FINANCE, unit=finance),
    }


def _roles(person) -> set[str]:
    return set(person.groups.values_list("name", flat=True))


# ------------------------------------------------------------------ the pages


def test_the_administrator_maps_a_group_to_a_role_and_history_names_them(
    administrator, client_for, security_log, django_capture_on_commit_callbacks
):
    client = client_for(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("governance:group-mapping-create"),
            {"claim_value": f"  {HEADS} ", "label": "Head of ICT", "role": HEAD},
        )
    assert response.status_code == 302
    mapping = GroupMapping.objects.get()
    assert (mapping.claim_value, mapping.role, mapping.business_unit) == (HEADS, HEAD, None)
    assert mapping.history.get().history_user == administrator
    assert any(
        line.startswith(f"group mapping added claim={HEADS!r} gives='Head of ICT' by=")
        for line in security_log()
    )
    page = client.get(reverse("governance:group-mapping-list")).text
    assert HEADS in page
    assert "single sign-on decides everyone" in page


def test_the_administrator_changes_a_mapping_with_history(
    administrator, client_for, housing, finance
):
    mapping = services.group_mapping_create(
        actor=administrator, claim_value=HOUSING, label="Housing", business_unit=housing
    )
    response = client_for(administrator).post(
        reverse("governance:group-mapping-update", args=[mapping.pk]),
        {"claim_value": HOUSING, "label": "Housing", "business_unit": finance.pk},
    )
    assert response.status_code == 302
    mapping.refresh_from_db()
    assert mapping.business_unit == finance
    assert [r.history_type for r in mapping.history.order_by("history_id")] == ["+", "~"]
    history = client_for(administrator).get(
        reverse("governance:group-mapping-history", args=[mapping.pk])
    )
    assert finance.name in history.text


def test_removing_a_mapping_deletes_it_and_history_keeps_who_removed_it(
    administrator, client_for, security_log, django_capture_on_commit_callbacks
):
    mapping = services.group_mapping_create(
        actor=administrator, claim_value=HEADS, label="Head of ICT", role=HEAD
    )
    client = client_for(administrator)
    url = reverse("governance:group-mapping-remove", args=[mapping.pk])
    assert "Remove Head of ICT?" in client.get(url).text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert not GroupMapping.objects.exists()
    removal = GroupMapping.history.get(history_type="-")
    assert (removal.history_user, removal.claim_value) == (administrator, HEADS)
    assert any(line.startswith("group mapping removed") for line in security_log())
    page = client.get(reverse("governance:group-mapping-list")).text
    assert "Removed lately" in page and HEADS in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "role", "Choose the role or the business unit this group gives"),
        ({"role": HEAD, "unit": True}, "business_unit", "Choose a role or a business unit, not both"),
        ({"role": "Superuser"}, "role", "Select the role it gives"),
        ({"role": HEAD, "claim_value": ""}, "claim_value", "Enter the group claim value"),
        ({"role": HEAD, "label": ""}, "label", "Enter a label for the group"),
    ],
    ids=["neither", "both", "not a role", "no claim value", "no label"],
)
def test_the_form_says_at_the_field_what_is_wrong_and_saves_nothing(
    data, field, message, administrator, client_for, housing
):
    post = {
        "claim_value": data.get("claim_value", HEADS),
        "label": data.get("label", "Heads"),
        "role": data.get("role", ""),
        "business_unit": housing.pk if data.get("unit") else "",
    }
    response = client_for(administrator).post(reverse("governance:group-mapping-create"), post)
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert not GroupMapping.objects.exists()


def test_a_group_gives_a_role_once_whatever_the_case_of_its_claim_value(
    administrator, client_for
):
    services.group_mapping_create(actor=administrator, claim_value=HEADS, label="a", role=HEAD)
    response = client_for(administrator).post(
        reverse("governance:group-mapping-create"),
        {"claim_value": HEADS.upper(), "label": "b", "role": HEAD},
    )
    assert response.context["form"].errors["claim_value"] == [
        "This group already gives the Head of ICT role"
    ]
    # A group may give a role and a unit: two mappings.
    services.group_mapping_create(
        actor=administrator, claim_value=HEADS, label="c", business_unit=BusinessUnitFactory()
    )
    assert GroupMapping.objects.count() == 2


@pytest.mark.parametrize(
    "values",
    [{"role": HEAD, "business_unit": True}, {"role": "", "business_unit": None}],
    ids=["both", "neither"],
)
def test_the_database_refuses_a_mapping_with_both_targets_or_neither(values, housing):
    unit = housing if values["business_unit"] else None
    with pytest.raises(IntegrityError), transaction.atomic():
        GroupMapping.objects.create(
            claim_value="x", label="x", role=values["role"], business_unit=unit
        )


def test_only_administrators_map_groups_and_may_map_one_to_the_administrator_role(
    administrator, head_of_ict
):
    """By hand an administrator may grant the Administrator role to anyone but
    themselves; a mapping names no one, so it may give the Administrator role too."""
    assert policies.group_mapping_refusal(administrator, ADMIN) is None
    services.group_mapping_create(actor=administrator, claim_value="admins", label="a", role=ADMIN)
    assert policies.group_mapping_refusal(head_of_ict, HEAD)
    with pytest.raises(PermissionDenied):
        services.group_mapping_create(actor=head_of_ict, claim_value="h", label="h", role=HEAD)
    assert policies.group_mapping_refusal(administrator, "Superuser") == (
        "Choose one of the portal's roles."
    )


# ------------------------------------------------------------ apply_group_claims


def test_claims_give_exactly_the_mapped_roles_and_the_unit(mappings, housing):
    person = UserFactory(roles=[Role.CHAIR])
    applied = apply_group_claims(person, [HEADS, HOUSING, "an unmapped group"])

    assert _roles(person) == {HEAD, OFFICER}
    person.refresh_from_db()
    assert person.business_unit == housing
    assert applied.granted == {HEAD, OFFICER}
    assert applied.removed == {CHAIR}
    assert applied.business_unit_changed


def test_claims_change_roles_and_unit_as_the_groups_change(mappings, housing, finance):
    person = UserFactory()
    apply_group_claims(person, [HOUSING, MEMBERS])
    apply_group_claims(person, [FINANCE, MEMBERS.upper()])
    person.refresh_from_db()
    assert _roles(person) == {MEMBER}
    assert person.business_unit == finance


def test_a_second_sign_in_with_the_same_claims_writes_nothing(
    mappings, security_log, django_capture_on_commit_callbacks
):
    person = UserFactory()
    apply_group_claims(person, [HEADS, HOUSING])
    counts = (RoleChange.objects.count(), User.history.count())
    caplog_before = len(security_log())
    with django_capture_on_commit_callbacks(execute=True):
        applied = apply_group_claims(person, [HOUSING, HEADS, "unknown"])
    assert not applied.changed
    assert (RoleChange.objects.count(), User.history.count()) == counts
    assert len(security_log()) == caplog_before


def test_each_change_is_a_role_change_by_single_sign_on_in_history_and_the_security_log(
    mappings, administrator, security_log, django_capture_on_commit_callbacks
):
    person = UserFactory(username="jwebb", roles=[Role.CHAIR])
    with django_capture_on_commit_callbacks(execute=True):
        apply_group_claims(person, [HEADS, HOUSING])

    changes = RoleChange.objects.filter(person=person).exclude(path=ChangePath.NO_REQUEST)
    assert {(c.kind, c.role) for c in changes} == {
        (RoleChangeKind.GRANTED, HEAD),
        (RoleChangeKind.GRANTED, OFFICER),
        (RoleChangeKind.REMOVED, CHAIR),
    }
    assert {(c.actor, c.path) for c in changes} == {(None, ChangePath.SINGLE_SIGN_ON)}
    lines = security_log()
    assert (
        "role granted role='Head of ICT' user=jwebb by=(single sign-on) "
        "via='single sign-on group claims' ip=" in lines
    )
    assert "role removed role='Governance Group chair' user=jwebb by=(single sign-on)" in (
        " ".join(lines)
    )
    assert any(
        line.startswith("group claims: business unit changed from none to Housing Services")
        for line in lines
    )
    entries = account_history(person, viewer=administrator)
    who = {entry.who for entry in entries}
    assert "The portal (single sign-on group claims)" in who
    said = " ".join(change.summary or "" for entry in entries for change in entry.changes)
    assert "Removed: Governance Group chair" in said or "removed: Governance Group chair" in said


def test_roles_are_the_administrators_while_no_mapping_gives_a_role(housing):
    _map(HOUSING, unit=housing)
    person = UserFactory(roles=[Role.CHAIR])
    apply_group_claims(person, [HOUSING])
    person.refresh_from_db()
    assert _roles(person) == {CHAIR}
    assert person.business_unit == housing


def test_claims_naming_no_mapped_group_remove_the_mapped_roles_and_keep_the_unit(
    mappings, housing
):
    person = UserFactory(business_unit=housing, roles=[Role.HEAD_OF_ICT])
    apply_group_claims(person, ["someone else's group"])
    person.refresh_from_db()
    assert _roles(person) == set()
    assert person.business_unit == housing


def test_groups_mapping_to_several_units_keep_the_unit_with_a_warning(
    mappings, finance, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.WARNING, logger="ictstrategy.security")
    person = UserFactory(business_unit=finance)
    with django_capture_on_commit_callbacks(execute=True):
        applied = apply_group_claims(person, [HOUSING, FINANCE])
    person.refresh_from_db()
    assert person.business_unit == finance
    assert not applied.business_unit_changed
    assert any(
        "several business units (Finance, Housing Services): kept Finance" in r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING
    )


def test_the_officer_role_is_withheld_without_a_business_unit(
    finance, housing, caplog, django_capture_on_commit_callbacks
):
    _map(HOUSING, role=OFFICER)
    _map("both units", unit=housing, label="u1")
    _map("both units", unit=finance, label="u2")
    caplog.set_level(logging.WARNING, logger="ictstrategy.security")
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        apply_group_claims(person, [HOUSING, "both units"])
    assert _roles(person) == set()
    assert any("Business unit officer role withheld" in r.getMessage() for r in caplog.records)


def test_a_deactivated_account_is_neither_switched_on_nor_changed(mappings):
    person = UserFactory(is_active=False, roles=[Role.CHAIR])
    applied = apply_group_claims(person, [HEADS, HOUSING])
    person.refresh_from_db()
    assert not person.is_active
    assert _roles(person) == {CHAIR}
    assert person.business_unit is None
    assert applied.refused == "the account is deactivated"
    assert not RoleChange.objects.filter(person=person, path=ChangePath.SINGLE_SIGN_ON).exists()


def test_a_sign_in_without_a_groups_claim_changes_nothing_with_a_warning(
    mappings, caplog, housing
):
    """Entra ID leaves the claim out for someone in too many groups: that is not a
    claim of no groups, so no role is taken away."""
    caplog.set_level(logging.WARNING, logger="ictstrategy.security")
    person = UserFactory(business_unit=housing, roles=[Role.HEAD_OF_ICT])
    applied = apply_group_claims(person, None)
    assert applied.refused == "the sign-in carried no groups claim"
    assert _roles(person) == {HEAD}
    assert any("no groups claim" in r.getMessage() for r in caplog.records)


def test_the_callers_copy_of_the_account_reads_its_new_roles_and_unit(mappings, housing):
    from common.roles import roles_of

    person = UserFactory(roles=[Role.CHAIR])
    assert roles_of(person) == {Role.CHAIR}
    apply_group_claims(person, [HEADS, HOUSING])
    assert roles_of(person) == {Role.HEAD_OF_ICT, Role.OFFICER}
    assert person.business_unit == housing


def test_a_superusers_account_is_out_of_the_mappings_reach(mappings):
    root = UserFactory(is_superuser=True, is_staff=True)
    apply_group_claims(root, [HEADS])
    assert _roles(root) == set()


def test_a_mapping_to_a_deactivated_unit_moves_no_one(housing, finance):
    _map(HOUSING, unit=housing)
    housing.is_active = False
    housing.save()
    person = UserFactory(business_unit=finance)
    apply_group_claims(person, [HOUSING])
    person.refresh_from_db()
    assert person.business_unit == finance


def test_claims_made_by_a_request_name_the_portal_not_the_signed_in_user(
    mappings, rf, django_capture_on_commit_callbacks, security_log
):
    """During the sign-in the request may already carry the person: still, the change
    is the portal's, not theirs (they may not change their own roles)."""
    from simple_history.models import HistoricalRecords

    person = UserFactory(username="mlee")
    request = rf.get("/accounts/oidc/entra/login/callback/", REMOTE_ADDR="203.0.113.9")
    request.user = person
    HistoricalRecords.context.request = request
    try:
        with django_capture_on_commit_callbacks(execute=True):
            apply_group_claims(person, [HEADS, HOUSING], source="Microsoft Entra ID")
    finally:
        del HistoricalRecords.context.request
    assert set(RoleChange.objects.filter(person=person).values_list("actor", "path")) == {
        (None, ChangePath.SINGLE_SIGN_ON)
    }
    assert person.history.first().history_user is None
    assert any(
        "user=mlee via='Microsoft Entra ID' ip=203.0.113.9" in line for line in security_log()
    )


def test_a_mapping_refuses_to_be_saved_through_the_service_with_neither_target(administrator):
    with pytest.raises(ValidationError) as refused:
        services.group_mapping_create(actor=administrator, claim_value="x", label="x")
    assert "role" in refused.value.error_dict
