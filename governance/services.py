"""Changes to the strategy catalogue. Each checks who may make it, runs in one
transaction, leaves a history record naming the user, and notifies after commit."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from common.dates import in_future_refusal, in_past_refusal, refuse, set_in_past_refusal
from common.emails import email_queue
from common.permissions import require_role
from common.roles import GOVERNANCE_GROUP, Role
from common.services import save_with_history

from .models import (
    KPI,
    ActionPlanItem,
    CorporateObjective,
    KPIMeasurement,
    KPITarget,
    Meeting,
    MeetingAttendance,
    Objective,
    Theme,
    User,
)
from .selectors import people_with_role

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
    require_role(user, Role.HEAD_OF_ICT)
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
    require_role(user, Role.HEAD_OF_ICT)
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
    *, user: User, objective: Objective, fields: Mapping[str, Any]
) -> ActionPlanItem:
    require_role(user, Role.HEAD_OF_ICT)
    objective = Objective.objects.select_for_update().select_related("theme").get(pk=objective.pk)
    unknown = set(fields) - ACTION_ITEM_FIELDS
    if unknown:
        raise ValueError(f"Unknown action-plan item fields: {sorted(unknown)}")
    item = ActionPlanItem(objective=objective, **fields)
    refuse({"due_date": set_in_past_refusal(item.due_date, "The due date")})
    _save(item, user=user)
    _notify_new_owner(item, previous_owner=None, kind="action-plan item")
    return item


@transaction.atomic
def action_item_update(
    *, user: User, item: ActionPlanItem, changes: Mapping[str, Any]
) -> ActionPlanItem:
    require_role(user, Role.HEAD_OF_ICT)
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


@transaction.atomic
def meeting_save(
    *, user: User, fields: Mapping[str, Any], meeting: Meeting | None = None
) -> Meeting:
    """Schedule a Governance Group meeting, or change one. A meeting is scheduled for
    today or later; one already in the past keeps its date when other details change."""
    require_role(user, Role.CHAIR, Role.HEAD_OF_ICT)
    meeting = (
        Meeting() if meeting is None else Meeting.objects.select_for_update().get(pk=meeting.pk)
    )
    was = meeting.starts_at
    for field, value in fields.items():
        setattr(meeting, field, value)
    if meeting.starts_at and meeting.starts_at != was:
        day = timezone.localdate(meeting.starts_at)
        refuse({"starts_at": in_past_refusal(day, "The date of the meeting")})
    _save(meeting, user=user)
    return meeting


@transaction.atomic
def attendance_record(*, meeting: Meeting, user: User, present: Iterable[User]) -> None:
    """Record who attended: each Governance Group member is present or absent."""
    require_role(user, Role.CHAIR)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    present_ids = {person.pk for person in present}
    existing = {a.person_id: a for a in meeting.attendance.all()}
    for person in people_with_role(*GOVERNANCE_GROUP):
        record = existing.get(person.pk) or MeetingAttendance(meeting=meeting, person=person)
        attended = person.pk in present_ids
        if record.pk is None or record.attended != attended:
            record.attended = attended
            record.full_clean(exclude={"meeting", "person"})
            record._history_user = user
            record.save()


@transaction.atomic
def kpi_save(*, user: User, fields: Mapping[str, Any], kpi: KPI | None = None) -> KPI:
    require_role(user, Role.HEAD_OF_ICT)
    kpi = KPI() if kpi is None else KPI.objects.select_for_update().get(pk=kpi.pk)
    for field, value in fields.items():
        setattr(kpi, field, value)
    save_with_history(kpi, user=user)
    return kpi


@transaction.atomic
def kpi_target_set(*, user: User, kpi: KPI, financial_year: int, target) -> KPITarget:
    require_role(user, Role.HEAD_OF_ICT)
    row = KPITarget.objects.select_for_update().filter(
        kpi=kpi, financial_year=financial_year
    ).first() or KPITarget(kpi=kpi, financial_year=financial_year)
    row.target = target
    save_with_history(row, user=user)
    return row


@transaction.atomic
def kpi_measurement_record(
    *, user: User, kpi: KPI, period_end, value, note: str = ""
) -> KPIMeasurement:
    """Record (or correct) the KPI's value for the period ending on `period_end`."""
    require_role(user, Role.HEAD_OF_ICT)
    refuse({"period_end": in_future_refusal(period_end, "The end of the period measured")})
    row = KPIMeasurement.objects.select_for_update().filter(
        kpi=kpi, period_end=period_end
    ).first() or KPIMeasurement(kpi=kpi, period_end=period_end, recorded_by=user)
    row.value = value
    row.note = note.strip()
    row.recorded_by = user
    save_with_history(row, user=user)
    return row


@transaction.atomic
def kpi_measurements_import(*, user: User, rows: list[dict]) -> int:
    """Record every row, or none: one bad row and nothing is saved."""
    require_role(user, Role.HEAD_OF_ICT)
    for row in rows:
        kpi_measurement_record(user=user, **row)
    return len(rows)
