"""Controls and assurance in real Chromium: the Head of ICT opens a risk, sees its
gross, current and target ratings side by side, adds a first-line control (and sees
the "no third-line assurance" flag in words), then a third-line control rated not
effective (and sees the flag go). Opening a control's page and saving it unchanged
changes nothing. axe checks every page."""

import re

import pytest
from playwright.sync_api import expect

from risks.models import Risk, RiskControl

from .conftest import menu_link, sign_in

pytestmark = pytest.mark.browser

TITLE = "Skills gaps in the new City ICT service"
NO_THIRD_LINE = "No third-line assurance"


def _fill_date(page, prefix, day, month, year):
    page.fill(f"#id_{prefix}_0", day)
    page.fill(f"#id_{prefix}_1", month)
    page.fill(f"#id_{prefix}_2", year)


def test_head_of_ict_records_controls_and_sees_ratings_and_assurance_in_words(
    page, live_server, demo, axe
):
    risk = Risk.objects.get(title=TITLE)
    sign_in(page, live_server, "headofict")
    menu_link(page, "Risks").click()
    page.get_by_role("link", name=re.compile(TITLE)).click()
    axe.check(page)

    # Gross, current and target side by side: score, level in words, likelihood x impact.
    ratings = page.get_by_role("table", name=re.compile("Gross, current and target"))
    for heading in ("Gross (inherent)", "Current (residual)", "Target"):
        expect(
            ratings.get_by_role("columnheader", name=re.compile(re.escape(heading)))
        ).to_be_visible()
    scores = ratings.get_by_role("row", name=re.compile("^Score"))
    expect(scores).to_contain_text(f"{risk.inherent_score}")
    expect(ratings.get_by_role("row", name=re.compile("^Level"))).to_contain_text("High")
    expect(ratings.get_by_role("row", name=re.compile("^Likelihood"))).to_contain_text(
        "4 Likely × 3 Moderate"  # noqa: RUF001 - the page's multiplication sign
    )
    expect(page.get_by_text("Training programme; partnership").first).to_be_visible()
    expect(page.get_by_text("No controls recorded one by one yet.")).to_be_visible()

    # A first-line control, effective.
    page.get_by_role("link", name="Add a control").click()
    axe.check(page)
    page.get_by_label("Control", exact=True).fill("Skills matrix reviewed with each team lead")
    page.get_by_label("Owner").select_option(label="David Okafor")
    page.get_by_label("First line").check()
    page.get_by_label("Effective", exact=True).check()
    _fill_date(page, "assessed_on", "2", "11", "2026")
    page.get_by_label("Assurance evidence (optional)").fill("Quarterly skills matrix")
    page.get_by_role("button", name="Save control").click()
    expect(page.get_by_role("alert")).to_contain_text("Control added")
    expect(page.get_by_text("Skills matrix reviewed with each team lead")).to_be_visible()
    expect(
        page.get_by_text(re.compile(f"{NO_THIRD_LINE}. No control has third-line"))
    ).to_be_visible()
    axe.check(page)

    # A third-line control, rated not effective: a date left out is asked for at the field.
    page.get_by_role("link", name="Add a control").click()
    page.get_by_label("Control", exact=True).fill("Internal audit of the ICT training plan")
    page.get_by_label("Owner").select_option(label="Margaret Ellis")
    page.get_by_label("Third line").check()
    page.get_by_label("Not effective").check()
    page.get_by_role("button", name="Save control").click()
    expect(
        page.get_by_role("link", name="Enter the date the control was last assessed")
    ).to_be_visible()
    axe.check(page)
    _fill_date(page, "assessed_on", "15", "10", "2026")
    page.get_by_label("Assurance evidence (optional)").fill("Internal audit report IA-26-07")
    page.get_by_role("button", name="Save control").click()
    expect(page.get_by_role("alert")).to_contain_text("Control added")
    controls = page.get_by_role("table", name=re.compile("^Controls"))
    expect(
        controls.get_by_role("row", name=re.compile("Internal audit of the ICT"))
    ).to_contain_text("Not effective")
    expect(page.get_by_text(re.compile(f"^{NO_THIRD_LINE}\\."))).to_have_count(0)
    expect(page.get_by_text("1 effective, 0 partly effective, 1 not effective")).to_be_visible()
    axe.check(page)
    assert RiskControl.objects.filter(risk=risk).count() == 2

    # The second visit: open a control's page, change nothing, save: nothing changes.
    stored = list(RiskControl.objects.filter(risk=risk).values())
    records = RiskControl.history.count()
    page.get_by_role("link", name="Change control 2").click()
    axe.check(page)
    expect(page.get_by_label("Control", exact=True)).to_have_value(
        "Internal audit of the ICT training plan"
    )
    page.get_by_role("button", name="Save control").click()
    expect(page.get_by_role("alert")).to_contain_text("Control saved")
    assert list(RiskControl.objects.filter(risk=risk).values()) == stored
    assert RiskControl.history.count() == records

    # The register shows the flags and filters on them.
    menu_link(page, "Risks").click()
    page.get_by_label("Assurance").select_option(label=NO_THIRD_LINE)
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name=re.compile("Savings from ICT projects"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(TITLE))).to_have_count(0)
    axe.check(page)

    # Removing a control asks first; the history keeps it.
    page.goto(f"{live_server.url}{risk.get_absolute_url()}")
    page.get_by_role("link", name="Remove control 1").click()
    axe.check(page)
    page.get_by_role("button", name="Remove the control").click()
    expect(page.get_by_role("alert")).to_contain_text("Control removed")
    page.get_by_role("link", name="Full history of changes").click()
    expect(
        page.get_by_text(re.compile("Control: .*: removed by David Okafor")).first
    ).to_be_visible()
    axe.check(page)
