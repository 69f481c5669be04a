import pytest
from django.urls import reverse

from common import health
from common.roles import ALL_ROLES, Role
from common.testing import SIGNED_IN_KINDS, AccessCase, assert_access

ACCESS_CASES = [
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
    AccessCase(
        "sign-out-everywhere",
        lambda o: reverse("sign-out-everywhere"),
        ALL_ROLES | {None},
        method="post",
        ok_status=302,
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
    if case.url_name == "login":
        # A signed-in user visiting sign-in is sent on to their home page.
        response = client.get(case.url(None))
        assert response.status_code == 302
        assert response["Location"] == reverse("home")
        return
    assert_access(case, role=role, client=client, objects=None, anonymous=False)
