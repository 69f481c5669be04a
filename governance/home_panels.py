"""Governance's panels on the home page: what is waiting for each role."""

from common import slots
from common.roles import ALL_ROLES, Role
from common.slots import Section, Slot

from . import policies, selectors

PANEL_LIMIT = 10


def _my_action_items(*, user):
    items = selectors.action_items_owned_by(user)
    return {"items": items[:PANEL_LIMIT], "total": items.count()}


def _unit_action_items(*, user):
    unit = user.business_unit
    if unit is None:
        return {"unit": None, "items": [], "total": 0}
    items = selectors.action_items_led_by_unit(unit)
    return {"unit": unit, "items": items[:PANEL_LIMIT], "total": items.count()}


def _strategy_gaps(*, user):
    strategy = selectors.strategy_current()
    if strategy is None:
        return {"strategy": None}
    overdue = selectors.action_items_overdue().filter(objective__theme__strategy=strategy)
    return {
        "strategy": strategy,
        "themes_without_objectives": list(selectors.themes_without_objectives(strategy)),
        "objectives_without_actions": list(
            selectors.objectives_without_open_actions(strategy)[:PANEL_LIMIT]
        ),
        "items_without_owner": list(selectors.action_items_without_owner(strategy)[:PANEL_LIMIT]),
        "overdue": list(overdue[:PANEL_LIMIT]),
        "overdue_total": overdue.count(),
    }


def _accounts(*, user):
    attention = selectors.users_needing_attention()
    return {
        "without_role": list(attention["without_role"][:PANEL_LIMIT]),
        "without_role_total": attention["without_role"].count(),
        "officers_without_unit": list(attention["officers_without_unit"][:PANEL_LIMIT]),
        "officers_without_unit_total": attention["officers_without_unit"].count(),
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
            title="Accounts needing attention",
            template="governance/panels/accounts.html",
            roles=policies.ACCOUNT_ADMINISTRATORS,
            context=_accounts,
            order=10,
        ),
    )
