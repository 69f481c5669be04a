"""The Administrator in real Chromium: opens an officer's account with a unit and a
role, is told at the field that an officer needs a unit, changes the role, and reads
the change in the account's history; the new officer sets their own password from the
e-mailed link. axe checks every page."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from common.models import OutboundEmail
from governance.models import GroupMapping, User

from .conftest import menu_link, sign_in

pytestmark = pytest.mark.browser


def test_administrator_opens_an_officer_account_then_changes_its_role(
    page, browser, live_server, demo, axe
):
    sign_in(page, live_server, "admin")
    menu_link(page, "Accounts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accounts")
    axe.check(page)
    expect(page.get_by_role("link", name="Administration")).to_have_count(0)

    page.get_by_role("link", name="Open an account").click()
    axe.check(page)
    page.get_by_label("Username").fill("jwebb")
    page.get_by_label("First name").fill("Jo")
    page.get_by_label("Last name").fill("Webb")
    page.get_by_label("E-mail address").fill("jo.webb@example.org")
    page.get_by_label("Business unit officer").check()
    page.get_by_role("button", name="Open the account").click()

    # An officer without a business unit: said at the field, nothing saved.
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Choose the business unit this officer works for")
    axe.check(page)
    assert not User.objects.filter(username="jwebb").exists()
    summary.get_by_role("link").click()
    expect(page.get_by_label("Business unit", exact=True)).to_be_focused()
    page.get_by_label("Business unit", exact=True).select_option(label="Housing Services")
    page.get_by_role("button", name="Open the account").click()
    expect(page.get_by_role("alert")).to_contain_text("e-mailed jo.webb@example.org a link")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jo Webb")
    axe.check(page)

    page.get_by_role("link", name="Edit account").click()
    axe.check(page)
    page.get_by_label("Business unit officer").uncheck()
    page.get_by_label("Governance Group member").check()
    page.get_by_role("button", name="Save account").click()
    expect(page.get_by_role("alert")).to_contain_text("Account saved")

    page.get_by_role("link", name="History of this account, roles included").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("History")
    expect(
        page.get_by_text("Granted: Governance Group member; removed: Business unit officer")
    ).to_be_visible()
    expect(page.get_by_text(re.compile("^Changed by Sam Patel")).first).to_be_visible()
    axe.check(page)

    # Their own account: roles and active status cannot be changed, and say why.
    page.goto(f"{live_server.url}{reverse('governance:account-list')}?q=admin")
    page.get_by_role("link", name="Sam Patel").click()
    page.get_by_role("link", name="Edit account").click()
    expect(page.get_by_text("You cannot change your own roles")).to_be_visible()
    expect(page.get_by_label("Administrator")).to_be_disabled()
    expect(page.get_by_label("The account is active")).to_be_disabled()
    axe.check(page)

    menu_link(page, "Accounts").click()
    page.get_by_role("link", name="business units").first.click()
    axe.check(page)
    page.get_by_role("link", name="Housing Services").click()
    axe.check(page)

    # The new officer sets a password from the e-mailed link, and signs in with it.
    body = OutboundEmail.objects.get(recipient="jo.webb@example.org").body
    path = re.search(r"/account/set-password/\S+/", body).group(0)
    context = browser.new_context(locale="en-GB")
    tab = context.new_page()
    tab.goto(f"{live_server.url}{path}")
    expect(tab.get_by_role("heading", level=1)).to_have_text("Set your password")
    axe.check(tab)
    tab.get_by_label("New password", exact=True).fill("a long walk by the river")
    tab.get_by_label("New password confirmation").fill("a long walk by the river")
    tab.get_by_role("button", name="Set password").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Password set")
    axe.check(tab)
    sign_in(tab, live_server, "jwebb", password="a long walk by the river")
    expect(tab.get_by_role("heading", level=1)).to_contain_text("Welcome, Jo")
    context.close()


def test_administrator_maps_a_single_sign_on_group_then_changes_and_removes_it(
    page, live_server, demo, axe
):
    sign_in(page, live_server, "admin")
    menu_link(page, "Accounts").click()
    page.get_by_role("link", name="single sign-on groups").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Single sign-on groups")
    axe.check(page)

    page.get_by_role("link", name="Map a group").click()
    axe.check(page)
    page.get_by_label("Group claim value").fill("0b5a4f0e-6a51-4c6b-9d7e-3f1a2b3c4d5e")
    page.get_by_label("Label").fill("ICT leadership")
    page.get_by_label("Role it gives").select_option(label="Head of ICT")
    page.get_by_label("Business unit it gives").select_option(label="Housing Services")
    page.get_by_role("button", name="Save group mapping").click()

    # Both a role and a unit: said at the field, nothing saved.
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Choose a role or a business unit, not both")
    axe.check(page)
    assert not GroupMapping.objects.exists()
    page.get_by_label("Business unit it gives").select_option(label="No business unit")
    page.get_by_role("button", name="Save group mapping").click()
    expect(page.get_by_role("alert")).to_contain_text("Group mapping added")
    expect(page.get_by_text("single sign-on decides everyone's roles")).to_be_visible()
    axe.check(page)

    page.get_by_role("link", name="Change ICT leadership").click()
    axe.check(page)
    page.get_by_label("Role it gives").select_option(label="Governance Group chair")
    page.get_by_role("button", name="Save group mapping").click()
    expect(page.get_by_role("alert")).to_contain_text("Group mapping saved")

    page.get_by_role("link", name="History of ICT leadership").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("History")
    axe.check(page)
    page.go_back()

    page.get_by_role("link", name="Remove ICT leadership").click()
    axe.check(page)
    page.get_by_role("button", name="Remove the group mapping").click()
    expect(page.get_by_role("alert")).to_contain_text("removed")
    expect(page.get_by_role("heading", name="Removed lately")).to_be_visible()
    axe.check(page)
    assert not GroupMapping.objects.exists()
