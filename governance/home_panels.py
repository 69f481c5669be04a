"""Governance's panels on the home page: what is waiting for each role."""

from django.utils import timezone

from common import dataversion, precompute, slots
from common.roles import ALL_ROLES, Role
from common.slots import Section, Slot, first_and_total

from . import policies, selectors

PANEL_LIMIT = 10

# Only what the panels show of an action-plan item (the action_items_table tag):
# its reference is built from the theme's and objective's numbers, its owner named by
# their names.
ITEM_REFERENCE = ("number", "objective__number", "objective__theme__number")
ITEM_ROW = (
    *ITEM_REFERENCE,
    *("title", "is_demo", "due_date", "status", "rag", "progress"),
    *("owner__username", "owner__first_name", "owner__last_name"),
)


def _item_rows(items):
    return items.select_related(None).select_related("objective__theme", "owner").only(*ITEM_ROW)


def _my_action_items(*, user):
    values, total = _open_items()["owner"].get(user.pk, selectors.NO_OPEN_ITEMS)
    return {"items": selectors.action_item_rows_of(values), "total": total}


def _unit_action_items(*, user):
    unit = user.business_unit
    if unit is None:
        return {"unit": None, "items": [], "total": 0}
    values, total = _open_items()["unit"].get(unit.pk, selectors.NO_OPEN_ITEMS)
    return {"unit": unit, "items": selectors.action_item_rows_of(values), "total": total}


# Every open item, by owner and by lead unit: the same for everyone, and changed only by
# the data and the date (what is overdue), so worked out after each change
# (common.precompute) rather than queried for each owner's and unit's panel.
OPEN_ITEMS = "home-open-action-items"


def _open_items_key() -> str:
    return f"{OPEN_ITEMS}:{timezone.localdate()}"


def _open_items():
    return dataversion.remember(_open_items_key(), _open_items_worked_out, SHARED_PANEL_CACHE)


def _open_items_worked_out():
    return selectors.open_action_items_by_owner_and_unit(PANEL_LIMIT)


# The same for everyone who sees it, and changed only by the data and the date (what
# is overdue): worked out after each change (common.precompute), not on a page.
STRATEGY_GAPS = "home-strategy-gaps"
SHARED_PANEL_CACHE = 60 * 60  # seconds; only lets figures nobody asks for again drop out


def _strategy_gaps_key() -> str:
    return f"{STRATEGY_GAPS}:{timezone.localdate()}"


def _strategy_gaps(*, user):
    return dataversion.remember(_strategy_gaps_key(), _strategy_gaps_worked_out, SHARED_PANEL_CACHE)


def figures_to_precompute() -> list[precompute.Figure]:
    return [
        precompute.Figure(_strategy_gaps_key(), _strategy_gaps_worked_out, SHARED_PANEL_CACHE),
        precompute.Figure(_open_items_key(), _open_items_worked_out, SHARED_PANEL_CACHE),
    ]


def _strategy_gaps_worked_out():
    strategy = selectors.strategy_current()
    if strategy is None:
        return {"strategy": None}
    overdue, overdue_total = first_and_total(
        _item_rows(selectors.action_items_overdue().filter(objective__theme__strategy=strategy)),
        PANEL_LIMIT,
    )
    objectives = selectors.objectives_without_open_actions(strategy).only("number", "theme__number")
    items = (
        selectors.action_items_without_owner(strategy)
        .select_related(None)
        .select_related("objective__theme")
        .only(*ITEM_REFERENCE)
    )
    return {
        "strategy": strategy,
        "themes_without_objectives": list(
            selectors.themes_without_objectives(strategy).only("number")
        ),
        "objectives_without_actions": list(objectives[:PANEL_LIMIT]),
        "items_without_owner": list(items[:PANEL_LIMIT]),
        "overdue": overdue,
        "overdue_total": overdue_total,
    }


def _kpi_values_to_approve(*, user):
    values, total = selectors.kpi_value_rows_awaiting_approval_by(user, PANEL_LIMIT)
    return {"values": values, "total": total}


def _accounts(*, user):
    attention = selectors.users_needing_attention()
    without_role, without_role_total = first_and_total(attention["without_role"], PANEL_LIMIT)
    without_unit, without_unit_total = first_and_total(
        attention["officers_without_unit"], PANEL_LIMIT
    )
    return {
        "without_role": without_role,
        "without_role_total": without_role_total,
        "officers_without_unit": without_unit,
        "officers_without_unit_total": without_unit_total,
        "officer_role": Role.OFFICER.value,
    }


def register() -> None:
    slots.register(
        Slot.HOME,
        Section(
            title="Gaps and overdue work in the strategy",
            template="governance/panels/strategy_gaps.html",
            roles=policies.STRATEGY_OWNERS,
            context=_strategy_gaps,
            order=10,
        ),
    )
    slots.register(
        Slot.HOME,
        Section(
            title="Your business unit's action-plan items",
            template="governance/panels/unit_action_items.html",
            roles=frozenset({Role.OFFICER}),
            context=_unit_action_items,
            order=20,
        ),
    )
    slots.register(
        Slot.HOME,
        Section(
            title="Action-plan items you own",
            template="governance/panels/my_action_items.html",
            roles=ALL_ROLES - {Role.ADMINISTRATOR},
            context=_my_action_items,
            order=30,
        ),
    )
    slots.register(
        Slot.HOME,
        Section(
            title="KPI values awaiting your approval",
            template="governance/panels/kpi_values_to_approve.html",
            roles=policies.KPI_APPROVERS,
            context=_kpi_values_to_approve,
            order=15,
        ),
    )
    slots.register(
        Slot.HOME,
        Section(
            title="Accounts needing attention",
            template="governance/panels/accounts.html",
            roles=policies.ACCOUNT_ADMINISTRATORS,
            context=_accounts,
            order=10,
        ),
    )
