"""Sessions (common.sessions): ten hours after signing in at most, however busy;
and signing out everywhere. (The production cookies' names: test_settings.py.)"""

from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from common.sessions import SIGNED_IN_AT
from common.testing import post_sign_in
from governance.tests.factories import TEST_PASSWORD


def _signed_in(client):
    return SESSION_KEY in client.session


def _signed_in_client(user):
    client = Client()
    assert post_sign_in(client, user.username, TEST_PASSWORD).status_code == 302
    return client


def _signed_in_hours_ago(client, hours):
    session = client.session
    session[SIGNED_IN_AT] = timezone.now().timestamp() - hours * 60 * 60
    session.save()


# The absolute lifetime.


def test_a_busy_session_is_signed_out_ten_hours_after_sign_in(officer):
    client = _signed_in_client(officer)
    _signed_in_hours_ago(client, 9.9)
    assert client.get(reverse("home")).status_code == 200

    _signed_in_hours_ago(client, 10.1)
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[0][0] == f"{reverse('login')}?next={reverse('home')}"
    assert not _signed_in(client)
    assert (
        "You have been signed out because you signed in more than 10 hours ago" in response.text
    )


def test_the_absolute_lifetime_is_a_setting(officer, settings):
    settings.SESSION_ABSOLUTE_AGE = 60 * 60
    client = _signed_in_client(officer)
    _signed_in_hours_ago(client, 1.1)
    assert client.get(reverse("home")).status_code == 302
    assert not _signed_in(client)


def test_signing_in_again_starts_a_new_lifetime(officer):
    client = _signed_in_client(officer)
    _signed_in_hours_ago(client, 10.1)
    client.get(reverse("home"))
    client = _signed_in_client(officer)
    assert client.get(reverse("home")).status_code == 200


def test_a_session_from_before_the_lifetime_existed_gets_its_ten_hours_from_now(officer):
    client = _signed_in_client(officer)
    session = client.session
    del session[SIGNED_IN_AT]
    session.save()
    assert client.get(reverse("home")).status_code == 200
    assert SIGNED_IN_AT in client.session


# Signing out everywhere.


def test_the_account_page_offers_a_password_change_and_signing_out_everywhere(
    officer, client_for
):
    response = client_for(officer).get(reverse("account"))
    assert response.status_code == 200
    assert f'href="{reverse("password_change")}"' in response.text
    assert f'action="{reverse("sign-out-everywhere")}"' in response.text


def test_the_header_links_to_the_account_page(officer, client_for):
    response = client_for(officer).get(reverse("home"))
    assert f'href="{reverse("account")}">Your account</a>' in response.text


def test_signing_out_everywhere_ends_the_persons_sessions_on_every_device(
    officer, member, security_log
):
    laptop = _signed_in_client(officer)
    phone = _signed_in_client(officer)
    colleague = _signed_in_client(member)

    response = laptop.post(reverse("sign-out-everywhere"), REMOTE_ADDR="10.3.3.3", follow=True)
    assert "You have been signed out on every device" in response.text
    assert not _signed_in(laptop)

    assert phone.get(reverse("home")).status_code == 302
    assert not _signed_in(phone)
    assert colleague.get(reverse("home")).status_code == 200
    assert f"signed out everywhere user={officer.username} ip=10.3.3.3" in security_log()

    # Signing in again works, and the new session is not ended by the old sign-out.
    again = _signed_in_client(officer)
    assert again.get(reverse("home")).status_code == 200


def test_signing_out_everywhere_is_a_post(officer, client_for):
    assert client_for(officer).get(reverse("sign-out-everywhere")).status_code == 405
