"""Reflow and focus, in real Chromium 320 CSS px wide (WCAG 2.2 1.4.10: a 1280 px
screen zoomed to 400 %).

1. Every page, as everyone who may open it, fits the window: nothing scrolls the page
   sideways (a wide table scrolls inside its own region instead). axe checks each page
   at that width too.
2. Every form's error summary links move focus to an input of the field they name.

The pages are the GET access cases of every app (each app's tests/test_access.py), the
forms those the hostile input test finds from the URL patterns, and the objects in
their URLs those it builds: a page or form added later is visited without touching
this file. A role that may not open a page (by its access case) does not visit it.
"""

import importlib
import json
import re
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial

import pytest
from axe_playwright_python.base import AxeResults
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.test import Client
from playwright.sync_api import Error as PlaywrightError

from common.roles import Role
from common.testing import AccessCase
from governance.models import KPI, ActionPlanItem
from projects.models import Attachment, Proposal
from risks.models import Risk

from . import test_hostile_input as hostile
from .conftest import WCAG_22_AA

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 720}
ANONYMOUS = "anonymous"
VISITORS = [ANONYMOUS, None, *Role]  # None: signed in, with no role

# Each app's objects, named as its access cases name them.
common_objects = hostile.common_objects
governance_objects = hostile.governance_objects
projects_objects = hostile.projects_objects
risks_objects = hostile.risks_objects
reports_objects = hostile.reports_objects

# What people paste: an address and a word with nowhere to break a line.
LONG_ADDRESS = (
    "https://intranet.example.gov.uk/housing/repairs/onlinereporting/specification2026.pdf"
)
LONG_WORD = "Repairsandmaintenanceschedulingreplacementprogramme"


# ------------------------------------------------------------------------ the pages


@dataclass(frozen=True)
class PortalPage:
    app: str  # whose objects build the URL
    case: AccessCase

    def may_open(self, visitor) -> bool:
        case = self.case
        if visitor == ANONYMOUS or case.public:
            # A public page that answers an error where no flow leads to it (a single
            # sign-on callback with no provider set up) is not a page to read.
            return case.public and case.ok_status < 400
        status = case.overrides.get(visitor, case.ok_status if visitor in case.allowed else 403)
        return status < 400


def portal_pages() -> list[PortalPage]:
    return [
        PortalPage(app, case)
        for app in hostile.LOCAL_APPS
        for case in importlib.import_module(f"{app}.tests.test_access").ACCESS_CASES
        if case.method == "get"
    ]


@pytest.fixture
def app_objects(request) -> dict:
    """Each app's objects, by app."""
    return {app: request.getfixturevalue(f"{app}_objects") for app in hostile.LOCAL_APPS}


@pytest.fixture
def portal_objects(demo, app_objects, settings, tmp_path) -> dict:
    """Each app's objects, on top of the demo data (so lists and home pages are full),
    with a long address and a long word where pages show them."""
    objects = app_objects
    projects, risks, governance = objects["projects"], objects["risks"], objects["governance"]
    Proposal.objects.filter(pk=projects.submitted.pk).update(
        title=f"Replace the {LONG_WORD}", case_for_change=f"See {LONG_ADDRESS}"
    )
    Risk.objects.filter(pk=risks.risk.pk).update(title=LONG_WORD, cause=f"See {LONG_ADDRESS}")
    ActionPlanItem.objects.filter(pk=governance.item.pk).update(
        title=f"Publish {LONG_ADDRESS}", description=LONG_WORD
    )
    # Files that everyone allowed to download them can download: an attachment to a
    # submitted proposal (not to another unit's draft), and a finished report's file.
    Attachment.objects.filter(pk=projects.attachment.pk).update(proposal=projects.submitted)
    settings.MEDIA_ROOT = tmp_path
    run = objects["reports"].run
    run.file.save(run.filename, ContentFile(b"PK"))
    # KPI pages are open to every role whichever KPI they show: show one with values.
    governance.kpi = KPI.objects.filter(measurements__isnull=False).distinct().first()
    return objects


# -------------------------------------------------------------------- the checks

# Null when the page fits the window; else its widths and the innermost elements that
# stick out (what to fix), leaving out what a scrolling region keeps inside it.
OVERFLOW = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return null;
  const edge = root.clientWidth + 0.5;
  const out = [...document.body.querySelectorAll("*")].filter(
    (e) => e.getBoundingClientRect().right > edge
      && ![...e.children].some((c) => c.getBoundingClientRect().right > edge));
  const scrolled = (e) => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== "visible") return true;
    }
    return false;
  };
  const culprits = out.some((e) => !scrolled(e)) ? out.filter((e) => !scrolled(e)) : out;
  return {
    scrollWidth: root.scrollWidth,
    clientWidth: root.clientWidth,
    culprits: culprits.slice(0, 5).map((e) =>
      e.tagName.toLowerCase() + (e.className ? "." + [...e.classList].join(".") : "")
      + ` (right edge ${Math.round(e.getBoundingClientRect().right)}px): `
      + (e.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 60)),
  };
}"""

# The page without what differs only by who is looking (their name, their menu, the
# form tokens): two people who see the same page need only one axe check.
PAGE_CONTENT = """() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll(".council-header__account, .govuk-service-navigation")
    .forEach((e) => e.remove());
  body.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach((e) => e.remove());
  return body.innerHTML;
}"""

AXE_OPTIONS = json.dumps(
    {"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]}
)


@dataclass
class NarrowChecks:
    """The problems found on the pages visited, gathered to be reported all together."""

    problems: list[str] = field(default_factory=list)
    axe_checked: set[str] = field(default_factory=set)
    axe: Axe = field(default_factory=Axe)

    def check(self, tab, who: str):
        """Nothing scrolls sideways, and axe finds nothing (once for each page content)."""
        overflow = tab.evaluate(OVERFLOW)
        if overflow:
            self.problems.append(f"{who}: {tab.url} scrolls sideways: {overflow}")
        content = tab.evaluate(PAGE_CONTENT)
        if content in self.axe_checked:
            return
        self.axe_checked.add(content)
        tab.evaluate(self.axe.axe_script)
        results = AxeResults(tab.evaluate(f"axe.run({AXE_OPTIONS})"))
        if results.violations_count:
            self.problems.append(f"{who}: {tab.url}: {results.generate_report()}")


@contextmanager
def narrow_tab(browser, live_server, checks: NarrowChecks, user, who: str):
    """A tab 320 CSS px wide, signed in as `user` (None: nobody); what the
    Content-Security-Policy blocked in it is a problem too."""
    context = browser.new_context(locale="en-GB", viewport=NARROW)
    if user is not None:
        client = Client()
        client.force_login(user)
        name = django_settings.SESSION_COOKIE_NAME
        session = {"name": name, "value": client.cookies[name].value, "url": live_server.url}
        context.add_cookies([session])
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text
            and checks.problems.append(f"{who}: {tab.url}: {message.text}")
        ),
    )
    try:
        yield tab
    finally:
        context.close()


def open_page(tab, url: str):
    """The answer to `url`, or None when it is a file to download rather than a page."""
    try:
        answer = tab.goto(url)
    except PlaywrightError as error:
        if "Download is starting" in error.message:
            return None
        raise
    if not answer.headers.get("content-type", "").startswith("text/html"):
        return None
    return answer


def who_is(visitor) -> str:
    return {ANONYMOUS: "anonymous", None: "no role"}.get(visitor, str(visitor))


def test_no_page_scrolls_sideways_at_320_px_for_anyone(
    browser, live_server, users_by_role, portal_objects
):
    checks, visited = NarrowChecks(), set()
    for visitor in VISITORS:
        who = who_is(visitor)
        user = None if visitor == ANONYMOUS else users_by_role[visitor]
        with narrow_tab(browser, live_server, checks, user, who) as tab:
            urls = {
                page.case.url(portal_objects[page.app]): page.case.url_name
                for page in portal_pages()
                if page.may_open(visitor)
            }
            for url, url_name in urls.items():
                answer = open_page(tab, live_server.url + url)
                if answer is None:
                    continue
                visited.add(url_name)
                if not answer.ok:
                    checks.problems.append(f"{who}: {url} answered {answer.status}")
                    continue
                checks.check(tab, who)
    assert not checks.problems, "\n".join(checks.problems)
    # A sanity check on the walk itself: the pages that have lists and forms were seen.
    assert {"home", "projects:proposal-list", "risks:risk-create"} <= visited


# ------------------------------------------------------------------- the forms

# The page's own form, as the hostile input test reads it: the first that posts back
# to the page (not the sign-out button or a small action form).
FORM = """const form = [...document.forms].find(
  (f) => f.method === "post" && !f.getAttribute("action"));
const buttons = form ? [...form.querySelectorAll(
  "button:not([type]), button[type=submit], input[type=submit]")] : [];
const fillable = form ? [...form.elements].filter((e) => !e.disabled
  && ["INPUT", "SELECT", "TEXTAREA"].includes(e.tagName)
  && !["hidden", "submit", "button", "reset", "image"].includes(e.type)) : [];"""

# Empties the form ("empty"), or empties it and then answers every text box sensibly,
# leaving the choices unmade ("text"): a choice a form checks only once the rest is
# given (such as the radios of a business case submitted) is refused only then.
# Returns the number of submit buttons, or 0 when there is nothing to fill in.
PREPARE = f"""(mode) => {{
  {FORM}
  if (!fillable.length) return 0;
  const today = new Date();
  const dateParts = [today.getDate(), today.getMonth() + 1, today.getFullYear()];
  for (const e of fillable) {{
    if (e.type === "checkbox" || e.type === "radio") e.checked = false;
    else if (e.tagName === "SELECT") {{
      for (const option of e.options) option.selected = false;
      const blank = [...e.options].findIndex((o) => o.value === "");
      if (!e.multiple) e.selectedIndex = blank;
    }} else if (e.type !== "file") {{
      e.value = "";
      if (mode !== "text") continue;
      if (e.classList.contains("govuk-date-input__input")) e.value = dateParts[e.name.slice(-1)];
      else if (e.classList.contains("timeinput")) e.value = "14:00";
      else e.value = {{email: "someone@example.org", number: "1"}}[e.type] || "A sensible answer";
    }}
  }}
  return buttons.length;
}}"""

# What the browser would send with submit button `index`, as [name, value] pairs.
FORM_DATA = f"""(index) => {{
  {FORM}
  return [...new FormData(form, buttons[index]).entries()]
    .filter(([, value]) => typeof value === "string");
}}"""

SUBMIT = f"""(index) => {{ {FORM} form.requestSubmit(buttons[index]); }}"""

# Values a form refuses, for one box (or one date's three boxes) at a time: for a form
# that accepts being sent empty.
BAD_VALUES = f"""() => {{
  {FORM}
  const index = (name) => [...form.elements].findIndex((e) => e.name === name);
  const candidates = [];
  for (const e of fillable) {{
    const at = index(e.name);
    if (e.classList.contains("govuk-date-input__input")) {{
      const day = e.name.slice(0, -1);
      if (e.name.endsWith("_0"))
        candidates.push([[at, "31"], [index(day + "1"), "2"], [index(day + "2"), "2027"]]);
    }} else if (e.type === "number") candidates.push([[at, "-1"]], [[at, "1e400"]]);
    else if (e.type === "email") candidates.push([[at, "not an address"]]);
    else if (e.classList.contains("timeinput")) candidates.push([[at, "25:99"]]);
    else if (e.maxLength > 0) candidates.push([[at, "x".repeat(e.maxLength + 1)]]);
  }}
  return candidates;
}}"""

APPLY = f"""(changes) => {{
  {FORM}
  for (const [index, value] of changes) form.elements[index].value = value;
}}"""

# Where focus is after a summary link was followed: null when it is on an input of the
# field the link names (the input the link points at, inside the question that shows
# the same message), else what is wrong.
FOCUS = """([href, message]) => {
  const e = document.activeElement;
  if (!e || !["INPUT", "SELECT", "TEXTAREA"].includes(e.tagName) || e.type === "hidden")
    return `focus is on ${e ? e.outerHTML.slice(0, 80) : "nothing"}`;
  if ("#" + e.id !== href) return `focus is on #${e.id}`;
  const shown = [...document.querySelectorAll("form .govuk-error-message")]
    .filter((m) => m.textContent.includes(message));
  if (shown.length && !shown.some((m) => m.closest(".govuk-form-group--error")?.contains(e)))
    return `focus is on #${e.id}, not in the question that shows the message`;
  return null;
}"""

FOCUSED_KIND = """() => {
  const e = document.activeElement;
  if (e.classList.contains("govuk-date-input__input")) return "date box";
  return e.tagName === "INPUT" ? e.type : e.tagName.toLowerCase();
}"""

SUMMARY_LINKS = re.compile(r"govuk-error-summary__list.*?</ul>", re.S)


def summary_links(html: str) -> set[str]:
    """The targets of the links in the page's error summary."""
    summary = SUMMARY_LINKS.search(html)
    return set(re.findall(r'href="(#[^"]*)"', summary.group())) if summary else set()


def refused_links(client: Client, url: str, data: list) -> set[str]:
    """Posted by `client` and undone: the targets of the summary links it is refused
    with (empty when it is accepted)."""
    by_name = defaultdict(list)
    for name, value in data:
        by_name[name].append(value)
    with hostile.rolled_back():
        response = hostile.post(client, url, by_name)
    return summary_links(response.content.decode()) if response.status_code == 200 else set()


@dataclass
class FormPage:
    """A form's page, in a tab signed in as someone who may use the form."""

    tab: object
    client: Client  # the same person, to try a submission before the browser sends it
    url: str
    who: str
    checks: NarrowChecks
    kinds_focused: set[str]  # the kinds of input summary links moved focus to
    followed: set[str] = field(default_factory=set)  # the summary links followed

    def check(self):
        """Send the form empty, then with only its text boxes answered, with each of
        its buttons; if the portal takes all of that, with one bad value at a time until
        it refuses one."""
        self.tab.goto(self.url)
        buttons = self.tab.evaluate(PREPARE, "empty")
        if not buttons:
            return  # nothing to fill in: a page that asks to confirm
        refused = [
            self.attempt(partial(self.tab.evaluate, PREPARE, mode), button)
            for mode in ("empty", "text")
            for button in range(buttons)
        ]
        if not any(refused):
            for changes in self.tab.evaluate(BAD_VALUES):
                if self.attempt(partial(self.fill_in_badly, changes), 0):
                    break

    def fill_in_badly(self, changes):
        self.tab.evaluate(PREPARE, "empty")
        self.tab.evaluate(APPLY, changes)

    def attempt(self, fill_in, button: int) -> bool:
        """Fill the form in, and where the portal refuses that with summary links not
        yet followed, send it from the browser and follow every link. Returns whether
        the portal refuses it."""
        if self.tab.url != self.url:  # a form refused is shown again at its own address
            self.tab.goto(self.url)
        fill_in()
        links = refused_links(self.client, self.url, self.tab.evaluate(FORM_DATA, button))
        if links and not links <= self.followed:
            with self.tab.expect_navigation():
                self.tab.evaluate(SUBMIT, button)
            self.follow_summary_links()
        return bool(links)

    def follow_summary_links(self):
        self.checks.check(self.tab, self.who)
        links = self.tab.locator(".govuk-error-summary__list a")
        if not links.count():
            self.checks.problems.append(f"{self.who}: {self.url}: refused without summary links")
        for index in range(links.count()):
            link = links.nth(index)
            href, message = link.get_attribute("href"), link.inner_text()
            link.click()
            wrong = self.tab.evaluate(FOCUS, [href, message])
            if wrong:
                self.checks.problems.append(
                    f"{self.who}: {self.url}: the summary link {message!r} ({href}): {wrong}"
                )
            else:
                self.kinds_focused.add(self.tab.evaluate(FOCUSED_KIND))
            self.followed.add(href)


def test_every_error_summary_link_moves_focus_to_its_field(
    browser, live_server, users_by_role, app_objects
):
    checks, kinds_focused, refused = NarrowChecks(), set(), set()
    forms_by_role = defaultdict(list)
    for form in hostile.PORTAL_FORMS:
        forms_by_role[form.role].append(form)
    for role, forms in forms_by_role.items():
        who = who_is(ANONYMOUS if role is None else role)  # a public form: nobody signed in
        user = None if role is None else users_by_role[role]
        client = Client()
        if user is not None:
            client.force_login(user)
        with narrow_tab(browser, live_server, checks, user, who) as tab:
            for form in forms:
                path = form.url(app_objects[form.app])
                if client.get(path).status_code != 200:
                    continue  # no page of its own: a button elsewhere posts to it
                page = FormPage(tab, client, live_server.url + path, who, checks, kinds_focused)
                page.check()
                if page.followed:
                    refused.add(form.url_name)
    assert not checks.problems, "\n".join(checks.problems)
    # The walk met every kind of question, and the form the issue was found on.
    assert {"radio", "checkbox", "date box", "select", "file", "textarea", "text"} <= kinds_focused
    assert "projects:proposal-edit" in refused
