"""Journey 8, in real Chromium: the Head of ICT marks a risk exempt, produces a risk
report to the Audit and Governance Committee (which already has one report, so each
risk has a direction of travel), opens it, and sees each risk's movement in words and
the exempt risk only in the exempt part, of the page and of the files. A real Celery
worker produces it. axe checks every page.

Movements since the first report, worked out by hand from the demo register:
- Savings from ICT projects are not realised: 3 x 4 = 12, reviewed to 4 x 4 = 16: worsened
- Skills gaps in the new City ICT service: 3 x 3 = 9, reviewed to 2 x 3 = 6: improved
- Personal data breach from a council system: 2 x 4 = 8 both times: unchanged"""

import contextlib
import io

import pytest
from celery.contrib.testing.worker import start_worker
from playwright.sync_api import expect
from pypdf import PdfReader

from governance.models import User
from ictstrategy.celery import app as celery_app
from reports import services
from reports.models import Committee
from risks import services as risk_services
from risks.models import Risk

from .conftest import menu_link, sign_in

pytestmark = pytest.mark.browser

COMMITTEE = "Audit and Governance Committee"
EXEMPT = "Lock-in to a single cloud supplier"


@pytest.fixture
def first_report(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    head = User.objects.get(username="headofict")
    committee = Committee.objects.get(name=COMMITTEE)  # the demo data's
    report = services.committee_report_request(committee=committee, requested_by=head)
    services.committee_report_generate(report_id=report.pk)
    for title, likelihood, impact in (
        ("Savings from ICT projects are not realised", 4, 4),
        ("Skills gaps in the new City ICT service", 2, 3),
    ):
        risk_services.risk_review(
            user=head, risk=Risk.objects.get(title=title), residual_likelihood=likelihood,
            residual_impact=impact, note="Quarterly review",
        )  # fmt: skip
    return report


def _row(page, title):
    return page.get_by_role("row").filter(has_text=title)


def test_head_of_ict_sends_a_committee_a_risk_report_with_exempt_risks_kept_out_of_public(
    page, live_server, first_report, axe, tmp_path
):
    sign_in(page, live_server, "headofict")
    menu_link(page, "Risks").click()
    page.get_by_role("link", name=EXEMPT).click()
    expect(page.get_by_text("Reported in the public part")).to_be_visible()
    axe.check(page)
    page.get_by_role("link", name="Change exemption from publication").click()
    page.get_by_label("Yes, under paragraph 3:").check()
    page.get_by_label("Why is it exempt?").fill("Sets out the supplier's pricing at renewal.")
    axe.check(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Exemption saved")
    expect(page.get_by_text("Exempt: reported only in the exempt part")).to_be_visible()
    axe.check(page)

    menu_link(page, "Reports").click()
    page.get_by_role("link", name="Committee risk reports", exact=True).click()
    expect(page.get_by_role("heading", name=COMMITTEE)).to_be_visible()
    axe.check(page)
    page.get_by_role("link", name="Produce a committee risk report").click()
    page.get_by_label(COMMITTEE).check()
    axe.check(page)
    celery_app.control.purge()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=60):
        page.get_by_role("button", name="Produce the report").click()
        expect(page.get_by_role("alert")).to_contain_text("being produced")
        for _ in range(60):
            if page.get_by_role("heading", name="Documents").is_visible():
                break
            page.wait_for_timeout(1000)
            page.reload()
    expect(page.get_by_role("heading", name="Public part")).to_be_visible()
    axe.check(page)

    public, exempt = page.content().split('<h2 class="govuk-heading-l">Exempt part</h2>')
    assert EXEMPT not in public and EXEMPT in exempt
    expect(page.get_by_text("1 risk is reported in the exempt part")).to_be_visible()
    expect(
        page.get_by_text("by virtue of paragraph 3 of Part 1 of Schedule 12A").first
    ).to_be_visible()
    expect(_row(page, "Savings from ICT projects are not realised")).to_contain_text(
        "Worsened: 12 to 16"
    )
    expect(_row(page, "Skills gaps in the new City ICT service")).to_contain_text(
        "Improved: 9 to 6"
    )
    expect(_row(page, "Personal data breach from a council system")).to_contain_text(
        "Unchanged: 8 to 8"
    )
    expect(_row(page, EXEMPT)).to_contain_text("Paragraph 3")

    texts = {}
    for name in ("Public part (PDF)", "Exempt part (PDF)"):
        with page.expect_download() as download:
            page.get_by_role("link", name=name).click()
        path = tmp_path / download.value.suggested_filename
        download.value.save_as(path)
        reader = PdfReader(io.BytesIO(path.read_bytes()))
        texts[name] = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert EXEMPT not in texts["Public part (PDF)"]
    assert "Worsened: 12 to 16" in texts["Public part (PDF)"]
    assert EXEMPT in texts["Exempt part (PDF)"]
    assert "Exempt: not for publication by virtue of paragraph 3" in texts["Exempt part (PDF)"]


def test_head_of_ict_renames_a_committee_and_a_double_click_saves_once(
    page, live_server, demo, axe
):
    """The council renames its audit committee; the Head of ICT renames it in the portal,
    pressing Save twice in quick succession as people do. The form is sent once (every
    form that changes something is, static/js/init.js), and history shows one change."""
    sign_in(page, live_server, "headofict")
    menu_link(page, "Reports").click()
    page.get_by_role("link", name="Committee risk reports", exact=True).click()
    page.get_by_role("link", name=f"Change {COMMITTEE}").click()
    axe.check(page)
    page.get_by_label("Name").fill("Audit, Risk and Governance Committee")
    posted, held = [], []
    page.on("request", lambda r: posted.append(r.url) if r.method == "POST" else None)
    # The first answer is held back, as on a slow connection, while Save is pressed again.
    page.route("**/edit/", lambda route: held.append(route))
    box = page.get_by_role("button", name="Save the committee").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.click(x, y)
    page.wait_for_timeout(300)
    page.mouse.click(x, y)  # the page still shows the form: the answer is held
    page.wait_for_timeout(300)
    page.unroute("**/edit/")
    for route in held:
        with contextlib.suppress(Exception):  # a request the browser gave up on
            route.continue_()
    expect(page.get_by_role("alert")).to_contain_text("Committee saved")
    expect(page.get_by_role("heading", name="Audit, Risk and Governance Committee")).to_be_visible()
    expect(page.get_by_text("already a committee")).to_have_count(0)
    axe.check(page)
    page.get_by_role("link", name="History of Audit, Risk and Governance Committee").click()
    expect(page.get_by_role("cell", name="Audit and Governance Committee").first).to_be_visible()
    axe.check(page)
    assert len(posted) == 1, posted  # the second press sent nothing
    committee = Committee.objects.get()
    assert committee.name == "Audit, Risk and Governance Committee"
    assert committee.history.count() == 2  # added, renamed once
