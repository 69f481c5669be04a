"""Personal access tokens (common.tokens): keys shown once and kept only as a hash,
which stop working the moment they are revoked or their holder's account is closed."""

import datetime
import hashlib
import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from common.choices import AccessTokenKind
from common.models import AccessToken
from common.tokens import KEY_MARKER, token_authenticate, token_create, token_revoke

API, CALENDAR = AccessTokenKind.API, AccessTokenKind.CALENDAR


def _columns(token) -> list[str]:
    return [str(getattr(token, f.attname)) for f in AccessToken._meta.concrete_fields]


def test_the_key_is_returned_once_and_only_its_hash_is_kept(member):
    token, key = token_create(user=member, name="Power BI", kind=API)

    assert key.startswith(KEY_MARKER)
    assert len(key) >= len(KEY_MARKER) + 43  # 256 random bits, URL-safe
    stored = AccessToken.objects.get(pk=token.pk)
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in _columns(stored)
    assert key.startswith(stored.prefix) and len(stored.prefix) < len(key) // 3
    assert not stored.can_write


def test_two_tokens_never_share_a_key(member):
    keys = {token_create(user=member, name=f"Bot {n}", kind=API)[1] for n in range(5)}
    assert len(keys) == 5


def test_a_key_authenticates_its_token_and_notes_when_it_was_used(member):
    token, key = token_create(user=member, name="Power BI", kind=API, can_write=True)
    assert token.last_used_at is None

    found = token_authenticate(key, kind=API)

    assert found == token
    assert found.user == member and found.can_write
    assert AccessToken.objects.get(pk=token.pk).last_used_at is not None


def test_last_used_is_written_at_most_once_a_minute(member):
    token, key = token_create(user=member, name="Power BI", kind=API)
    token_authenticate(key, kind=API)
    first = AccessToken.objects.get(pk=token.pk).last_used_at

    with CaptureQueriesContext(connection) as queries:
        token_authenticate(key, kind=API)
    assert len(queries) == 1  # the lookup, no write
    assert AccessToken.objects.get(pk=token.pk).last_used_at == first

    AccessToken.objects.filter(pk=token.pk).update(
        last_used_at=timezone.now() - datetime.timedelta(minutes=2)
    )
    token_authenticate(key, kind=API)
    assert AccessToken.objects.get(pk=token.pk).last_used_at > first


def test_a_revoked_token_is_refused_at_once(member):
    token, key = token_create(user=member, name="Power BI", kind=API)
    assert token_authenticate(key, kind=API) is not None

    token_revoke(user=member, token=token)

    assert token_authenticate(key, kind=API) is None
    assert AccessToken.objects.get(pk=token.pk).revoked_at is not None


def test_a_deactivated_accounts_tokens_are_refused(member):
    _, key = token_create(user=member, name="Teams bot", kind=API)
    member.is_active = False
    member.save()

    assert token_authenticate(key, kind=API) is None


def test_a_key_is_refused_for_another_kind(member):
    _, api_key = token_create(user=member, name="Power BI", kind=API)
    _, feed_key = token_create(user=member, name="Calendar feed", kind=CALENDAR)

    assert token_authenticate(api_key, kind=CALENDAR) is None
    assert token_authenticate(feed_key, kind=API) is None
    assert token_authenticate(feed_key, kind=CALENDAR) is not None


@pytest.mark.parametrize(
    "key", ["", "ictp_", "not-a-key", "ictp_" + "A" * 43, "ictp_" + "é" * 10, "ictp_" + "A" * 5000]
)
def test_anything_that_is_not_a_live_key_is_refused(member, key):
    token_create(user=member, name="Power BI", kind=API)
    assert token_authenticate(key, kind=API) is None


def test_a_person_holds_one_calendar_feed_at_a_time(member):
    _, first_key = token_create(user=member, name="Calendar feed", kind=CALENDAR)
    second, second_key = token_create(user=member, name="Calendar feed", kind=CALENDAR)

    assert token_authenticate(first_key, kind=CALENDAR) is None
    assert token_authenticate(second_key, kind=CALENDAR) == second
    live = AccessToken.objects.filter(user=member, kind=CALENDAR, revoked_at__isnull=True)
    assert list(live) == [second]


def test_a_new_calendar_feed_leaves_api_tokens_and_other_peoples_feeds_alone(member, chair):
    _, api_key = token_create(user=member, name="Power BI", kind=API)
    _, chairs_key = token_create(user=chair, name="Calendar feed", kind=CALENDAR)

    token_create(user=member, name="Calendar feed", kind=CALENDAR)
    token_create(user=member, name="Calendar feed", kind=CALENDAR)

    assert token_authenticate(api_key, kind=API) is not None
    assert token_authenticate(chairs_key, kind=CALENDAR) is not None


def test_a_calendar_feed_cannot_make_changes(member):
    with pytest.raises(ValidationError):
        token_create(user=member, name="Calendar feed", kind=CALENDAR, can_write=True)
    assert not AccessToken.objects.exists()


def test_a_token_needs_a_name(member):
    with pytest.raises(ValidationError):
        token_create(user=member, name="   ", kind=API)
    assert not AccessToken.objects.exists()


def test_someone_without_a_role_gets_no_token(no_role_user):
    with pytest.raises(PermissionDenied):
        token_create(user=no_role_user, name="Power BI", kind=API)
    assert not AccessToken.objects.exists()


def test_only_the_holder_or_an_administrator_revokes_a_token(member, chair, administrator):
    token, key = token_create(user=member, name="Power BI", kind=API)

    with pytest.raises(PermissionDenied):
        token_revoke(user=chair, token=token)
    assert token_authenticate(key, kind=API) is not None

    token_revoke(user=administrator, token=token)
    assert token_authenticate(key, kind=API) is None


def test_making_and_revoking_tokens_is_in_the_security_log_without_the_key(
    member, administrator, security_log, caplog
):
    caplog.set_level(logging.DEBUG)
    token, key = token_create(user=member, name="Power BI", kind=API)
    _, feed_key = token_create(user=member, name="Calendar feed", kind=CALENDAR)
    token_create(user=member, name="Calendar feed", kind=CALENDAR)
    token_revoke(user=administrator, token=token)

    lines = security_log()
    assert any(
        f"access token created kind=api name='Power BI' prefix={token.prefix} "
        f"user={member.username} by={member.username}" in line
        for line in lines
    )
    assert any(line.startswith("access token revoked (replaced) kind=calendar") for line in lines)
    assert any(
        line.startswith("access token revoked kind=api")
        and f"user={member.username} by={administrator.username}" in line
        for line in lines
    )
    everything_logged = "\n".join(record.getMessage() for record in caplog.records)
    assert key not in everything_logged and feed_key not in everything_logged


# The account page.


def test_the_account_page_shows_a_new_key_once_then_lists_the_token_without_it(member, client_for):
    client = client_for(member)
    response = client.post(reverse("access-token-create"), {"name": "Power BI", "can_write": "on"})
    assert response.status_code == 302
    token = AccessToken.objects.get(user=member)
    assert token.can_write

    first = client.get(response["Location"])
    keys = [word for word in first.text.split('"') if word.startswith(KEY_MARKER)]
    assert len(keys) == 1
    key = keys[0]
    assert hashlib.sha256(key.encode()).hexdigest() == token.key_hash
    assert key not in response["Location"]
    assert "This is the only time the key is shown" in first.text

    again = client.get(reverse("account"))
    assert key not in again.text
    assert "This is the only time the key is shown" not in again.text
    assert "Power BI" in again.text and f"{token.prefix}…" in again.text
    assert "Can make changes" in again.text and "Never" in again.text


def test_the_account_page_lists_only_the_persons_live_tokens(member, chair, client_for):
    mine, _ = token_create(user=member, name="Power BI", kind=API)
    gone, _ = token_create(user=member, name="Old bot", kind=API)
    token_revoke(user=member, token=gone)
    theirs, _ = token_create(user=chair, name="Chair's bot", kind=API)

    page = client_for(member).get(reverse("account")).text

    assert mine.prefix in page and "Read only" in page
    assert gone.prefix not in page and theirs.prefix not in page
    assert reverse("access-token-revoke", args=[mine.pk]) in page


def test_a_token_without_a_name_is_refused_at_the_field(member, client_for):
    response = client_for(member).post(reverse("access-token-create"), {"name": ""})
    assert response.status_code == 200
    assert "Enter a name for the token" in response.text
    assert not AccessToken.objects.exists()


def test_revoking_from_the_account_page(member, client_for):
    token, key = token_create(user=member, name="Power BI", kind=API)
    response = client_for(member).post(reverse("access-token-revoke", args=[token.pk]), follow=True)
    assert "The API token Power BI" in response.text and "has been revoked" in response.text
    assert token_authenticate(key, kind=API) is None


def test_another_persons_token_is_not_found_and_stays(member, chair, client_for):
    token, key = token_create(user=member, name="Power BI", kind=API)
    response = client_for(chair).post(reverse("access-token-revoke", args=[token.pk]))
    assert response.status_code == 404
    assert token_authenticate(key, kind=API) is not None


def test_the_calendar_feed_address_is_shown_once(member, client_for, settings):
    settings.PORTAL_BASE_URL = "https://ict.example.gov.uk"
    client = client_for(member)
    response = client.post(reverse("calendar-feed-create"))
    assert response.status_code == 302

    first = client.get(response["Location"]).text
    start = first.index("https://ict.example.gov.uk/calendar/")
    url = first[start : first.index('"', start)]
    key = url.removeprefix("https://ict.example.gov.uk/calendar/").removesuffix(".ics")
    assert token_authenticate(key, kind=CALENDAR).user == member
    assert "Subscribe from web" in first and "From URL" in first

    again = client.get(reverse("account")).text
    assert key not in again
    assert "You have a calendar feed" in again
    assert "Revoke the calendar feed" in again


def test_someone_without_a_role_sees_no_token_sections(no_role_user, client_for):
    page = client_for(no_role_user).get(reverse("account")).text
    assert "API tokens" not in page and "Calendar feed" not in page
