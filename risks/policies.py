"""Who may see and change the risk register, and what a risk may be linked to: each
rule once, asked by views, services, forms, templates, panels and exports alike (see
projects/policies.py for why these are plain functions)."""

from django.db.models import Q

from common.roles import GOVERNANCE_GROUP, Role, roles_of
from projects import policies as project_policies
from projects.choices import ProposalStatus

from .choices import Register, RiskStatus

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


# ------------------------------------------------------------------------ registers

# Where escalation takes a risk from each register: one step up, never past the top.
ESCALATES_TO = {Register.PROJECT: Register.ICT, Register.ICT: Register.CORPORATE}
# The Head of ICT keeps the ICT register and answers for ICT risks on the council's
# corporate register, so escalates to it; a project's risks are its manager's as well.
CORPORATE_ESCALATORS = frozenset({Role.HEAD_OF_ICT})


def next_register(risk) -> str | None:
    """The register a risk escalates to, or None from the top."""
    return ESCALATES_TO.get(risk.register)


def may_escalate_risk(user, risk) -> bool:
    """Escalating an open risk one register up: a project risk by the project's
    manager or the Head of ICT; an ICT risk, to the corporate register, by the Head of
    ICT. A risk already escalated is not escalated again (its entry above carries on)."""
    if risk.status != RiskStatus.OPEN or next_register(risk) is None:
        return False
    if getattr(risk, "escalated_to_id", None):
        return False
    roles = roles_of(user)
    if risk.register == Register.PROJECT:
        manager_id = risk.project.project_manager_id if risk.project_id else None
        return Role.HEAD_OF_ICT in roles or manager_id == user.pk
    return bool(roles & CORPORATE_ESCALATORS)


def may_explain_difference(user, risk) -> bool:
    """The reason two registers score a risk differently is recorded on the higher
    entry, by whoever may change it (its owner or the Head of ICT)."""
    return bool(risk.escalated_from_id) and may_change_risk(user, risk)


# ------------------------------------------------------------------ exempt information


def may_set_exemption(user, risk) -> bool:
    """Marking a risk exempt from publication (Schedule 12A), or no longer exempt: whoever
    may change the risk, its owner or the Head of ICT, who know what it holds."""
    return may_change_risk(user, risk)
