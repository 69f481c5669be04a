"""Changes to the strategy catalogue. Each checks who may make it, runs in one
transaction, leaves a history record naming the user, and notifies after commit."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from common.dates import in_future_refusal, in_past_refusal, refuse, set_in_past_refusal
from common.emails import email_queue
from common.errors import WorkflowError
from common.permissions import require_role
from common.services import save_with_history

from . import kpis, meetings, policies, selectors
from .choices import AttendanceStatus, KPIValueStatus
from .models import (
    KPI,
    ActionPlanItem,
    CorporateObjective,
    KPIComparator,
    KPIImport,
    KPIMeasurement,
    KPITarget,
    Meeting,
    MeetingAttendance,
    Objective,
    TermsOfReference,
    Theme,
    User,
)

OBJECTIVE_FIELDS = frozenset({"title", "description", "owner"})
ACTION_ITEM_FIELDS = frozenset(
    {"title", "description", "owner", "lead_unit", "due_date", "status", "rag", "progress"}
)


def _save(obj, *, user: User) -> None:
    # The number is given on save, under the lock the caller holds on the parent.
    save_with_history(obj, user=user, exclude={"number"})


def _notify_new_owner(obj, *, previous_owner: User | None, kind: str) -> None:
    owner = obj.owner
    if owner is None or owner == previous_owner or not owner.email:
        return
    email_queue(
        to=owner.email,
        subject=f"You now own {kind} {obj.reference}",
        body=(
            f"You have been made the owner of {kind} {obj}.\n\n"
            "You can see it in the ICT Strategy Portal, under the strategy's action plan."
        ),
    )


@transaction.atomic
def objective_create(
    *,
    user: User,
    theme: Theme,
    title: str,
    description: str = "",
    owner: User | None = None,
    corporate_objectives: Iterable[CorporateObjective] = (),
) -> Objective:
    require_role(user, *policies.STRATEGY_OWNERS)
    theme = Theme.objects.select_for_update().get(pk=theme.pk)  # serialises numbering
    objective = Objective(
        theme=theme,
        title=title,
        description=description,
        owner=owner,
    )
    _save(objective, user=user)
    objective.corporate_objectives.set(corporate_objectives)
    _notify_new_owner(objective, previous_owner=None, kind="objective")
    return objective


@transaction.atomic
def objective_update(
    *,
    user: User,
    objective: Objective,
    changes: Mapping[str, Any],
    corporate_objectives: Iterable[CorporateObjective] | None = None,
) -> Objective:
    require_role(user, *policies.STRATEGY_OWNERS)
    objective = Objective.objects.select_for_update().select_related("theme").get(pk=objective.pk)
    previous_owner = objective.owner
    for field, value in changes.items():
        if field not in OBJECTIVE_FIELDS:
            raise ValueError(f"{field} cannot be changed here")
        setattr(objective, field, value)
    _save(objective, user=user)
    if corporate_objectives is not None:
        objective.corporate_objectives.set(corporate_objectives)
    _notify_new_owner(objective, previous_owner=previous_owner, kind="objective")
    return objective


@transaction.atomic
def action_item_create(
    *, user: User, objective: Objective, fields: Mapping[str, Any], number: int | None = None
) -> ActionPlanItem:
    """Add an item to an objective's plan, numbered next unless an import names a
    `number` the objective has free (governance.imports says why)."""
    require_role(user, *policies.STRATEGY_OWNERS)
    objective = Objective.objects.select_for_update().select_related("theme").get(pk=objective.pk)
    unknown = set(fields) - ACTION_ITEM_FIELDS
    if unknown:
        raise ValueError(f"Unknown action-plan item fields: {sorted(unknown)}")
    if number is not None and objective.action_items.filter(number=number).exists():
        raise ValidationError(f"Item {objective.reference}.{number} already exists.")
    item = ActionPlanItem(objective=objective, number=number, **fields)
    refuse({"due_date": set_in_past_refusal(item.due_date, "The due date")})
    _save(item, user=user)
    _notify_new_owner(item, previous_owner=None, kind="action-plan item")
    return item


@transaction.atomic
def action_item_update(
    *, user: User, item: ActionPlanItem, changes: Mapping[str, Any]
) -> ActionPlanItem:
    require_role(user, *policies.STRATEGY_OWNERS)
    item = (
        ActionPlanItem.objects.select_for_update()
        .select_related("objective__theme")
        .get(pk=item.pk)
    )
    previous_owner, was = item.owner, item.due_date
    for field, value in changes.items():
        if field not in ACTION_ITEM_FIELDS:
            raise ValueError(f"{field} cannot be changed here")
        setattr(item, field, value)
    refuse({"due_date": set_in_past_refusal(item.due_date, "The due date", was=was)})
    _save(item, user=user)
    _notify_new_owner(item, previous_owner=previous_owner, kind="action-plan item")
    return item


MEETING_FIELDS = frozenset({"title", "starts_at", "location", "chair", "quorum"})
TERMS_FIELDS = frozenset({"minimum_quorum", "chair_counts", "head_of_ict_attends", "remit"})


@transaction.atomic
def terms_of_reference_set(*, user: User, fields: Mapping[str, Any]) -> TermsOfReference:
    """The Head of ICT sets the Governance Group's terms of reference. Meetings already
    held keep the quorum they were held under; those to come must meet the new one."""
    require_role(user, *policies.TERMS_SETTERS)
    unknown = set(fields) - TERMS_FIELDS
    if unknown:
        raise ValueError(f"Not terms of reference fields: {sorted(unknown)}")
    group = TermsOfReference._meta.get_field("group").default
    terms = (
        TermsOfReference.objects.select_for_update().filter(group=group).first()
        or TermsOfReference(group=group)
    )
    for field, value in fields.items():
        setattr(terms, field, value)
    save_with_history(terms, user=user)
    return terms


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def _refuse(refusal: str | None) -> None:
    if refusal:
        raise WorkflowError(refusal)


@transaction.atomic
def meeting_save(
    *, user: User, fields: Mapping[str, Any], meeting: Meeting | None = None
) -> Meeting:
    """Schedule a Governance Group meeting, or change one still scheduled. Its quorum
    is never below the terms of reference's minimum, and it is scheduled for today or
    later (one already in the past keeps its date when other details change)."""
    require_role(user, *policies.MEETING_ORGANISERS)
    unknown = set(fields) - MEETING_FIELDS
    if unknown:
        raise ValueError(f"Not meeting fields: {sorted(unknown)}")
    if meeting is None:
        meeting = Meeting()
    else:
        meeting = _locked(meeting)
        _refuse(policies.meeting_change_refusal(user, meeting))
    was = meeting.starts_at
    for field, value in fields.items():
        setattr(meeting, field, value)
    if meeting.starts_at and meeting.starts_at != was:
        day = timezone.localdate(meeting.starts_at)
        refuse({"starts_at": in_past_refusal(day, "The date of the meeting")})
    error = meetings.quorum_error(meeting.quorum)
    if error:
        raise ValidationError({"quorum": error})
    _save(meeting, user=user)
    return meeting


def _take(meeting: Meeting, *, user: User, action: str) -> Meeting:
    """Lock the meeting, re-check that `action` applies to it now, and move it on."""
    require_role(user, *policies.STEPS[action].roles)
    meeting = _locked(meeting)
    _refuse(policies.step_refusal(user, meeting, action))
    meeting.status = policies.STEPS[action].target
    return meeting


@transaction.atomic
def meeting_open(*, meeting: Meeting, user: User) -> Meeting:
    """The chair opens the meeting, from its start time; if it had no chair, they
    chair it."""
    meeting = _take(meeting, user=user, action="open")
    meeting.opened_at = timezone.now()
    if meeting.chair_id is None:
        meeting.chair = user
    _save(meeting, user=user)
    return meeting


@transaction.atomic
def meeting_close(*, meeting: Meeting, user: User) -> Meeting:
    """The chair closes the meeting. It keeps the quorum and chair rule it was held
    under, whatever the terms of reference say later."""
    meeting = _take(meeting, user=user, action="close")
    meeting.closed_at = timezone.now()
    meeting.quorum, meeting.chair_counts = meetings.rule_of(meeting)
    _save(meeting, user=user)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, user: User) -> Meeting:
    meeting = _take(meeting, user=user, action="cancel")
    _save(meeting, user=user)
    return meeting


@transaction.atomic
def minutes_draft(*, meeting: Meeting, user: User, notes: str) -> Meeting:
    """Draft (or redraft) the minutes of a held meeting: from now its agenda, attendance
    and decisions are the record, and only the discussion may change until the chair
    approves them."""
    meeting = _take(meeting, user=user, action="draft_minutes")
    meeting.notes = notes.strip()
    _save(meeting, user=user)
    return meeting


@transaction.atomic
def minutes_approve(*, meeting: Meeting, user: User) -> Meeting:
    """The chair approves the minutes as a true record; they are then fixed."""
    meeting = _take(meeting, user=user, action="approve_minutes")
    meeting.minutes_approved_at = timezone.now()
    meeting.minutes_approved_by = user
    _save(meeting, user=user)
    return meeting


@transaction.atomic
def attendance_record(
    *,
    meeting: Meeting,
    user: User,
    present: Iterable[User],
    apologies: Iterable[User] = (),
    in_attendance: Iterable[User] = (),
) -> None:
    """Record who is at the meeting: each voting member present, with apologies, or
    (neither) absent; others in attendance without a vote. People recorded before who
    are no longer voting members keep their line, as the record of who was there."""
    require_role(user, *policies.ATTENDANCE_KEEPERS)
    meeting = _locked(meeting)
    _refuse(policies.attendance_refusal(user, meeting))
    present_ids = {person.pk for person in present}
    apology_ids = {person.pk for person in apologies}
    others = {person.pk for person in in_attendance}
    member_ids = set(selectors.voting_members().values_list("pk", flat=True))
    if present_ids & apology_ids:
        raise ValidationError("Record each member as present or with apologies, not both.")
    if (present_ids | apology_ids) - member_ids:
        raise ValidationError(
            "Only voting members of the Governance Group are present or send apologies. "
            "Record anyone else as in attendance."
        )
    without_vote = selectors.non_voting_attendees().filter(pk__in=others)
    if others - set(without_vote.values_list("pk", flat=True)):
        raise ValidationError(
            {
                "in_attendance": "Choose people attending without a vote. Voting members "
                "are recorded as present, with apologies or absent."
            }
        )
    wanted = dict.fromkeys(others, AttendanceStatus.IN_ATTENDANCE)
    for pk in member_ids:
        wanted[pk] = AttendanceStatus.ABSENT
    wanted |= dict.fromkeys(apology_ids, AttendanceStatus.APOLOGIES)
    wanted |= dict.fromkeys(present_ids, AttendanceStatus.PRESENT)
    existing = {record.person_id: record for record in meeting.attendance.all()}
    for record in existing.values():
        if record.status == AttendanceStatus.IN_ATTENDANCE and record.person_id not in others:
            record._history_user = user
            record.delete()
    for person_id, status in wanted.items():
        record = existing.get(person_id) or MeetingAttendance(meeting=meeting, person_id=person_id)
        if record.pk is None or record.status != status:
            record.status = status
            save_with_history(record, user=user, exclude={"meeting", "person"})


@transaction.atomic
def kpi_save(*, user: User, fields: Mapping[str, Any], kpi: KPI | None = None) -> KPI:
    require_role(user, *policies.STRATEGY_OWNERS)
    kpi = KPI() if kpi is None else KPI.objects.select_for_update().get(pk=kpi.pk)
    for field, value in fields.items():
        setattr(kpi, field, value)
    save_with_history(kpi, user=user)
    return kpi


@transaction.atomic
def kpi_target_set(*, user: User, kpi: KPI, financial_year: int, target) -> KPITarget:
    require_role(user, *policies.STRATEGY_OWNERS)
    row = KPITarget.objects.select_for_update().filter(
        kpi=kpi, financial_year=financial_year
    ).first() or KPITarget(kpi=kpi, financial_year=financial_year)
    row.target = target
    save_with_history(row, user=user)
    return row


@transaction.atomic
def kpi_measurement_record(
    *,
    user: User,
    kpi: KPI,
    period_end,
    value=None,
    numerator=None,
    denominator=None,
    note: str = "",
) -> KPIMeasurement:
    """Record (or correct) the KPI's value for the period ending on `period_end`, with
    its commentary (`note`). A rate takes its numerator and denominator and works its
    value out; any other KPI takes its value. A new value, or a new number for an
    approved one, awaits approval (policies.kpi_value_reopens_approval)."""
    require_role(user, *policies.KPI_RECORDERS)
    refuse({"period_end": in_future_refusal(period_end, "The end of the period measured")})
    if kpi.is_rate:
        refuse(
            {
                "numerator": "Enter the numerator" if numerator is None else None,
                "denominator": (
                    "Enter the denominator"
                    if denominator is None
                    else "The denominator must be more than 0"
                    if denominator <= 0
                    else None
                ),
                "value": (
                    "A rate's value is worked out from its numerator and denominator"
                    if value is not None
                    else None
                ),
            }
        )
        value = kpis.rate(numerator, denominator)
    else:
        refuse(
            {
                "value": "Enter the value" if value is None else None,
                "numerator": "Only a rate has a numerator" if numerator is not None else None,
                "denominator": "Only a rate has a denominator" if denominator is not None else None,
            }
        )
    row = KPIMeasurement.objects.select_for_update().filter(
        kpi=kpi, period_end=period_end
    ).first() or KPIMeasurement(kpi=kpi, period_end=period_end, recorded_by=user)
    number_changed = row.pk is None or (row.value, row.numerator, row.denominator) != (
        value,
        numerator,
        denominator,
    )
    if policies.kpi_value_reopens_approval(row, number_changed=number_changed):
        row.status = KPIValueStatus.AWAITING_APPROVAL
        row.approved_by = row.approved_at = None
    if number_changed:
        row.recorded_by = user
    row.value, row.numerator, row.denominator = value, numerator, denominator
    row.note = note.strip()
    save_with_history(row, user=user)
    if number_changed and row.status == KPIValueStatus.AWAITING_APPROVAL:
        _ask_for_approval(row)
    return row


def _ask_for_approval(value: KPIMeasurement) -> None:
    period = date_format(value.period_end, "j F Y")
    for person in policies.kpi_value_approvers_to_ask(value):
        if person.email:
            email_queue(
                to=person.email,
                subject=f"A KPI value awaits your approval: {value.kpi}",
                body=(
                    f"{value.recorded_by} recorded {value.kpi}'s value for the period "
                    f"ending {period}. Nobody else sees it until it is approved.\n\n"
                    f"Approve it on the KPI's page: "
                    f"{settings.PORTAL_BASE_URL}{value.kpi.get_absolute_url()}"
                ),
            )


@transaction.atomic
def kpi_measurement_approve(*, user: User, measurement: KPIMeasurement) -> KPIMeasurement:
    """Publish a KPI value: from now on everyone who reads the KPI sees it."""
    row = KPIMeasurement.objects.select_for_update().get(pk=measurement.pk)
    _refuse(policies.kpi_value_approval_refusal(user, row))
    row.status = KPIValueStatus.APPROVED
    row.approved_by = user
    row.approved_at = timezone.now()
    save_with_history(row, user=user)
    return row


@transaction.atomic
def kpi_comparator_set(
    *, user: User, kpi: KPI, financial_year: int, organisation: str, value, source: str
) -> KPIComparator:
    """Set the KPI's benchmark for a financial year: another organisation's figure."""
    require_role(user, *policies.STRATEGY_OWNERS)
    row = KPIComparator.objects.select_for_update().filter(
        kpi=kpi, financial_year=financial_year
    ).first() or KPIComparator(kpi=kpi, financial_year=financial_year)
    row.organisation, row.value, row.source = organisation.strip(), value, source.strip()
    save_with_history(row, user=user)
    return row


@transaction.atomic
def kpi_imports_record(*, user: User, values_by_kpi: Mapping[int, int], file_name: str) -> None:
    """Each KPI a file gave values for keeps a record of the import: who, which file,
    how many values (common.imports records the values themselves)."""
    require_role(user, *policies.STRATEGY_OWNERS)
    for kpi_id, values in values_by_kpi.items():
        save_with_history(
            KPIImport(kpi_id=kpi_id, file_name=file_name[:255], values=values, imported_by=user),
            user=user,
        )
