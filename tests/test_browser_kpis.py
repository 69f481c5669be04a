"""KPIs that stand up to scrutiny, in real Chromium: the Head of ICT defines a rate with
RAG thresholds and a comparator and records a value; a Governance Group member does
not see it while it awaits approval; a second Head of ICT (the first may not approve
their own while another can) approves it; the member then sees it with its RAG status
and comparator. axe checks every page."""

import re

import pytest
from playwright.sync_api import expect

from common.roles import Role
from governance.tests.factories import UserFactory

from .conftest import DEMO_PASSWORD, menu_link, sign_in

pytestmark = pytest.mark.browser

KPI_NAME = "Incidents resolved within the SLA"
COMMENTARY = "Two suppliers missed their targets in August."


def test_a_value_is_published_only_once_a_second_head_of_ict_approves_it(
    page, browser, live_server, demo, axe
):
    UserFactory(username="deputyhead", password=DEMO_PASSWORD, roles=[Role.HEAD_OF_ICT])
    sign_in(page, live_server, "headofict")
    menu_link(page, "KPIs").click()
    axe.check(page)
    page.get_by_role("link", name="Add a KPI").click()
    page.get_by_label("Name").fill(KPI_NAME)
    page.get_by_label("Unit").fill("%")
    page.get_by_label("Higher is better").check()
    page.get_by_label("A rate:").check()
    page.get_by_label("What the numerator counts").fill("incidents resolved within the SLA")
    page.get_by_label("What the denominator counts").fill("incidents resolved")
    page.get_by_label("Red boundary").fill("80")
    page.get_by_label("Green boundary").fill("90")
    axe.check(page)
    page.get_by_role("button", name="Save KPI").click()
    expect(page.get_by_role("heading", name=KPI_NAME)).to_be_visible()
    axe.check(page)

    page.get_by_role("link", name="Set a comparator").click()
    page.get_by_label("Financial year").select_option(label="2026/27")
    page.get_by_label("Organisation").fill("Oxfordshire County Council")
    page.get_by_label("Their figure").fill("87")
    page.get_by_label("Source").fill("County benchmarking club 2026")
    axe.check(page)
    page.get_by_role("button", name="Save comparator").click()
    expect(page.get_by_role("alert")).to_contain_text("Comparator saved")

    page.get_by_role("link", name="Record a value").click()
    page.get_by_label("Day").fill("30")
    page.get_by_label("Month").fill("9")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Numerator: incidents resolved within the SLA").fill("850")
    page.get_by_label("Denominator: incidents resolved").fill("1000")
    page.get_by_label("Commentary").fill(COMMENTARY)
    axe.check(page)
    page.get_by_role("button", name="Record the value").click()
    expect(page.get_by_role("alert")).to_contain_text("published once the Head of ICT approves it")
    expect(page.get_by_text("Awaiting approval")).to_be_visible()
    # Four eyes: another Head of ICT can approve it, so its recorder may not.
    expect(page.get_by_text("another Head of ICT approves it")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Approve"))).to_have_count(0)
    axe.check(page)
    kpi_url = page.url

    member = browser.new_context(locale="en-GB").new_page()
    sign_in(member, live_server, "member")
    member.goto(kpi_url)
    expect(member.get_by_role("heading", name=KPI_NAME)).to_be_visible()
    expect(member.get_by_text("No values yet.")).to_be_visible()
    expect(member.get_by_text(COMMENTARY)).to_have_count(0)
    axe.check(member)
    menu_link(member, "KPIs").click()
    row = member.get_by_role("row", name=re.compile(KPI_NAME))
    expect(row).to_contain_text("None yet")
    axe.check(member)

    deputy = browser.new_context(locale="en-GB").new_page()
    sign_in(deputy, live_server, "deputyhead")
    deputy.goto(kpi_url)
    expect(deputy.get_by_text(COMMENTARY)).to_be_visible()
    axe.check(deputy)
    deputy.get_by_role("button", name=re.compile("^Approve")).click()
    expect(deputy.get_by_role("alert")).to_contain_text("approved")
    axe.check(deputy)

    member.goto(kpi_url)
    values = member.get_by_role("region", name="Values")
    expect(values).to_contain_text("85%")
    expect(values).to_contain_text("Amber")  # between the red (80%) and green (90%) boundaries
    expect(values).to_contain_text("Oxfordshire County Council, 2026/27, 87%")
    expect(values).to_contain_text(COMMENTARY)
    axe.check(member)
    menu_link(member, "KPIs").click()
    row = member.get_by_role("row", name=re.compile(KPI_NAME))
    expect(row).to_contain_text("Amber")
    expect(row).to_contain_text("Oxfordshire County Council")
    axe.check(member)
