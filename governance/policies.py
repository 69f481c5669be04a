"""Who may see and change the strategy catalogue, KPIs and Governance Group meetings:
each rule once, asked by views, services, templates and panels alike (see
projects/policies.py for why these are plain functions)."""

from common.roles import ALL_ROLES, GOVERNANCE_GROUP, Role, roles_of

# Everyone with a role reads the strategy, its action plan and KPIs: the golden thread.
CATALOGUE_READERS = ALL_ROLES
STRATEGY_OWNERS = frozenset({Role.HEAD_OF_ICT})  # objectives, action plan, KPIs
MEETING_READERS = GOVERNANCE_GROUP | {Role.HEAD_OF_ICT}
MEETING_ORGANISERS = frozenset({Role.CHAIR, Role.HEAD_OF_ICT})
ATTENDANCE_KEEPERS = frozenset({Role.CHAIR})


def may_own_strategy(user) -> bool:
    return bool(roles_of(user) & STRATEGY_OWNERS)


def may_read_meetings(user) -> bool:
    return bool(roles_of(user) & MEETING_READERS)


def may_organise_meetings(user) -> bool:
    return bool(roles_of(user) & MEETING_ORGANISERS)


def may_keep_attendance(user) -> bool:
    return bool(roles_of(user) & ATTENDANCE_KEEPERS)
