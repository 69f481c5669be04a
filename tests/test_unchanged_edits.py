"""Every edit form in the portal, submitted unchanged, changes nothing.

The forms are found as tests/test_hostile_input.py finds them: every named URL whose
view accepts POST, built and signed in as its app's access cases say, so a form added
later is checked without touching this file. Each app's objects are those the hostile
input test builds, filled in completely here (links, radios, dates, money, files).

For each form the page is read as a browser reads it (text boxes, textareas, checked
boxes and radios, selected options, the GOV.UK date boxes) and a form that edits an
object is told apart from one that records something new:

- a page named for making something ("create", "add", "new", "start", "request",
  "import") creates rather than edits;
- a URL with no page of its own (a button elsewhere posts to it) acts rather than edits;
- a page whose form shows none of the object's values, or leaves a required question
  blank, records an action (a decision, a review, a comment), not an edit.

Every other form is an edit form. Its page must show the object completely (every
question answered, so nothing it holds can be lost by not being shown), and posting
back exactly what the page shows must succeed and leave every row of every local
table (history, links and files included) as it was.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.constants import ERROR
from django.db import connection
from django.test import Client
from django.utils import timezone

from governance.choices import AttendanceStatus
from governance.models import CorporateObjective, MeetingAttendance
from governance.tests.factories import ObjectiveFactory, UserFactory
from projects.choices import TcopAnswer
from projects.models import (
    MAX_YEARS,
    Budget,
    Criterion,
    ProposalTheme,
    ProposalYear,
    RoutingThresholds,
)
from reports.models import NARRATIVE_FIELDS
from risks.choices import Proximity
from tests.shown_forms import ShownForm, shown_form
from tests.test_hostile_input import (  # noqa: F401 - the fixtures each app's forms use
    PORTAL_FORMS,
    _local_tables,
    common_objects,
    governance_objects,
    post,
    projects_objects,
    reports_objects,
    risks_objects,
)

MAKING_WORDS = ("create", "add", "new", "start", "request", "import")


# ------------------------------------------------------------------- which forms edit


def not_an_edit(url_name: str, page: ShownForm | None) -> str | None:
    """Why the form at `url_name`, showing `page`, edits no object; None if it does."""
    if page is None:
        return f"{url_name} has no form page of its own: a button elsewhere posts to it"
    if not any(page.answered(name) for name in page.controls):
        return f"{url_name} shows no current values: it records an action, not an edit"
    words = set(url_name.rsplit(":", 1)[-1].split("-")) & set(MAKING_WORDS)
    if words:
        return f"{url_name} makes something new: its name says {', '.join(sorted(words))}"
    blank = sorted(name for name in page.required if not page.answered(name))
    if blank:
        return f"{url_name} leaves required questions blank ({', '.join(blank)}): it records something new"
    return None


# ------------------------------------------------------------------- the whole data


def table_rows() -> dict[str, list[tuple]]:
    """Every row of every local table, history and many-to-many tables included."""
    quote = connection.ops.quote_name
    rows = {}
    with connection.cursor() as cursor:
        for table in _local_tables():
            cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY 1")  # noqa: S608 - model tables
            rows[table] = cursor.fetchall()
    return rows


def differences(before: dict, after: dict) -> dict[str, dict]:
    changed = {}
    for table, rows in before.items():
        if rows != after[table]:
            gone = [row for row in rows if row not in after[table]]
            came = [row for row in after[table] if row not in rows]
            changed[table] = {"before": gone[:3], "after": came[:3]}
    return changed


# ------------------------------------------------- each app's objects, filled in full


@pytest.fixture
def governance_filled(governance_objects, head_of_ict, housing, chair, member, strategy):  # noqa: F811
    o = governance_objects
    corporate = CorporateObjective.objects.all()[:2]
    o.objective.description = "Every service online by 2027."
    o.objective.owner = head_of_ict
    o.objective.save()
    o.objective.corporate_objectives.set(corporate)
    o.item.description = "Move the housing forms online."
    o.item.owner = head_of_ict
    o.item.lead_unit = housing
    o.item.save()
    # A meeting's time is shown to the minute; one saved to the second must keep it.
    o.meeting.starts_at = o.meeting.starts_at.replace(second=17, microsecond=5)
    o.meeting.quorum = o.terms.minimum_quorum
    o.meeting.save()
    o.terms.remit = "Assess ICT proposals against the strategy and decide them."
    o.terms.save()
    MeetingAttendance.objects.create(
        meeting=o.meeting, person=head_of_ict, status=AttendanceStatus.IN_ATTENDANCE
    )
    MeetingAttendance.objects.create(
        meeting=o.meeting, person=chair, status=AttendanceStatus.PRESENT
    )
    MeetingAttendance.objects.create(
        meeting=o.meeting, person=member, status=AttendanceStatus.APOLOGIES
    )
    o.kpi.description = "Share of the month the main systems were up."
    o.kpi.theme = o.theme
    o.kpi.principle = o.principle
    o.kpi.is_rate = True
    o.kpi.numerator_label = "Minutes the main systems were up"
    o.kpi.denominator_label = "Minutes in the month"
    o.kpi.red_boundary = Decimal("99.00")
    o.kpi.green_boundary = Decimal("99.90")
    o.kpi.save()
    o.person.job_title = "Housing options officer"
    o.person.save()
    return o


@pytest.fixture
def projects_filled(projects_objects, strategy, officer, finance):  # noqa: F811
    o = projects_objects
    proposal = o.draft
    proposal.is_statutory = True
    proposal.statutory_basis = "Housing Act 1996, part 7."
    proposal.suppliers = "Three on the G-Cloud framework."
    proposal.dependencies = "The new address gazetteer."
    proposal.security_notes = "Hosted in the UK; Cyber Essentials Plus."
    proposal.save()
    proposal.corporate_objectives.set(CorporateObjective.objects.all()[:2])
    proposal.principles.set(strategy.principles.all()[:3])
    proposal.objectives.set([ObjectiveFactory(theme=theme) for theme in strategy.themes.all()[:2]])
    for theme in strategy.themes.all():
        ProposalTheme.objects.get_or_create(
            proposal=proposal, theme=theme, defaults={"how": f"It serves theme {theme.number}."}
        )
    for index in range(MAX_YEARS):
        ProposalYear.objects.update_or_create(
            proposal=proposal,
            financial_year=proposal.first_financial_year + index,
            defaults={
                "capital_cost": Decimal("50000.00") - index,
                "revenue_cost": Decimal("1250.50") + index,
                "cashable_savings": Decimal("10000.00") + index,
            },
        )
    # Every answer the self-assessment can hold (evidence may be given where not met).
    responses = list(proposal.tcop_responses.order_by("point__number"))
    assert len(responses) == 13, "the draft answers every point of the self-assessment"
    responses[1].answer = TcopAnswer.PARTLY_MET
    responses[2].answer = TcopAnswer.NOT_MET
    responses[2].evidence = "Not planned: the product is proprietary."
    for response in responses[1:3]:
        response.save()
    # The criterion the edit form opens is the one scored from the self-assessment.
    o.criterion.from_tcop = True
    o.criterion.save()
    RoutingThresholds.objects.create(
        bjc_limit=Decimal("120000.00"),
        key_decision_limit=Decimal("750000.00"),
        council_limit=Decimal("5000000.00"),
    )
    # Every adjustment a scenario can hold, so its form shows each kind at a stored value.
    Budget.objects.create(financial_year=2026, amount=Decimal("250000.00"))
    Budget.objects.create(financial_year=2027, amount=Decimal("260000.00"))
    criterion = Criterion.objects.filter(is_active=True).first()
    scenario = o.scenario
    scenario.description = "What if the 2026/27 budget were cut by a fifth?"
    scenario.budgets = {"2026": "200000.00"}
    scenario.weights = {str(criterion.pk): criterion.weight % 100 + 1}
    scenario.forced = {str(o.assessing.pk): "in", str(o.submitted.pk): "out"}
    scenario.moves = {str(o.assessing.pk): 1}
    scenario.save()
    contract = o.contract
    contract.supplier_charity_number = "1098765"
    contract.irrecoverable_vat = Decimal("250.50")
    contract.review_date = datetime.date(2027, 6, 1)
    contract.save()
    return o


@pytest.fixture
def risks_filled(risks_objects, strategy, officer, finance):  # noqa: F811
    from projects.choices import ProposalStatus
    from projects.tests.factories import ProposalFactory

    o = risks_objects
    risk = o.risk
    risk.existing_controls = "Two suppliers on the framework."
    risk.target_date = timezone.localdate() + datetime.timedelta(days=365)
    risk.proximity = Proximity.values[0]
    risk.review_every_days = 45
    risk.exempt_paragraph = 3
    risk.exempt_reason = "Names the supplier's commercial position."
    risk.save()
    risk.themes.set(strategy.themes.all()[:2])
    risk.principles.set(strategy.principles.all()[:2])
    risk.proposals.set(
        [ProposalFactory(business_unit=finance, complete=True, status=ProposalStatus.SUBMITTED)]
    )
    risk.projects.set([o.project])
    # Every answer a control can hold, so its form shows each at a stored value.
    o.control.effectiveness = "partly_effective"
    o.control.assessed_on = timezone.localdate() - datetime.timedelta(days=40)
    o.control.line = "third"
    o.control.evidence = "Internal audit report IA-26-04."
    o.control.save()
    return o


@pytest.fixture
def reports_filled(reports_objects):  # noqa: F811
    o = reports_objects
    for name, label in NARRATIVE_FIELDS:
        setattr(o.report, name, f"{label}: what the year showed.")
    o.report.save()
    o.schedule.recipients = "head.of.ict@example.org\nchair@example.org"
    o.schedule.save()
    return o


@pytest.fixture
def common_filled(common_objects):  # noqa: F811
    return common_objects


# ------------------------------------------------------------------------- the test


def refusals(response) -> list[str]:
    """What the response says went wrong: error messages and the form's errors."""
    said = [str(m) for m in get_messages(response.wsgi_request) if m.level >= ERROR]
    form = (response.context or {}).get("form")
    return said + ([form.errors.as_text()] if form is not None and form.errors else [])


# The edit forms the portal has today: if a change hid one of them from this test (its
# page stopped showing what the object holds, say), the test fails rather than pass
# by checking fewer forms.
KNOWN_EDIT_FORMS = {
    "projects:proposal-edit", "projects:criterion-update", "risks:risk-update",
    "risks:action-update", "governance:objective-update", "governance:action-item-update",
    "governance:kpi-update", "governance:meeting-update", "governance:account-update",
    "governance:business-unit-update", "governance:meeting-terms-update",
    "governance:meeting-attendance", "reports:annual-narrative", "reports:schedule-update",
    "governance:group-mapping-update", "projects:contract-update", "projects:scenario-update",
    "risks:control-update", "risks:risk-exemption", "projects:tcop-point-update",
    "projects:thresholds", "reports:committee-update",
}  # fmt: skip


def test_every_edit_form_saved_unchanged_changes_nothing(users_by_role, request):
    """Each form of the portal, found from its URL patterns, that shows an object's
    current values is posted back as its page shows it; no row of any table may
    change. Forms that record something new rather than edit are told apart by what
    their page shows (not_an_edit) and left out, each for a stated reason."""
    checked, left_out, failures = [], {}, []
    for form in PORTAL_FORMS:
        client = Client()
        if form.role is not None:
            client.force_login(users_by_role[form.role])
        url = form.url(request.getfixturevalue(f"{form.app}_filled"))
        page = shown_form(client.get(url))
        reason = not_an_edit(form.url_name, page)
        if reason:
            left_out[form.url_name] = reason
            continue
        checked.append(form.url_name)
        if page.unanswered:
            failures.append(
                f"{form.url_name} shows the object with questions unanswered: "
                f"{page.unanswered}. Either the form does not show what the object holds, "
                f"or this test's fixture for {form.app} does not fill it in."
            )
            continue
        before = table_rows()
        response = post(client, url, page.submission())
        if (response.status_code, refusals(response)) != (302, []):
            failures.append(
                f"{form.url_name} refused its own page, unchanged: "
                f"{response.status_code} {refusals(response)}"
            )
        changed = differences(before, table_rows())
        if changed:
            failures.append(f"{form.url_name} saved unchanged, yet changed: {changed}")

    assert not failures, "\n".join(failures)
    missing = KNOWN_EDIT_FORMS - set(checked)
    assert not missing, f"Edit forms not checked: { {m: left_out.get(m) for m in missing} }"


def test_a_risk_owner_keeps_the_links_the_form_does_not_show_them(
    officer, finance, strategy, client_for
):
    """An officer who owns a risk may edit it, but the form offers them only what they
    may link; the links it does not show (another unit's draft proposal) stay."""
    from django.urls import reverse

    from projects.tests.factories import ProposalFactory
    from risks.tests.factories import RiskFactory

    risk = RiskFactory(owner=officer)
    hidden = ProposalFactory(business_unit=finance, created_by=UserFactory(business_unit=finance))
    risk.proposals.set([hidden])
    risk.themes.set([strategy.themes.first()])
    client = client_for(officer)
    url = reverse("risks:risk-update", args=[risk.pk])
    page = shown_form(client.get(url))
    assert str(hidden.pk) not in page.values.get("proposals", [])

    response = post(client, url, page.submission())

    assert response.status_code == 302
    assert list(risk.proposals.all()) == [hidden]
    assert list(risk.themes.all()) == [strategy.themes.first()]
