"""A member in real Chromium makes an API token and a calendar feed on their account
page, sees each key once, subscribes to the feed's address, then revokes both. axe
checks every page."""

import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from common.models import AccessToken
from common.tokens import KEY_MARKER

from .conftest import sign_in

pytestmark = pytest.mark.browser
# Screenshots to look at after a run (/tmp/shots here).
SHOTS = Path(tempfile.gettempdir()) / "shots"


def test_a_member_makes_and_revokes_an_api_token_and_a_calendar_feed(
    page, live_server, demo, axe, settings
):
    settings.PORTAL_BASE_URL = live_server.url
    SHOTS.mkdir(exist_ok=True)
    sign_in(page, live_server, "member")
    page.get_by_role("link", name="Your account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.get_by_text("You have no API tokens.")).to_be_visible()
    axe.check(page)

    page.get_by_label("Name").fill("Power BI")
    page.get_by_label("Allow this token to make changes").check()
    page.get_by_role("button", name="Create API token").click()
    expect(page.get_by_role("alert")).to_contain_text("Your API token has been created")
    key = page.get_by_label("Key", exact=True).input_value()
    assert key.startswith(KEY_MARKER)
    expect(page.get_by_text("This is the only time the key is shown")).to_be_visible()
    token = AccessToken.objects.get(user__username="member", name="Power BI")
    row = page.get_by_role("row").filter(has_text="Power BI")
    expect(row).to_contain_text(f"{token.prefix}…")
    expect(row).to_contain_text("Can make changes")
    expect(row).to_contain_text("Never")
    axe.check(page)
    page.screenshot(path=SHOTS / "account-api-token-created.png", full_page=True)

    page.get_by_role("button", name="Create a calendar feed").click()
    expect(page.get_by_role("alert")).to_contain_text("Your calendar feed has been created")
    # The API key was shown once: it is gone now.
    expect(page.get_by_label("Key", exact=True)).to_have_count(0)
    assert key not in page.content()
    feed_url = page.get_by_label("Your calendar feed's address").input_value()
    assert feed_url.startswith(f"{live_server.url}/calendar/{KEY_MARKER}")
    expect(page.get_by_text("Subscribe from web")).to_be_visible()
    axe.check(page)
    page.screenshot(path=SHOTS / "account-calendar-feed-created.png", full_page=True)

    feed = page.request.get(feed_url)
    assert feed.status == 200
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    assert "BEGIN:VCALENDAR" in feed.text()

    page.get_by_role("button", name="Revoke Power BI").click()
    expect(page.get_by_role("alert")).to_contain_text("The API token Power BI")
    expect(page.get_by_text("You have no API tokens.")).to_be_visible()
    axe.check(page)

    page.get_by_role("button", name="Revoke the calendar feed").click()
    expect(page.get_by_role("alert")).to_contain_text("has been revoked")
    expect(page.get_by_text("You have no calendar feed.")).to_be_visible()
    axe.check(page)
    page.screenshot(path=SHOTS / "account-tokens-revoked.png", full_page=True)
    assert page.request.get(feed_url).status == 404
    assert not AccessToken.objects.filter(user__username="member", revoked_at__isnull=True)
