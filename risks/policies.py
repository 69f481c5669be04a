"""Who may see and change the risk register, and what a risk may be linked to: each
rule once, asked by views, services, forms, templates, panels and exports alike (see
projects/policies.py for why these are plain functions)."""

from django.db.models import Q

from common.roles import GOVERNANCE_GROUP, Role, roles_of
from projects import policies as project_policies
from projects.choices import ProposalStatus

REGISTER_READERS = GOVERNANCE_GROUP | {Role.HEAD_OF_ICT, Role.OFFICER}
RISK_RAISERS = frozenset({Role.HEAD_OF_ICT})
SETTINGS_KEEPERS = frozenset({Role.HEAD_OF_ICT})  # matrix, appetite, review frequencies
# Importing a register from a spreadsheet raises and changes risks, so it is for those
# who may raise any risk and give one any owner.
RISK_IMPORTERS = RISK_RAISERS


def may_read_register(user) -> bool:
    return bool(roles_of(user) & REGISTER_READERS)


def may_raise_risk(user) -> bool:
    return bool(roles_of(user) & RISK_RAISERS)


def may_import_risks(user) -> bool:
    return bool(roles_of(user) & RISK_IMPORTERS)


def may_change_risk(user, risk) -> bool:
    """Only the Head of ICT and the risk's owner change a risk, review or close it."""
    return Role.HEAD_OF_ICT in roles_of(user) or risk.owner_id == user.pk


def may_reassign_risk(user) -> bool:
    """Only the Head of ICT gives a risk a new owner."""
    return Role.HEAD_OF_ICT in roles_of(user)


def may_change_action(user, action) -> bool:
    """A mitigating action: whoever may change its risk, and the action's own owner."""
    return may_change_risk(user, action.risk) or action.owner_id == user.pk


def proposals_linkable(user) -> Q:
    """The proposals a risk may be linked to by this user, and shown as linked to
    them: those they may see, once submitted. Links to others stay, unseen."""
    return project_policies.proposals_visible(user) & ~Q(status=ProposalStatus.DRAFT)


def projects_linkable(user) -> Q:
    return project_policies.projects_visible(user)
