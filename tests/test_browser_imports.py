"""Journey 6's import, in real Chromium: the Head of ICT downloads the risks template,
uploads a file with a bad row and sees it named, puts it right, checks the preview,
confirms, and finds the risks in the register. axe checks every page."""

import datetime

import openpyxl
import pytest
from playwright.sync_api import expect

from risks.models import Risk

from .conftest import menu_link, sign_in

pytestmark = pytest.mark.browser
SHOTS = "/tmp/shots"  # noqa: S108 - a fixed place to look at them after a run


def _fill(template, path, owner):
    workbook = openpyxl.load_workbook(template)
    sheet = workbook["Risk register"]
    headings = [cell.value for cell in sheet[1]]
    example = [cell.value for cell in sheet[2]]
    second = dict(zip(headings, example, strict=True))
    second |= {"Title": "Key staff leave during the migration", "Owner": owner,
               "Category": "People", "Target date": datetime.date.today().replace(
                   year=datetime.date.today().year + 2).strftime("%d/%m/%Y")}  # fmt: skip
    sheet.append([second[h] for h in headings])
    workbook.save(path)


def test_head_of_ict_imports_risks_from_a_template_after_fixing_a_bad_row(
    page, live_server, demo, axe, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    before = Risk.objects.count()
    sign_in(page, live_server, "headofict")
    menu_link(page, "Risks").click()
    page.get_by_role("link", name="Import risks from Excel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import risks")
    axe.check(page)
    page.screenshot(path=f"{SHOTS}/import-1-upload.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the risks template (Excel)").click()
    template = tmp_path / download.value.suggested_filename
    download.value.save_as(template)
    assert template.name == "risks-import-template.xlsx"

    bad = tmp_path / "register.xlsx"
    _fill(template, bad, owner="Someone Unknown")
    page.get_by_label("Excel or CSV file").set_input_files(bad)
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("alert")).to_contain_text("1 row has problems")
    row = page.get_by_role("row", name="Row 3")
    expect(row).to_contain_text("Owner: no one in the portal is called “Someone Unknown”")
    axe.check(page)
    page.screenshot(path=f"{SHOTS}/import-2-bad-row.png", full_page=True)
    assert Risk.objects.count() == before

    good = tmp_path / "register-fixed.xlsx"
    _fill(template, good, owner="David Okafor")
    page.get_by_role("link", name="Upload the corrected file").click()
    page.get_by_label("Excel or CSV file").set_input_files(good)
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", name="What importing this file will do")).to_be_visible()
    expect(page.get_by_text("2 to add")).to_be_visible()
    axe.check(page)
    page.screenshot(path=f"{SHOTS}/import-3-preview.png", full_page=True)
    assert Risk.objects.count() == before

    page.get_by_role("button", name="Import 2 rows").click()
    expect(page.get_by_role("alert")).to_contain_text("The file has been imported")
    expect(page.get_by_text("2 added, 0 changed, 0 unchanged")).to_be_visible()
    axe.check(page)
    page.screenshot(path=f"{SHOTS}/import-4-done.png", full_page=True)
    page.get_by_role("link", name="See the risks").click()
    expect(page.get_by_role("link", name="Key staff leave during the migration")).to_be_visible()
    expect(
        page.get_by_role("link", name="Data centre lease ends before cloud migration")
    ).to_be_visible()
    axe.check(page)
    page.screenshot(path=f"{SHOTS}/import-5-register.png", full_page=True)
    assert Risk.objects.count() == before + 2
