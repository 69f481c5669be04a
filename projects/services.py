"""Every change to proposals, scores, decisions and projects.

Each service takes keyword-only arguments, checks who may act (by role and by scope),
runs in one transaction, locks the row it changes and re-checks its state (so two
people acting at once get one result and a clear message), leaves history naming the
user, and queues e-mail for after commit.
"""

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from common.dates import (
    before_refusal,
    in_future_refusal,
    in_past_refusal,
    long_date,
    not_after_refusal,
    refuse,
)
from common.emails import email_queue
from common.errors import WorkflowError
from common.fy import financial_year_label, financial_year_of
from common.permissions import require_role
from common.roles import GOVERNANCE_GROUP, Role
from common.services import save_with_history
from common.uploads import safe_display_name, storage_name
from governance import selectors as governance_selectors
from governance.models import CorporateObjective, Meeting, Objective, Principle, User

from . import completeness, policies, selectors, tcop, transparency
from .choices import (
    APPROVED_STATUSES,
    TRANSPARENCY_THRESHOLD,
    Outcome,
    ProjectStatus,
    ProposalStatus,
    Stage,
    TcopAnswer,
)
from .models import (
    MAX_YEARS,
    AgendaItem,
    Assessment,
    Attachment,
    BenefitRealised,
    Budget,
    BusinessCaseVersion,
    Contract,
    Criterion,
    CriterionScore,
    Decision,
    ProgressUpdate,
    Project,
    Proposal,
    ProposalEvent,
    ProposalTheme,
    ProposalYear,
    RoutingThresholds,
    TcopPoint,
    TcopResponse,
    TransparencyPublication,
)
from .scoring import weighted_score
from .workflow import TRANSITIONS, decided, first_stage

PROPOSAL_FIELDS = frozenset(
    {
        "title", "case_for_change", "is_statutory", "statutory_basis", "options_considered",
        "preferred_option", "non_cashable_benefits", "first_financial_year",
        "procurement_route", "suppliers", "funding_source", "sponsor", "project_manager",
        "start_date", "end_date", "milestones", "key_risks", "dependencies", "personal_data",
        "security_impact", "security_notes", "risk_novel", "risk_personal_data_at_scale",
        "risk_frontline", "risk_immature_market",
    }
)  # fmt: skip
# What a gate freezes of the business case, case by case (HM Treasury's five cases).
FROZEN_CASE = (
    ("Strategic case", ("case_for_change", "statutory_basis")),
    ("Economic case", ("options_considered", "preferred_option", "non_cashable_benefits")),
    ("Commercial case", ("procurement_route", "suppliers")),
    ("Financial case", ("funding_source",)),
    ("Management case", ("sponsor", "start_date", "end_date", "milestones", "key_risks",
                         "dependencies", "personal_data", "security_impact", "security_notes")),
)  # fmt: skip
CONTRACT_FIELDS = frozenset(
    {
        "reference", "title", "description", "department", "supplier_name",
        "supplier_company_number", "supplier_charity_number", "supplier_is_sme",
        "supplier_is_vcse", "total_value", "irrecoverable_vat", "start_date", "end_date",
        "review_date", "process",
    }
)  # fmt: skip


# ---------------------------------------------------------------------------- helpers


def _locked(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update().get(pk=proposal.pk)


def _require_unit(user: User, proposal: Proposal) -> None:
    if not policies.acts_for_unit(user, proposal):
        raise PermissionDenied("Only officers of the proposing business unit can do this.")


def _link(obj) -> str:
    return f"{settings.PORTAL_BASE_URL}{obj.get_absolute_url()}"


def _notify(people: Iterable[User], *, subject: str, body: str, exclude: User | None = None):
    seen = set()
    for person in people:
        if person.email and person != exclude and person.email not in seen:
            seen.add(person.email)
            email_queue(to=person.email, subject=subject, body=body)


def _unit_people(proposal: Proposal) -> list[User]:
    people = list(governance_selectors.unit_officers(proposal.business_unit))
    return [proposal.created_by, *people]


def _moved_on_message(proposal: Proposal, action_label: str) -> str:
    last = proposal.events.select_related("actor").order_by("-created_at", "-pk").first()
    who = ""
    if last:
        who = f" by {last.actor} at {timezone.localtime(last.created_at):%H:%M on %-d %B}"
    return (
        f"You cannot {action_label.lower()} this proposal: it is now "
        f"{proposal.get_status_display().lower()}{who}. Nothing was changed."
    )


def _transition(
    *, proposal: Proposal, user: User, action: str, target=None, comment: str = ""
) -> Proposal:
    """Move a locked proposal along the state machine, with its event and history."""
    transition = TRANSITIONS[action]
    if not policies.may_take(user, proposal, transition, in_any_state=True):
        require_role(user, transition.role)
        _require_unit(user, proposal)
    if proposal.status not in transition.sources:
        raise WorkflowError(_moved_on_message(proposal, transition.label))
    if transition.comment_required and not comment.strip():
        raise ValidationError({"comment": "Say what more information is needed."})
    previous = proposal.status
    proposal.status = target or transition.target
    save_with_history(proposal, user=user)
    event = ProposalEvent(
        proposal=proposal,
        action=action,
        from_status=previous,
        to_status=proposal.status,
        actor=user,
        comment=comment.strip(),
    )
    save_with_history(event, user=user)
    return proposal


# -------------------------------------------------------------------------- proposals


@transaction.atomic
def proposal_create(*, user: User, title: str) -> Proposal:
    if not policies.may_start_proposal(user):
        require_role(user, *policies.PROPOSERS)
        raise PermissionDenied("Your account is not linked to a business unit.")
    strategy = governance_selectors.strategy_current()
    proposal = Proposal(
        title=title, business_unit=user.business_unit, strategy=strategy, created_by=user
    )
    save_with_history(proposal, user=user)
    return proposal


@transaction.atomic
def proposal_save_draft(
    *,
    proposal: Proposal,
    user: User,
    fields: Mapping[str, Any],
    corporate_objectives: Iterable[CorporateObjective] | None = None,
    principles: Iterable[Principle] | None = None,
    objectives: Iterable[Objective] | None = None,
    themes: Mapping[int, str] | None = None,
    years: Mapping[int, Mapping[str, Decimal]] | None = None,
    tcop: Mapping[int, tuple[str, str]] | None = None,
) -> Proposal:
    """Save whatever the unit has filled in so far; nothing is required yet.

    `themes` maps each chosen theme's id to how the proposal serves it; `years` maps a
    financial year to its capital_cost, revenue_cost and cashable_savings; `tcop` maps
    a Technology Code of Practice point's id to its answer (a TcopAnswer, or "" not
    yet) and evidence."""
    proposal = _locked(proposal)
    _require_unit(user, proposal)
    if not policies.may_edit_proposal(user, proposal):
        raise WorkflowError(
            f"This proposal is {proposal.get_status_display().lower()}, so it can no longer "
            "be edited. Nothing was changed."
        )
    unknown = set(fields) - PROPOSAL_FIELDS
    if unknown:
        raise ValueError(f"Not proposal fields: {sorted(unknown)}")
    for field, value in fields.items():
        setattr(proposal, field, value)
    save_with_history(proposal, user=user)
    if corporate_objectives is not None:
        proposal.corporate_objectives.set(corporate_objectives)
    if principles is not None:
        # Asked here, not only by the page's choices, so the API's drafts keep it too.
        if any(p.strategy_id != proposal.strategy_id for p in principles):
            raise ValidationError({"principles": "Choose principles of the proposal's strategy."})
        proposal.principles.set(principles)
    if objectives is not None:
        if any(o.theme.strategy_id != proposal.strategy_id for o in objectives):
            raise ValidationError({"objectives": "Choose objectives of the proposal's strategy."})
        proposal.objectives.set(objectives)
    if themes is not None:
        _replace_themes(proposal, themes, user=user)
    if years is not None:
        _replace_years(proposal, years, user=user)
    if tcop is not None:
        _replace_tcop(proposal, tcop, user=user)
    return proposal


def _replace_tcop(proposal: Proposal, answers: Mapping[int, tuple[str, str]], *, user: User):
    """The self-assessment as given: a point with neither answer nor evidence has no row;
    points not in `answers` are left as they are."""
    points = set(TcopPoint.objects.values_list("pk", flat=True))
    if set(answers) - points:
        raise ValidationError({"tcop": "Answer the points of the Technology Code of Practice."})
    existing = {r.point_id: r for r in proposal.tcop_responses.all()}
    for point_id, (answer, evidence) in answers.items():
        if answer and answer not in TcopAnswer.values:
            raise ValidationError({f"tcop_{point_id}": "Select met, partly met or not met."})
        evidence = evidence.strip()
        response = existing.get(point_id)
        if not answer and not evidence:
            if response is not None:
                response._history_user = user
                response.delete()
            continue
        if response is None:
            response = TcopResponse(proposal=proposal, point_id=point_id)
        elif (response.answer, response.evidence) == (answer, evidence):
            continue
        response.answer, response.evidence = answer, evidence
        save_with_history(response, user=user)


def _replace_themes(proposal: Proposal, themes: Mapping[int, str], *, user: User) -> None:
    valid = set(proposal.strategy.themes.values_list("pk", flat=True))
    if set(themes) - valid:
        raise ValidationError({"themes": "Choose themes of the proposal's strategy."})
    for link in proposal.theme_links.exclude(theme_id__in=themes):
        link._history_user = user
        link.delete()
    existing = {link.theme_id: link for link in proposal.theme_links.all()}
    for theme_id, how in themes.items():
        link = existing.get(theme_id) or ProposalTheme(proposal=proposal, theme_id=theme_id)
        if link.pk is None or link.how != how:
            link.how = how
            save_with_history(link, user=user)


def _replace_years(proposal: Proposal, years: Mapping[int, Mapping], *, user: User) -> None:
    if len(years) > MAX_YEARS:
        raise ValidationError({"years": f"Give figures for at most {MAX_YEARS} years."})
    for row in proposal.years.exclude(financial_year__in=years):
        row._history_user = user
        row.delete()
    existing = {row.financial_year: row for row in proposal.years.all()}
    for year, amounts in years.items():
        row = existing.get(year) or ProposalYear(proposal=proposal, financial_year=year)
        changed = row.pk is None
        for field in ("capital_cost", "revenue_cost", "cashable_savings"):
            value = amounts.get(field) or Decimal(0)
            if getattr(row, field) != value:
                setattr(row, field, value)
                changed = True
        if changed:
            save_with_history(row, user=user)


@transaction.atomic
def proposal_submit(*, proposal: Proposal, user: User, answer: str = "") -> Proposal:
    """Send the proposal to the Head of ICT. The whole case must be complete; a
    proposal returned for information needs the unit's answer."""
    proposal = _locked(proposal)
    missing = completeness.missing(proposal)
    if proposal.status == ProposalStatus.RETURNED and not answer.strip():
        missing["answer"] = "Answer the request for more information."
    if missing and proposal.status in TRANSITIONS["submit"].sources:
        _require_unit(user, proposal)
        raise ValidationError(missing)
    resubmitted = proposal.status == ProposalStatus.RETURNED
    developed = proposal.status == ProposalStatus.DEVELOPING
    _transition(proposal=proposal, user=user, action="submit", comment=answer)
    proposal.submitted_at = timezone.now()
    if not proposal.case_versions.exists():
        # Until its first gate is decided, the route follows the case as it stands.
        _, _, where = selectors.proposal_routing(proposal)
        proposal.route = where.route
        proposal.stage = first_stage(where.route)
    save_with_history(proposal, user=user)
    verb = "resubmitted with more information" if resubmitted else "submitted"
    if developed:
        verb = f"submitted its {proposal.get_stage_display()}"
    _notify(
        governance_selectors.people_with_role(Role.HEAD_OF_ICT),
        subject=f"Proposal {proposal.reference} {verb} for triage",
        body=(
            f"{proposal.business_unit} has {verb} the ICT proposal “{proposal.title}”.\n\n"
            f"Triage it: {_link(proposal)}"
        ),
    )
    return proposal


@transaction.atomic
def proposal_start_triage(*, proposal: Proposal, user: User) -> Proposal:
    return _transition(proposal=_locked(proposal), user=user, action="start_triage")


@transaction.atomic
def proposal_return(*, proposal: Proposal, user: User, comment: str) -> Proposal:
    proposal = _transition(proposal=_locked(proposal), user=user, action="return", comment=comment)
    _notify(
        _unit_people(proposal),
        subject=f"More information needed on proposal {proposal.reference}",
        body=(
            f"The Head of ICT has returned “{proposal.title}” for more information:\n\n"
            f"{comment.strip()}\n\nAnswer and resubmit it here: {_link(proposal)}"
        ),
    )
    return proposal


@transaction.atomic
def proposal_accept(*, proposal: Proposal, user: User) -> Proposal:
    proposal = _transition(proposal=_locked(proposal), user=user, action="accept")
    _notify(
        governance_selectors.people_with_role(*GOVERNANCE_GROUP),
        subject=f"Proposal {proposal.reference} is ready for your score",
        body=(
            f"“{proposal.title}” from {proposal.business_unit} is ready for the ICT "
            f"Governance Group to score.\n\nScore it here: {_link(proposal)}"
        ),
    )
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, user: User, comment: str = "") -> Proposal:
    proposal = _transition(
        proposal=_locked(proposal), user=user, action="withdraw", comment=comment
    )
    _notify(
        governance_selectors.people_with_role(Role.HEAD_OF_ICT),
        subject=f"Proposal {proposal.reference} withdrawn",
        body=f"{proposal.business_unit} has withdrawn “{proposal.title}”.\n\n{_link(proposal)}",
    )
    return proposal


@transaction.atomic
def proposal_reopen(*, proposal: Proposal, user: User) -> Proposal:
    proposal = _transition(proposal=_locked(proposal), user=user, action="reopen")
    proposal.revisit_date = None
    save_with_history(proposal, user=user)
    return proposal


@transaction.atomic
def proposal_decide(
    *,
    proposal: Proposal,
    user: User,
    meeting: Meeting,
    outcome: Outcome,
    rationale: str,
    conditions: str = "",
    revisit_date: datetime.date | None = None,
) -> Decision:
    """The chair records the Governance Group's decision at a meeting that may take it
    now (policies.decision_refusal: started, in session or held, quorate).

    The meeting and the proposal rows are locked and both re-checked, so when two
    chairs decide at once exactly one decision is recorded and the other is told who
    decided first, and attendance cannot change while a decision is being recorded."""
    require_role(user, *policies.DECIDERS)
    meeting = _locked_meeting(meeting.pk)
    proposal = _locked(proposal)
    refusal = policies.decision_refusal(user, meeting, proposal)
    if refusal:
        raise WorkflowError(refusal)
    if outcome == Outcome.DEFERRED:
        meeting_day = timezone.localdate(meeting.starts_at)
        what = "The date to revisit"
        refuse(
            {
                "revisit_date": not_after_refusal(revisit_date, meeting_day, what, "the meeting")
                or in_past_refusal(revisit_date, what)
            }
        )
    decision = Decision(
        proposal=proposal,
        meeting=meeting,
        outcome=outcome,
        rationale=rationale.strip(),
        conditions=conditions.strip(),
        revisit_date=revisit_date if outcome == Outcome.DEFERRED else None,
        decided_by=user,
    )
    save_with_history(decision, user=user, exclude={"proposal", "meeting", "decided_by"})
    decided_stage = proposal.stage
    if decided_stage:
        case_freeze(proposal, decision, user=user)
    status, proposal.stage = decided(decided_stage, outcome)
    _transition(proposal=proposal, user=user, action="decide", target=status)
    proposal.decided_at = timezone.now()
    proposal.revisit_date = decision.revisit_date
    save_with_history(proposal, user=user)
    project = None
    if proposal.status in APPROVED_STATUSES:
        project = Project(
            proposal=proposal,
            project_manager=proposal.project_manager or proposal.created_by,
            started_on=proposal.start_date or timezone.localdate(),
        )
        save_with_history(project, user=user)

    stage_words = f" its {Stage(decided_stage).label} for" if decided_stage else ""
    body = [
        f"The ICT Governance Group decided on{stage_words} “{proposal.title}” at {meeting}:",
        f"Decision: {decision.get_outcome_display()}.",
        f"Reason: {decision.rationale}",
    ]
    if status == ProposalStatus.DEVELOPING:
        body.append(
            f"The proposal moves on to its {proposal.get_stage_display()}: develop the "
            "business case and submit it for the next gate."
        )
    if decision.conditions:
        body.append(f"Conditions: {decision.conditions}")
    if decision.revisit_date:
        body.append(f"It will be revisited on {decision.revisit_date:%-d %B %Y}.")
    body.append(f"See it here: {_link(proposal)}")
    people = _unit_people(proposal)
    if project:
        people.append(project.project_manager)
    _notify(
        [*people, *governance_selectors.people_with_role(Role.HEAD_OF_ICT)],
        subject=f"Decision on proposal {proposal.reference}: {decision.get_outcome_display()}",
        body="\n\n".join(body),
    )
    return decision


def case_freeze(proposal: Proposal, decision: Decision, *, user: User) -> BusinessCaseVersion:
    """Keep the business case as the Group decided it at its current stage. Part of
    proposal_decide (inside its transaction, the proposal locked); the demo data
    freezes its demo stage with it too."""
    years = list(proposal.years.all())
    cost, assessment, _ = selectors.proposal_routing(proposal)
    case = []
    for name, fields in FROZEN_CASE:
        for field in fields:
            value = getattr(proposal, field)
            if isinstance(value, datetime.date):
                text = long_date(value)
            elif Proposal._meta.get_field(field).choices:
                text = getattr(proposal, f"get_{field}_display")()
            else:
                text = value or ""
            label = Proposal._meta.get_field(field).verbose_name
            case.append(
                {"case": name, "field": field, "label": label[:1].upper() + label[1:],
                 "text": text}
            )  # fmt: skip
    # The self-assessment as the Group saw it beside the scores at this gate.
    for response in proposal.tcop_responses.select_related("point").order_by("point__number"):
        answer = response.get_answer_display() if response.answer else "Not answered"
        case.append(
            {
                "case": "Technology Code of Practice self-assessment",
                "field": f"tcop_{response.point.number}",
                "label": str(response.point),
                "text": f"{answer}. {response.evidence}" if response.evidence else answer,
            }
        )
    version = BusinessCaseVersion(
        proposal=proposal,
        decision=decision,
        stage=proposal.stage,
        route=proposal.route,
        risk_potential=assessment.potential or "",
        whole_life_cost=cost,
        case=case,
        years=[
            {
                "financial_year": y.financial_year,
                "capital_cost": str(y.capital_cost),
                "revenue_cost": str(y.revenue_cost),
                "cashable_savings": str(y.cashable_savings),
            }
            for y in years
        ],
        frozen_at=timezone.now(),
    )
    save_with_history(version, user=user, exclude={"proposal", "decision"})
    return version


@transaction.atomic
def thresholds_set(*, user: User, fields: Mapping[str, Any]) -> RoutingThresholds:
    """The Head of ICT sets the council's business case and decision thresholds. A
    proposal is routed when it is submitted (each time, until its first gate is
    decided); who decides it follows the figures in force."""
    if not policies.may_set_thresholds(user):
        raise PermissionDenied("Only the Head of ICT sets the business case thresholds.")
    thresholds = RoutingThresholds.objects.select_for_update().first() or RoutingThresholds()
    for field in ("bjc_limit", "key_decision_limit", "council_limit"):
        setattr(thresholds, field, fields.get(field))
    save_with_history(thresholds, user=user)
    return thresholds


# ------------------------------------------------------------------------ attachments


@transaction.atomic
def attachment_add(*, proposal: Proposal, user: User, upload) -> Attachment:
    """Store a document checked by common.uploads.DocumentField (its `checked` result)
    under a name the server chooses."""
    proposal = _locked(proposal)
    _require_unit(user, proposal)
    if not policies.may_edit_proposal(user, proposal):
        raise WorkflowError("Documents can be added only while the unit is editing the proposal.")
    checked = upload.checked
    attachment = Attachment(
        proposal=proposal,
        original_name=safe_display_name(upload.name),
        kind=checked.kind,
        content_type=checked.content_type,
        size=upload.size,
        uploaded_by=user,
    )
    attachment.file.save(storage_name(checked), upload, save=False)
    try:
        save_with_history(attachment, user=user, exclude={"proposal", "uploaded_by"})
    except Exception:
        # The file went to disk before the row; do not leave it behind on failure.
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, user: User) -> None:
    proposal = _locked(attachment.proposal)
    _require_unit(user, proposal)
    if not policies.may_edit_proposal(user, proposal):
        raise WorkflowError("Documents can be removed only while the unit is editing the proposal.")
    name, storage = attachment.file.name, attachment.file.storage
    attachment._history_user = user
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


# ---------------------------------------------------------------------------- scoring


@transaction.atomic
def assessment_submit(
    *, proposal: Proposal, user: User, ratings: Mapping[int, tuple[int, str]]
) -> Assessment:
    """Record a member's scores: a 0 to 5 rating and comment per criterion in use."""
    require_role(user, *policies.SCORERS)
    proposal = _locked(proposal)
    refusal = policies.scoring_refusal(user, proposal)
    if refusal:
        raise WorkflowError(refusal)
    criteria = list(Criterion.objects.filter(is_active=True))
    if not criteria:
        raise WorkflowError("No scoring criteria are in use. Ask the Head of ICT to set them.")
    ratings = dict(ratings)
    fed = [c for c in criteria if c.from_tcop]
    if fed:
        # Worked out from the self-assessment, whatever rating was typed (projects.tcop).
        worked_out = tcop.proposal_rating(proposal)
        for criterion in fed:
            comment = ratings.get(criterion.pk, (None, ""))[1]
            ratings[criterion.pk] = (worked_out, comment)
    missing = [c.name for c in criteria if c.pk not in ratings]
    if missing:
        raise ValidationError(f"Score every criterion. Missing: {', '.join(missing)}.")
    assessment = Assessment(
        proposal=proposal,
        assessor=user,
        weighted_score=weighted_score((ratings[c.pk][0], c.weight) for c in criteria),
    )
    save_with_history(assessment, user=user, exclude={"proposal", "assessor"})
    for criterion in criteria:
        rating, comment = ratings[criterion.pk]
        score = CriterionScore(
            assessment=assessment,
            criterion=criterion,
            criterion_name=criterion.name,
            weight=criterion.weight,
            score=rating,
            comment=comment.strip(),
            from_tcop=criterion.from_tcop,
        )
        save_with_history(score, user=user, exclude={"assessment", "criterion"})
    return assessment


@transaction.atomic
def conflict_declare(*, proposal: Proposal, user: User, note: str) -> Assessment:
    """A member steps aside from scoring a proposal they could otherwise score."""
    require_role(user, *policies.SCORERS)
    proposal = _locked(proposal)
    refusal = policies.conflict_refusal(user, proposal)
    if refusal:
        raise WorkflowError(refusal)
    if not note.strip():
        raise ValidationError({"note": "Describe the conflict of interest."})
    assessment = Assessment(
        proposal=proposal, assessor=user, conflict_declared=True, conflict_note=note.strip()
    )
    save_with_history(assessment, user=user, exclude={"proposal", "assessor"})
    return assessment


@transaction.atomic
def criterion_save(
    *, user: User, fields: Mapping[str, Any], criterion: Criterion | None = None
) -> Criterion:
    """Add or change a criterion. Past assessments keep the weights they were scored
    under, so this changes only scores given from now on."""
    require_role(user, *policies.PRIORITISATION_SETTERS)
    if fields.get("from_tcop") and not policies.may_choose_tcop_criterion(user):
        raise PermissionDenied("Only the Head of ICT chooses the criterion scored from TCoP.")
    if criterion is None:
        criterion = Criterion()
    else:
        criterion = Criterion.objects.select_for_update().get(pk=criterion.pk)
    for field, value in fields.items():
        setattr(criterion, field, value)
    save_with_history(criterion, user=user)
    if criterion.from_tcop:
        # One criterion at most is scored from the self-assessment: this one now.
        for other in (
            Criterion.objects.select_for_update().filter(from_tcop=True).exclude(pk=criterion.pk)
        ):
            other.from_tcop = False
            save_with_history(other, user=user)
    return criterion


@transaction.atomic
def tcop_point_save(*, user: User, point: TcopPoint, fields: Mapping[str, Any]) -> TcopPoint:
    """Reword a point of the Technology Code of Practice. Its number and the answers
    given against it stay; history keeps the wording each was given under."""
    require_role(user, *policies.TCOP_POINT_EDITORS)
    point = TcopPoint.objects.select_for_update().get(pk=point.pk)
    for field in ("title", "description"):
        if field in fields:
            setattr(point, field, fields[field])
    save_with_history(point, user=user)
    return point


@transaction.atomic
def budget_set(*, user: User, financial_year: int, amount: Decimal) -> Budget:
    require_role(user, *policies.PRIORITISATION_SETTERS)
    budget = Budget.objects.select_for_update().filter(
        financial_year=financial_year
    ).first() or Budget(financial_year=financial_year)
    budget.amount = amount
    save_with_history(budget, user=user)
    return budget


# ---------------------------------------------------------------------------- agenda


def _require_chair(user: User) -> None:
    require_role(user, *policies.AGENDA_KEEPERS)


def _locked_meeting(meeting_id: int) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting_id)


@transaction.atomic
def agenda_add(*, meeting: Meeting, proposal: Proposal, user: User) -> AgendaItem:
    _require_chair(user)
    meeting = _locked_meeting(meeting.pk)
    refusal = policies.agenda_refusal(user, meeting, _locked(proposal))
    if refusal:
        raise WorkflowError(refusal)
    if meeting.proposal_items.filter(proposal=proposal).exists():
        raise WorkflowError("This proposal is already on the agenda.")
    position = (meeting.proposal_items.aggregate(p=Max("position"))["p"] or 0) + 1
    item = AgendaItem(meeting=meeting, proposal=proposal, position=position)
    save_with_history(item, user=user, exclude={"meeting", "proposal"})
    return item


@transaction.atomic
def agenda_move(*, item: AgendaItem, user: User, up: bool) -> None:
    _require_chair(user)
    refusal = policies.agenda_refusal(user, _locked_meeting(item.meeting_id))
    if refusal:
        raise WorkflowError(refusal)
    items = list(
        AgendaItem.objects.select_for_update()
        .filter(meeting_id=item.meeting_id)
        .order_by("position", "pk")
    )
    index = next(i for i, it in enumerate(items) if it.pk == item.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(items):
        return
    items[index], items[other] = items[other], items[index]
    for position, agenda_item in enumerate(items, start=1):
        if agenda_item.position != position:
            agenda_item.position = position
            save_with_history(agenda_item, user=user, exclude={"meeting", "proposal"})


@transaction.atomic
def agenda_remove(*, item: AgendaItem, user: User) -> None:
    _require_chair(user)
    refusal = policies.agenda_refusal(user, _locked_meeting(item.meeting_id))
    if refusal:
        raise WorkflowError(refusal)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if item.proposal.decisions.filter(meeting_id=item.meeting_id).exists():
        raise WorkflowError("A proposal decided at this meeting stays on its agenda.")
    item._history_user = user
    item.delete()


# --------------------------------------------------------------------------- delivery


def _require_project_lead(user: User, project: Project) -> None:
    if not policies.may_lead_project(user, project):
        raise PermissionDenied("Only the project manager or the Head of ICT can do this.")


@transaction.atomic
def progress_update_add(
    *, project: Project, user: User, fields: Mapping[str, Any]
) -> ProgressUpdate:
    project = Project.objects.select_for_update().get(pk=project.pk)
    _require_project_lead(user, project)
    if project.status != ProjectStatus.IN_DELIVERY:
        raise WorkflowError("This project is closed, so it takes no more updates.")
    reported_on, what = fields.get("reported_on"), "The date of the update"
    refuse(
        {
            "reported_on": in_future_refusal(reported_on, what)
            or before_refusal(reported_on, project.started_on, what, "when the project started")
        }
    )
    update = ProgressUpdate(project=project, author=user, **fields)
    save_with_history(update, user=user, exclude={"project", "author"})
    if project.last_update_on is None or update.reported_on > project.last_update_on:
        project.last_update_on = update.reported_on
        save_with_history(project, user=user)
    return update


@transaction.atomic
def project_close(
    *,
    project: Project,
    user: User,
    summary: str,
    non_cashable_realised: str,
    realised: Mapping[int, Decimal],
) -> Project:
    """Close a project with its benefits review: savings realised per financial year
    against those planned."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    _require_project_lead(user, project)
    if project.status == ProjectStatus.CLOSED:
        raise WorkflowError("This project is already closed.")
    if not summary.strip():
        raise ValidationError({"summary": "Summarise the benefits review."})
    today = timezone.localdate()
    if today < project.started_on:
        raise ValidationError(
            f"You can close this project from {long_date(project.started_on)}, when it starts"
        )
    not_started = sorted(year for year in realised if year > financial_year_of(today))
    if not_started:
        raise ValidationError(
            {
                "realised": "Savings realised cannot be recorded for "
                f"{', '.join(map(financial_year_label, not_started))}: "
                "that financial year has not started"
            }
        )
    project.status = ProjectStatus.CLOSED
    project.closed_on = today
    project.closure_summary = summary.strip()
    project.non_cashable_realised = non_cashable_realised.strip()
    save_with_history(project, user=user)
    for year, amount in realised.items():
        benefit = BenefitRealised(project=project, financial_year=year, cashable_savings=amount)
        save_with_history(benefit, user=user, exclude={"project"})
    _notify(
        governance_selectors.people_with_role(Role.HEAD_OF_ICT),
        subject=f"Project {project.proposal.reference} closed",
        body=f"“{project.proposal.title}” has been closed with its benefits review.\n\n"
        f"{_link(project)}",
        exclude=user,
    )
    return project


# ------------------------------------------------------------ contracts, transparency


def _require_contract_keeper(user: User, project: Project) -> None:
    if not policies.may_keep_contracts(user, project):
        raise PermissionDenied("Only the project manager or the Head of ICT can do this.")


def _set_contract_fields(contract: Contract, fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - CONTRACT_FIELDS
    if unknown:
        raise ValueError(f"Not contract fields: {sorted(unknown)}")
    for field, value in fields.items():
        setattr(contract, field, value.strip() if isinstance(value, str) else value)


def _in_dataset(contract: Contract) -> bool:
    return contract.total_value > TRANSPARENCY_THRESHOLD


def _tell_publisher(contract: Contract, *, user: User, what: str) -> None:
    """A change to a contract in the dataset is not public until the Head of ICT
    publishes again: tell them, unless they made it."""
    _notify(
        governance_selectors.people_with_role(*policies.TRANSPARENCY_PUBLISHERS),
        subject=f"Contract {contract.reference} {what}: the transparency dataset has changed",
        body=(
            f"{user} {what} the contract “{contract.title}” on {contract.project}. The "
            "published transparency dataset will show it once you publish again:\n\n"
            f"{settings.PORTAL_BASE_URL}{reverse('projects:transparency')}"
        ),
        exclude=user,
    )


@transaction.atomic
def contract_add(*, project: Project, user: User, fields: Mapping[str, Any]) -> Contract:
    """Record a contract let for the project."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    _require_contract_keeper(user, project)
    contract = Contract(project=project)
    _set_contract_fields(contract, fields)
    save_with_history(contract, user=user, exclude={"project"})
    if _in_dataset(contract):
        _tell_publisher(contract, user=user, what="added")
    return contract


@transaction.atomic
def contract_update(*, contract: Contract, user: User, fields: Mapping[str, Any]) -> Contract:
    """Change a contract. Saved unchanged, it writes nothing."""
    contract = Contract.objects.select_for_update().select_related("project").get(pk=contract.pk)
    _require_contract_keeper(user, contract.project)
    was_in_dataset = _in_dataset(contract)
    _set_contract_fields(contract, fields)
    if save_with_history(contract, user=user, exclude={"project"}) and (
        was_in_dataset or _in_dataset(contract)
    ):
        _tell_publisher(contract, user=user, what="changed")
    return contract


@transaction.atomic
def contract_remove(*, contract: Contract, user: User) -> None:
    """Remove a contract recorded in error; its history keeps what it held."""
    contract = Contract.objects.select_for_update().select_related("project").get(pk=contract.pk)
    _require_contract_keeper(user, contract.project)
    if _in_dataset(contract):
        _tell_publisher(contract, user=user, what="removed")
    contract._history_user = user
    contract.delete()


@transaction.atomic
def transparency_publish(*, user: User) -> TransparencyPublication:
    """Publish the contracts dataset as it stands now: its rows are frozen, so the
    public files show exactly this until the Head of ICT publishes again."""
    if not policies.may_publish_transparency(user):
        raise PermissionDenied("Only the Head of ICT publishes the transparency dataset.")
    publication = TransparencyPublication(
        published_at=timezone.now(),
        published_by=user,
        rows=[transparency.frozen_row(c) for c in selectors.transparency_contracts()],
    )
    save_with_history(publication, user=user, exclude={"published_by"})
    return publication


# --------------------------------------------------------------------------- imports
# What projects.imports writes: a council's pipeline and projects as they stood in the
# tool it is leaving. Each checks the importer's role and writes history as any step.

IMPORTED_PROPOSAL_FIELDS = frozenset({"title", "business_unit", "is_statutory"})
IMPORTED_PROJECT_FIELDS = frozenset({"title", "business_unit", "project_manager", "started_on",
                                     "end_date", "case_for_change"})  # fmt: skip


@transaction.atomic
def proposal_import(
    *, user: User, fields: Mapping[str, Any], status: str, pk: int | None = None
) -> Proposal:
    """A proposal already in the council's pipeline, brought in at `status` (one of
    policies.IMPORTABLE_PROPOSAL_STATUSES), with the id its reference names if free."""
    require_role(user, *policies.IMPORTERS)
    if status not in policies.IMPORTABLE_PROPOSAL_STATUSES:
        raise ValidationError({"status": "An import brings in proposals awaiting a decision."})
    proposal = Proposal(
        pk=pk, strategy=governance_selectors.strategy_current(), created_by=user, status=status,
        submitted_at=timezone.now(), **fields,
    )  # fmt: skip
    save_with_history(proposal, user=user)
    save_with_history(
        ProposalEvent(proposal=proposal, action="import", from_status=ProposalStatus.DRAFT,
                      to_status=status, actor=user, comment="Imported"),
        user=user,
    )  # fmt: skip
    return proposal


@transaction.atomic
def proposal_import_update(
    *, user: User, proposal: Proposal, fields: Mapping[str, Any], status: str | None = None
) -> Proposal:
    """Change an imported row's fields; a new status only along the workflow's own
    steps that the importer may take (start triage, send for assessment)."""
    require_role(user, *policies.IMPORTERS)
    proposal = _locked(proposal)
    unknown = set(fields) - IMPORTED_PROPOSAL_FIELDS
    if unknown:
        raise ValueError(f"Not importable proposal fields: {sorted(unknown)}")
    for field, value in fields.items():
        setattr(proposal, field, value)
    save_with_history(proposal, user=user)
    if status and status != proposal.status:
        step = next(
            (t for t in TRANSITIONS.values()
             if t.target == status and proposal.status in t.sources
             and policies.may_take(user, proposal, t)),
            None,
        )  # fmt: skip
        if step is None:
            raise ValidationError({"status": (
                f"Status: a proposal {proposal.get_status_display().lower()} cannot be moved "
                f"to {ProposalStatus(status).label.lower()} by an import"
            )})  # fmt: skip
        _transition(proposal=proposal, user=user, action=step.action)
    return proposal


@transaction.atomic
def project_import(*, user: User, fields: Mapping[str, Any], pk: int | None = None) -> Project:
    """A project already in delivery when the council started with the portal: its
    approved proposal (with the id its reference names, if free) and the project."""
    require_role(user, *policies.IMPORTERS)
    proposal_fields = {k: v for k, v in fields.items() if k not in ("started_on",)}
    proposal = Proposal(
        pk=pk, strategy=governance_selectors.strategy_current(), created_by=user,
        status=ProposalStatus.APPROVED, start_date=fields["started_on"], **proposal_fields,
    )  # fmt: skip
    save_with_history(proposal, user=user)
    save_with_history(
        ProposalEvent(proposal=proposal, action="import", from_status=ProposalStatus.DRAFT,
                      to_status=ProposalStatus.APPROVED, actor=user,
                      comment="Imported as a project in delivery"),
        user=user,
    )  # fmt: skip
    project = Project(
        proposal=proposal, project_manager=fields["project_manager"],
        started_on=fields["started_on"],
    )  # fmt: skip
    save_with_history(project, user=user)
    return project


@transaction.atomic
def project_import_update(*, user: User, project: Project, fields: Mapping[str, Any]) -> Project:
    require_role(user, *policies.IMPORTERS)
    project = Project.objects.select_for_update().select_related("proposal").get(pk=project.pk)
    unknown = set(fields) - IMPORTED_PROJECT_FIELDS
    if unknown:
        raise ValueError(f"Not importable project fields: {sorted(unknown)}")
    proposal = _locked(project.proposal)
    for field, value in fields.items():
        setattr(project if field == "started_on" else proposal, field, value)
    if "started_on" in fields:
        proposal.start_date = fields["started_on"]
    if "project_manager" in fields:
        project.project_manager = fields["project_manager"]
    save_with_history(proposal, user=user)
    save_with_history(project, user=user)
    return project
