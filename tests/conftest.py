"""Browser-test fixtures: real Chromium (Debian's) driven by Playwright against
pytest-django's live server, and an axe-core check of WCAG 2.2 A and AA."""

import io
import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import sync_playwright

from tests.oidc.fixtures import _oidc_provider_process, oidc_provider  # noqa: F401 - fixtures

DEMO_PASSWORD = "browser-demo-password"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
# Without these, Chromium tries to reach Google's hosts on a machine with no internet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_playwright():
    # Playwright's sync API keeps an event loop in this thread; the ORM calls the tests
    # make between browser steps are still synchronous, so Django may allow them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser tab. The test fails if the Content-Security-Policy blocked
    anything on any page it visited: Chromium reports each blocked script, style or
    image on the console."""
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    blocked = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and blocked.append(message.text),
    )
    yield page
    context.close()
    assert not blocked, "The Content-Security-Policy blocked:\n" + "\n".join(blocked)


@pytest.fixture
def demo(transactional_db):
    """The demo data, as `make run` loads it."""
    call_command("load_demo_data", password=DEMO_PASSWORD, stdout=io.StringIO())


class AccessibilityChecker:
    def __init__(self):
        self.axe = Axe()
        self.pages_checked = []

    def check(self, page):
        results = self.axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
        self.pages_checked.append(page.url)
        assert results.violations_count == 0, (
            f"axe found WCAG 2.2 A/AA violations on {page.url}:\n{results.generate_report()}"
        )


@pytest.fixture
def axe():
    return AccessibilityChecker()


def sign_in(page, live_server, username, password=DEMO_PASSWORD):
    """Sign in through the form with the keyboard, as a person would."""
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")


def menu_link(page, name):
    """A link in the service navigation (not the breadcrumbs or the page)."""
    return page.get_by_role("navigation", name="Menu").get_by_role("link", name=name, exact=True)


def answer_tcop(page, answers=None):
    """Answer each Technology Code of Practice point on the business case form: Met
    with evidence, unless `answers` says otherwise ({13: "Not met", 4: "Partly met"})."""
    from projects.setup import TCOP_POINTS

    for number, (title, _) in enumerate(TCOP_POINTS, start=1):
        answer = (answers or {}).get(number, "Met")
        point = page.get_by_role("group", name=f"{number}. {title}", exact=True)
        point.get_by_label(answer, exact=True).check()
        if answer != "Not met":
            page.get_by_label(f"Evidence for point {number}", exact=True).fill(
                f"Shown in the discovery report, section {number}."
            )


def answer_risk_questions(page, *, yes=()):
    """Answer the proposal form's risk-potential questions: "Yes" to the fields named
    in `yes` (projects.routing.RISK_QUESTIONS), "No" to the others."""
    from projects.routing import RISK_QUESTIONS

    for field, question in RISK_QUESTIONS.items():
        group = page.get_by_role("group", name=question)
        group.get_by_label("Yes" if field in yes else "No", exact=True).check()
