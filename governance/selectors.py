"""Reads of the strategy catalogue, returned as ready querysets (or, for the action plan
as the strategy and theme pages show it, as ready rows)."""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.contrib.auth.models import Group
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone

from common.addresses import page_url, page_urls
from common.fy import financial_year_of
from common.roles import Role

from . import policies
from .choices import (
    CLOSED_ACTION_STATUSES,
    RAG,
    ActionStatus,
    KPIValueStatus,
    MeetingStatus,
    StrategyStatus,
)
from .kpis import rag, status, trend
from .models import (
    KPI,
    ActionPlanItem,
    KPIComparator,
    KPIMeasurement,
    KPITarget,
    Meeting,
    Objective,
    Strategy,
    TermsOfReference,
    Theme,
    User,
    action_is_overdue,
    person_name,
)


def _strategies_current_first() -> QuerySet[Strategy]:
    """The strategies, the current one first (strategy_current)."""
    year = timezone.localdate().year
    approved = Q(status=StrategyStatus.APPROVED)
    rank = Case(
        When(approved & Q(start_year__lte=year, end_year__gte=year), then=Value(0)),
        When(approved, then=Value(1)),
        default=Value(2),
    )
    return Strategy.objects.order_by(rank, "-start_year")


def strategy_current() -> Strategy | None:
    """The approved strategy covering this year, else the most recent approved one,
    else the most recent one; in one query, the three ranked by the database."""
    return _strategies_current_first().first()


def theme_numbers_current() -> list[tuple[int, int]]:
    """The current strategy's themes (strategy_current's) as (pk, number), in order: in
    one query, the strategy found inside it."""
    current = Subquery(_strategies_current_first().values("pk")[:1])
    themes = Theme.objects.filter(strategy=current).order_by("number")
    return list(themes.values_list("pk", "number"))


def action_items_with_context() -> QuerySet[ActionPlanItem]:
    """Action-plan items with everything a list of them shows, in one query."""
    return ActionPlanItem.objects.select_related("objective__theme__strategy", "owner", "lead_unit")


@dataclass(frozen=True, slots=True)
class ActionItemRow:
    """An action-plan item as a table of them shows it (the action_items_table
    tag reads these and ActionPlanItem alike): the names and the reference worked out once."""

    pk: int
    reference: str
    title: str
    is_demo: bool
    owner: str | None
    due_date: datetime.date | None
    is_overdue: bool
    status: str
    rag: str
    progress: int
    url: str

    def get_absolute_url(self) -> str:
        return self.url


@dataclass(frozen=True, slots=True)
class ObjectivePlan:
    pk: int
    reference: str
    title: str
    is_demo: bool
    url: str
    items: list[ActionItemRow] = field(default_factory=list)

    def get_absolute_url(self) -> str:
        return self.url


@dataclass(frozen=True, slots=True)
class ThemePlan:
    pk: int
    number: int
    title: str
    objectives: list[ObjectivePlan] = field(default_factory=list)

    def get_absolute_url(self) -> str:
        return page_url("governance:theme-detail", self.pk)


# What a row of a table of action-plan items reads of each item (ActionItemRow).
ACTION_ITEM_ROW_VALUES = (
    *("pk", "objective__theme__number", "objective__number", "number", "title"),
    *("is_demo", "due_date", "status", "rag", "progress", "owner_id"),
    *("owner__first_name", "owner__last_name", "owner__username"),
)
OWNER_ID = ACTION_ITEM_ROW_VALUES.index("owner_id")


def action_item_rows(
    items: QuerySet[ActionPlanItem], limit: int
) -> tuple[list[ActionItemRow], int]:
    """The first `limit` of `items` as rows of a table of them, and how many there are in
    all, in one query of only the values shown (as common.slots.first_and_total, whose
    count each row carries): no model instance, nor its objective, theme and owner."""
    rows = list(
        items.select_related(None)
        .annotate(listed_total=Window(Count("pk")))
        .values_list(*ACTION_ITEM_ROW_VALUES, "listed_total")[:limit]
    )
    as_row = _action_item_row_maker()
    return [as_row(values) for *values, _ in rows], (rows[0][-1] if rows else 0)


def _action_item_row_maker():
    """A function making an ActionItemRow of the ACTION_ITEM_ROW_VALUES of an item, with
    the address pattern and today's date read once for all of them."""
    today = timezone.localdate()
    item_url = page_urls("governance:action-item-detail")

    def as_row(values) -> ActionItemRow:
        pk, theme, objective, number, *shown = values
        return _action_item_row(
            pk, f"{theme}.{objective}.{number}", *shown, today=today, item_url=item_url
        )

    return as_row


def _action_item_row(pk, reference, *shown, today, item_url) -> ActionItemRow:
    """An ActionItemRow from its pk, its reference and, as read, its title, is_demo,
    due date, status, RAG, progress and owner (their pk, first name, last name and
    username; the pk None for no owner)."""
    title, is_demo, due_date, status, rag, progress, owner_id, *owner_name = shown
    return ActionItemRow(
        pk=pk,
        reference=reference,
        title=title,
        is_demo=is_demo,
        owner=person_name(*owner_name) if owner_id else None,
        due_date=due_date,
        is_overdue=action_is_overdue(status, due_date, today),
        status=status,
        rag=rag,
        progress=progress,
        url=item_url(pk),
    )


class OpenItemsOf(NamedTuple):
    """The first of someone's (or a unit's) open items, each as its ACTION_ITEM_ROW_VALUES
    (action_item_rows_of makes them rows), and how many there are in all."""

    values: list[tuple]
    total: int


NO_OPEN_ITEMS = OpenItemsOf([], 0)


def open_action_items_by_owner_and_unit(limit: int) -> dict[str, dict[int, OpenItemsOf]]:
    """Every open item in one query, as action_item_rows(action_items_owned_by(owner),
    limit) lists each owner's and action_items_led_by_unit(unit) each lead unit's (the
    same items, in the same order): under "owner" by owner's key, under "unit" by unit's.
    The open items are a few dozen, so the home page reads its two panels from this
    one figure, worked out ahead, rather than query for each. Kept as plain values, so
    a page reading it back makes rows of only the few it shows."""
    rows = (
        action_items_open()
        .select_related(None)
        .order_by("due_date", "pk")
        .values_list(*ACTION_ITEM_ROW_VALUES, "lead_unit_id")
    )
    listed: dict[str, dict[int, list[tuple]]] = {"owner": {}, "unit": {}}
    counted: dict[str, Counter] = {"owner": Counter(), "unit": Counter()}
    for *values, unit_id in rows:
        for kind, key in (("owner", values[OWNER_ID]), ("unit", unit_id)):
            if key is not None:
                counted[kind][key] += 1
                if counted[kind][key] <= limit:
                    listed[kind].setdefault(key, []).append(tuple(values))
    return {
        kind: {key: OpenItemsOf(values, counted[kind][key]) for key, values in by_key.items()}
        for kind, by_key in listed.items()
    }


def action_item_rows_of(values: list[tuple]) -> list[ActionItemRow]:
    """Rows of a table of action-plan items, of each item's ACTION_ITEM_ROW_VALUES."""
    as_row = _action_item_row_maker()
    return [as_row(item) for item in values]


def action_plan_of(themes: QuerySet[Theme]) -> list[ThemePlan]:
    """These themes with their objectives and action plan, each in number order, as the
    strategy and theme pages show them: three queries of only the fields shown, read as
    rows rather than model instances (a strategy holds some fifty items, each shown with
    ten values)."""
    plans = {
        row["pk"]: ThemePlan(**row)
        for row in themes.order_by("number").values("pk", "number", "title")
    }
    objective_url = page_urls("governance:objective-detail")
    item_url = page_urls("governance:action-item-detail")
    objectives = {}
    for row in (
        Objective.objects.filter(theme__in=plans.keys())
        .order_by("number")
        .values_list("pk", "theme_id", "number", "title", "is_demo")
    ):
        pk, theme_id, number, title, is_demo = row
        theme = plans[theme_id]
        objectives[pk] = ObjectivePlan(
            pk, f"{theme.number}.{number}", title, is_demo, objective_url(pk)
        )
        theme.objectives.append(objectives[pk])
    today = timezone.localdate()
    for row in (
        ActionPlanItem.objects.filter(objective__in=objectives.keys())
        .order_by("number")
        .values_list(
            *("pk", "objective_id", "number", "title", "is_demo", "due_date", "status", "rag"),
            *("progress", "owner_id", "owner__first_name", "owner__last_name", "owner__username"),
        )
    ):
        pk, objective_id, number, *shown = row
        objective = objectives[objective_id]
        objective.items.append(
            _action_item_row(
                pk, f"{objective.reference}.{number}", *shown, today=today, item_url=item_url
            )
        )
    return list(plans.values())


def action_items_open() -> QuerySet[ActionPlanItem]:
    return action_items_with_context().exclude(status__in=CLOSED_ACTION_STATUSES)


def action_items_owned_by(user: User) -> QuerySet[ActionPlanItem]:
    return action_items_open().filter(owner=user).order_by("due_date", "pk")


def action_items_led_by_unit(unit) -> QuerySet[ActionPlanItem]:
    return action_items_open().filter(lead_unit=unit).order_by("due_date", "pk")


def action_items_overdue() -> QuerySet[ActionPlanItem]:
    return action_items_open().filter(due_date__lt=timezone.localdate()).order_by("due_date")


def themes_without_objectives(strategy: Strategy) -> QuerySet[Theme]:
    return strategy.themes.annotate(n=Count("objectives")).filter(n=0)


def objectives_without_open_actions(strategy: Strategy) -> QuerySet[Objective]:
    open_items = ActionPlanItem.objects.filter(objective=OuterRef("pk")).exclude(
        status__in=CLOSED_ACTION_STATUSES
    )
    return (
        Objective.objects.filter(theme__strategy=strategy)
        .select_related("theme")
        .filter(~Exists(open_items))
    )


def action_items_without_owner(strategy: Strategy) -> QuerySet[ActionPlanItem]:
    return action_items_open().filter(objective__theme__strategy=strategy, owner__isnull=True)


def users_needing_attention() -> dict[str, QuerySet[User]]:
    """Active accounts an administrator should sort out: no role, or an officer
    without a business unit."""
    role_groups = Group.objects.filter(name__in=[r.value for r in Role])
    active = User.objects.filter(is_active=True)
    return {
        "without_role": active.exclude(groups__in=role_groups).order_by("username"),
        "officers_without_unit": active.filter(
            Q(groups__name=Role.OFFICER) & Q(business_unit__isnull=True)
        ).order_by("username"),
    }


def people_with_role(*roles: Role) -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True, groups__name__in=[r.value for r in roles])
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def portal_users() -> QuerySet[User]:
    """Active people holding any portal role: those who can own or manage things."""
    return people_with_role(*Role)


def unit_officers(unit) -> QuerySet[User]:
    return people_with_role(Role.OFFICER).filter(business_unit=unit)


def meetings_upcoming() -> QuerySet:
    return Meeting.objects.filter(
        status=MeetingStatus.SCHEDULED, starts_at__gte=timezone.now()
    ).order_by("starts_at")


def meetings_with_status(status: MeetingStatus) -> QuerySet:
    return Meeting.objects.filter(status=status).select_related("chair").order_by("starts_at")


def meetings_past() -> QuerySet:
    return (
        Meeting.objects.exclude(status__in=[MeetingStatus.IN_SESSION, MeetingStatus.SCHEDULED])
        .select_related("chair")
        .order_by("-starts_at")
    )


def meetings_between(start, end) -> QuerySet:
    """Every meeting starting in [start, end), cancelled ones included."""
    return (
        Meeting.objects.filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("chair")
        .order_by("starts_at", "pk")
    )


def terms_of_reference() -> TermsOfReference:
    """The Governance Group's terms of reference; until the Head of ICT sets them, the
    portal's defaults (unsaved)."""
    return TermsOfReference.objects.first() or TermsOfReference()


def voting_members() -> QuerySet[User]:
    """The Governance Group's voting members now: each has a line in the attendance."""
    non_voting = [role.value for role in policies.NON_VOTING_ROLES]
    return people_with_role(*policies.VOTING_ROLES).exclude(groups__name__in=non_voting)


def non_voting_attendees() -> QuerySet[User]:
    """Who may be in attendance without a vote: the Head of ICT and officers."""
    voting = voting_members().values("pk")
    return people_with_role(*policies.NON_VOTING_ROLES, Role.OFFICER).exclude(pk__in=voting)


def kpi_values_published() -> QuerySet[KPIMeasurement]:
    """Approved KPI values: what anyone may see, and what published documents (the
    annual report) show."""
    return KPIMeasurement.objects.filter(status=KPIValueStatus.APPROVED)


def kpi_values_visible_to(user) -> QuerySet[KPIMeasurement]:
    """The KPI values this person may see (policies.kpi_values_seen_by). Every reader
    of KPI values goes through this or kpi_values_published."""
    return KPIMeasurement.objects.filter(policies.kpi_values_seen_by(user))


def kpi_values_awaiting_approval_by(user) -> QuerySet[KPIMeasurement]:
    """The values waiting for `user` to approve them (policies.kpi_values_awaiting),
    oldest period first."""
    return (
        KPIMeasurement.objects.filter(policies.kpi_values_awaiting(user))
        .select_related("kpi", "recorded_by")
        .order_by("period_end", "kpi__name")
    )


@dataclass(frozen=True, slots=True)
class KPINamed:
    """A KPI as a list of its values names and links it (KPI.__str__, get_absolute_url)."""

    pk: int
    name: str

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return page_url("governance:kpi-detail", self.pk)


@dataclass(frozen=True, slots=True)
class KPIValueToApprove:
    """A value awaiting approval as the home page's panel shows it
    (governance/panels/kpi_values_to_approve.html reads these and KPIMeasurement alike):
    the recorder named as User.__str__ names them."""

    kpi: KPINamed
    period_end: datetime.date
    value: Decimal
    recorded_by: str


def kpi_value_rows_awaiting_approval_by(user, limit: int) -> tuple[list[KPIValueToApprove], int]:
    """The first `limit` of kpi_values_awaiting_approval_by(user), and how many there
    are, in one query of only the values the panel shows (as common.slots.first_and_total)."""
    rows = (
        kpi_values_awaiting_approval_by(user)
        .select_related(None)
        .annotate(listed_total=Window(Count("pk")))
        .values_list(
            *("kpi_id", "kpi__name", "period_end", "value"),
            *("recorded_by__first_name", "recorded_by__last_name", "recorded_by__username"),
            "listed_total",
        )
    )
    listed, total = [], 0
    for row in rows[:limit]:
        kpi, name, period_end, value, first_name, last_name, username, total = row
        recorder = person_name(first_name, last_name, username)
        listed.append(KPIValueToApprove(KPINamed(kpi, name), period_end, value, recorder))
    return listed, total


def kpi_comparators(kpis) -> dict[tuple[int, int], KPIComparator]:
    """The KPIs' comparators by (KPI id, financial year)."""
    return {
        (c.kpi_id, c.financial_year): c
        for c in KPIComparator.objects.filter(kpi__in=[kpi.pk for kpi in kpis])
    }


class KPIValueShown(NamedTuple):
    """A KPI's value as the KPI list and the annual report show it (kpis_with_latest)."""

    period_end: datetime.date
    value: Decimal
    status: str


def kpis_with_latest(financial_year: int, *, kpis: QuerySet[KPI] | None = None, user=None) -> list:
    """Every KPI (or those of `kpis`) with its latest two values that `user` may see
    (published ones only with no user, as in the annual report) as `latest` and
    `previous` (KPIValueShown), its target and
    comparator for the year, status, RAG and trend, in four queries. Only the two
    latest values of each KPI are read: the database ranks each KPI's values (a KPI
    gathers a value a month, year after year)."""
    if kpis is None:
        kpis = KPI.objects.select_related("theme", "principle")
    kpis = list(kpis)
    values: dict[int, list] = {}
    recency = Window(RowNumber(), partition_by=F("kpi_id"), order_by=F("period_end").desc())
    measured = (
        kpi_values_visible_to(user)
        .filter(kpi__in=[kpi.pk for kpi in kpis])
        .annotate(recency=recency)
        .filter(recency__lte=2)
    )
    # Read as the three values shown, not as measurements: building each is most of
    # what the list's values cost.
    for kpi_id, *value in measured.order_by("kpi_id", "period_end").values_list(
        "kpi_id", *KPIValueShown._fields
    ):
        values.setdefault(kpi_id, []).append(KPIValueShown(*value))
    targets = dict(
        KPITarget.objects.filter(financial_year=financial_year).values_list("kpi_id", "target")
    )
    comparators = kpi_comparators(kpis)
    for kpi in kpis:
        series = values.get(kpi.pk, [])
        kpi.latest = series[-1] if series else None
        kpi.previous = series[-2] if len(series) > 1 else None
        kpi.target = targets.get(kpi.pk)
        latest = kpi.latest.value if kpi.latest else None
        kpi.status = status(latest, kpi.target, kpi.direction)
        kpi.rag = rag(latest, kpi.red_boundary, kpi.green_boundary, kpi.direction)
        kpi.comparator = (
            comparators.get((kpi.pk, financial_year_of(kpi.latest.period_end)))
            if kpi.latest
            else comparators.get((kpi.pk, financial_year))
        )
        kpi.trend = trend(kpi.previous.value if kpi.previous else None, latest, kpi.direction)
    return kpis


def action_plan_summary(strategy: Strategy) -> list[dict]:
    """Per theme: objectives, and action-plan items counted by status and by RAG."""
    rows = (
        ActionPlanItem.objects.filter(objective__theme__strategy=strategy)
        .values("objective__theme_id", "status", "rag")
        .annotate(n=Count("pk"))
    )
    objectives = dict(strategy.themes.annotate(n=Count("objectives")).values_list("pk", "n"))
    summary = {
        theme.pk: {
            "number": theme.number,
            "title": theme.title,
            "objectives": objectives.get(theme.pk, 0),
            "items": 0,
            "by_status": {label: 0 for label in ActionStatus.labels},
            "by_rag": {label: 0 for label in RAG.labels},
        }
        for theme in strategy.themes.all()
    }
    for row in rows:
        theme = summary[row["objective__theme_id"]]
        theme["items"] += row["n"]
        theme["by_status"][ActionStatus(row["status"]).label] += row["n"]
        theme["by_rag"][RAG(row["rag"]).label] += row["n"]
    return list(summary.values())
