"""Journey 4 in real Chromium: the Head of ICT raises a risk outside appetite, sees it
on the heat map and the next meeting's agenda, adds an action; the owner's review
brings it within appetite. axe checks every page."""

import re

import pytest
from playwright.sync_api import expect

from risks.models import Risk

from .conftest import menu_link, sign_in

pytestmark = pytest.mark.browser


def test_head_of_ict_raises_a_risk_and_its_owner_brings_it_within_appetite(
    page, browser, live_server, demo, axe
):
    sign_in(page, live_server, "headofict")
    menu_link(page, "Risks").click()
    axe.check(page)
    page.get_by_role("link", name="Raise a risk").click()
    axe.check(page)
    page.get_by_label("Title").fill("Council tax portal exposes residents' data")
    page.get_by_label("Cause").fill("The new portal is built quickly by a new supplier.")
    page.get_by_label("Event").fill("Residents' personal data is disclosed.")
    page.get_by_label("Consequence").fill("ICO action and loss of residents' trust.")
    page.get_by_label("Category").select_option(label="Information security")
    page.get_by_label("Owner", exact=True).select_option(label="Tom Hughes")
    page.get_by_label("Theme 2:").check()
    page.get_by_label("Projects it threatens").select_option(index=0)
    page.get_by_label("Inherent likelihood (before controls)").select_option("4")
    page.get_by_label("Inherent impact (before controls)").select_option("5")
    page.get_by_label("Residual likelihood (with controls)").select_option("3")
    page.get_by_label("Residual impact (with controls)").select_option("4")
    page.get_by_label("Target likelihood").select_option("1")
    page.get_by_label("Target impact").select_option("4")
    page.get_by_label("Response").select_option("treat")
    page.get_by_role("button", name="Save risk").click()
    expect(page.get_by_role("alert")).to_contain_text("Risk raised")
    expect(page.get_by_text("Outside appetite").first).to_be_visible()
    axe.check(page)
    risk = Risk.objects.get(title__startswith="Council tax portal")
    assert risk.projects.count() == 1 and risk.themes.get().number == 2

    # On the heat map, in its cell, and on the next meeting's agenda.
    menu_link(page, "Risks").click()
    page.get_by_role("link", name="Heat map").first.click()
    cell = page.get_by_role("link", name=re.compile(r"risks? at likelihood 3, impact 4")).first
    expect(cell).to_be_visible()
    axe.check(page)
    cell.click()
    expect(page.get_by_role("link", name=re.compile("Council tax portal"))).to_be_visible()
    menu_link(page, "Meetings").click()
    page.get_by_role("link", name=re.compile("^ICT Governance Group, ")).first.click()
    agenda = page.get_by_role("heading", name="Risks outside appetite")
    expect(agenda).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Council tax portal"))).to_be_visible()
    axe.check(page)

    # An action for the owner.
    page.goto(f"{live_server.url}{risk.get_absolute_url()}")
    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("Mitigating action").fill("Commission a penetration test before go-live.")
    page.get_by_label("Owner").select_option(label="Tom Hughes")
    page.fill("#id_due_date_0", "31")
    page.fill("#id_due_date_1", "1")
    page.fill("#id_due_date_2", "2027")
    axe.check(page)
    page.get_by_role("button", name="Save action").click()
    expect(page.get_by_text("Commission a penetration test before go-live.")).to_be_visible()

    # The owner records a review that brings it within appetite.
    owner = browser.new_context(locale="en-GB").new_page()
    sign_in(owner, live_server, "member")
    expect(
        owner.get_by_role("heading", name="Risks outside appetite and overdue reviews")
    ).to_be_visible()
    owner.goto(f"{live_server.url}{risk.get_absolute_url()}")
    owner.get_by_role("link", name="Record a review").click()
    owner.get_by_label("Residual likelihood now").select_option("2")
    owner.get_by_label("Residual impact now").select_option("3")
    owner.get_by_label("What the review found").fill("Penetration test passed; data encrypted.")
    axe.check(owner)
    owner.get_by_role("button", name="Record the review").click()
    expect(owner.get_by_role("alert")).to_contain_text("Review recorded")
    expect(owner.get_by_text("Within appetite").first).to_be_visible()
    axe.check(owner)
    risk.refresh_from_db()
    assert risk.residual_score == 6
    owner.context.close()

    menu_link(page, "Risks").click()
    page.get_by_role("link", name="Matrix and appetite").first.click()
    axe.check(page)
