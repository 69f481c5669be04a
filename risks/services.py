"""Every change to the register. Only the Head of ICT and a risk's owner change a
risk; each change runs in one transaction, rates against the current matrix, leaves
history with the user, and puts a risk outside appetite on the next meeting's agenda."""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.dates import before_refusal, in_future_refusal, refuse, set_in_past_refusal
from common.emails import email_queue
from common.errors import WorkflowError
from common.permissions import require_role
from common.roles import Role
from common.services import save_by_system, save_with_history
from governance import policies as governance_policies
from governance import selectors as governance_selectors
from governance.models import User

from . import policies, selectors
from .choices import Effectiveness, Register, ReviewKind, RiskStatus
from .models import (
    AppetiteThreshold,
    CategoryAppetite,
    ReminderLog,
    ReviewFrequency,
    Risk,
    RiskAction,
    RiskAgendaItem,
    RiskControl,
    RiskMatrix,
    RiskReview,
)
from .rating import next_review

RISK_FIELDS = frozenset(
    {
        "title", "cause", "event", "consequence", "category", "owner", "existing_controls",
        "inherent_likelihood", "inherent_impact", "residual_likelihood", "residual_impact",
        "target_likelihood", "target_impact", "target_date", "response", "proximity",
        "review_every_days",
    }
)  # fmt: skip
# Which register a risk is in is set when it is raised; it moves up only by escalation.
CREATE_ONLY_FIELDS = frozenset({"is_demo", "register", "project"})
# What an escalated entry starts from: its source's description and ratings, which the
# higher register's owner then re-scores as that register sees it.
COPIED_ON_ESCALATION = RISK_FIELDS - {"owner"}
LINKS = ("themes", "principles", "proposals", "projects")
RATINGS = ("inherent", "residual", "target")


def _require_change(user: User, risk: Risk) -> None:
    if not policies.may_change_risk(user, risk):
        raise PermissionDenied("Only the Head of ICT and the risk's owner can change a risk.")


def _rate(risk: Risk, matrix: RiskMatrix) -> None:
    """Score the risk's three ratings under `matrix` and record which matrix it was."""
    risk.matrix = matrix
    for rating in RATINGS:
        likelihood = getattr(risk, f"{rating}_likelihood")
        impact = getattr(risk, f"{rating}_impact")
        if likelihood and impact and 1 <= likelihood <= 5 and 1 <= impact <= 5:
            setattr(risk, f"{rating}_score", matrix.score(likelihood, impact))
    if risk.residual_likelihood and risk.residual_impact:
        risk.residual_level = matrix.level(risk.residual_likelihood, risk.residual_impact)


def _record_rating(risk: Risk, *, user: User, kind: ReviewKind, on: datetime.date, note: str):
    risk.next_review_date = next_review(
        from_date=on,
        level=risk.residual_level,
        override_days=risk.review_every_days,
        by_level=selectors.review_days_by_level(),
    )
    outside = selectors.is_outside(risk)
    review = RiskReview(
        risk=risk,
        kind=kind,
        reviewer=user,
        reviewed_on=on,
        matrix=risk.matrix,
        residual_likelihood=risk.residual_likelihood,
        residual_impact=risk.residual_impact,
        residual_score=risk.residual_score,
        residual_level=risk.residual_level,
        outside_appetite=outside,
        note=note.strip(),
        next_review_date=risk.next_review_date,
    )
    return review, outside


def _link(risk: Risk, links: Mapping[str, Iterable], *, user: User) -> None:
    """Set the proposals, projects, themes and principles a risk threatens, as far as
    this user may see them: they may link only what they may see, and links they
    cannot see (another unit's proposal, say) stay as they were."""
    linkable = {
        "proposals": policies.proposals_linkable(user),
        "projects": policies.projects_linkable(user),
    }
    for name, chosen in links.items():
        chosen = set(chosen)
        related = getattr(risk, name)
        if name not in linkable:
            related.set(chosen)
            continue
        model = related.model
        allowed = set(model.objects.filter(linkable[name]).filter(pk__in=[o.pk for o in chosen]))
        if chosen - allowed:
            raise ValidationError({name: f"Choose {name} you can see."})
        unseen = set(related.exclude(linkable[name]))
        related.set(chosen | unseen)


def _escalate(risk: Risk, *, user: User | None) -> RiskAgendaItem | None:
    """Put a risk outside appetite on the next Governance Group meeting's agenda, while
    that agenda may still change."""
    meeting = selectors.next_meeting()
    if meeting is None or governance_policies.agenda_change_refusal(meeting):
        return None
    if RiskAgendaItem.objects.filter(meeting=meeting, risk=risk).exists():
        return None
    item = RiskAgendaItem(meeting=meeting, risk=risk, reason="Outside appetite")
    save_with_history(item, user=user, exclude={"meeting", "risk"})
    return item


@transaction.atomic
def risk_create(
    *,
    user: User,
    fields: Mapping[str, Any],
    links: Mapping[str, Iterable] | None = None,
    pk: int | None = None,
) -> Risk:
    """Raise a risk. `pk` is for an import: a risk exported as R-007 and imported into
    a portal where R-007 is free comes back as R-007 (risks.imports explains why)."""
    require_role(user, *policies.RISK_RAISERS)
    unknown = set(fields) - RISK_FIELDS - CREATE_ONLY_FIELDS
    if unknown:
        raise ValueError(f"Not risk fields: {sorted(unknown)}")
    risk = Risk(pk=pk, strategy=governance_selectors.strategy_current(), **fields)
    refuse({"target_date": set_in_past_refusal(risk.target_date, "The target date")})
    _check_register(risk)
    _rate(risk, selectors.current_matrix())
    review, outside = _record_rating(
        risk, user=user, kind=ReviewKind.RAISED, on=timezone.localdate(), note="Raised."
    )
    save_with_history(risk, user=user)
    _link(risk, links or {}, user=user)
    if risk.project_id:
        risk.projects.add(risk.project)  # what it threatens includes its own project
    review.risk = risk
    save_with_history(review, user=user, exclude={"risk", "reviewer", "matrix"})
    if outside:
        _escalate(risk, user=user)
    _notify_owner(risk, by=user)
    return risk


def _check_register(risk: Risk) -> None:
    """A project register's risk belongs to one project, and only it has one."""
    if risk.register == Register.PROJECT and risk.project_id is None:
        raise ValidationError({"project": "Choose the project whose register holds the risk."})
    if risk.register != Register.PROJECT:
        risk.project = None


@transaction.atomic
def risk_escalate(*, user: User, risk: Risk, owner: User, reason: str) -> Risk:
    """Escalate a risk one register up: a new entry in the higher register, owned by
    `owner`, starting from the source's description, ratings and links, and linked to
    it. The source stays open in its own register, marked as escalated."""
    risk = Risk.objects.select_for_update(of=("self",)).select_related("project").get(pk=risk.pk)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the risk is escalated."})
    risk.escalated_to_id = (
        Risk.objects.filter(escalated_from=risk).values_list("pk", flat=True).first()
    )
    if risk.escalated_to_id:
        raise WorkflowError(f"This risk is already escalated, to {risk.escalated_to_reference}.")
    if risk.status != RiskStatus.OPEN:
        raise WorkflowError("This risk is closed, so it is not escalated.")
    if not policies.may_escalate_risk(user, risk):
        raise PermissionDenied(
            "Only the Head of ICT escalates to the corporate register; a project risk, "
            "the project's manager or the Head of ICT."
        )
    above = Risk(
        strategy=risk.strategy,
        register=policies.next_register(risk),
        owner=owner,
        escalated_from=risk,
        escalation_reason=reason.strip(),
        escalated_by=user,
        escalated_at=timezone.now(),
        **{field: getattr(risk, field) for field in COPIED_ON_ESCALATION},
    )
    _rate(above, selectors.current_matrix())
    review, outside = _record_rating(
        above,
        user=user,
        kind=ReviewKind.RAISED,
        on=timezone.localdate(),
        note=f"Escalated from {risk.reference}: {reason.strip()}",
    )
    save_with_history(above, user=user)
    for name in LINKS:
        getattr(above, name).set(getattr(risk, name).all())
    review.risk = above
    save_with_history(review, user=user, exclude={"risk", "reviewer", "matrix"})
    if outside:
        _escalate(above, user=user)
    _notify_owner(above, by=user)
    return above


@transaction.atomic
def risk_explain_difference(*, user: User, risk: Risk, reason: str) -> Risk:
    """Record why an escalated entry is scored differently from its source: the
    mismatch flag is lowered for these two scores, and raised again if either moves."""
    risk = (
        Risk.objects.select_for_update(of=("self",))
        .select_related("escalated_from")
        .get(pk=risk.pk)
    )
    if not policies.may_explain_difference(user, risk):
        raise PermissionDenied("Only the Head of ICT and the risk's owner can explain its score.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the registers score the risk differently."})
    source_score = risk.escalated_from.residual_score
    if source_score == risk.residual_score:
        raise WorkflowError("Both registers give this risk the same score: nothing to explain.")
    risk.difference_reason = reason.strip()
    risk.difference_explained_score = risk.residual_score
    risk.difference_explained_source_score = source_score
    save_with_history(risk, user=user)
    return risk


@transaction.atomic
def risk_update(
    *,
    user: User,
    risk: Risk,
    fields: Mapping[str, Any],
    links: Mapping[str, Iterable] | None = None,
) -> Risk:
    """Change a risk's description, owner or ratings; changed ratings are a re-rating
    under the current matrix and start a new review cycle."""
    risk = Risk.objects.select_for_update().get(pk=risk.pk)
    _require_change(user, risk)
    if risk.status == RiskStatus.CLOSED:
        raise WorkflowError("This risk is closed. Nothing was changed.")
    unknown = set(fields) - RISK_FIELDS
    if unknown:
        raise ValueError(f"Not risk fields: {sorted(unknown)}")
    if "owner" in fields and fields["owner"] != risk.owner and not policies.may_reassign_risk(user):
        raise PermissionDenied("Only the Head of ICT can give a risk a new owner.")
    previous_owner = risk.owner
    before = {f: getattr(risk, f) for f in fields}
    for field, value in fields.items():
        setattr(risk, field, value)
    was = before.get("target_date", risk.target_date)
    refuse({"target_date": set_in_past_refusal(risk.target_date, "The target date", was=was)})
    rerated = any(before[f] != fields[f] for f in fields if f.endswith(("_likelihood", "_impact")))
    _rate(risk, selectors.current_matrix() if rerated else risk.matrix)
    review = outside = None
    if rerated or before.get("review_every_days", risk.review_every_days) != risk.review_every_days:
        review, outside = _record_rating(
            risk, user=user, kind=ReviewKind.RERATED, on=timezone.localdate(), note="Re-rated."
        )
    save_with_history(risk, user=user)
    _link(risk, links or {}, user=user)
    if review is not None:
        save_with_history(review, user=user, exclude={"risk", "reviewer", "matrix"})
        if outside:
            _escalate(risk, user=user)
    if risk.owner != previous_owner:
        _notify_owner(risk, by=user)
    return risk


@transaction.atomic
def risk_review(
    *,
    user: User,
    risk: Risk,
    residual_likelihood: int,
    residual_impact: int,
    note: str,
    reviewed_on: datetime.date | None = None,
) -> RiskReview:
    """Record a review: new residual scores under the current matrix, a note, and the
    next review date from the risk's frequency."""
    risk = Risk.objects.select_for_update().get(pk=risk.pk)
    _require_change(user, risk)
    if risk.status == RiskStatus.CLOSED:
        raise WorkflowError("This risk is closed, so it is no longer reviewed.")
    if not note.strip():
        raise ValidationError({"note": "Say what the review found."})
    reviewed_on, what = reviewed_on or timezone.localdate(), "The date of review"
    raised = timezone.localdate(risk.created_at)
    refuse(
        {
            "reviewed_on": in_future_refusal(reviewed_on, what)
            or before_refusal(reviewed_on, raised, what, "when the risk was raised")
        }
    )
    risk.residual_likelihood = residual_likelihood
    risk.residual_impact = residual_impact
    _rate(risk, selectors.current_matrix())
    review, outside = _record_rating(
        risk, user=user, kind=ReviewKind.REVIEWED, on=reviewed_on, note=note
    )
    save_with_history(risk, user=user)
    save_with_history(review, user=user, exclude={"risk", "reviewer", "matrix"})
    if outside:
        _escalate(risk, user=user)
    return review


@transaction.atomic
def risk_close(*, user: User, risk: Risk, reason: str) -> Risk:
    risk = Risk.objects.select_for_update().get(pk=risk.pk)
    _require_change(user, risk)
    if risk.status == RiskStatus.CLOSED:
        raise WorkflowError("This risk is already closed.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the risk is closed."})
    risk.status = RiskStatus.CLOSED
    risk.closed_reason = reason.strip()
    save_with_history(risk, user=user)
    return risk


@transaction.atomic
def action_add(*, user: User, risk: Risk, fields: Mapping[str, Any]) -> RiskAction:
    risk = Risk.objects.select_for_update().get(pk=risk.pk)
    _require_change(user, risk)
    action = RiskAction(risk=risk, **fields)
    refuse({"due_date": set_in_past_refusal(action.due_date, "The due date")})
    save_with_history(action, user=user, exclude={"risk"})
    if action.owner != user and action.owner.email:
        email_queue(
            to=action.owner.email,
            subject=f"New action on risk {risk.reference}",
            body=f"You own a new action on “{risk.title}”, due {action.due_date:%-d %B %Y}:\n\n"
            f"{action.description}\n\n{settings.PORTAL_BASE_URL}{risk.get_absolute_url()}",
        )
    return action


@transaction.atomic
def action_update(*, user: User, action: RiskAction, fields: Mapping[str, Any]) -> RiskAction:
    action = RiskAction.objects.select_for_update().select_related("risk").get(pk=action.pk)
    if not policies.may_change_action(user, action):
        raise PermissionDenied("Only the Head of ICT, the risk owner or the action owner can.")
    was = action.due_date
    for field, value in fields.items():
        setattr(action, field, value)
    refuse({"due_date": set_in_past_refusal(action.due_date, "The due date", was=was)})
    save_with_history(action, user=user)
    return action


# ------------------------------------------------------------------------- controls

CONTROL_FIELDS = frozenset({"description", "owner", "line", "effectiveness", "assessed_on",
                            "evidence"})  # fmt: skip


def _check_control(control: RiskControl, *, was: datetime.date | None = None) -> None:
    """An assessment is dated, on or before today; a control not yet assessed has no
    date (the model's constraints say the same to the database)."""
    assessed = control.effectiveness != Effectiveness.NOT_ASSESSED
    if assessed and control.assessed_on is None:
        raise ValidationError({"assessed_on": "Enter the date the control was last assessed"})
    if not assessed and control.assessed_on is not None:
        raise ValidationError(
            {"assessed_on": "Leave the date blank for a control not yet assessed"}
        )
    if control.assessed_on != was:
        refuse({"assessed_on": in_future_refusal(control.assessed_on, "The date last assessed")})


def _control_fields(fields: Mapping[str, Any]) -> Mapping[str, Any]:
    unknown = set(fields) - CONTROL_FIELDS
    if unknown:
        raise ValueError(f"Not control fields: {sorted(unknown)}")
    return fields


@transaction.atomic
def control_add(*, user: User, risk: Risk, fields: Mapping[str, Any]) -> RiskControl:
    """Record a control on an open risk: by its owner or the Head of ICT."""
    risk = Risk.objects.select_for_update().get(pk=risk.pk)
    control = RiskControl(risk=risk, **_control_fields(fields))
    if not policies.may_change_control(user, control):
        raise PermissionDenied("Only the Head of ICT and the risk's owner record its controls.")
    _check_control(control)
    save_with_history(control, user=user, exclude={"risk"})
    return control


@transaction.atomic
def control_update(*, user: User, control: RiskControl, fields: Mapping[str, Any]) -> RiskControl:
    """Change a control or record how well it works now. Saved unchanged, nothing is
    written."""
    control = RiskControl.objects.select_for_update().select_related("risk").get(pk=control.pk)
    if not policies.may_change_control(user, control):
        raise PermissionDenied("Only the Head of ICT and the risk's owner change its controls.")
    was = control.assessed_on
    for field, value in _control_fields(fields).items():
        setattr(control, field, value)
    _check_control(control, was=was)
    save_with_history(control, user=user)
    return control


@transaction.atomic
def control_remove(*, user: User, control: RiskControl) -> None:
    """Remove a control that no longer applies or was recorded in error; the risk's
    history keeps what it held."""
    control = RiskControl.objects.select_for_update().select_related("risk").get(pk=control.pk)
    if not policies.may_change_control(user, control):
        raise PermissionDenied("Only the Head of ICT and the risk's owner remove its controls.")
    control._history_user = user
    control.delete()


def _notify_owner(risk: Risk, *, by: User) -> None:
    if risk.owner != by and risk.owner.email:
        email_queue(
            to=risk.owner.email,
            subject=f"You now own risk {risk.reference}",
            body=f"You are the owner of the risk “{risk.title}”. Its next review is due on "
            f"{risk.next_review_date:%-d %B %Y}.\n\n"
            f"{settings.PORTAL_BASE_URL}{risk.get_absolute_url()}",
        )


# ------------------------------------------------------------------------- settings


@transaction.atomic
def matrix_update(*, user: User, cells: dict, descriptors: dict) -> RiskMatrix:
    """Make a new matrix version current. Risks keep the version they were rated under
    until they are next reviewed or re-rated. The same cells and descriptors again are
    no new version."""
    require_role(user, *policies.SETTINGS_KEEPERS)
    current = RiskMatrix.objects.select_for_update().get(is_current=True)
    if (current.cells, current.descriptors) == (cells, descriptors):
        return current
    current.is_current = False
    save_with_history(current, user=user)
    matrix = RiskMatrix(
        version=current.version + 1,
        cells=cells,
        descriptors=descriptors,
        is_current=True,
        created_by=user,
    )
    save_with_history(matrix, user=user)
    return matrix


@transaction.atomic
def appetite_update(
    *, user: User, thresholds: Mapping[str, int], categories: Mapping[str, str]
) -> None:
    require_role(user, *policies.SETTINGS_KEEPERS)
    scores = [thresholds[level] for level in sorted(thresholds, key=list(thresholds).index)]
    if scores != sorted(scores):
        raise ValidationError(
            "Each level of appetite must tolerate at least as much as the level before it."
        )
    for level, score in thresholds.items():
        threshold = AppetiteThreshold.objects.select_for_update().get(level=level)
        if threshold.max_score != score:
            threshold.max_score = score
            save_with_history(threshold, user=user)
    for category, level in categories.items():
        appetite, _ = CategoryAppetite.objects.select_for_update().get_or_create(
            category=category, defaults={"level": level}
        )
        if appetite.level != level:
            appetite.level = level
            save_with_history(appetite, user=user)


@transaction.atomic
def review_frequency_update(*, user: User, days: Mapping[str, int]) -> None:
    require_role(user, *policies.SETTINGS_KEEPERS)
    for level, value in days.items():
        frequency = ReviewFrequency.objects.select_for_update().get(level=level)
        if frequency.days != value:
            frequency.days = value
            save_with_history(frequency, user=user)


# ------------------------------------------------------------------------ reminders


def reminders_send(*, today: datetime.date) -> int:
    """E-mail each owner the reviews and actions due within a week or overdue, once
    per owner per day; and the Head of ICT a weekly digest of what is overdue or
    outside appetite. Returns how many e-mails were queued. Safe to run any number of
    times: each e-mail is recorded with its ReminderLog row in one transaction, and the
    log's unique constraint refuses a second one for the same period."""
    sent = 0
    for entry in selectors.reminders_due(today).values():
        sent += _send_once(
            recipient=entry["user"],
            kind=ReminderLog.Kind.OWNER_DAILY,
            period=today,
            subject=f"Risk reviews and actions due: {today:%-d %B %Y}",
            body=_owner_body(entry, today),
        )
    monday = today - datetime.timedelta(days=today.weekday())
    overdue_reviews = list(selectors.reviews_overdue(today))
    overdue_actions = list(selectors.actions_overdue(today))
    outside = list(selectors.register(appetite="outside"))
    for head in governance_selectors.people_with_role(Role.HEAD_OF_ICT):
        sent += _send_once(
            recipient=head,
            kind=ReminderLog.Kind.WEEKLY_DIGEST,
            period=monday,
            subject=f"Risk register digest: week of {monday:%-d %B %Y}",
            body=_digest_body(overdue_reviews, overdue_actions, outside),
        )
    for risk in outside:
        with transaction.atomic():
            _escalate(risk, user=None)  # the system, not a person, put it there
    return sent


def _send_once(*, recipient: User, kind: str, period: datetime.date, subject: str, body: str):
    if not recipient.email:
        return 0
    try:
        with transaction.atomic():
            save_by_system(ReminderLog(recipient=recipient, kind=kind, period=period))
            email_queue(to=recipient.email, subject=subject, body=body)
    except IntegrityError:
        return 0  # already sent for this period
    return 1


def _line(risk: Risk) -> str:
    return f"- {risk.reference} {risk.title}: {settings.PORTAL_BASE_URL}{risk.get_absolute_url()}"


def _owner_body(entry: dict, today: datetime.date) -> str:
    lines = ["These risk reviews and actions are due within a week or overdue.", ""]
    if entry["reviews"]:
        lines.append("Reviews:")
        for risk in entry["reviews"]:
            state = "overdue" if risk.next_review_date < today else "due"
            lines.append(f"{_line(risk)} ({state} {risk.next_review_date:%-d %B})")
        lines.append("")
    if entry["actions"]:
        lines.append("Actions:")
        for action in entry["actions"]:
            state = "overdue" if action.due_date < today else "due"
            lines.append(
                f"- {action.description[:80]} on {action.risk.reference} "
                f"({state} {action.due_date:%-d %B})"
            )
    return "\n".join(lines)


def _digest_body(reviews: list, actions: list, outside: list) -> str:
    lines = [f"Risks outside appetite: {len(outside)}"]
    lines += [_line(risk) for risk in outside]
    lines += ["", f"Reviews overdue: {len(reviews)}"]
    lines += [_line(risk) for risk in reviews]
    lines += ["", f"Actions overdue: {len(actions)}"]
    lines += [f"- {a.description[:80]} on {a.risk.reference}" for a in actions]
    return "\n".join(lines)


@transaction.atomic
def risk_exemption_set(*, user: User, risk: Risk, paragraph: int | None, reason: str) -> Risk:
    """Mark a risk exempt under a paragraph of Part 1 of Schedule 12A, with the reason,
    or (paragraph None) reported in public again. Committee papers issued after this
    report it in their exempt part only."""
    risk = Risk.objects.select_for_update().get(pk=risk.pk)
    if not policies.may_set_exemption(user, risk):
        raise PermissionDenied("Only the Head of ICT and the risk's owner can mark it exempt.")
    reason = reason.strip()
    if paragraph is not None and not reason:
        raise ValidationError({"reason": "Say why the risk's information is exempt."})
    risk.exempt_paragraph = paragraph
    risk.exempt_reason = reason if paragraph is not None else ""
    save_with_history(risk, user=user)
    return risk
