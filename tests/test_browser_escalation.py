"""Registers that roll up, in real Chromium: the Head of ICT raises a project risk,
escalates it to the ICT register (as the project's manager may) and then to the
corporate register; each page shows the thread. The corporate entry's owner scores it
differently and both entries and the register list flag the mismatch, in words, until
the Head of ICT records why. axe checks every page."""

import re

import pytest
from playwright.sync_api import expect

from risks.choices import Register
from risks.models import Risk

from .conftest import menu_link, sign_in

pytestmark = pytest.mark.browser

MISMATCH = "Scores differ between registers"


def test_a_project_risk_rises_to_the_corporate_register_and_a_mismatch_is_flagged(
    page, browser, live_server, demo, axe
):
    sign_in(page, live_server, "headofict")
    menu_link(page, "Risks").click()
    page.get_by_role("link", name="Raise a risk").click()
    page.get_by_label("Title").fill("Housing system supplier fails mid-migration")
    page.get_by_label("Project register").check()
    page.get_by_label("Project whose register holds it").select_option(index=1)
    page.get_by_label("Cause").fill("The supplier is small and stretched.")
    page.get_by_label("Event").fill("The supplier cannot finish the data migration.")
    page.get_by_label("Consequence").fill("Housing services run on two systems for months.")
    page.get_by_label("Category").select_option(label="Supplier")
    page.get_by_label("Owner", exact=True).select_option(label="David Okafor")
    page.get_by_label("Inherent likelihood (before controls)").select_option("4")
    page.get_by_label("Inherent impact (before controls)").select_option("4")
    page.get_by_label("Residual likelihood (with controls)").select_option("2")
    page.get_by_label("Residual impact (with controls)").select_option("3")
    page.get_by_label("Target likelihood").select_option("1")
    page.get_by_label("Target impact").select_option("3")
    page.get_by_label("Response").select_option("treat")
    axe.check(page)
    page.get_by_role("button", name="Save risk").click()
    expect(page.get_by_role("alert")).to_contain_text("Risk raised")
    axe.check(page)
    source = Risk.objects.get(title__startswith="Housing system supplier")
    assert source.register == Register.PROJECT and source.project is not None

    # To the ICT register, with its own owner.
    page.get_by_role("link", name="Escalate to the ICT register").click()
    axe.check(page)
    page.get_by_label("Owner in the higher register").select_option(label="David Okafor")
    page.get_by_label("Why is it escalated?").fill("Two other projects rely on this supplier.")
    page.get_by_role("button", name="Escalate the risk").click()
    expect(page.get_by_role("alert")).to_contain_text("Risk escalated")
    ict = Risk.objects.get(escalated_from=source)
    expect(page.get_by_role("link", name=re.compile(f"^{source.reference} "))).to_be_visible()
    expect(page.get_by_text("Two other projects rely on this supplier.").first).to_be_visible()
    axe.check(page)

    # Then to the corporate register, by the Head of ICT, owned by Tom Hughes.
    page.get_by_role("link", name="Escalate to the corporate register").click()
    axe.check(page)
    page.get_by_label("Owner in the higher register").select_option(label="Tom Hughes")
    page.get_by_label("Why is it escalated?").fill("Housing services council-wide at risk.")
    page.get_by_role("button", name="Escalate the risk").click()
    expect(page.get_by_role("alert")).to_contain_text("Risk escalated")
    corporate = Risk.objects.get(escalated_from=ict)
    assert (corporate.register, corporate.owner.username) == (Register.CORPORATE, "member")
    expect(page.get_by_role("link", name=re.compile(f"^{ict.reference} "))).to_be_visible()
    axe.check(page)

    # The thread shows on each page, up and down.
    page.get_by_role("link", name=re.compile(f"^{ict.reference} ")).click()
    expect(page.get_by_text(f"Escalated to {corporate.reference}")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(f"^{source.reference} "))).to_be_visible()
    axe.check(page)
    page.get_by_role("link", name=re.compile(f"^{source.reference} ")).click()
    expect(page.get_by_text(f"Escalated to {ict.reference}")).to_be_visible()
    expect(page.get_by_text(MISMATCH)).to_have_count(0)
    axe.check(page)

    # The corporate owner scores it as the council sees it: higher.
    owner = browser.new_context(locale="en-GB").new_page()
    sign_in(owner, live_server, "member")
    owner.goto(f"{live_server.url}{corporate.get_absolute_url()}")
    owner.get_by_role("link", name="Record a review").click()
    owner.get_by_label("Residual likelihood now").select_option("3")
    owner.get_by_label("Residual impact now").select_option("4")
    owner.get_by_label("What the review found").fill("Council-wide, the impact is major.")
    owner.get_by_role("button", name="Record the review").click()
    expect(owner.get_by_role("alert")).to_contain_text("Review recorded")
    expect(owner.get_by_text(MISMATCH)).to_be_visible()
    axe.check(owner)
    owner.context.close()

    # Flagged on the ICT entry and in the register list, in words.
    page.goto(f"{live_server.url}{ict.get_absolute_url()}")
    expect(page.get_by_text(MISMATCH)).to_be_visible()
    axe.check(page)
    menu_link(page, "Risks").click()
    page.get_by_label("Register", exact=True).select_option(label="Corporate register")
    page.get_by_role("button", name="Filter").click()
    row = page.get_by_role("row", name=re.compile(corporate.reference))
    expect(row).to_contain_text(MISMATCH)
    expect(row).to_contain_text("Corporate register")
    expect(page.get_by_role("link", name=re.compile(f"^{ict.reference} "))).to_have_count(0)
    axe.check(page)

    # The heat map, for one register.
    page.get_by_role("link", name="Heat map").first.click()
    page.get_by_label("Register", exact=True).select_option(label="Corporate register")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("The corporate register only.")).to_be_visible()
    axe.check(page)

    # A reason for the difference lowers the flag on both entries.
    page.goto(f"{live_server.url}{corporate.get_absolute_url()}")
    page.get_by_role("link", name="Record why the registers score it differently").click()
    axe.check(page)
    page.get_by_label("Why do the registers score it differently?").fill(
        "The ICT register rates the impact on ICT; corporate, on housing services."
    )
    page.get_by_role("button", name="Record the reason").click()
    expect(page.get_by_role("alert")).to_contain_text("Reason recorded")
    expect(page.get_by_text(MISMATCH)).to_have_count(0)
    axe.check(page)
    page.goto(f"{live_server.url}{ict.get_absolute_url()}")
    expect(page.get_by_text(MISMATCH)).to_have_count(0)

    # History says who escalated what, when.
    page.goto(f"{live_server.url}{corporate.get_absolute_url()}")
    page.get_by_role("link", name="Full history of changes").click()
    expect(page.get_by_text("Housing services council-wide at risk.").first).to_be_visible()
    axe.check(page)
