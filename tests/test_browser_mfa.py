"""Second factors in real Chromium: the Head of ICT, once the council requires a second
factor for their role, can open no page until they set up an authenticator app; they
then sign in with its code and are refused without one; each recovery code works once.
axe checks every new page."""

import base64
import hashlib
import hmac
import struct
import time

import pytest
from playwright.sync_api import expect

from common.roles import Role
from governance.models import SecondFactorChange, User

from .conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def authenticator_code(secret: str, *, step: int = 0) -> str:
    """What an authenticator app shows (RFC 6238: HMAC-SHA1, 30 seconds, 6 digits),
    `step` periods from now."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int(time.time()) // 30 + step
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def enter_password(page, live_server, username):
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


@pytest.fixture
def second_factor_for_head_of_ict(settings):
    settings.MFA_REQUIRED_ROLES = [Role.HEAD_OF_ICT.value]
    # A code from the next period too, so the test need not wait for a fresh one.
    settings.MFA_TOTP_TOLERANCE = 1


def test_head_of_ict_sets_up_an_authenticator_app_then_needs_its_code(
    page, live_server, demo, axe, second_factor_for_head_of_ict
):
    enter_password(page, live_server, "headofict")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    axe.check(page)

    # No page is open until then: each sends them back.
    for path in ("/", "/proposals/", "/risks/", "/reports/", "/admin/"):
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")

    # A wrong code is refused at the field.
    page.get_by_label("Authenticator code").fill("000000")
    page.get_by_role("button", name="Set up").click()
    expect(page.get_by_role("alert")).to_be_visible()
    axe.check(page)
    secret = page.get_by_label("Secret key").input_value()
    page.get_by_label("Authenticator code").fill(authenticator_code(secret))
    page.get_by_role("button", name="Set up").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    axe.check(page)
    codes = page.get_by_label("Unused recovery codes").input_value().split()
    assert len(codes) == 10
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Set up an authenticator app")
    page.goto(f"{live_server.url}/proposals/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Proposals")
    # Their account page says so, and leads to where they manage it.
    page.get_by_role("link", name="Your account").click()
    axe.check(page)
    page.get_by_role("link", name="Manage your second factors and recovery codes").click()
    expect(page.get_by_text("You sign in with a code from your authenticator app.")).to_be_visible()
    axe.check(page)

    head = User.objects.get(username="headofict")
    added = head.second_factor_changes.values_list("kind", "factor", "actor")
    assert sorted(added) == [("added", "recovery_codes", head.pk), ("added", "totp", head.pk)]

    # Next sign-in: the password alone is not enough.
    sign_out(page)
    enter_password(page, live_server, "headofict")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter a code")
    axe.check(page)
    # Half signed in, they still see no page: sign-in sends them back for the code.
    page.goto(f"{live_server.url}/proposals/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter a code")
    page.get_by_role("button", name="Continue").click()  # no code
    expect(page.get_by_role("alert")).to_contain_text("Enter the code")
    page.get_by_label("Code").fill("123456")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("The code is not right")
    page.get_by_label("Code").fill(authenticator_code(secret, step=1))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{live_server.url}/")

    # A recovery code stands in for the app, once.
    sign_out(page)
    enter_password(page, live_server, "headofict")
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{live_server.url}/")
    sign_out(page)
    enter_password(page, live_server, "headofict")
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("The code is not right")
    page.get_by_label("Code").fill(codes[1])
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{live_server.url}/")


def test_an_administrator_resets_a_lost_second_factor_and_it_is_in_history(
    page, live_server, demo, axe, second_factor_for_head_of_ict
):
    head = User.objects.get(username="headofict")
    enter_password(page, live_server, "headofict")
    secret = page.get_by_label("Secret key").input_value()
    page.get_by_label("Authenticator code").fill(authenticator_code(secret))
    page.get_by_role("button", name="Set up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    sign_out(page)

    enter_password(page, live_server, "admin")
    page.goto(f"{live_server.url}/accounts/{head.pk}/")
    expect(page.get_by_text("Authenticator app")).to_be_visible()
    page.get_by_role("button", name="Reset their second factors").click()
    expect(page.get_by_role("alert", name="Success")).to_contain_text(
        "They set up new ones when they next sign in"
    )
    axe.check(page)
    page.get_by_role("link", name="History of this account, roles included").click()
    expect(page.get_by_text("All reset by an administrator, to be set up again")).to_be_visible()
    reset = SecondFactorChange.objects.get(person=head, kind="reset")
    assert reset.actor.username == "admin"
    sign_out(page)

    # They set up a new app at their next sign-in.
    enter_password(page, live_server, "headofict")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")


def test_a_passkey_is_added_and_then_signs_in_instead_of_a_code(
    page, live_server, demo, axe, settings
):
    """Chromium's virtual authenticator stands in for a laptop's passkey. WebAuthn needs
    a secure origin: http://localhost is one to the browser; the server is told to
    accept it (MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN, for local trials only)."""
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
    assert live_server.url.startswith("http://localhost:")
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    enter_password(page, live_server, "headofict")
    page.goto(f"{live_server.url}/accounts/2fa/")
    page.get_by_role("button", name="Add a passkey or security key").click()
    axe.check(page)
    page.get_by_label("Name").fill("Work laptop")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    head = User.objects.get(username="headofict")
    assert head.second_factor_changes.filter(kind="added", factor="webauthn").exists()

    sign_out(page)
    enter_password(page, live_server, "headofict")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter a code")
    page.get_by_role("button", name="Use a passkey or security key").click()
    expect(page).to_have_url(f"{live_server.url}/")
