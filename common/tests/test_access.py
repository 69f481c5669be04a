import pytest
from django.urls import reverse

from common import health
from common.choices import AccessTokenKind
from common.roles import ALL_ROLES, Role
from common.testing import SIGNED_IN_KINDS, AccessCase, assert_access
from common.tokens import token_create
from governance.tests.factories import UserFactory

SIGNED_IN = ALL_ROLES | {None}  # anyone signed in, with a role or none
IMPORTERS = frozenset({Role.HEAD_OF_ICT})  # every importer's policy, today


def _token_holder():
    """Someone none of the test users is. An administrator, since the walks over every
    form build these URLs too: a new member or officer would join the lists other
    forms show (a meeting's attendance), and change what posting them saves."""
    return UserFactory(roles=[Role.ADMINISTRATOR])


def _someone_elses_token():
    """An API token only an administrator may revoke; to anyone else, not found."""
    token, _ = token_create(user=_token_holder(), name="Power BI", kind=AccessTokenKind.API)
    return token


def _calendar_key():
    _, key = token_create(
        user=_token_holder(), name="Calendar feed", kind=AccessTokenKind.CALENDAR
    )
    return key

ACCESS_CASES = [
    AccessCase("imports", lambda o: reverse("imports"), IMPORTERS),
    AccessCase("import-upload", lambda o: reverse("import-upload", args=["risks"]), IMPORTERS),
    AccessCase(
        "import-template", lambda o: reverse("import-template", args=["risks"]), IMPORTERS
    ),
    # No run exists here: those who may import get 404, anyone else 403.
    *(
        AccessCase(name, lambda o, name=name: reverse(name, args=[999_999]), IMPORTERS,
                   ok_status=404, method=method)
        for name, method in (
            ("import-run", "get"), ("import-run-status", "get"), ("import-confirm", "post")
        )
    ),
    AccessCase("home", lambda o: reverse("home"), ALL_ROLES | {None}),
    AccessCase("accessibility", lambda o: reverse("accessibility"), ALL_ROLES, public=True),
    # Public: load balancers and monitoring do not sign in. See _a_worker_answers below.
    AccessCase("health", lambda o: reverse("health"), ALL_ROLES, public=True),
    AccessCase(
        "background-tasks", lambda o: reverse("background-tasks"), frozenset({Role.ADMINISTRATOR})
    ),
    AccessCase(
        "send-test-email",
        lambda o: reverse("send-test-email"),
        frozenset({Role.ADMINISTRATOR}),
        method="post",
        ok_status=302,
    ),
    AccessCase("account", lambda o: reverse("account"), ALL_ROLES | {None}),
    AccessCase("api-reference", lambda o: reverse("api-reference"), ALL_ROLES),
    AccessCase(
        "sign-out-everywhere",
        lambda o: reverse("sign-out-everywhere"),
        ALL_ROLES | {None},
        method="post",
        ok_status=302,
    ),
    # Personal access tokens: for anyone with a role (common.policies.TOKEN_HOLDERS).
    AccessCase("access-token-create", lambda o: reverse("access-token-create"), ALL_ROLES),
    AccessCase(
        "access-token-create",
        lambda o: reverse("access-token-create"),
        ALL_ROLES,
        method="post",
        data={"name": "Power BI"},
        ok_status=302,
    ),
    AccessCase(
        "access-token-revoke",
        lambda o: reverse("access-token-revoke", args=[_someone_elses_token().pk]),
        frozenset({Role.ADMINISTRATOR}),
        method="post",
        ok_status=302,
        overrides={role: 404 for role in ALL_ROLES - {Role.ADMINISTRATOR}},
    ),
    AccessCase(
        "calendar-feed-create",
        lambda o: reverse("calendar-feed-create"),
        ALL_ROLES,
        method="post",
        ok_status=302,
    ),
    # Public: calendars cannot sign in; the key in the URL is the credential, and a
    # key that does not work is not found.
    AccessCase(
        "calendar-feed",
        lambda o: reverse("calendar-feed", args=[_calendar_key()]),
        ALL_ROLES,
        public=True,
    ),
    AccessCase(
        "calendar-feed",
        lambda o: reverse("calendar-feed", args=["ictp_not-a-key"]),
        ALL_ROLES,
        public=True,
        ok_status=404,
    ),
    AccessCase("password_change", lambda o: reverse("password_change"), ALL_ROLES | {None}),
    AccessCase(
        "password_change_done", lambda o: reverse("password_change_done"), ALL_ROLES | {None}
    ),
    AccessCase("login", lambda o: reverse("login"), ALL_ROLES, public=True),
    # Public: a new account's holder is not signed in. A link that does not work says so.
    AccessCase(
        "password_reset_confirm",
        lambda o: reverse("password_reset_confirm", args=["MQ", "not-a-token"]),
        ALL_ROLES,
        public=True,
    ),
    AccessCase(
        "password_reset_complete",
        lambda o: reverse("password_reset_complete"),
        ALL_ROLES,
        public=True,
    ),
    AccessCase(
        "logout", lambda o: reverse("logout"), ALL_ROLES, method="post", ok_status=302, public=True
    ),
    # django-allauth's pages (common/signin/urls.py): for everyone signed in, whatever
    # their role, since they are about their own account.
    AccessCase("account_login", lambda o: reverse("account_login"), ALL_ROLES, public=True),
    AccessCase(
        "account_logout",
        lambda o: reverse("account_logout"),
        ALL_ROLES,
        method="post",
        ok_status=302,
        public=True,
    ),
    AccessCase("account_inactive", lambda o: reverse("account_inactive"), ALL_ROLES, public=True),
    AccessCase(
        "account_reauthenticate", lambda o: reverse("account_reauthenticate"), SIGNED_IN
    ),
    AccessCase("mfa_index", lambda o: reverse("mfa_index"), SIGNED_IN),
    # Only halfway through a sign-in that asks for a code; otherwise home.
    AccessCase("mfa_authenticate", lambda o: reverse("mfa_authenticate"), SIGNED_IN, ok_status=302),
    # Each of these first asks for the password again, unless given in the last minutes.
    *(
        AccessCase(name, lambda o, name=name: reverse(name), SIGNED_IN, ok_status=302)
        for name in (
            "mfa_reauthenticate",
            "mfa_activate_totp",
            "mfa_generate_recovery_codes",
            "mfa_add_webauthn",
            "mfa_reauthenticate_webauthn",
        )
    ),
    # Not found until the person has what they would manage there.
    *(
        AccessCase(name, lambda o, name=name: reverse(name), SIGNED_IN, ok_status=404)
        for name in (
            "mfa_deactivate_totp",
            "mfa_view_recovery_codes",
            "mfa_download_recovery_codes",
        )
    ),
    AccessCase("mfa_list_webauthn", lambda o: reverse("mfa_list_webauthn"), SIGNED_IN),
    *(
        AccessCase(
            name, lambda o, name=name: reverse(name, args=[999_999]), SIGNED_IN, ok_status=302
        )
        for name in ("mfa_remove_webauthn", "mfa_edit_webauthn")
    ),
    AccessCase(
        "socialaccount_login_cancelled",
        lambda o: reverse("socialaccount_login_cancelled"),
        ALL_ROLES,
        public=True,
    ),
    AccessCase(
        "socialaccount_login_error",
        lambda o: reverse("socialaccount_login_error"),
        ALL_ROLES,
        public=True,
        ok_status=401,
    ),
    # Only halfway through a first single sign-on; otherwise back to sign in.
    AccessCase(
        "socialaccount_signup",
        lambda o: reverse("socialaccount_signup"),
        ALL_ROLES,
        public=True,
        ok_status=302,
    ),
    # No provider is set up in the tests (tests/test_browser_sso.py sets one up).
    *(
        AccessCase(
            name,
            lambda o, name=name: reverse(name, kwargs={"provider_id": "council"}),
            ALL_ROLES,
            public=True,
            ok_status=404,
        )
        for name in ("openid_connect_login", "openid_connect_callback")
    ),
]


@pytest.fixture(autouse=True)
def _a_worker_answers(monkeypatch):
    """No Celery worker runs here: on Redis the health page would wait a second for a
    ping and answer 503; on the filesystem broker, where workers are not pinged, 200.
    Who may see the page is what these tests check, so the worker is taken as
    answering; test_health.py checks it with a real worker."""
    monkeypatch.setattr(
        health, "check_worker", lambda **kwargs: health.Check(True, "assumed in access tests")
    )


@pytest.mark.parametrize("case", ACCESS_CASES, ids=str)
def test_anonymous_is_sent_to_sign_in(case, client, db):
    assert_access(case, role=None, client=client, objects=None, anonymous=True)


@pytest.mark.parametrize("role", SIGNED_IN_KINDS, ids=lambda r: r or "no role")
@pytest.mark.parametrize("case", ACCESS_CASES, ids=str)
def test_signed_in_access_by_role(case, role, users_by_role, client_for):
    client = client_for(users_by_role[role])
    if case.url_name in ("login", "account_login"):
        # A signed-in user visiting sign-in is sent on to their home page.
        response = client.get(case.url(None))
        assert response.status_code == 302
        assert response["Location"] == reverse("home")
        return
    assert_access(case, role=role, client=client, objects=None, anonymous=False)
