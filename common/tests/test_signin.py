"""Signing in (common.signin): local passwords switched off for all but break-glass
accounts, whichever page a password is posted to; second factors required by role and
for superusers, page by page."""

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory
from django.urls import reverse

from common.roles import Role
from common.testing import post_sign_in
from governance.tests.factories import UserFactory
from ictstrategy.settings import base

TEST_PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def passwords_off(settings):
    settings.LOCAL_PASSWORDS = False
    settings.BREAK_GLASS_USERNAMES = ["root"]


def test_with_local_passwords_off_only_break_glass_accounts_use_one(db, passwords_off):
    officer = UserFactory(username="olivia")
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    request = RequestFactory().post("/")
    assert authenticate(request, username=officer.username, password=TEST_PASSWORD) is None
    assert authenticate(request, username=root.username, password=TEST_PASSWORD) == root

    client = Client()
    response = post_sign_in(client, officer.username, TEST_PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert post_sign_in(Client(), root.username, TEST_PASSWORD).status_code == 302


def test_with_local_passwords_off_the_password_form_is_folded_away(db, client, passwords_off):
    page = client.get(reverse("login")).text
    assert "Sign in with a break-glass account" in page


@pytest.mark.parametrize(
    ("roles", "superuser", "required"),
    [
        ((Role.HEAD_OF_ICT,), False, True),
        ((Role.CHAIR,), False, True),
        ((Role.ADMINISTRATOR,), False, True),
        ((Role.MEMBER,), False, False),
        ((Role.OFFICER,), False, False),
        ((), True, True),
    ],
)
def test_production_asks_a_second_factor_of_the_roles_it_names_and_of_superusers(
    db, settings, client_for, roles, superuser, required
):
    # The production defaults (test settings ask no role for a second factor).
    settings.MFA_REQUIRED_ROLES = base.MFA_REQUIRED_ROLES
    settings.MFA_REQUIRED_FOR_SUPERUSERS = base.MFA_REQUIRED_FOR_SUPERUSERS
    person = UserFactory(is_superuser=superuser, is_staff=superuser)
    if roles:
        person.groups.set(Group.objects.filter(name__in=[r.value for r in roles]))
    response = client_for(person).get(reverse("home"))
    if required:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("mfa_activate_totp"))
    else:
        assert response.status_code == 200


def test_the_last_authenticator_app_of_a_role_that_needs_one_cannot_be_removed(db, settings):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.forms import DeactivateTOTPForm
    from allauth.mfa.totp.internal.auth import TOTP

    head = UserFactory()
    head.groups.set(Group.objects.filter(name=Role.HEAD_OF_ICT.value))
    app = TOTP.activate(head, "JBSWY3DPEHPK3PXP").instance
    settings.MFA_REQUIRED_ROLES = []
    assert DeactivateTOTPForm(data={}, authenticator=app).is_valid()

    settings.MFA_REQUIRED_ROLES = [Role.HEAD_OF_ICT.value]
    form = DeactivateTOTPForm(data={}, authenticator=Authenticator.objects.get(pk=app.pk))
    assert not form.is_valid()
    assert "Your role needs a second factor" in str(form.errors)
