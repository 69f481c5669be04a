"""Who may see and do what with proposals, their scores and projects: each rule once.

Views, services, selectors, forms, templates, exports, panels, history, the admin and
reports ask these functions; none writes a rule of its own. A rule that lists pages
need has two forms side by side here: a Q for querysets (`..._visible`) and a check on
one object (`may_...`); tests hold them to the same answers.

Plain functions rather than django-rules predicates: most rules here narrow querysets
(lists, CSVs, panels, rankings), which predicates do not express, and a plain function
beside its Q keeps both forms of one rule in one place a reader can find.

Who takes each step of a proposal's workflow is stated once, in projects/workflow.py
(each Transition's role); the rules below read it from there.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from common.roles import GOVERNANCE_GROUP, Role, roles_of
from governance import policies as governance_policies

from .choices import APPROVED_STATUSES, EDITABLE_STATUSES, ProposalStatus, Stage
from .workflow import TRANSITIONS

OVERSIGHT = GOVERNANCE_GROUP | {Role.HEAD_OF_ICT}
# Who may open the proposal and project pages at all; what each sees is narrowed below.
PROPOSAL_READERS = OVERSIGHT | {Role.OFFICER}
PORTFOLIO_READERS = OVERSIGHT
PRIORITISATION_SETTERS = frozenset({Role.HEAD_OF_ICT})  # criteria, weights and budgets
# Which criterion is scored from the Technology Code of Practice self-assessment.
TCOP_CRITERION_CHOOSERS = PRIORITISATION_SETTERS
# Who words the points of the Technology Code of Practice as the council asks them.
TCOP_POINT_EDITORS = PRIORITISATION_SETTERS
PROPOSERS = frozenset({TRANSITIONS["submit"].role})
SCORERS = GOVERNANCE_GROUP
AGENDA_KEEPERS = frozenset({Role.CHAIR})
DECIDERS = frozenset({TRANSITIONS["decide"].role})
# Once finally decided, a proposal's scores are part of the record its readers see.
# Deferred is not final: it returns to assessment, where scoring is independent again.
FINALLY_DECIDED = APPROVED_STATUSES | {ProposalStatus.REJECTED, ProposalStatus.WITHDRAWN}
# Scoring starts in assessment, so before it a proposal has no scores to keep apart:
# saying so ("Not scored") tells a member nothing about anyone's judgement. That holds
# only before the first gate: a proposal developing its Outline or Full Business Case
# was scored at an earlier gate, and those scores stay apart until it is decided.
BEFORE_SCORING = EDITABLE_STATUSES | {ProposalStatus.SUBMITTED, ProposalStatus.IN_TRIAGE}
FIRST_GATES = frozenset({"", Stage.SOC, Stage.BJC})
# Importing a council's pipeline and projects from spreadsheets (projects.imports): the
# Head of ICT, who triages every proposal and oversees delivery. An import brings a
# proposal in at most as far as the Head of ICT's own steps take one (submitted, in
# triage, in assessment): a decision is the Governance Group's, at a meeting.
IMPORTERS = frozenset({Role.HEAD_OF_ICT})
IMPORTABLE_PROPOSAL_STATUSES = frozenset(
    {ProposalStatus.SUBMITTED, ProposalStatus.IN_TRIAGE, ProposalStatus.IN_ASSESSMENT}
)


# --------------------------------------------------------------------------- proposals


def viewer_key(user) -> str:
    """What these rules read of a user, as part of a cache key: who they are, their
    unit and their roles. Figures worked out for a person ahead of their request (common.
    precompute) are kept under it, with the data version: a new role or unit is not
    always a change the version counts, and figures kept for the person as they were
    are then never read."""
    roles = "-".join(sorted(role.name for role in roles_of(user)))
    return f"{user.pk}:{user.business_unit_id}:{roles}"


def proposals_visible(user) -> Q:
    """Officers see their own unit's proposals, drafts included; the Governance Group
    and the Head of ICT see every proposal once submitted; a project manager sees the
    proposals they manage once submitted. Anything else is a 404. What a proposal holds
    (its business case, Technology Code of Practice self-assessment, documents) is seen
    by exactly those who see the proposal."""
    roles = roles_of(user)
    visible = Q(pk__in=[])
    if Role.OFFICER in roles and user.business_unit_id:
        visible |= Q(business_unit_id=user.business_unit_id)
    submitted = ~Q(status=ProposalStatus.DRAFT)
    if roles & OVERSIGHT:
        visible |= submitted
    elif roles:
        visible |= submitted & Q(project_manager=user)
    return visible


def acts_for_unit(user, proposal) -> bool:
    """An officer of the proposing business unit: who holds the pen on a proposal."""
    return (
        Role.OFFICER in roles_of(user)
        and user.business_unit_id is not None
        and user.business_unit_id == proposal.business_unit_id
    )


def may_start_proposal(user) -> bool:
    return bool(roles_of(user) & PROPOSERS) and user.business_unit_id is not None


def may_edit_proposal(user, proposal) -> bool:
    """The business case, its documents and its links change only while the unit
    holds the pen (a draft, or returned for more information)."""
    return acts_for_unit(user, proposal) and proposal.status in EDITABLE_STATUSES


def may_take(user, proposal, transition, *, in_any_state: bool = False) -> bool:
    """May this user move this proposal along `transition` (projects.workflow)? With
    `in_any_state`, ask only who may, not whether the proposal is in a state it
    applies to: services tell a late-comer that someone else acted first."""
    if transition.role not in roles_of(user):
        return False
    if transition.role == Role.OFFICER and not acts_for_unit(user, proposal):
        return False
    return in_any_state or proposal.status in transition.sources


def may_choose_tcop_criterion(user) -> bool:
    """The Head of ICT, who sets the criteria and weights, chooses the criterion the
    self-assessment scores."""
    return bool(roles_of(user) & TCOP_CRITERION_CHOOSERS)


# ------------------------------------------------------------------------------ scores


def _own_score(user):
    from .models import Assessment

    return Exists(
        Assessment.objects.filter(proposal=OuterRef("pk"), assessor=user, conflict_declared=False)
    )


def sees_every_score(user) -> bool:
    """The Head of ICT runs the process and does not score, so sees every score."""
    return Role.HEAD_OF_ICT in roles_of(user)


def scores_visible(user) -> Q:
    """The proposals whose scores (each member's, the mean, spread and count) this
    user may see: independent scoring means a member sees none until they have
    submitted their own, and never while conflicted; the proposing unit sees them
    once the proposal is finally decided. Callers intersect it with what the user
    may see at all (proposals_visible)."""
    if sees_every_score(user):
        return Q(pk__isnull=False)  # every proposal, as a condition a CASE can hold
    visible = Q(status__in=FINALLY_DECIDED) | Q(status__in=BEFORE_SCORING, stage__in=FIRST_GATES)
    if roles_of(user) & SCORERS:
        visible |= Q(_own_score(user))
    return visible


def may_see_scores(user, proposal) -> bool:
    """scores_visible, for one proposal the user may see."""
    if sees_every_score(user) or _scores_open(proposal):
        return True
    if not roles_of(user) & SCORERS:
        return False
    return proposal.assessments.filter(assessor=user, conflict_declared=False).exists()


def _scores_open(proposal) -> bool:
    return proposal.status in FINALLY_DECIDED or (
        proposal.status in BEFORE_SCORING and proposal.stage in FIRST_GATES
    )


def scorable(user) -> Q:
    """The proposals this member may score now: in assessment, not from their own
    unit, and not yet scored or conflicted by them (scoring_refusal, as a Q)."""
    from .models import Assessment

    if not roles_of(user) & SCORERS:
        return Q(pk__in=[])
    may = Q(status=ProposalStatus.IN_ASSESSMENT) & ~Q(
        Exists(Assessment.objects.filter(proposal=OuterRef("pk"), assessor=user))
    )
    if user.business_unit_id:
        may &= ~Q(business_unit_id=user.business_unit_id)
    return may


def scoring_refusal(user, proposal) -> str | None:
    """Why this user may not score this proposal now, or None if they may. The same
    answer governs declaring a conflict: only someone who could score it may step
    aside from scoring it, and only while it is being assessed."""
    if not roles_of(user) & SCORERS:
        return "Only ICT Governance Group members score proposals."
    if proposal.status != ProposalStatus.IN_ASSESSMENT:
        return "Proposals are scored only while in assessment."
    if user.business_unit_id and user.business_unit_id == proposal.business_unit_id:
        return "You cannot score a proposal from your own business unit."
    existing = proposal.assessments.filter(assessor=user).first()
    if existing and existing.conflict_declared:
        return "You declared a conflict of interest, so you cannot score this proposal."
    if existing:
        return "You have already scored this proposal."
    return None


def conflict_refusal(user, proposal) -> str | None:
    return scoring_refusal(user, proposal)


# ------------------------------------------------------- business case stages, routing

# The council's money thresholds route every proposal: the Head of ICT, who owns the
# strategy's budgets and triages every proposal, sets them. A proposal moves from one
# stage to the next only by the Governance Group's decision at a gate (DECIDERS), and
# every reader of a proposal sees its route, its risk potential and its frozen stages.
THRESHOLD_SETTERS = frozenset({Role.HEAD_OF_ICT})


def may_set_thresholds(user) -> bool:
    return bool(roles_of(user) & THRESHOLD_SETTERS)


def assurance_review_due(proposal, potential) -> bool:
    """A high-risk scheme needs an independent assurance review before its Full
    Business Case gate: the chair and the Group are told so at that gate."""
    return proposal.stage == Stage.FBC and potential == "high"


# --------------------------------------------------------------- agenda and decisions


def may_keep_agenda(user) -> bool:
    return bool(roles_of(user) & AGENDA_KEEPERS)


def agenda_refusal(user, meeting, proposal=None) -> str | None:
    """Why this user may not change this meeting's agenda now (and, given a proposal,
    put it on the agenda), or None. The agenda is fixed once the minutes are drafted."""
    if not may_keep_agenda(user):
        return "Only the Governance Group chair keeps the agenda."
    refusal = governance_policies.agenda_change_refusal(meeting)
    if refusal:
        return refusal
    if proposal is not None and proposal.status != ProposalStatus.IN_ASSESSMENT:
        return "Only proposals in assessment can go on an agenda."
    return None


def may_decide(user) -> bool:
    return bool(roles_of(user) & DECIDERS)


def _decision_refusal(user, meeting_refusal: str | None, proposal) -> str | None:
    if not may_decide(user):
        return "Only the Governance Group chair records decisions."
    if meeting_refusal:
        return meeting_refusal
    if proposal.status != ProposalStatus.IN_ASSESSMENT:
        # Most often another chair decided it a moment ago: say who, so nobody wonders.
        last = proposal.decisions.select_related("decided_by", "meeting").first()
        if last is None:
            return (
                f"This proposal is {proposal.get_status_display().lower()}, so no decision "
                "can be recorded on it. Nothing was changed."
            )
        return (
            f"{last.decided_by} has already recorded the decision on this proposal "
            f"({last.get_outcome_display().lower()}) at {last.meeting}, at "
            f"{timezone.localtime(last.decided_at):%H:%M on %-d %B}. Nothing was changed."
        )
    return None


def decision_refusal(user, meeting, proposal) -> str | None:
    """Why this user may not record a decision on this proposal at this meeting now, or
    None: the chair, at a meeting that may take decisions now (started, open or held,
    minutes not drafted, quorate: governance.policies.decisions_refusal), on a
    proposal on its agenda and still in assessment."""
    if not may_decide(user):
        return _decision_refusal(user, None, proposal)
    if not proposal.agenda_items.filter(meeting=meeting).exists():
        return "Put the proposal on this meeting's agenda before deciding it."
    return _decision_refusal(user, governance_policies.decisions_refusal(meeting), proposal)


def decision_refusals(user, meeting, items) -> dict[int, str | None]:
    """decision_refusal for each of this meeting's agenda items, by item id, asking
    about the meeting (its quorum) once."""
    meeting_refusal = governance_policies.decisions_refusal(meeting) if may_decide(user) else None
    return {item.pk: _decision_refusal(user, meeting_refusal, item.proposal) for item in items}


# ---------------------------------------------------------------------------- projects


def projects_visible(user) -> Q:
    """The Governance Group and the Head of ICT see every project; an officer sees
    their unit's; anyone sees the projects they manage."""
    roles = roles_of(user)
    if roles & OVERSIGHT:
        return Q()
    if not roles:
        return Q(pk__in=[])
    visible = Q(project_manager=user)
    if Role.OFFICER in roles and user.business_unit_id:
        visible |= Q(proposal__business_unit_id=user.business_unit_id)
    return visible


def may_lead_project(user, project) -> bool:
    """The project manager and the Head of ICT report progress and close a project."""
    return project.project_manager_id == user.pk or Role.HEAD_OF_ICT in roles_of(user)


# -------------------------------------------------------------- contracts, transparency

# The Head of ICT answers for what the council publishes about ICT contracts.
TRANSPARENCY_PUBLISHERS = frozenset({Role.HEAD_OF_ICT})


def may_keep_contracts(user, project) -> bool:
    """Who leads a project records the contracts let for it: its manager and the
    Head of ICT. Everyone who may see the project sees its contracts."""
    return may_lead_project(user, project)


def may_publish_transparency(user) -> bool:
    return bool(roles_of(user) & TRANSPARENCY_PUBLISHERS)


def may_import(user) -> bool:
    return bool(roles_of(user) & IMPORTERS)


# --------------------------------------------------------------------------- scenarios

# Who tries what-ifs on the portfolio: those who may read it. Business unit officers
# never see a scenario (it weighs scores and other units' proposals).
SCENARIO_USERS = PORTFOLIO_READERS
# Who puts a scenario to a Governance Group meeting as a paper.
SCENARIO_PAPER_KEEPERS = frozenset({Role.HEAD_OF_ICT, Role.CHAIR})


def scenarios_visible(user) -> Q:
    """The Head of ICT, who runs prioritisation, sees every scenario; a Group member or
    the chair sees their own and those shared with the Group. Anything else is a 404."""
    roles = roles_of(user)
    if not roles & SCENARIO_USERS:
        return Q(pk__in=[])
    if Role.HEAD_OF_ICT in roles:
        return Q()
    return Q(created_by=user) | Q(is_shared=True)


def may_see_scenario(user, scenario) -> bool:
    """scenarios_visible, for one scenario."""
    roles = roles_of(user)
    if not roles & SCENARIO_USERS:
        return False
    return Role.HEAD_OF_ICT in roles or scenario.created_by_id == user.pk or scenario.is_shared


def may_edit_scenario(user, scenario) -> bool:
    """Its creator (while they may use scenarios at all) and the Head of ICT change a
    scenario and share or unshare it; others who see it only read it."""
    roles = roles_of(user)
    if not roles & SCENARIO_USERS:
        return False
    return Role.HEAD_OF_ICT in roles or scenario.created_by_id == user.pk


def scenario_paper_refusal(user, scenario, meeting=None) -> str | None:
    """Why this user may not put this scenario to a meeting (this one, if given) as a
    paper, or None. A paper goes to everyone at the meeting, so only a scenario shared
    with the Group may be one."""
    if not roles_of(user) & SCENARIO_PAPER_KEEPERS:
        return "Only the Head of ICT or the Governance Group chair puts papers to a meeting."
    if not scenario.is_shared:
        return "Share the scenario with the Governance Group before putting it to a meeting."
    if meeting is not None:
        from governance.choices import MeetingStatus

        if meeting.status != MeetingStatus.SCHEDULED:
            return "Papers go to meetings that have not started yet."
        return governance_policies.agenda_change_refusal(meeting)
    return None
