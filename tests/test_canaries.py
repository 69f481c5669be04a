"""Canaries: values that a rule hides, planted, then looked for in everything the portal
serves, as every kind of user.

The test does not know where data goes. It plants unique values (another unit's draft
title, scores and their comments, a conflict note, the title of another unit's
proposal linked to an officer's risk), then walks every page the project's URL
patterns name, with every object id that fits each pattern, as each user, following
every link and download each page offers (so lists, CSV and Excel downloads, panels,
history pages, report files and the admin are all read), and reads each answer as a
person would: HTML, CSV, JSON, PDF, Word and Excel as text. Each canary may appear
only for the users its rule lets see it. A link a page offers must also open for the
user it was offered to: links and buttons ask the same rule as the page behind them.
"""

import contextlib
import datetime
import io
import re
import zipfile
from collections import defaultdict
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.converters import IntConverter

from common import health, imports
from common.roles import Role
from governance.choices import KPIValueStatus
from governance.models import KPI, GroupMapping
from governance.tests.factories import (
    ActionPlanItemFactory,
    BusinessUnitFactory,
    ObjectiveFactory,
    TermsOfReferenceFactory,
    UserFactory,
)
from projects import scenarios as project_scenarios
from projects import services as project_services
from projects.choices import ProposalStatus
from projects.models import AgendaItem, Attachment, Criterion
from projects.tests.factories import (
    ContractFactory,
    MeetingFactory,
    ProjectFactory,
    ProposalFactory,
)
from reports import services as report_services
from reports.models import ReportKind
from reports.tests.factories import issued_committee_report
from risks.tests.factories import RiskFactory, escalated_risk

LOCAL_APPS = ("common", "governance", "projects", "risks", "reports")
# Scores chosen so that each figure a page could show appears nowhere else: weights 3
# and 4, so ratings (5, 2) score 65.7, ratings (4, 1) score 45.7, and the mean is 55.7.
SCORE_MEMBER, SCORE_CHAIR, SCORE_MEAN = "65.7", "45.7", "55.7"
DRAFT_TITLE = "Canary draft kestrel"
ASSESSED_TITLE = "Canary assessed heron"
LINKED_TITLE = "Canary linked plover"
SCORE_COMMENT = "Canary score comment curlew"
CONFLICT_NOTE = "Canary conflict note dunlin"
# Under the Transparency Code's £5,000, so never published: seen only with its project.
CONTRACT_TITLE = "Canary contract osprey"
# A KPI value awaiting approval: seen by its recorder and approver (the Head of ICT) only.
UNPUBLISHED_COMMENTARY = "Canary commentary wryneck"
# A risk's control: seen by whoever may read the register, and only with its risk.
CONTROL_DESCRIPTION = "Canary control wagtail"

UNIT_B_READERS = {"officer_b", "member_unscored", "member_scored", "member_conflicted",
                  "member_b", "chair", "head"}  # fmt: skip
SCORE_READERS = {"member_scored", "chair", "head"}
UNIT_A_PROJECT_READERS = {"officer_a", "member_unscored", "member_scored",
                          "member_conflicted", "member_b", "chair", "head"}  # fmt: skip
WHO_MAY_SEE = {
    DRAFT_TITLE: {"officer_b"},
    ASSESSED_TITLE: UNIT_B_READERS,
    LINKED_TITLE: UNIT_B_READERS,
    SCORE_MEMBER: SCORE_READERS,
    SCORE_CHAIR: SCORE_READERS,
    SCORE_MEAN: SCORE_READERS,
    SCORE_COMMENT: SCORE_READERS,
    CONFLICT_NOTE: SCORE_READERS,
    CONTRACT_TITLE: UNIT_A_PROJECT_READERS,
    UNPUBLISHED_COMMENTARY: {"head"},
    CONTROL_DESCRIPTION: {"officer_a", "officer_b", "member_unscored", "member_scored",
                          "member_conflicted", "member_b", "chair", "head"},
}
# Query strings a page may link to, per path, read at most: pagination and filter
# links repeat the same page with other rows.
VARIANTS_PER_PATH = 4
# Django's admin is read from its own URL list (for the Administrator); its pages'
# links lead into forms of its own.
SKIPPED_LINKS = re.compile(r"^/(static|sign-out|admin)/")


@pytest.fixture(autouse=True)
def _a_worker_answers(monkeypatch):
    """The health page pings a Celery worker; none runs here, and the page holds no
    data (common/tests/test_health.py checks it with a real worker)."""
    monkeypatch.setattr(health, "check_worker", lambda **kwargs: health.Check(True, "assumed"))


@pytest.fixture
def world(strategy, tmp_path, settings):
    """Three units; unit B proposes. Two members and the chair score; one member is
    conflicted; one member is from unit B; an officer of unit A owns a risk linked to
    unit B's proposal."""
    settings.MEDIA_ROOT = tmp_path
    a = BusinessUnitFactory(name="Unit A", code="unit-a")
    b = BusinessUnitFactory(name="Unit B", code="unit-b")
    c = BusinessUnitFactory(name="Unit C", code="unit-c")
    users = {
        "officer_a": UserFactory(business_unit=a, roles=[Role.OFFICER]),
        "officer_b": UserFactory(business_unit=b, roles=[Role.OFFICER]),
        "member_unscored": UserFactory(business_unit=c, roles=[Role.MEMBER]),
        "member_scored": UserFactory(business_unit=c, roles=[Role.MEMBER]),
        "member_conflicted": UserFactory(business_unit=c, roles=[Role.MEMBER]),
        "member_b": UserFactory(business_unit=b, roles=[Role.MEMBER]),
        "chair": UserFactory(business_unit=c, roles=[Role.CHAIR]),
        "head": UserFactory(roles=[Role.HEAD_OF_ICT]),
        "administrator": UserFactory(is_staff=True, roles=[Role.ADMINISTRATOR]),
        "no_role": UserFactory(),
    }
    theme = strategy.themes.get(number=1)
    objective = ObjectiveFactory(theme=theme, owner=users["head"])
    ActionPlanItemFactory(objective=objective, owner=users["officer_a"], lead_unit=a)
    kpi = KPI.objects.create(name="Calls answered online", unit="%", direction="higher")
    kpi.targets.create(financial_year=2026, target=80)
    kpi.measurements.create(
        period_end=datetime.date(2026, 6, 30),
        value=75,
        recorded_by=users["head"],
        status=KPIValueStatus.APPROVED,
    )
    kpi.measurements.create(
        period_end=datetime.date(2026, 9, 30),
        value=76,
        note=UNPUBLISHED_COMMENTARY,
        recorded_by=users["head"],
    )
    proposals = {}
    for key, title, status in (
        ("draft", DRAFT_TITLE, ProposalStatus.DRAFT),
        ("assessed", ASSESSED_TITLE, ProposalStatus.IN_ASSESSMENT),
        ("linked", LINKED_TITLE, ProposalStatus.SUBMITTED),
    ):
        proposal = ProposalFactory(
            title=title,
            business_unit=b,
            created_by=users["officer_b"],
            complete=True,
            status=status,
            themes=[theme],
        )
        proposal.objectives.add(objective)
        proposals[key] = proposal
    Attachment.objects.create(
        proposal=proposals["draft"],
        file="proposals/canary/case.pdf",
        original_name="case.pdf",
        kind="PDF",
        content_type="application/pdf",
        size=9,
        uploaded_by=users["officer_b"],
    )
    (tmp_path / "proposals" / "canary").mkdir(parents=True)
    (tmp_path / "proposals" / "canary" / "case.pdf").write_bytes(b"%PDF-1.4\n")

    Criterion.objects.update(is_active=False)
    first = Criterion.objects.create(name="Fit with the strategy", weight=3, position=1)
    second = Criterion.objects.create(name="Value for money", weight=4, position=2)
    assessed = proposals["assessed"]
    for user, ratings in ((users["member_scored"], (5, 2)), (users["chair"], (4, 1))):
        project_services.assessment_submit(
            proposal=assessed,
            user=user,
            ratings={
                first.pk: (ratings[0], SCORE_COMMENT),
                second.pk: (ratings[1], "Fair."),
            },
        )
    project_services.conflict_declare(
        proposal=assessed, user=users["member_conflicted"], note=CONFLICT_NOTE
    )
    TermsOfReferenceFactory(minimum_quorum=2)
    meeting = MeetingFactory(chair=users["chair"])
    AgendaItem.objects.create(meeting=meeting, proposal=assessed, position=1)
    # A scenario re-weighting the scores, shared and put to the meeting as a paper; and a
    # member's own, unshared. Neither may show a score to anyone the scores are hidden from.
    shared = project_scenarios.scenario_save(
        user=users["head"], name="Canary what-if", is_shared=True, weights={first.pk: 9}
    )
    project_scenarios.scenario_paper_add(user=users["head"], scenario=shared, meeting=meeting)
    project_scenarios.scenario_save(user=users["member_unscored"], name="Mine")
    project = ProjectFactory(proposal__business_unit=a, proposal__created_by=users["officer_a"])
    ContractFactory(project=project, title=CONTRACT_TITLE, total_value=Decimal("4999.99"))
    ContractFactory(project=project, title="Published hosting contract")
    project_services.transparency_publish(user=users["head"])
    GroupMapping.objects.create(claim_value="unit-a-staff", label="Unit A staff", business_unit=a)

    risk = RiskFactory(owner=users["officer_a"], title="An officer's risk")
    risk.proposals.add(proposals["linked"], assessed)
    risk.themes.add(theme)
    risk.actions.create(
        description="Agree the supplier's plan",
        owner=users["officer_a"],
        due_date=datetime.date(2027, 1, 31),
    )
    risk.controls.create(description=CONTROL_DESCRIPTION, owner=users["officer_a"], line="third")
    # Escalated to the corporate register and scored differently there: the thread and
    # the mismatch flag link both ways, and the Head of ICT may record why.
    escalated_risk(source=risk, owner=users["head"], title="The corporate entry")
    RiskFactory(owner=users["head"], title="An ICT risk that may yet be escalated")

    report = report_services.annual_report_draft(user=users["head"], financial_year=2026)
    report_services.report_file_produce(user=users["head"], report=report, file_format="csv")
    run = report_services.report_request(
        kind=ReportKind.GOVERNANCE_PACK, period="2026-11", requested_by=users["head"]
    )
    report_services.report_generate(run_id=run.pk)
    # A risk report to a committee, its public and exempt parts kept as files.
    issued_committee_report()
    # A file the Head of ICT is importing: its page is theirs alone.
    imports.import_upload(
        user=users["head"], kind="risks",
        upload=SimpleUploadedFile("register.csv", (
            b"Title,Category,Owner,Cause,Event,Consequence,Inherent likelihood,Inherent impact,"
            b"Residual likelihood,Residual impact,Target likelihood,Target impact,Response\n"
            b"A risk from a file,People,nobody,C,E,C,3,3,2,2,1,1,Treat\n"
        )),
    )  # fmt: skip
    return users


# ----------------------------------------------------------------- reading answers


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _text(response) -> str:
    """What a person reading the answer would read, whatever its format."""
    content = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    kind = response.get("Content-Type", "")
    if content.startswith(b"%PDF"):
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError, PdfStreamError

        try:
            reader = PdfReader(io.BytesIO(content))
            return "\n".join(page.extract_text() or "" for page in reader.pages)
        except (PdfReadError, PdfStreamError):  # an uploaded file that is not a real PDF
            return content.decode(errors="replace")
    if content.startswith(b"PK") and zipfile.is_zipfile(io.BytesIO(content)):
        names = zipfile.ZipFile(io.BytesIO(content)).namelist()
        if "word/document.xml" in names:
            import docx

            document = docx.Document(io.BytesIO(content))
            cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
            return "\n".join([p.text for p in document.paragraphs] + cells)
        import openpyxl

        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    charset = "utf-8" if "charset" not in kind else kind.split("charset=")[-1]
    return content.decode(charset, errors="replace")


def _links(response, url) -> list[str]:
    if "text/html" not in response.get("Content-Type", ""):
        return []
    parser = _Links()
    parser.feed(response.content.decode())
    found = []
    for href in parser.hrefs:
        absolute = urljoin(url, href)
        parts = urlsplit(absolute)
        if parts.netloc not in ("", "testserver") or SKIPPED_LINKS.match(parts.path):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


# ------------------------------------------------------------------ what to request


# django-allauth's pages that answer only within a flow the walk does not take (halfway
# through a single sign-on, about a second factor or a provider nobody here has), or
# that are another name for a page the walk opens (account_login is the sign-in page).
# None shows the portal's records; common/tests/test_access.py opens each.
FLOW_PAGES = {
    "account_login",
    "mfa_deactivate_totp",
    "mfa_download_recovery_codes",
    "mfa_edit_webauthn",
    "mfa_remove_webauthn",
    "mfa_view_recovery_codes",
    "openid_connect_callback",
    "openid_connect_login",
    "socialaccount_login_error",
    # The API's writes answer only POST; tests/test_api.py drives each of them.
    "api:kpi-value-create",
    "api:project-update-create",
    "api:risk-review-create",
    "api-not-found",  # what any other address under /api/ answers (tests/test_api.py)
}


def _patterns(resolver=None, namespace=None):
    """(name, pattern) for every named URL of the portal's own (the admin apart)."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
            yield from _patterns(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            view_class = getattr(pattern.callback, "view_class", None)
            if view_class is None or "get" in view_class.http_method_names:
                yield ":".join(filter(None, [namespace, pattern.name])), pattern


def _ids_by_model() -> dict:
    models = [
        m
        for label in LOCAL_APPS
        for m in apps.get_app_config(label).get_models()
        if not m.__name__.startswith("Historical")
    ]
    return {m: list(m.objects.order_by("pk").values_list("pk", flat=True)) for m in models}


def _finds(url, user) -> bool:
    """Whether the page at `url` finds its object for `user`: its view called
    directly, past the middleware, and its template left unrendered, since only
    the answer's status is wanted."""
    request = RequestFactory().get(url)
    request.user = user
    request._messages = CookieStorage(request)
    match = resolve(url)
    try:
        match.func(request, *match.args, **match.kwargs)
    except Http404:
        return False
    except PermissionDenied:
        pass
    return True


def _seed_urls(probe) -> list[str]:
    """Every page of the portal, with every object that fits it. Which model a
    pattern's id belongs to is found by asking, with one object of each model, as a
    probe user who holds every role and may see every planted object; then every
    object of the models that fit is requested."""
    ids = _ids_by_model()
    urls = []
    for name, pattern in _patterns():
        if not pattern.pattern.converters:
            # Not when its argument is in an enclosing include (FLOW_PAGES).
            with contextlib.suppress(NoReverseMatch):
                urls.append(reverse(name))
            continue
        if len(pattern.pattern.converters) > 1:
            continue  # an object within another (a report's file): reached by its links
        fitting = [
            pks for pks in ids.values() if pks and _finds(reverse(name, args=[pks[-1]]), probe)
        ]
        urls += [reverse(name, args=[pk]) for pk in sorted({pk for pks in fitting for pk in pks})]
    return urls


def _admin_urls() -> list[str]:
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        label = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls += [reverse(f"{label}_changelist"), reverse(f"{label}_add")]
        for pk in model.objects.order_by("pk").values_list("pk", flat=True)[:5]:
            urls += [reverse(f"{label}_change", args=[pk]), reverse(f"{label}_history", args=[pk])]
    return urls


def _read_everything(client, seeds) -> tuple[dict[str, str], list, set[str]]:
    """Request the seed pages and every link they offer, and the links those offer, as
    one user. Returns what was read per URL, the links offered that refused, and the
    URLs that answered (a page, a file or a redirect)."""
    read, refused, answered = {}, [], set()
    variants = defaultdict(set)
    queue = [(url, None) for url in seeds]
    while queue:
        url, offered_on = queue.pop(0)
        path, _, query = url.partition("?")
        if query in variants[path] or len(variants[path]) >= VARIANTS_PER_PATH:
            continue
        variants[path].add(query)
        response = client.get(url)
        if offered_on and response.status_code in (403, 404):
            refused.append((offered_on, url, response.status_code))
        if response.status_code < 400:
            answered.add(url)
        if response.status_code == 200:
            read[url] = _text(response)
        queue += [(link, url) for link in _links(response, url) if link not in read]
    return read, refused, answered


def _pattern_names(urls) -> set[str]:
    names = set()
    for url in urls:
        match = resolve(url.partition("?")[0])
        names.add(":".join(filter(None, [match.namespace, match.url_name])))
    return names


def test_each_canary_appears_only_where_its_rule_allows(world):
    probe = UserFactory(business_unit=world["officer_b"].business_unit, roles=list(Role))
    seeds = _seed_urls(probe)
    seen_by = defaultdict(set)
    leaks, refusals, opened = [], [], set()
    for key, user in world.items():
        client = Client()
        client.force_login(user)
        extra = _admin_urls() if key == "administrator" else []
        read, refused, answered = _read_everything(client, seeds + extra)
        refusals += [(key, *r) for r in refused]
        opened |= _pattern_names(answered)
        for canary, allowed in WHO_MAY_SEE.items():
            where = [url for url, text in read.items() if canary in text]
            if where:
                seen_by[canary].add(key)
            if where and key not in allowed:
                leaks.append(f"{canary!r} shown to {key} on {where[:5]}")
    assert not leaks, "Canaries shown to users a rule hides them from:\n" + "\n".join(leaks)
    assert not refusals, "Links offered to users they may not open:\n" + "\n".join(
        f"{user} on {page}: {link} answered {status}" for user, page, link, status in refusals
    )
    # The walk opened every page the portal serves, for someone (but a page whose URL
    # holds a secret rather than ids, such as a set-password link sent by e-mail)...
    unopened = {
        name
        for name, pattern in _patterns()
        if all(isinstance(c, IntConverter) for c in pattern.pattern.converters.values())
    } - opened - FLOW_PAGES
    assert not unopened, f"Pages the walk never opened: {sorted(unopened)}"
    # ...and really reaches each canary: everyone allowed finds it somewhere, so
    # a rule that hid too much would fail here too.
    for canary, allowed in WHO_MAY_SEE.items():
        assert seen_by[canary] == allowed, f"{canary!r} found by {sorted(seen_by[canary])}"
