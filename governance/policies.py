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


# -------------------------------------------------------- accounts, roles and units
#
# The Administrator manages accounts, roles and business units in the portal's own
# pages, never in the Django admin (common.admin: superusers only). What keeps that
# from becoming a way to more power: the pages offer only the portal's five roles
# (no superuser or staff status, no model permissions); nobody changes their own
# roles or deactivates themselves; superusers' accounts are the technical, break-glass
# accounts of the council's IT operators, out of the Administrator's reach.

ACCOUNT_ADMINISTRATORS = frozenset({Role.ADMINISTRATOR})


def may_administer_accounts(user) -> bool:
    """Lists, reads and opens accounts, and keeps the business units."""
    return bool(roles_of(user) & ACCOUNT_ADMINISTRATORS)


def administration_refusal(user) -> str | None:
    if not may_administer_accounts(user):
        return "Only administrators manage accounts and business units."
    return None


def account_edit_refusal(actor, person) -> str | None:
    """Why `actor` may not change `person`'s account, or None if they may."""
    if refusal := administration_refusal(actor):
        return refusal
    if person.is_superuser:
        return (
            "This is a technical account with full access (a superuser). Only the "
            "council's IT operators manage it, outside the portal."
        )
    return None


def may_edit_account(actor, person) -> bool:
    return account_edit_refusal(actor, person) is None


def role_change_refusal(actor, person, role) -> str | None:
    """Why `actor` may not grant `role` to `person`, or take it away, or None if they
    may. `person` is None for an account not yet created."""
    if refusal := (
        account_edit_refusal(actor, person) if person is not None else administration_refusal(actor)
    ):
        return refusal
    if role not in Role.values:
        return "Choose one of the portal's roles."
    if person is not None and person.pk == actor.pk:
        return "You cannot change your own roles. Ask another administrator."
    return None


def deactivation_refusal(actor, person) -> str | None:
    """Why `actor` may not deactivate `person`'s account, or None if they may."""
    if refusal := account_edit_refusal(actor, person):
        return refusal
    if person.pk == actor.pk:
        return "You cannot deactivate your own account. Ask another administrator."
    return None


def officer_unit_refusal(roles, business_unit) -> str | None:
    """A business unit officer proposes for a business unit, so needs one."""
    if Role.OFFICER in roles and business_unit is None:
        return "Choose the business unit this officer works for"
    return None


def password_link_refusal(actor, person) -> str | None:
    """Why `actor` may not send `person` a link to set their password, or None. Only
    for an account never signed in to: a link to an account in use would let whoever
    reads the mailbox it goes to (the administrator chose it) take the account over."""
    if refusal := account_edit_refusal(actor, person):
        return refusal
    if person.last_login is not None:
        return "They have signed in before, so they change their own password."
    if not person.is_active:
        return "The account is deactivated."
    if not person.email:
        return "Add their e-mail address first."
    return None


def unit_deactivation_refusal(unit) -> str | None:
    """A unit is deactivated (no longer offered for new work) only once no active
    officer works for it: each officer needs a business unit to propose for."""
    officers = unit.members.filter(is_active=True, groups__name=Role.OFFICER.value).count()
    if officers:
        return (
            f"{officers} active officer{'s work' if officers != 1 else ' works'} for this "
            "business unit. Move them to another unit before you deactivate it."
        )
    return None
