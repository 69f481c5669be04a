"""Journey 5 so far, in real Chromium: the Head of ICT opens the year's draft report,
writes its narrative, finalises it and downloads it; KPIs are shown to every role."""

import pathlib
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from reports.models import AnnualReport

from .conftest import menu_link, sign_in

pytestmark = pytest.mark.browser


def test_head_of_ict_writes_finalises_and_downloads_the_annual_report(
    page, live_server, demo, axe, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"  # where the report's files are kept
    sign_in(page, live_server, "headofict")
    menu_link(page, "KPIs").click()
    expect(page.get_by_role("link", name="Transactions completed online")).to_be_visible()
    axe.check(page)
    page.get_by_role("link", name="Transactions completed online").click()
    axe.check(page)

    menu_link(page, "Reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report archive")
    axe.check(page)
    page.get_by_role("link", name="Produce a report now").click()
    page.get_by_label("Quarterly risk report").check()
    axe.check(page)
    page.get_by_role("button", name="Produce the report").click()
    expect(page.get_by_role("alert")).to_contain_text("being produced")
    expect(page.get_by_text("Progress:")).to_be_visible()
    axe.check(page)
    menu_link(page, "Reports").click()
    page.get_by_role("link", name="Annual progress reports").click()
    axe.check(page)
    page.get_by_role("button", name="Open the year's draft").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Annual progress report")
    expect(page.get_by_text("Draft: the figures are live")).to_be_visible()
    axe.check(page)
    page.get_by_role("link", name="Write the narrative").click()
    page.get_by_label("Executive summary").fill("The new City ICT service is established.")
    axe.check(page)
    page.get_by_role("button", name="Save the narrative").click()
    expect(page.get_by_text("The new City ICT service is established.")).to_be_visible()
    page.get_by_role("button", name="Finalise the report").click()
    expect(page.get_by_role("alert")).to_contain_text("Report finalised")
    expect(page.get_by_text(re.compile("^Final: figures as they stood"))).to_be_visible()
    axe.check(page)

    files = {}
    for kind in ("PDF", "Word", "Excel"):
        with page.expect_download() as download:
            page.get_by_role("button", name=f"Produce {kind}").click()
        files[kind] = tmp_path / download.value.suggested_filename
        download.value.save_as(files[kind])
    assert [path.suffix for path in files.values()] == [".pdf", ".docx", ".xlsx"]
    assert all(path.stem.endswith("-v1-final") for path in files.values())
    assert files["PDF"].read_bytes().startswith(b"%PDF-")
    assert "KPIs" in openpyxl.load_workbook(files["Excel"]).sheetnames
    report = AnnualReport.objects.get()
    assert report.status == "final"
    assert report.exports.count() == 3
    page.reload()
    expect(page.get_by_role("heading", name="Files made from this report")).to_be_visible()
    axe.check(page)
    # Downloading a file already made gives the same file and makes no other.
    with page.expect_download() as download:
        page.get_by_role("link", name=files["PDF"].name).click()
    assert pathlib.Path(download.value.path()).read_bytes() == files["PDF"].read_bytes()
    assert report.exports.count() == 3
