"""Hostile input on every form in the portal, posted by hypothesis.

The forms are every named URL whose view accepts POST (Django's admin aside), found
from the URL patterns; each app's access cases say how to build the URL and who may
use it, so a new form is fuzzed without touching this file. Signed in as a role that
may use the form, each example posts what a browser would send from the page (as the
page fills it in, or with every blank filled in sensibly), with a few fields tampered
with: huge strings, control characters, markup, spreadsheet formulas, absurd numbers,
impossible dates, wrong choices and ids, missing, repeated and unknown fields, and
hostile files. For every example:

1. the view does not fail (the test client re-raises any exception a view raises);
2. unless the post succeeded (a redirect), nothing was saved: no local table, history
   and many-to-many tables included, gained or lost a row (and since every change to
   an audited row writes a history row, no audited row changed either);
3. the markup posted never comes back unescaped, neither on the response nor on the
   page a success redirects to.

And posting to any form without the CSRF token is refused with 403 and saves nothing.
"""

import csv
import hashlib
import importlib
import io
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import urlencode, urlsplit

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from common.roles import Role
from governance.choices import MeetingStatus
from governance.models import KPI, GroupMapping
from governance.tests.factories import (
    ActionPlanItemFactory,
    BusinessUnitFactory,
    TermsOfReferenceFactory,
    UserFactory,
)
from projects.choices import ProposalStatus
from projects.models import AgendaItem, Attachment, Criterion, Scenario, TcopPoint
from projects.tests.factories import (
    ContractFactory,
    MeetingFactory,
    ProjectFactory,
    ProposalFactory,
)
from reports.models import AnnualReport, ReportExport, ReportRun, ScheduledReport
from reports.tests.factories import issued_committee_report
from risks.models import RiskAction, RiskControl
from risks.tests.factories import RiskFactory, escalated_risk

LOCAL_APPS = ["common", "governance", "projects", "risks", "reports"]
KPI_NAME = "Uptime"
# Valid in any text box, so every form filled in sensibly also stores markup to show later.
TEXT_ANSWER = "Replace the <script>hostile(0)</script> servers"

# ------------------------------------------------------------------------ the forms


# The REST API takes JSON, not forms: tests/test_api.py sends each of its writes
# hostile JSON.
NOT_FORMS = {"admin", "api"}
NOT_FORM_NAMES = {"api-not-found"}


def _views(resolver=None, namespace=None):
    """(name, view) for every named URL outside Django's admin and the REST API."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace not in NOT_FORMS:
            inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
            yield from _views(pattern, inner)
        elif (
            isinstance(pattern, URLPattern) and pattern.name and pattern.name not in NOT_FORM_NAMES
        ):
            yield ":".join(filter(None, [namespace, pattern.name])), pattern.callback


def _accepts_post(view) -> bool:
    view_class = getattr(view, "view_class", None)
    if view_class is None:  # a function view may accept anything
        return True
    return "post" in view_class.http_method_names and hasattr(view_class, "post")


def postable_url_names() -> set[str]:
    return {name for name, view in _views() if _accepts_post(view)}


@dataclass(frozen=True)
class PortalForm:
    """A URL that accepts POST, as its app's access cases describe it."""

    app: str  # whose objects build the URL
    url_name: str
    url: Callable[[SimpleNamespace | None], str]
    role: Role | None  # None: a public form, posted by someone not signed in
    example: dict  # what the access case posts, for a form that has no page of its own

    def __str__(self):
        return self.url_name


def _role_to_post_as(case) -> Role | None:
    if case.public:
        return None
    return next(role for role in Role if role in case.allowed and role not in case.overrides)


def _portal_forms() -> list[PortalForm]:
    postable = postable_url_names()
    cases = defaultdict(list)
    for app in LOCAL_APPS:
        for case in importlib.import_module(f"{app}.tests.test_access").ACCESS_CASES:
            if case.url_name in postable:
                cases[case.url_name].append((app, case))
    forms = []
    for url_name, app_cases in sorted(cases.items()):
        app, case = app_cases[0]
        example = next((c.data for _, c in app_cases if c.method == "post"), {})
        forms.append(PortalForm(app, url_name, case.url, _role_to_post_as(case), example))
    return forms


PORTAL_FORMS = _portal_forms()


def test_every_url_that_accepts_post_is_fuzzed():
    assert {form.url_name for form in PORTAL_FORMS} == postable_url_names()


# Each app's objects, named as its access cases name them (projects and governance both
# have an "item"), built only for the forms of that app.


@pytest.fixture
def common_objects():
    return None


@pytest.fixture
def governance_objects(strategy, chair, head_of_ict):
    kpi = KPI.objects.create(name=KPI_NAME, unit="%", direction="higher")
    plan_item = ActionPlanItemFactory(objective__theme=strategy.themes.get(number=1))
    unit = BusinessUnitFactory(name="Environmental Health", code="env-health")
    return SimpleNamespace(
        unit=unit,
        person=UserFactory(business_unit=unit, roles=[Role.OFFICER]),  # never signed in
        strategy=strategy,
        theme=plan_item.objective.theme,
        principle=strategy.principles.first(),
        objective=plan_item.objective,
        item=plan_item,
        meeting=MeetingFactory(chair=chair),
        held=MeetingFactory(chair=chair, in_session=True, status=MeetingStatus.HELD),
        drafted=MeetingFactory(chair=chair, in_session=True, status=MeetingStatus.MINUTES_DRAFTED),
        terms=TermsOfReferenceFactory(),
        kpi=kpi,
        kpi_value=kpi.measurements.create(
            period_end="2026-03-31", value=98, recorded_by=head_of_ict
        ),
        mapping=GroupMapping.objects.create(
            claim_value="env-health-staff", label="Environmental Health staff", business_unit=unit
        ),
    )


@pytest.fixture
def projects_objects(officer, chair, housing, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    def proposal(status):
        return ProposalFactory(
            business_unit=housing, created_by=officer, complete=True, status=status
        )

    draft, assessing = proposal(ProposalStatus.DRAFT), proposal(ProposalStatus.IN_ASSESSMENT)
    meeting = MeetingFactory(chair=chair)
    project = ProjectFactory(proposal__business_unit=housing, proposal__created_by=officer)
    (tmp_path / "proposals").mkdir()
    (tmp_path / "proposals" / "report.pdf").write_bytes(b"%PDF-1.4\n")
    return SimpleNamespace(
        draft=draft,
        submitted=proposal(ProposalStatus.SUBMITTED),
        assessing=assessing,
        project=project,
        contract=ContractFactory(project=project),
        meeting=meeting,
        item=AgendaItem.objects.create(meeting=meeting, proposal=assessing, position=1),
        attachment=Attachment.objects.create(
            proposal=draft,
            file="proposals/report.pdf",
            original_name="report.pdf",
            kind="PDF",
            content_type="application/pdf",
            size=9,
            uploaded_by=officer,
        ),
        criterion=Criterion.objects.first(),
        tcop_point=TcopPoint.objects.get(number=1),
        # Shared, so the chair may put it to a meeting; the Head of ICT may change it.
        scenario=Scenario.objects.create(name="Lower budget", created_by=chair, is_shared=True),
    )


@pytest.fixture
def risks_objects(strategy, chair, officer):
    risk = RiskFactory(owner=UserFactory(roles=[Role.MEMBER]))
    return SimpleNamespace(
        risk=risk,
        escalated=escalated_risk(),
        action=RiskAction.objects.create(
            risk=risk, description="Add exit clauses", owner=risk.owner, due_date="2030-01-31"
        ),
        control=RiskControl.objects.create(
            risk=risk, description="Backups restored monthly", owner=risk.owner, line="first"
        ),
        meeting=MeetingFactory(chair=chair),
        project=ProjectFactory(proposal__business_unit=officer.business_unit),
    )


@pytest.fixture
def reports_objects(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the annual report's files are kept
    report = AnnualReport.objects.create(financial_year=2025)
    export = ReportExport(
        report=report,
        file_format="csv",
        filename="annual-report-2025-2026-v1-draft.csv",
        sha256=hashlib.sha256(b"Report").hexdigest(),
        size=6,
        created_by=UserFactory(),
    )
    export.file.save(export.filename, ContentFile(b"Report"), save=False)
    export.save()
    return SimpleNamespace(
        report=report,
        export=export,
        run=ReportRun.objects.create(
            kind="risk_report", period="2026-Q1", status="done", filename="r.xlsx"
        ),
        schedule=ScheduledReport.objects.first(),
        committee_report=issued_committee_report(),
    )


# -------------------------------------------------------------- the form on the page


@dataclass
class PageForm:
    """The page's own POST form as a browser sees it."""

    values: dict[str, list[str]] = field(default_factory=dict)  # what it would send as is
    options: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    blanks: dict[str, str] = field(default_factory=dict)  # a sensible answer to each question
    file_inputs: dict[str, str] = field(default_factory=dict)  # name: the types it accepts

    @property
    def names(self) -> list[str]:
        return sorted({*self.values, *self.options})

    def filled_in(self) -> dict[str, list[str]]:
        """What it would send once a person had answered every question left blank."""
        blank = [name for name in self.blanks if not any(self.values.get(name, []))]
        return self.values | {name: [self.blanks[name]] for name in blank}


def _sensible_answer(attrs: dict) -> str:
    """What a person would type into this empty box."""
    classes = attrs.get("class", "")
    if "govuk-date-input__input" in classes:  # GOV.UK date boxes: name_0 day, _1 month, _2 year
        today = timezone.localdate()
        return str([today.day, today.month, today.year][int(attrs["name"][-1])])
    if "timeinput" in classes:
        return "14:00"
    return {"number": "1", "email": "someone@example.org"}.get(attrs.get("type"), TEXT_ANSWER)


class _PageFormReader(HTMLParser):
    """Reads the first POST form without an action (it posts back to the page), not the
    sign-out button or the other small action forms a page may carry."""

    def __init__(self):
        super().__init__()
        self.form = PageForm()
        self.inside = self.done = False
        self.select = self.textarea = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.done:
            self.inside = attrs.get("method", "").lower() == "post" and not attrs.get("action")
        if not self.inside or ("name" not in attrs and tag != "option"):
            return
        if attrs.get("name") == "csrfmiddlewaretoken":
            return  # posted by neither test: one client skips the check, the other is refused
        form, name, value = self.form, attrs.get("name"), attrs.get("value") or ""
        kind = attrs.get("type", "text").lower()
        if tag == "input" and kind == "file":
            form.file_inputs[name] = attrs.get("accept", "")
        elif tag == "input" and kind in ("checkbox", "radio"):
            form.options[name].append(value or "on")
            if "checked" in attrs:
                form.values.setdefault(name, []).append(value or "on")
            if kind == "radio":
                form.blanks.setdefault(name, value)
        elif tag == "input" and kind in ("submit", "button", "image", "reset"):
            form.options[name].append(value)  # sent only when it is the button pressed
        elif tag == "input":
            form.values.setdefault(name, []).append(value)
            if kind != "hidden":
                form.blanks[name] = _sensible_answer(attrs)
        elif tag == "button":
            form.options[name].append(value)
        elif tag == "select":
            self.select = (name, "multiple" in attrs)
            form.values.setdefault(name, [])
        elif tag == "option" and self.select:
            name, multiple = self.select
            form.options[name].append(value)
            if "selected" in attrs:
                form.values[name].append(value)
            if value and not multiple:
                form.blanks.setdefault(name, value)
        elif tag == "textarea":
            self.textarea, self.text = name, ""
            form.blanks[name] = TEXT_ANSWER

    def handle_data(self, data):
        if self.textarea:
            self.text += data

    def handle_endtag(self, tag):
        if not self.inside:
            return
        values = self.form.values
        if tag == "form":
            self.inside, self.done = False, True
        elif tag == "select" and self.select:
            name, multiple = self.select
            if not multiple and not values[name] and self.form.options[name]:
                values[name] = [self.form.options[name][0]]  # a browser sends the first
            self.select = None
        elif tag == "textarea" and self.textarea:
            # Browsers drop the newline that starts a textarea's content.
            values[self.textarea] = [self.text.removeprefix("\n")]
            self.textarea = None


def page_form(response) -> PageForm:
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return PageForm()
    reader = _PageFormReader()
    reader.feed(response.content.decode())
    return reader.form


# ------------------------------------------------------------------- hostile values


class Long(str):
    """A long string that a failing example prints in brief."""

    def __repr__(self):
        return f"Long({self[:30]!r}... {len(self):,} characters)"


# Tags that are harmless once escaped; found unescaped in a page, they would run.
REFLECTION_MARKERS = ("<script>hostile", "<img src=x onerror=hostile", "<svg onload=hostile")
MARKUP = [
    "<script>hostile(1)</script>",
    '"><img src=x onerror=hostile(2)>',
    "'><svg onload=hostile(3)>",
    "</textarea><script>hostile(4)</script>",
    Long("<script>hostile(5)</script>" * 4000),
]
HUGE = [Long("A" * 100_000), Long("\u00e9" * 100_000), Long("9" * 100_000)]
CONTROL = [
    "\x00",
    "before\x00after",
    "\x1b[31mred\x1b[0m",
    "line\r\nSet-Cookie: hostile=1",
    "\u202eright-to-left",
    "\ufeff",
    "\ud800",  # a lone surrogate: sent as the bytes UTF-8 cannot contain
    "\udfffhigh",
    "",
    "   ",
]
FORMULAS = ["=cmd|' /C calc'!A0", "+SUM(1,1)", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"]
NUMBERS = [
    "-1",
    "0",
    "-0",
    "1e308",
    "-1e308",
    "1e-400",
    str(10**40),
    Long("9" * 5000),  # beyond the longest string Python will read as an int
    "NaN",
    "Infinity",
    "-Infinity",
    "0x10",
    "1_000",
    "1,5",
    "3.14159",
    "999999999999.999",
    "99999999999999.99",
    "\u0661\u0662",  # Arabic-Indic digits
    str(2**31),
    str(2**63),
]
DATES = ["2026-02-30", "31/31/2026", "0000-00-00", "9999-99-99", "29 2 2027", "1/1/1"]
IDS = ["999999999", "abc", "1.0", "1 OR 1=1", "' OR ''='", "[1]"]

hostile_values = st.one_of(
    st.sampled_from(MARKUP),
    st.sampled_from(HUGE + CONTROL + FORMULAS),
    st.sampled_from(NUMBERS + DATES + IDS),
    st.text(max_size=40),
)
unknown_field_names = st.sampled_from(["id", "pk", "status", "created_by", "is_staff"])

GOOD_KPI_ROW = [KPI_NAME, "2026-06-30", "70"]  # kpi, period_end, value: a row it takes


@st.composite
def kpi_csv_files(draw) -> bytes:
    """A CSV file of KPI values, as the "KPI values" import reads it: a good row with a
    hostile note, and perhaps a row with any one cell hostile."""
    rows = [[*GOOD_KPI_ROW, draw(hostile_values)]]
    if draw(st.booleans()):
        row = [*GOOD_KPI_ROW, "note"]
        row[draw(st.integers(0, len(row) - 1))] = draw(hostile_values)
        rows.append(row)
    text = io.StringIO()
    csv.writer(text).writerows([["kpi", "period_end", "value", "note"], *rows])
    return text.getvalue().encode("utf-8", "surrogatepass")


HOSTILE_FILE_NAMES = [
    "<script>hostile(8)</script>",
    '"><img src=x onerror=hostile(9)>',
    "../../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "invoice.pdf.exe",
    "\u202efdp.exe",  # shows as "exe.pdf"
    "a" * 300,
    " ",
    "macro.docm",
]
odd_contents = st.sampled_from(
    [
        b"",
        b"<html><script>hostile(7)</script></html>",
        b"MZ\x90\x00\x03",  # a Windows program
        b"PK\x03\x04" + b"\x00" * 40,  # a broken zip
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40,  # an Office 97 container
    ]
) | st.binary(max_size=300)
any_uploads = st.builds(
    SimpleUploadedFile,
    name=st.sampled_from([*HOSTILE_FILE_NAMES, "report.pdf", "values.csv"]),
    content=odd_contents,
    content_type=st.sampled_from(["application/pdf", "text/csv", "text/html"]),
)
pdf_uploads = st.builds(
    lambda name, content: SimpleUploadedFile(f"{name}.pdf", b"%PDF-1.4\n" + content),
    st.sampled_from(HOSTILE_FILE_NAMES),
    st.binary(max_size=100),
)
kpi_csv_uploads = st.builds(
    lambda content: SimpleUploadedFile("values.csv", content), kpi_csv_files()
)


def uploads(accept: str):
    """Files for a file input: one it should take (a PDF where documents are accepted,
    else KPI values as CSV) but with a hostile name or content, or anything at all."""
    return (pdf_uploads if ".pdf" in accept else kpi_csv_uploads) | any_uploads


def tampered(options: list[str]):
    """A new value list for one field: missing, one value or several."""
    value = st.sampled_from(options) | hostile_values if options else hostile_values
    return st.just([]) | value.map(lambda v: [v]) | st.lists(value, min_size=2, max_size=3)


@st.composite
def submissions(draw, form: PageForm) -> dict[str, list]:
    """What a browser would post from `form`, with a few fields tampered with, a few
    fields it does not have, and hostile files in its file inputs."""
    data = dict(draw(st.sampled_from([form.values, form.filled_in()])))
    if form.names:
        for name in draw(st.sets(st.sampled_from(form.names), max_size=4)):
            data[name] = draw(tampered(form.options.get(name, [])))
    for name in draw(st.sets(unknown_field_names, max_size=2)):
        data.setdefault(name, [draw(hostile_values)])
    for name, accept in form.file_inputs.items():
        data[name] = draw(st.lists(uploads(accept), max_size=2))
    return data


# ------------------------------------------------------------------------- checking


def _local_tables() -> list[str]:
    return sorted(
        {
            model._meta.db_table
            for label in LOCAL_APPS
            for model in apps.get_app_config(label).get_models(include_auto_created=True)
        }
    )


def row_counts() -> dict[str, int]:
    """The number of rows in every local table, history and many-to-many included."""
    tables, quote = _local_tables(), connection.ops.quote_name
    query = " UNION ALL ".join(
        f"SELECT %s, COUNT(*) FROM {quote(table)}"  # noqa: S608 - the models' own table names
        for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(query, tables)
        return dict(cursor.fetchall())


def changed_tables(before: dict[str, int], after: dict[str, int]) -> list[str]:
    return [table for table in before if before[table] != after[table]]


@contextmanager
def rolled_back():
    """Undo what an example did, so every example starts from the same data."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def post(client: Client, url: str, data: dict[str, list]):
    """POST `data` encoded as a browser would: multipart with files, else urlencoded."""
    if any(isinstance(value, UploadedFile) for values in data.values() for value in values):
        # The test client writes multipart text as strict UTF-8, so there a lone
        # surrogate (which no UTF-8 can carry) goes as the replacement character.
        def as_text(value):
            if isinstance(value, UploadedFile):
                return value
            return value.encode("utf-8", "replace").decode()

        return client.post(url, {name: list(map(as_text, vs)) for name, vs in data.items()})
    pairs = [(name, value) for name, values in data.items() for value in values]
    body = urlencode(pairs, encoding="utf-8", errors="surrogatepass")
    return client.post(url, body, content_type="application/x-www-form-urlencoded")


def assert_nothing_reflected(response, what: str):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    body = content.decode(errors="replace")
    for marker in REFLECTION_MARKERS:
        assert marker not in body, f"{what}: posted markup came back unescaped ({marker})"


@dataclass
class Target:
    """A form to post to, and what is true before every example posts to it (each is
    rolled back): who is signed in, what the page offers, and how many rows there are."""

    url: str
    page: PageForm
    cookies: dict[str, str] = field(repr=False)  # signed in once: per example is slow
    row_counts: dict[str, int] = field(repr=False)

    def client(self, **kwargs) -> Client:
        client = Client(**kwargs)
        client.cookies.load(self.cookies)
        return client


def target_for(form: PortalForm, users_by_role, request) -> Target:
    """The form's URL and, read from its page, what a browser would post."""
    client = Client()
    if form.role is not None:
        client.force_login(users_by_role[form.role])
    url = form.url(request.getfixturevalue(f"{form.app}_objects"))
    page = page_form(client.get(url))
    for name, value in form.example.items():
        page.values.setdefault(name, [str(value)])
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    return Target(url, page, cookies, row_counts())


@pytest.fixture
def target(form, users_by_role, request) -> Target:
    return target_for(form, users_by_role, request)


HOSTILE = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,  # the same examples on every run, so CI is deterministic
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("form", PORTAL_FORMS, ids=str)
@HOSTILE
@given(data=st.data())
def test_hostile_input_never_fails_half_saves_or_reflects(form, target, data):
    submission = data.draw(submissions(target.page), label="posted")
    with rolled_back():
        client = target.client()
        response = post(client, target.url, submission)
        event(f"answered {response.status_code}")  # see pytest --hypothesis-show-statistics
        assert response.status_code < 500
        assert_nothing_reflected(response, f"POST {target.url}")
        location = response.get("Location", "")
        if response.status_code in (301, 302, 303) and not urlsplit(location).netloc:
            # Saved: the page it leads to shows what was saved, escaped.
            assert_nothing_reflected(client.get(location), f"GET {location} after the POST")
        elif response.context and response.context.get("saved_but_incomplete"):
            pass  # the business case form saves the whole draft, then says what it lacks
        else:
            changed = changed_tables(target.row_counts, row_counts())
            assert not changed, f"refused with {response.status_code} but changed {changed}"


def test_every_form_refuses_a_post_without_the_csrf_token(users_by_role, request):
    accepted = {}
    for form in PORTAL_FORMS:
        target = target_for(form, users_by_role, request)
        with rolled_back():
            response = post(
                target.client(enforce_csrf_checks=True), target.url, target.page.filled_in()
            )
            changed = changed_tables(target.row_counts, row_counts())
        if response.status_code != 403 or changed:
            accepted[form.url_name] = (response.status_code, changed)
    assert not accepted, f"accepted without the CSRF token: {accepted}"
