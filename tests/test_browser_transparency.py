"""The transparency dataset in real Chromium: the Head of ICT adds a contract to a
project and publishes the dataset; an anonymous visitor then downloads the JSON and
finds the contract. axe checks every page."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import menu_link, sign_in

pytestmark = pytest.mark.browser

# Where screenshots are kept for a person to look at; not a secret, nothing read back.
SHOTS = os.environ.get("SHOTS_DIR", "/tmp/shots")  # noqa: S108


def test_head_of_ict_adds_a_contract_publishes_and_anyone_downloads_it(
    page, browser, live_server, demo, axe
):
    sign_in(page, live_server, "headofict")
    menu_link(page, "Projects").click()
    page.get_by_role("link", name=re.compile("Hosted e-mail and office suite")).first.click()
    expect(page.get_by_role("heading", name="Contracts")).to_be_visible()
    axe.check(page)
    page.get_by_role("link", name="Add a contract").click()
    axe.check(page)

    page.get_by_label("Contract reference").fill("ICT-BROWSER-1")
    page.get_by_label("Title of the contract").fill("Endpoint security service")
    page.get_by_label("Goods or services provided").fill("Managed anti-malware for 1,200 PCs.")
    page.get_by_label("Supplier name").fill("Secure Endpoints Ltd")
    page.get_by_label("Supplier's registered company number (optional)").fill("07654321")
    page.get_by_role("group", name=re.compile("small or medium-sized")).get_by_label("Yes").check()
    page.get_by_role("group", name=re.compile("voluntary or community")).get_by_label("No").check()
    page.get_by_label("Total value (£)").fill("64000")
    for prefix, (day, month, year) in (("start", ("1", "4", "2027")), ("end", ("31", "3", "2030"))):
        page.fill(f"#id_{prefix}_date_0", day)
        page.fill(f"#id_{prefix}_date_1", month)
        page.fill(f"#id_{prefix}_date_2", year)
    page.get_by_label("Published invitation to tender (open or restricted)").check()
    page.get_by_role("button", name="Save the contract").click()
    expect(page.get_by_role("alert")).to_contain_text("Contract added")
    expect(page.get_by_role("cell", name="ICT-BROWSER-1", exact=True)).to_be_visible()
    axe.check(page)

    # Not public until published: the demo's publication does not hold it.
    menu_link(page, "Projects").click()
    page.get_by_role("link", name=re.compile("Transparency dataset")).click()
    expect(page.get_by_text("Added: ICT-BROWSER-1")).to_be_visible()
    axe.check(page)
    anonymous = browser.new_context(locale="en-GB")
    json_url = f"{live_server.url}/transparency/contracts.json"
    before = anonymous.request.get(json_url).json()
    assert "ICT-BROWSER-1" not in {c["reference_number"] for c in before["contracts"]}

    page.get_by_role("button", name="Publish the dataset").click()
    expect(page.get_by_role("alert")).to_contain_text("The contracts dataset is published")
    expect(page.get_by_text("publishing now would change nothing but its date")).to_be_visible()
    axe.check(page)
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/transparency-published.png", full_page=True)

    # Anyone, signed in or not, downloads what was published.
    response = anonymous.request.get(json_url)
    assert response.status == 200
    assert response.headers["cache-control"] == "public, max-age=300"
    document = response.json()
    (row,) = [c for c in document["contracts"] if c["reference_number"] == "ICT-BROWSER-1"]
    assert row["supplier_name"] == "Secure Endpoints Ltd"
    assert row["contract_value"] == 64000
    assert row["start_date"] == "2027-04-01" and row["supplier_is_sme"] is True
    # The demo's contracts under £5,000 are not published.
    assert "ICT-DEMO-016" not in {c["reference_number"] for c in document["contracts"]}
    csv_response = anonymous.request.get(f"{live_server.url}/transparency/contracts.csv")
    assert "Secure Endpoints Ltd" in csv_response.text()
    anonymous.close()
