"""The password policy, idle sessions, security headers and the security log, as a person signing in (or an attacker) meets them."""

import datetime
import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from common.sessions import RENEWED_AT
from common.testing import post_sign_in
from governance.tests.factories import TEST_PASSWORD
from ictstrategy.settings import base as base_settings
from projects.tests.factories import ProposalFactory

OFFICE = "10.1.1.1"
ELSEWHERE = "10.2.2.2"


def _signed_in(client):
    return "_auth_user_id" in client.session


# Passwords: twelve characters at least, common ones refused, no composition rules.


@pytest.mark.parametrize(
    ("new_password", "message"),
    [
        ("short-pass1", "Your new password must be 12 characters or more"),
        ("1qaz2wsx3edc", "Your new password is too common: choose one that is harder to guess"),
    ],
)
def test_weak_passwords_are_refused_at_the_field(officer, client_for, new_password, message):
    client = client_for(officer)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": new_password,
            "new_password2": new_password,
        },
    )
    assert response.status_code == 200
    assert message in response.text
    officer.refresh_from_db()
    assert officer.check_password(TEST_PASSWORD)


def test_a_long_passphrase_needs_no_digits_capitals_or_symbols(officer, client_for):
    client = client_for(officer)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "correct horse battery staple",
            "new_password2": "correct horse battery staple",
        },
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("correct horse battery staple")


# Sessions: 30 minutes without a request ends them; a request starts the 30 again,
# saving the session at most once a minute (common.sessions.SessionRenewalMiddleware).


@pytest.fixture(autouse=True)
def _renewed_as_in_production(settings):
    settings.SESSION_RENEW_AFTER = base_settings.SESSION_RENEW_AFTER  # the tests': a day


def _signed_in_client(officer):
    client = Client()
    post_sign_in(client, officer.username, TEST_PASSWORD)
    return client


def _renewed_seconds_ago(client, seconds):
    session = client.session
    session[RENEWED_AT] = time.time() - seconds
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() + datetime.timedelta(minutes=5)
    )


def _session_writes(queries):
    return [
        q["sql"] for q in queries
        if '"django_session"' in q["sql"] and q["sql"].startswith(("UPDATE", "INSERT"))
    ]  # fmt: skip


def test_a_request_a_minute_after_the_last_renewal_keeps_the_session_for_thirty_more_minutes(
    officer,
):
    client = _signed_in_client(officer)
    _renewed_seconds_ago(client, 61)

    response = client.get(reverse("home"))
    assert response.status_code == 200
    # Its cookie is sent again, to run as long.
    assert response.cookies[settings.SESSION_COOKIE_NAME].value == client.session.session_key

    session = Session.objects.get(session_key=client.session.session_key)
    remaining = session.expire_date - timezone.now()
    assert datetime.timedelta(minutes=29, seconds=50) < remaining <= datetime.timedelta(minutes=30)


def test_requests_within_a_minute_of_the_last_renewal_write_nothing_to_the_session(
    officer,
):
    client = _signed_in_client(officer)
    _renewed_seconds_ago(client, 30)
    before = Session.objects.get(session_key=client.session.session_key).expire_date

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert _session_writes(queries) == []
    assert settings.SESSION_COOKIE_NAME not in response.cookies  # the browser's cookie stands
    assert Session.objects.get(session_key=client.session.session_key).expire_date == before


def test_a_cookie_naming_a_session_that_ended_starts_no_session(officer):
    client = _signed_in_client(officer)
    key = client.session.session_key
    Session.objects.filter(session_key=key).delete()

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    assert _session_writes(queries) == []
    assert not Session.objects.exists()


def test_a_session_idle_for_thirty_minutes_is_signed_out(officer):
    client = Client()
    post_sign_in(client, officer.username, TEST_PASSWORD)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )

    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# Headers on every page.


def _assert_security_headers(response):
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_signed_out_pages_carry_the_security_headers(db):
    response = Client().get(reverse("accessibility"))
    _assert_security_headers(response)
    assert "no-store" not in response.get("Cache-Control", "")


def test_signed_in_pages_carry_the_security_headers_and_are_not_stored(officer, client_for):
    response = client_for(officer).get(reverse("home"))
    _assert_security_headers(response)
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


# The security log.


def test_sign_ins_and_failures_are_logged_without_the_password(officer, security_log):
    client = Client()
    post_sign_in(client, officer.username, "wrong-password-123")
    post_sign_in(client, officer.username, TEST_PASSWORD)

    lines = security_log()
    assert f"sign-in failed username='{officer.username}' ip={OFFICE}" in lines
    assert f"sign-in succeeded user={officer.username} ip={OFFICE}" in lines
    assert not any("wrong-password-123" in line or TEST_PASSWORD in line for line in lines)


def test_a_refusal_is_logged_with_the_user_and_the_page(officer, client_for, security_log):
    url = reverse("background-tasks")
    response = client_for(officer).get(url, REMOTE_ADDR=ELSEWHERE)
    assert response.status_code == 403
    assert f"access refused user={officer.username} ip={ELSEWHERE} GET {url}" in security_log()


def test_an_object_outside_the_users_scope_is_logged_with_the_user_and_the_address(
    officer, finance, client_for, security_log
):
    another_units_draft = ProposalFactory(business_unit=finance)
    url = another_units_draft.get_absolute_url()
    response = client_for(officer).get(url, REMOTE_ADDR=ELSEWHERE)
    assert response.status_code == 404
    assert f"not found user={officer.username} ip={ELSEWHERE} GET {url}" in security_log()


def test_an_anonymous_404_names_nobody_so_is_not_logged(db, security_log):
    assert Client().get("/no-such-page/", REMOTE_ADDR=ELSEWHERE).status_code == 404
    assert not any(line.startswith("not found") for line in security_log())


def test_a_post_without_a_csrf_token_is_refused_and_logged(officer, security_log):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    assert any(
        line.startswith(f"access refused user={officer.username}") and "POST" in line
        for line in security_log()
    )


def test_the_client_address_is_read_through_trusted_proxies_only(officer, settings, security_log):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client wrote the first address itself; the proxy appended the real one.
    post_sign_in(
        Client(),
        officer.username,
        TEST_PASSWORD,
        ip="127.0.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9",
    )
    assert f"sign-in succeeded user={officer.username} ip=203.0.113.9" in security_log()
