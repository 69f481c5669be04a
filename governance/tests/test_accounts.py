"""Accounts, roles and business units: what the Administrator may do in the portal's
pages, what it may not, and the record every role change leaves, whatever path
makes it."""

import logging
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common.models import OutboundEmail
from common.roles import Role
from common.testing import post_sign_in
from governance.accounts import services
from governance.choices import ChangePath, RoleChangeKind
from governance.models import BusinessUnit, RoleChange, User
from governance.tests.factories import TEST_PASSWORD, BusinessUnitFactory, UserFactory

OFFICER, MEMBER, HEAD = Role.OFFICER.value, Role.MEMBER.value, Role.HEAD_OF_ICT.value


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.INFO, logger="ictstrategy.security")

    def lines():
        return [r.getMessage() for r in caplog.records if r.name == "ictstrategy.security"]

    return lines


def _signs_in(username, password) -> bool:
    client = Client()
    post_sign_in(client, username, password)
    return "_auth_user_id" in client.session


def _roles(person) -> set[str]:
    return set(person.groups.values_list("name", flat=True))


def _edit(client, person, **overrides):
    """Post the account's edit form as the page fills it in, with `overrides`."""
    data = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "job_title": person.job_title,
        "business_unit": person.business_unit_id or "",
        "roles": sorted(_roles(person)),
        "is_active": "on" if person.is_active else "",
        **overrides,
    }
    return client.post(reverse("governance:account-update", args=[person.pk]), data)


# ------------------------------------------------------------------ opening accounts


def test_administrator_opens_an_officer_account_that_sets_its_own_password(
    administrator, housing, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        person = services.account_create(
            actor=administrator,
            username="pshah",
            first_name="Priya",
            last_name="Shah",
            email="priya.shah@example.org",
            business_unit=housing,
            roles=[OFFICER],
        )
    assert _roles(person) == {OFFICER}
    assert not person.has_usable_password()  # the administrator never knows it
    assert person.history.get().history_user == administrator
    email = OutboundEmail.objects.get(recipient="priya.shah@example.org")
    link = re.search(r"http\S+/account/set-password/\S+/", email.body).group(0)

    client = Client()
    page = client.get(link.split("8000", 1)[1], follow=True)
    assert "Set your password" in page.text
    client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "a long pass phrase 42", "new_password2": "a long pass phrase 42"},
    )
    assert _signs_in("pshah", "a long pass phrase 42")
    # The link works once.
    assert "This link does not work" in Client().get(link.split("8000", 1)[1], follow=True).text


def test_an_officer_needs_a_business_unit(administrator, client_for):
    with pytest.raises(ValidationError) as refused:
        services.account_create(
            actor=administrator,
            username="nounit",
            first_name="No",
            last_name="Unit",
            email="no.unit@example.org",
            roles=[OFFICER],
        )
    assert "business_unit" in refused.value.message_dict

    response = client_for(administrator).post(
        reverse("governance:account-create"),
        {
            "username": "nounit",
            "first_name": "No",
            "last_name": "Unit",
            "email": "no.unit@example.org",
            "roles": [OFFICER],
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["business_unit"] == [
        "Choose the business unit this officer works for"
    ]
    assert not User.objects.filter(username="nounit").exists()


def test_two_accounts_cannot_share_an_e_mail_address(administrator, officer):
    with pytest.raises(ValidationError) as refused:
        services.account_create(
            actor=administrator,
            username="twin",
            first_name="T",
            last_name="Win",
            email=officer.email.upper(),
        )
    assert "email" in refused.value.message_dict


@pytest.mark.parametrize("role", [Role.OFFICER, Role.MEMBER, Role.CHAIR, Role.HEAD_OF_ICT])
def test_only_administrators_open_accounts_or_give_roles(role, officer, housing):
    actor = UserFactory(roles=[role], business_unit=housing)
    with pytest.raises(PermissionDenied):
        services.account_create(
            actor=actor, username="x", first_name="X", last_name="Y", email="x@example.org"
        )
    with pytest.raises(PermissionDenied):
        services.account_roles_set(actor=actor, person=officer, roles=[HEAD])
    assert _roles(officer) == {OFFICER}


# ------------------------------------------------------------------ what it cannot do


def test_administrator_cannot_change_their_own_roles(administrator, client_for):
    with pytest.raises(PermissionDenied):
        services.account_roles_set(
            actor=administrator, person=administrator, roles=[Role.ADMINISTRATOR.value, HEAD]
        )
    page = client_for(administrator).get(
        reverse("governance:account-update", args=[administrator.pk])
    )
    assert page.context["form"].fields["roles"].disabled
    assert "You cannot change your own roles" in page.text

    # The page ignores roles posted for a box it shows disabled; the name still saves.
    response = _edit(
        client_for(administrator),
        administrator,
        first_name="Adam",
        roles=[Role.ADMINISTRATOR.value, HEAD, MEMBER],
    )
    assert response.status_code == 302
    administrator.refresh_from_db()
    assert administrator.first_name == "Adam"
    assert _roles(administrator) == {Role.ADMINISTRATOR.value}


def test_administrator_cannot_deactivate_themselves(administrator, client_for):
    with pytest.raises(PermissionDenied):
        services.account_update(
            actor=administrator, person=administrator, changes={"is_active": False}
        )
    _edit(client_for(administrator), administrator, is_active="")
    administrator.refresh_from_db()
    assert administrator.is_active


def test_administrator_cannot_edit_a_superusers_account(administrator, client_for):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client = client_for(administrator)
    detail = client.get(root.get_absolute_url())
    assert "Only the council&#x27;s IT operators manage it" in detail.text
    assert reverse("governance:account-update", args=[root.pk]) not in detail.text
    assert client.get(reverse("governance:account-update", args=[root.pk])).status_code == 403
    assert _edit(client, root, first_name="Owned").status_code == 403
    with pytest.raises(PermissionDenied):
        services.account_update(actor=administrator, person=root, changes={"is_active": False})
    root.refresh_from_db()
    assert root.first_name != "Owned" and root.is_active


def test_only_the_portals_roles_can_be_given(administrator, officer):
    Group.objects.create(name="Operators")
    with pytest.raises(PermissionDenied):
        services.account_roles_set(actor=administrator, person=officer, roles=["Operators"])
    assert _roles(officer) == {OFFICER}


def test_the_account_form_offers_the_five_roles_and_no_privilege(
    administrator, officer, client_for
):
    page = client_for(administrator).get(reverse("governance:account-update", args=[officer.pk]))
    names = set(re.findall(r'name="([^"]+)"', page.text))
    assert {"roles", "business_unit", "is_active"} <= names
    assert not names & {"is_superuser", "is_staff", "groups", "user_permissions", "username"}
    offered = page.context["form"].fields["roles"].choices
    assert offered == [(role, role) for role in Role.values]


def test_editing_roles_leaves_groups_that_are_not_roles_alone(administrator, officer):
    officer.groups.add(Group.objects.create(name="Operators"))
    services.account_roles_set(actor=administrator, person=officer, roles=[OFFICER, MEMBER])
    assert _roles(officer) == {OFFICER, MEMBER, "Operators"}


def test_saving_an_account_unchanged_changes_nothing(administrator, officer, client_for):
    records, changes = officer.history.count(), RoleChange.objects.count()
    assert _edit(client_for(administrator), officer).status_code == 302
    assert officer.history.count() == records
    assert RoleChange.objects.count() == changes


def test_the_administrator_sees_no_proposals_on_an_officers_account(
    administrator, officer, client_for
):
    from projects.tests.factories import ProposalFactory

    ProposalFactory(title="Canary draft 7f3a", business_unit=officer.business_unit,
                    created_by=officer)  # fmt: skip
    client = client_for(administrator)
    for url in [
        reverse("home"),
        reverse("governance:account-list"),
        officer.get_absolute_url(),
        reverse("governance:account-history", args=[officer.pk]),
        officer.business_unit.get_absolute_url(),
    ]:
        assert "Canary draft 7f3a" not in client.get(url).text, url


# ---------------------------------------------------------- the record of role changes


def test_a_role_grant_shows_in_the_accounts_history_and_the_security_log(
    administrator, officer, client_for, security_log, django_capture_on_commit_callbacks
):
    client = client_for(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = _edit(client, officer, roles=[HEAD])
    assert response.status_code == 302

    changes = list(RoleChange.objects.filter(person=officer, actor__isnull=False).order_by("kind"))
    assert [(c.kind, c.role, c.actor, c.path) for c in changes] == [
        (RoleChangeKind.GRANTED, HEAD, administrator, ChangePath.PORTAL),
        (RoleChangeKind.REMOVED, OFFICER, administrator, ChangePath.PORTAL),
    ]
    history = client.get(reverse("governance:account-history", args=[officer.pk])).text
    assert f"Granted: {HEAD}; removed: {OFFICER}" in history
    assert f"Changed by {administrator.get_full_name()}" in history

    lines = security_log()
    who = f"user={officer.username} by={administrator.username} via='a portal page' ip=127.0.0.1"
    assert f"role granted role='{HEAD}' {who}" in lines
    assert f"role removed role='{OFFICER}' {who}" in lines


def test_a_role_given_in_a_shell_is_recorded_with_no_one_signed_in(
    officer, security_log, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        officer.groups.add(Group.objects.get(name=HEAD))
    change = RoleChange.objects.get(person=officer, role=HEAD)
    assert (change.kind, change.actor, change.path) == (
        RoleChangeKind.GRANTED,
        None,
        ChangePath.NO_REQUEST,
    )
    assert (
        f"role granted role='{HEAD}' user={officer.username} by=(no one signed in) "
        "via='a shell, command or background task' ip=" in security_log()
    )


def test_a_role_taken_away_from_the_groups_side_is_recorded(officer, member):
    officers = Group.objects.get(name=OFFICER)
    officers.user_set.remove(officer, member)  # member was never an officer
    assert list(RoleChange.objects.filter(kind=RoleChangeKind.REMOVED).values_list(
        "person", "role")) == [(officer.pk, OFFICER)]  # fmt: skip


def test_clearing_an_accounts_groups_records_each_role_removed(officer):
    officer.groups.add(Group.objects.get(name=MEMBER))
    officer.groups.clear()
    removed = RoleChange.objects.filter(person=officer, kind=RoleChangeKind.REMOVED)
    assert set(removed.values_list("role", flat=True)) == {OFFICER, MEMBER}


def test_a_role_a_superuser_gives_in_the_django_admin_is_recorded_with_their_name(
    officer, client_for
):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    url = reverse("admin:governance_user_change", args=[officer.pk])
    form = client_for(root).get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None and name not in ("groups", "user_permissions")
    }
    data.update(
        groups=[Group.objects.get(name=HEAD).pk],
        business_unit=officer.business_unit_id,
        date_joined_0=officer.date_joined.strftime("%Y-%m-%d"),
        date_joined_1=officer.date_joined.strftime("%H:%M:%S"),
        last_login_0="",
        last_login_1="",
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    response = client_for(root).post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert set(
        RoleChange.objects.filter(person=officer, actor=root).values_list(
            "kind", "role", "actor", "path"
        )
    ) == {
        (RoleChangeKind.GRANTED, HEAD, root.pk, ChangePath.ADMIN),
        (RoleChangeKind.REMOVED, OFFICER, root.pk, ChangePath.ADMIN),
    }


def test_making_a_superuser_or_granting_a_permission_is_a_security_warning(
    officer, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.WARNING, logger="ictstrategy.security")
    with django_capture_on_commit_callbacks(execute=True):
        officer.is_superuser = True
        officer.save()
        officer.user_permissions.add(Permission.objects.get(codename="change_group"))
        Group.objects.get(name=MEMBER).permissions.add(Permission.objects.get(codename="add_group"))
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(f"is_superuser set to True for user={officer.username}" in w for w in warnings)
    assert any(f"permission granted auth.change_group for user={officer}" in w for w in warnings)
    assert any(f"permission granted auth.add_group for group={MEMBER}" in w for w in warnings)


def test_a_sign_in_logs_no_privilege_change(officer, caplog):
    caplog.set_level(logging.WARNING, logger="ictstrategy.security")
    assert _signs_in(officer.username, TEST_PASSWORD)
    assert not [r for r in caplog.records if "privilege" in r.getMessage()]


# ---------------------------------------------------------------- set-password links


def test_a_new_link_goes_only_to_an_account_never_signed_in(administrator, officer, client_for):
    client = client_for(administrator)
    url = reverse("governance:account-password-link", args=[officer.pk])
    client.post(url)
    assert OutboundEmail.objects.filter(recipient=officer.email).count() == 1

    Client().force_login(officer)  # signing in stamps last_login
    officer.refresh_from_db()
    response = client.post(url, follow=True)
    assert "They have signed in before" in response.text
    assert OutboundEmail.objects.filter(recipient=officer.email).count() == 1


# ------------------------------------------------------------------ business units


def test_a_unit_with_active_officers_cannot_be_deactivated(administrator, officer, client_for):
    unit = officer.business_unit
    with pytest.raises(ValidationError) as refused:
        services.business_unit_update(actor=administrator, unit=unit, changes={"is_active": False})
    assert refused.value.message_dict["is_active"] == [
        "1 active officer works for this business unit. Move them to another unit before "
        "you deactivate it."
    ]
    empty = BusinessUnitFactory(name="Tourism", code="tourism")
    services.business_unit_update(actor=administrator, unit=empty, changes={"is_active": False})
    empty.refresh_from_db()
    assert not empty.is_active
    assert empty.history.latest().history_user == administrator


def test_a_deactivated_unit_is_offered_only_to_the_accounts_already_in_it(
    administrator, member, client_for
):
    unit = member.business_unit
    services.business_unit_update(actor=administrator, unit=unit, changes={"is_active": False})
    client = client_for(administrator)
    new = client.get(reverse("governance:account-create")).context["form"]
    assert unit not in new.fields["business_unit"].queryset
    edit = client.get(reverse("governance:account-update", args=[member.pk])).context["form"]
    assert unit in edit.fields["business_unit"].queryset


def test_administrator_adds_and_renames_a_unit(administrator, client_for):
    client = client_for(administrator)
    client.post(reverse("governance:business-unit-create"), {"name": "Parks", "code": "parks"})
    unit = BusinessUnit.objects.get(code="parks")
    client.post(
        reverse("governance:business-unit-update", args=[unit.pk]),
        {"name": "Parks and Leisure", "code": "parks", "is_active": "on"},
    )
    unit.refresh_from_db()
    assert unit.name == "Parks and Leisure"
    history = client.get(reverse("governance:business-unit-history", args=[unit.pk])).text
    assert "Parks and Leisure" in history


# ------------------------------------------------------------------- the account list


def test_the_account_list_filters_by_role_unit_and_status(
    administrator, officer, member, no_role_user, client_for
):
    officer_without_unit = UserFactory(username="stray", roles=[Role.OFFICER])
    gone = UserFactory(username="gone", is_active=False, business_unit=officer.business_unit)
    client = client_for(administrator)

    def listed(**query):
        page = client.get(reverse("governance:account-list"), query).context["page"]
        return {person.username for person in page.object_list}

    assert listed(role=OFFICER) == {officer.username, officer_without_unit.username}
    assert listed(role="none") == {no_role_user.username, gone.username}
    assert listed(role=OFFICER, unit="none") == {officer_without_unit.username}
    assert listed(unit=officer.business_unit_id) == {officer.username, gone.username}
    assert listed(status="inactive") == {gone.username}
    assert listed(q=member.last_name) >= {member.username}
    assert listed(role="Superuser", unit="x", status="maybe") == set(
        User.objects.values_list("username", flat=True)
    )


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url_name", ["governance:account-list", "governance:business-unit-list"])
def test_account_and_unit_lists_read_as_many_queries_for_more_accounts(
    url_name, administrator, client_for
):
    client = client_for(administrator)
    url = reverse(url_name)
    small = _queries(client, url)
    for _ in range(12):
        UserFactory(roles=[Role.MEMBER, Role.OFFICER], business_unit=BusinessUnitFactory())
    assert _queries(client, url) == small
