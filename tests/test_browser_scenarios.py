"""Journey 7 in real Chromium: the Head of ICT tries a lower budget as a scenario,
compares it with the portfolio now, and shares it with the Governance Group; a member
then finds it. axe checks every page, and the spend chart is an image with a name and
its table beside it."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from governance.models import User
from projects import scenarios
from projects.models import Scenario

from .conftest import menu_link, sign_in

pytestmark = pytest.mark.browser
# Where screenshots are kept for a person to look at; not a secret, nothing read back.
SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots"))  # noqa: S108


def _check_chart(page, chart_id):
    chart = page.locator(f"svg[aria-labelledby^='{chart_id}-title']")
    expect(chart).to_have_count(1)
    expect(chart).to_have_attribute("role", "img")
    title = page.locator(f"#{chart_id}-title")
    assert title.text_content().strip()
    expect(page.get_by_role("table").filter(has_text="Financial year").first).to_be_attached()


def test_head_of_ict_compares_a_lower_budget_and_shares_it_with_the_group(
    page, browser, live_server, demo, axe
):
    sign_in(page, live_server, "headofict")
    menu_link(page, "Portfolio").click()
    _check_chart(page, "chart-portfolio-spend")
    axe.check(page)
    page.get_by_role("link", name="Scenarios: try other budgets, weights and choices").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scenarios")
    axe.check(page)

    page.get_by_role("link", name="Create a scenario").click()
    axe.check(page)
    page.get_by_label("Name of the scenario").fill("A leaner year")
    page.get_by_label("What it tries (optional)").fill("Every year's ICT budget at £1,000.")
    budgets = page.get_by_label(re.compile(r"ICT budget for \d{4}/\d{2}"))
    assert budgets.count() > 0
    for index in range(budgets.count()):
        budgets.nth(index).fill("1000")
    page.get_by_role("button", name="Save the scenario").click()
    expect(page.get_by_role("alert")).to_contain_text("Scenario saved")
    expect(page.get_by_role("heading", level=1)).to_have_text("A leaner year")

    scenario = Scenario.objects.get(name="A leaner year")
    head = User.objects.get(username="headofict")
    comparison = scenarios.compare(scenario, viewer=head)
    assert comparison.changes, "a budget of £1,000 a year should leave something out"
    changed = page.get_by_role("table").filter(has_text="Why, in the scenario")
    for change in comparison.changes:
        expect(changed.get_by_role("row").filter(has_text=change["label"])).to_contain_text(
            "In" if change["scenario"] else "Out"
        )
    _check_chart(page, "chart-scenario-spend")
    expect(page.get_by_role("cell", name="£1,000").first).to_be_visible()
    axe.check(page)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / "scenario-comparison.png", full_page=True)

    page.get_by_role("button", name="Share with the Governance Group").click()
    expect(page.get_by_role("alert")).to_contain_text("Shared with the Governance Group")
    expect(page.get_by_role("button", name="Stop sharing with the Group")).to_be_visible()
    axe.check(page)
    page.get_by_role("link", name="Edit the scenario").click()
    expect(page.get_by_label("Name of the scenario")).to_have_value("A leaner year")
    axe.check(page)

    member_context = browser.new_context(locale="en-GB")
    member_page = member_context.new_page()
    try:
        sign_in(member_page, live_server, "member")
        menu_link(member_page, "Portfolio").click()
        member_page.get_by_role(
            "link", name="Scenarios: try other budgets, weights and choices"
        ).click()
        member_page.get_by_role("link", name="A leaner year").click()
        expect(member_page.get_by_role("heading", level=1)).to_have_text("A leaner year")
        expect(member_page.get_by_role("link", name="Edit the scenario")).to_have_count(0)
        axe.check(member_page)
    finally:
        member_context.close()
