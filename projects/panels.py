"""Projects' contributions to pages owned by other apps: home-page panels, and the
proposals section of a Governance Group meeting's agenda."""

from functools import partial
from typing import NamedTuple

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from common import dataversion, precompute, slots
from common.addresses import page_urls
from common.formatting import short_date
from common.markup import fill
from common.slots import Section, Slot
from governance import policies as governance_policies
from governance.minutes import MinutesItem
from governance.selectors import people_with_role

from . import policies, selectors
from .choices import ProposalStatus
from .models import AgendaItem, reference_of
from .templatetags.proposals import status_tag
from .workflow import TRANSITIONS

LIMIT = 10

# A panel's lines are written in one pass (fill) from rows read as values: the rest
# of a proposal (business case, costs, text) is never read, no model instance is built for
# a line of text, and no lookup, filter and escape runs per value in the template.
PROPOSAL_LINE = (
    '<li><a class="govuk-link" href="{}">{}</a> <span class="govuk-body-s">{}</span></li>'
)
PROPOSAL_STATUS_LINE = '<li><a class="govuk-link" href="{}">{}</a> {}</li>'
PROJECT_LINE = (
    '<li><a class="govuk-link" href="{}">{}</a>: last update {} '
    '<strong class="govuk-tag govuk-tag--red">Update overdue</strong></li>'
)


def _proposal_name(pk: int, title: str) -> str:
    """str(proposal), from a row read as values: its reference is its key."""
    return f"{reference_of(pk)} {title}"


def _proposal_rows(proposals) -> list[tuple[int, str, str]]:
    return list(proposals.values_list("pk", "title", "business_unit__name")[:LIMIT])


def _lines_of(rows) -> list[SafeString]:
    proposal_url = page_urls("projects:proposal-detail")  # the pattern read once for every line
    return [
        fill(PROPOSAL_LINE, proposal_url(pk), _proposal_name(pk, title), unit)
        for pk, title, unit in rows
    ]


def _project_rows(projects) -> list[tuple[int, int, str, object]]:
    rows = projects.values_list("pk", "proposal_id", "proposal__title", "last_update_on")
    return list(rows[:LIMIT])


def _project_lines(rows) -> list[SafeString]:
    """A project is named by its proposal: reference and title."""
    project_url = page_urls("projects:project-detail")
    return [
        fill(
            PROJECT_LINE,
            project_url(pk),
            _proposal_name(proposal_pk, title),
            short_date(last_update) or "never",
        )
        for pk, proposal_pk, title, last_update in rows
    ]


def _unit_proposals(*, user):
    # By the unit's key: the panel shows nothing of the unit itself, so it is not loaded.
    if user.business_unit_id is None:
        return {"proposals": [], "unit": None}
    lists = {
        "proposals": selectors.unit_proposals_needing_action(user.business_unit_id),
        # The list's order, without its scores and costs: the panel shows neither.
        "recent": selectors.proposals_visible_to(user)
        .exclude(status__in=["draft", "returned"])
        .order_by("-updated_at", "-pk"),
    }
    rows = {name: list(q.values_list("pk", "title", "status")[:LIMIT]) for name, q in lists.items()}
    # Each line's status tag as projects/_status.html writes it (its tag, status_tag,
    # on a line of its own; test_panels holds the two equal), once per status the lines
    # hold, without rendering a template for it.
    proposal_url = page_urls("projects:proposal-detail")
    tags = {
        status: mark_safe(f"\n{status_tag(status, ProposalStatus(status).label)}\n")  # noqa: S308 - status_tag escapes
        for status in {status for lines in rows.values() for _, _, status in lines}
    }
    return {
        "unit": user.business_unit_id,
        **{
            name: [
                fill(
                    PROPOSAL_STATUS_LINE, proposal_url(pk), _proposal_name(pk, title), tags[status]
                )
                for pk, title, status in lines
            ]
            for name, lines in rows.items()
        },
    }


# The same for everyone who sees it (every proposal waiting, whoever asks), changed only
# by the data: worked out after each change (common.precompute), not on a page. Kept as
# plain rows; the page writes the lines.
TRIAGE_PANEL = "home-triage-rows"
SHARED_PANEL_CACHE = 60 * 60  # seconds; only lets figures nobody asks for again drop out


def _triage(*, user):
    rows = dataversion.remember(TRIAGE_PANEL, _triage_worked_out, SHARED_PANEL_CACHE)
    return {"proposals": _lines_of(rows)}


def _triage_worked_out() -> list[tuple[int, str, str]]:
    return _proposal_rows(selectors.proposals_awaiting_triage())


def figures_to_precompute() -> list[precompute.Figure]:
    return [
        precompute.Figure(TRIAGE_PANEL, _triage_worked_out, SHARED_PANEL_CACHE),
        precompute.Figure(_updates_due_key(), _updates_due_worked_out, SHARED_PANEL_CACHE),
        *_deciders_marks(),
    ]


def _to_score(*, user):
    if policies.may_decide(user):  # the chair: the panel to decide asks the same
        shared = _in_assessment(user)
        rows = selectors.to_score_rows(user, shared.facts, LIMIT, shared.marks)
    else:  # a member: only which they may score, a simpler question than both
        rows = _proposal_rows(selectors.proposals_to_score(user))
    return {"proposals": _lines_of(rows)}


def _ready_for_decision(*, user):
    # As the portfolio ranks them: the shared facts (titles, units, mean scores) worked
    # out ahead, and from the database only which of them this user may see, and whose
    # scores (selectors.proposals_ready_for_decision's order).
    shared = _in_assessment(user)
    rows = selectors.ready_for_decision_rows(user, shared.facts, LIMIT, shared.marks)
    return {"proposals": _lines_of(rows)}


class InAssessment(NamedTuple):
    """What the lines on proposals in assessment are read from: the facts every reader
    shares (the portfolio's), and which of them this user may see and whose scores, and
    which they may score (selectors.in_assessment_marks)."""

    facts: dict[int, tuple]
    marks: list[tuple[int, bool, bool]]


def _in_assessment(user) -> InAssessment:
    """Read once per user object (so once per request, as common.roles.roles_of reads
    the roles): the chair's two panels on proposals in assessment, one to score and one
    to decide, both ask it."""
    found = getattr(user, "_home_in_assessment", None)
    if found is None:
        facts = selectors.portfolio_figures()["proposals"]
        marks = dataversion.remember(
            _marks_key(user), partial(selectors.in_assessment_marks, user), SHARED_PANEL_CACHE
        )
        found = InAssessment(facts, marks)
        user._home_in_assessment = found
    return found


# A decider's marks on the proposals in assessment (selectors.in_assessment_marks), which
# weigh each of them against the decider's own assessments: worked out for each decider
# after each change (common.precompute), as the shared panels are, not on their home.
IN_ASSESSMENT_MARKS = "home-in-assessment-marks"


def _marks_key(user) -> str:
    return f"{IN_ASSESSMENT_MARKS}:{policies.viewer_key(user)}"


def _deciders_marks() -> list[precompute.Figure]:
    return [
        precompute.Figure(
            _marks_key(person), partial(selectors.in_assessment_marks, person), SHARED_PANEL_CACHE
        )
        for person in people_with_role(*policies.DECIDERS)
    ]


def _updates_due(*, user):
    visible = policies.projects_visible(user)
    if not visible:  # every project: the rows everyone with oversight shares
        rows = dataversion.remember(_updates_due_key(), _updates_due_worked_out, SHARED_PANEL_CACHE)
    else:
        rows = _project_rows(selectors.projects_needing_update().filter(visible))
    return {"projects": _project_lines(rows)}


# Every project due an update, the same for everyone who may see every project, and
# changed only by the data and the date (what a month ago is): worked out after each
# change (common.precompute), not on a page.
UPDATES_DUE_PANEL = "home-updates-due-rows"


def _updates_due_key() -> str:
    return f"{UPDATES_DUE_PANEL}:{timezone.localdate()}"


def _updates_due_worked_out() -> list[tuple[int, int, str, object]]:
    return _project_rows(selectors.projects_needing_update())


def _managed_updates_due(*, user):
    projects = selectors.projects_needing_update(manager=user)
    return {"projects": _project_lines(_project_rows(projects))}


def _agenda_items(meeting) -> list[AgendaItem]:
    """The meeting's proposals in the chair's order, each with the decision taken on it
    at this meeting, if any."""
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("proposal__business_unit")
        .order_by("position", "pk")
    )
    decisions = {
        d.proposal_id: d for d in meeting.decisions.select_related("decided_by").order_by("pk")
    }
    for item in items:
        item.decision = decisions.get(item.proposal_id)
    return items


def _papers(*, meeting, user):
    from . import scenarios

    return {"papers": scenarios.papers_of(meeting, user=user)}


def _agenda(*, meeting, user):
    items = _agenda_items(meeting)
    undecided = [item for item in items if item.decision is None]
    refusals = policies.decision_refusals(user, meeting, undecided)
    for item in items:
        item.can_decide = item.pk in refusals and refusals[item.pk] is None
    can_manage = policies.agenda_refusal(user, meeting) is None
    return {
        "items": items,
        "can_manage": can_manage,
        "has_actions": can_manage or any(item.can_decide for item in items),
        # Why the chair cannot record decisions now, said before they try.
        "decisions_refusal": (
            governance_policies.decisions_refusal(meeting) if policies.may_decide(user) else None
        ),
    }


def _minutes(*, meeting, user):
    items = []
    for number, item in enumerate(_agenda_items(meeting), start=1):
        proposal, decision = item.proposal, item.decision
        lines = ["Not decided."]
        if decision:
            lines = [
                f"Decision: {decision.get_outcome_display()}.",
                f"Reason: {decision.rationale}",
            ]
            if decision.conditions:
                lines.append(f"Conditions: {decision.conditions}")
            if decision.revisit_date:
                lines.append(f"To be revisited on {decision.revisit_date:%-d %B %Y}.")
        items.append(
            MinutesItem(
                heading=f"{number}. {proposal.reference} {proposal.title} "
                f"({proposal.business_unit})",
                lines=tuple(lines),
            )
        )
    return {"items": items, "empty": "No proposals were on the agenda."}


def _theme_work(*, user, theme):
    proposals = (
        selectors.proposals_visible_to(user)
        .filter(theme_links__theme=theme)
        .select_related("business_unit")
        .prefetch_related("project")
        .order_by("status", "-updated_at")
    )
    return {"proposals": list(proposals[:50])}


def _objective_work(*, user, objective):
    proposals = (
        selectors.proposals_visible_to(user)
        .filter(objectives=objective)
        .select_related("business_unit")
        .prefetch_related("project")
        .order_by("status", "-updated_at")
    )
    return {"proposals": list(proposals[:50])}


def register() -> None:
    slots.register(
        Slot.HOME,
        Section(
            title="Your unit's proposals",
            template="projects/panels/unit_proposals.html",
            roles=policies.PROPOSERS,
            context=_unit_proposals,
            order=5,
        ),
    )
    slots.register(
        Slot.HOME,
        Section(
            title="Proposals waiting for triage",
            template="projects/panels/triage.html",
            roles=frozenset({TRANSITIONS["start_triage"].role}),
            context=_triage,
            order=5,
        ),
    )
    slots.register(
        Slot.HOME,
        Section(
            title="Proposals waiting for your score",
            template="projects/panels/to_score.html",
            roles=policies.SCORERS,
            context=_to_score,
            order=5,
        ),
    )
    slots.register(
        Slot.HOME,
        Section(
            title="Proposals ready for a decision",
            template="projects/panels/ready.html",
            roles=policies.DECIDERS,
            context=_ready_for_decision,
            order=6,
        ),
    )
    slots.register(
        Slot.HOME,
        Section(
            title="Projects with no update for over a month",
            template="projects/panels/updates_due.html",
            roles=policies.OVERSIGHT,
            context=_updates_due,
            order=7,
        ),
    )
    slots.register(
        Slot.HOME,
        Section(
            title="Your projects due a progress update",
            template="projects/panels/updates_due.html",
            roles=policies.PROPOSERS,
            context=_managed_updates_due,
            order=6,
        ),
    )
    slots.register(
        Slot.THEME,
        Section(
            title="Proposals and projects serving this theme",
            template="projects/theme_section.html",
            roles=policies.PROPOSAL_READERS,
            context=_theme_work,
            order=10,
        ),
    )
    slots.register(
        Slot.OBJECTIVE,
        Section(
            title="Proposals and projects delivering this objective",
            template="projects/theme_section.html",
            roles=policies.PROPOSAL_READERS,
            context=_objective_work,
            order=10,
        ),
    )
    slots.register(
        Slot.MEETING_AGENDA,
        Section(
            title="Proposals for decision",
            template="projects/agenda_section.html",
            context=_agenda,
            order=10,
        ),
    )
    slots.register(
        Slot.MEETING_AGENDA,
        Section(
            title="Papers",
            template="projects/scenario_papers_section.html",
            roles=policies.SCENARIO_USERS,
            context=_papers,
            order=20,
        ),
    )
    slots.register(
        Slot.MEETING_MINUTES,
        Section(
            title="Proposals for decision",
            template="governance/_minutes_section.html",
            context=_minutes,
            order=10,
        ),
    )
