"""Sign-in throttling (common.throttle): per username from an address, per address, per
username from everywhere and per password across usernames, each refusing even the
right password until its window has passed, with a 429 page that says why and when."""

import datetime

import pytest
from django.contrib.auth import authenticate
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from common.models import SignInFailure
from common.security import ProxyHeaderCheckMiddleware
from common.testing import post_sign_in
from governance.tests.factories import TEST_PASSWORD, UserFactory

OFFICE = "10.1.1.1"
ELSEWHERE = "10.2.2.2"
PROXY = "10.0.0.5"
WRONG = "wrong-password-123"


def _signed_in(client):
    return "_auth_user_id" in client.session


def _fail(times, username, *, password=WRONG, ip=OFFICE, **extra):
    for _ in range(times):
        response = post_sign_in(Client(), username, password, ip=ip, **extra)
    return response


def _age_failures(minutes):
    SignInFailure.objects.update(at=timezone.now() - datetime.timedelta(minutes=minutes))


# One username from one address: five failures, then fifteen minutes' pause.


def test_five_failures_pause_sign_in_for_that_user_from_that_address(officer):
    client = Client()
    for _ in range(4):
        response = post_sign_in(client, officer.username, WRONG)
        assert response.status_code == 200
        assert "Enter a correct username and password" in response.text

    fifth = post_sign_in(client, officer.username, WRONG)
    assert fifth.status_code == 429
    assert "Sign-in paused for 15 minutes" in fifth.text
    assert f"unsuccessful attempts to sign in as <strong>{officer.username}</strong>" in fifth.text
    assert "You can try again in 15 minutes" in fifth.text

    # Even the right password is refused while the pause lasts.
    right = post_sign_in(client, officer.username, TEST_PASSWORD)
    assert right.status_code == 429
    assert not _signed_in(client)


def test_a_pause_does_not_lock_the_user_out_from_elsewhere(officer):
    _fail(5, officer.username, ip=OFFICE)

    colleague = Client()
    response = post_sign_in(colleague, officer.username, TEST_PASSWORD, ip=ELSEWHERE)
    assert response.status_code == 302
    assert _signed_in(colleague)


def test_the_pause_ends_after_fifteen_minutes(officer):
    _fail(5, officer.username)
    assert post_sign_in(Client(), officer.username, TEST_PASSWORD).status_code == 429

    _age_failures(16)
    client = Client()
    response = post_sign_in(client, officer.username, TEST_PASSWORD)
    assert response.status_code == 302
    assert _signed_in(client)


def test_attempts_refused_during_a_pause_do_not_prolong_it(officer):
    _fail(5, officer.username)
    _age_failures(14)
    _fail(10, officer.username)  # all refused, none counted
    _age_failures(16)
    assert post_sign_in(Client(), officer.username, TEST_PASSWORD).status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(officer):
    client = Client()
    _fail(4, officer.username)
    assert post_sign_in(client, officer.username, TEST_PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        assert post_sign_in(client, officer.username, WRONG).status_code == 200


def test_an_overlong_username_is_refused_at_the_field_not_recorded(db):
    response = post_sign_in(Client(), "x" * 300, WRONG)
    assert response.status_code == 200
    assert response.context["form"].errors["login"] == [
        "Your username must be 150 characters or fewer"
    ]
    assert not SignInFailure.objects.exists()


def test_usernames_are_counted_whatever_their_case(officer):
    for username in ["OLIVIA", "Olivia", "olivia", "oLiViA", "olivIA"]:
        response = post_sign_in(Client(), username, WRONG)
    assert response.status_code == 429


# One address, whatever the usernames.


def test_twenty_failures_from_one_address_pause_every_sign_in_from_it(officer):
    # A different password each time, so it is not taken for spraying.
    for n in range(19):
        assert post_sign_in(Client(), f"guess{n}", f"{WRONG}-{n}").status_code == 200
    twentieth = post_sign_in(Client(), "guess19", f"{WRONG}-19")
    assert twentieth.status_code == 429
    assert "from this device or network" in twentieth.text

    client = Client()
    assert post_sign_in(client, officer.username, TEST_PASSWORD).status_code == 429
    assert not _signed_in(client)
    # Another address is not affected.
    assert post_sign_in(Client(), officer.username, TEST_PASSWORD, ip=ELSEWHERE).status_code == 302


# One username, from every address together.


def test_many_addresses_guessing_one_username_pause_it_everywhere(officer):
    for n in range(29):
        ip = f"10.9.{n // 4}.{n % 4}"  # four each: under the per-address limits
        assert post_sign_in(Client(), officer.username, WRONG, ip=ip).status_code == 200
    assert post_sign_in(Client(), officer.username, WRONG, ip="10.9.9.9").status_code == 429

    client = Client()
    response = post_sign_in(client, officer.username, TEST_PASSWORD, ip=ELSEWHERE)
    assert response.status_code == 429
    assert "paused from everywhere" in response.text
    assert not _signed_in(client)


# One password across usernames: spraying.


def test_one_password_tried_on_ten_usernames_is_refused_for_every_account(db):
    victim = UserFactory(username="victim")
    victim.set_password("Winter2026!abc")
    victim.save()
    for n in range(9):
        # From a different address each time, as a spraying botnet would.
        response = post_sign_in(Client(), f"user{n}", "Winter2026!abc", ip=f"10.8.0.{n}")
        assert response.status_code == 200
    tenth = post_sign_in(Client(), "user9", "Winter2026!abc", ip="10.8.0.9")
    assert tenth.status_code == 429
    assert "has been tried, unsuccessfully, on 10 accounts" in tenth.text

    # The person whose password it is cannot sign in with it until the hour is over...
    client = Client()
    assert post_sign_in(client, "victim", "Winter2026!abc", ip=ELSEWHERE).status_code == 429
    assert not _signed_in(client)
    # ...while other passwords are not affected.
    assert post_sign_in(Client(), "user0", "another-password-1", ip=ELSEWHERE).status_code == 200

    _age_failures(61)
    assert post_sign_in(client, "victim", "Winter2026!abc", ip=ELSEWHERE).status_code == 302


def test_one_username_retrying_one_password_is_not_spraying(officer):
    for n in range(12):  # the same username from many addresses: one account, not ten
        post_sign_in(Client(), officer.username, WRONG, ip=f"10.7.0.{n}")
    assert post_sign_in(Client(), "someone-else", WRONG, ip=ELSEWHERE).status_code == 200


def test_the_password_is_never_stored(officer):
    _fail(1, officer.username)
    failure = SignInFailure.objects.get()
    assert WRONG not in str(vars(failure))
    assert len(failure.password_digest) == 64


# Whichever view calls authenticate().


def test_authenticate_refuses_the_right_password_while_paused(officer):
    _fail(5, officer.username)
    request = RequestFactory().post("/", REMOTE_ADDR=OFFICE)
    assert authenticate(request, username=officer.username, password=TEST_PASSWORD) is None


# The security log.


def test_a_pause_and_each_refused_attempt_are_logged(officer, security_log):
    _fail(5, officer.username)
    post_sign_in(Client(), officer.username, TEST_PASSWORD)
    lines = security_log()
    assert any(
        line.startswith(
            f"sign-in throttled rule=username_at_address username='{officer.username}' "
            f"ip={OFFICE} until="
        )
        for line in lines
    )
    assert any(
        line.startswith(
            f"sign-in refused while throttled rule=username_at_address "
            f"username='{officer.username}' ip={OFFICE}"
        )
        for line in lines
    )


# Behind proxies: the address is read through DJANGO_TRUSTED_PROXY_COUNT.


def test_two_clients_behind_one_proxy_are_counted_apart(officer, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(20):
        post_sign_in(
            Client(), f"guess{n}", f"{WRONG}-{n}", ip=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.1"
        )
    paused = post_sign_in(
        Client(), officer.username, TEST_PASSWORD, ip=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.1"
    )
    assert paused.status_code == 429

    other = post_sign_in(
        Client(), officer.username, TEST_PASSWORD, ip=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.2"
    )
    assert other.status_code == 302


def test_a_forged_leftmost_address_does_not_dodge_the_count(officer, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(5):
        # The client writes a new address each time; the proxy appends the real one.
        forwarded = f"198.51.100.{n}, 203.0.113.1"
        post_sign_in(Client(), officer.username, WRONG, ip=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    response = post_sign_in(
        Client(),
        officer.username,
        TEST_PASSWORD,
        ip=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.99, 203.0.113.1",
    )
    assert response.status_code == 429


@pytest.fixture
def fresh_process(monkeypatch):
    """As if the process had just started: no proxy warning given yet."""
    monkeypatch.setattr(ProxyHeaderCheckMiddleware, "warned", set())


def test_forwarded_addresses_with_no_trusted_proxy_are_warned_of_once(
    db, settings, fresh_process, security_log
):
    settings.TRUSTED_PROXY_COUNT = 0
    for _ in range(3):
        Client().get(reverse("login"), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.1")
    warnings = [line for line in security_log() if line.startswith("proxy misconfigured")]
    assert warnings == [
        "proxy misconfigured: X-Forwarded-For received but DJANGO_TRUSTED_PROXY_COUNT is 0; "
        f"client addresses (sign-in throttling, this log) are read as the proxy's ip={PROXY}"
    ]


def test_fewer_forwarded_addresses_than_trusted_proxies_are_warned_of_once(
    db, settings, fresh_process, security_log
):
    settings.TRUSTED_PROXY_COUNT = 2
    for _ in range(3):
        Client().get(reverse("login"), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.1")
    warnings = [line for line in security_log() if line.startswith("proxy misconfigured")]
    assert len(warnings) == 1
    assert "X-Forwarded-For has 1 entries, fewer than DJANGO_TRUSTED_PROXY_COUNT=2" in warnings[0]


def test_forwarded_addresses_matching_the_proxy_count_are_not_warned_of(
    db, settings, fresh_process, security_log
):
    settings.TRUSTED_PROXY_COUNT = 1
    Client().get(reverse("login"), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.1")
    Client().get(reverse("login"), REMOTE_ADDR=OFFICE)
    assert not any(line.startswith("proxy misconfigured") for line in security_log())
