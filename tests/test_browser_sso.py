"""Single sign-on in real Chromium, through a real OpenID provider on loopback
(tests/oidc: panva's certified oidc-provider): a person the portal has never seen signs
in with the council's account and gets an account with the role their group maps to;
when the provider moves them to another group, their next sign-in changes their role.
An account the Administrator opened is found by its verified e-mail address. The
provider's second factor counts only when the council trusts it."""

import pytest
from playwright.sync_api import expect

from common.roles import Role, roles_of
from governance.accounts.services import group_mapping_create
from governance.models import RoleChange, User
from governance.tests.factories import UserFactory

pytestmark = pytest.mark.browser

PROVIDER_NAME = "your council account"


@pytest.fixture
def sso(settings, oidc_provider):
    """The portal pointed at the test provider, as SSO_* settings would point it."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "council",
                    "name": PROVIDER_NAME,
                    "client_id": oidc_provider.client_id,
                    "secret": oidc_provider.client_secret,
                    "settings": {"server_url": oidc_provider.issuer},
                }
            ],
        }
    }
    return oidc_provider


@pytest.fixture
def mappings(demo):
    admin = User.objects.get(username="admin")
    group_mapping_create(
        actor=admin, claim_value="ict-leadership", label="ICT leadership", role=Role.HEAD_OF_ICT
    )
    group_mapping_create(
        actor=admin, claim_value="governance-group", label="Governance Group", role=Role.MEMBER
    )


def sign_in_with_provider(browser, live_server, username, provider):
    """A fresh browser (the provider remembers who signed in to it in a browser)."""
    page = browser.new_context(locale="en-GB").new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_role("button", name=f"Sign in with {PROVIDER_NAME}").click()
    page.wait_for_url(f"{provider.issuer}/**")
    page.get_by_label("Username").fill(username)
    page.get_by_role("button", name="Sign in").click()
    return page


def test_a_new_person_signs_in_with_the_council_account_and_their_groups_give_their_role(
    browser, live_server, sso, mappings, axe
):
    sso.set_account(
        "b7c1e2d4", email="jo.webb@example.org", name="Jo Webb", groups=["ict-leadership"]
    )
    page = sign_in_with_provider(browser, live_server, "b7c1e2d4", sso)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_text("Jo Webb")).to_be_visible()
    axe.check(page)

    jo = User.objects.get(email="jo.webb@example.org")
    assert (jo.first_name, jo.last_name) == ("Jo", "Webb")
    assert roles_of(jo) == {Role.HEAD_OF_ICT}
    assert not jo.has_usable_password()
    page.context.close()

    # The provider moves Jo to the Governance Group: the next sign-in follows it.
    sso.set_account(
        "b7c1e2d4", email="jo.webb@example.org", name="Jo Webb", groups=["governance-group"]
    )
    page = sign_in_with_provider(browser, live_server, "b7c1e2d4", sso)
    expect(page).to_have_url(f"{live_server.url}/")
    jo = User.objects.get(pk=jo.pk)
    assert roles_of(jo) == {Role.MEMBER}
    assert User.objects.filter(email="jo.webb@example.org").count() == 1
    changes = RoleChange.objects.filter(person=jo).values_list("kind", "role", "path")
    assert sorted(changes) == sorted(
        [
            ("granted", Role.HEAD_OF_ICT.value, "single_sign_on"),
            ("granted", Role.MEMBER.value, "single_sign_on"),
            ("removed", Role.HEAD_OF_ICT.value, "single_sign_on"),
        ]
    )
    page.context.close()


def test_an_account_the_administrator_opened_is_found_by_its_verified_address(
    browser, live_server, sso, mappings
):
    opened = UserFactory(username="pshah2", email="p.shah@example.org", first_name="Priya")
    sso.set_account("9f0a", email="p.shah@example.org", name="Priya Shah", groups=[])
    page = sign_in_with_provider(browser, live_server, "9f0a", sso)
    expect(page).to_have_url(f"{live_server.url}/")
    assert User.objects.filter(email="p.shah@example.org").count() == 1
    assert opened.socialaccount_set.get().uid == "9f0a"
    page.context.close()


@pytest.mark.parametrize("trusted", [True, False])
def test_the_providers_second_factor_counts_only_when_the_council_trusts_it(
    browser, live_server, sso, mappings, settings, trusted
):
    settings.MFA_REQUIRED_ROLES = [Role.HEAD_OF_ICT.value]
    settings.SSO_TRUST_PROVIDER_MFA = trusted
    sso.set_account(
        "c3d4",
        email="d.okoro@example.org",
        name="Dee Okoro",
        groups=["ict-leadership"],
        amr=["pwd", "mfa"],
    )
    page = sign_in_with_provider(browser, live_server, "c3d4", sso)
    if trusted:
        expect(page).to_have_url(f"{live_server.url}/")
        expect(page.get_by_role("heading", level=1)).not_to_have_text(
            "Set up an authenticator app"
        )
    else:
        expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    page.context.close()
