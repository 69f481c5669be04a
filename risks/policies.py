"""Who may see and change the risk register, and what a risk may be linked to: each
rule once, asked by views, services, forms, templates, panels and exports alike (see
projects/policies.py for why these are plain functions)."""

from dataclasses import dataclass

from django.db.models import F, Q

from common.roles import GOVERNANCE_GROUP, Role, roles_of
from projects import policies as project_policies
from projects.choices import ProposalStatus

from .choices import AssuranceFlag, Level, Register, RiskStatus

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


def may_change_control(user, control) -> bool:
    """A risk's controls are part of the risk: whoever may change the risk (its owner
    and the Head of ICT) adds, rates and removes them, while it is open."""
    return control.risk.status == RiskStatus.OPEN and may_change_risk(user, control.risk)


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


# ------------------------------------------------------------------------ assurance

# The matrix's red level: its tag is red (static/scss/council.scss).
RED_LEVELS = frozenset({Level.VERY_HIGH})


def assurance_flags() -> dict[str, Q]:
    """The gaps in a risk's controls and assurance, each a condition on the counts of
    its controls that risks.selectors.with_assurance annotates, so the register, the
    risk's page, its downloads, the API and reports all flag the same risks, and the
    register filters on them in the database.

    - Controls not assured: a red risk (by its current rating) with no control rated
      effective or partly effective: none recorded, or all not effective or not yet
      assessed. Its current rating leans on controls nobody has shown to work.
    - Current rating not borne out by controls: controls are rated effective, yet the
      current rating is no better than the gross one. One of the two is wrong.
    - No third-line assurance: of the controls recorded, none has internal audit's
      independent assurance. (A risk with no controls recorded is not flagged for
      this: the first flag covers the red ones.)"""
    return {
        AssuranceFlag.NOT_ASSURED: Q(residual_level__in=RED_LEVELS)
        & Q(controls_effective=0, controls_partly_effective=0),
        AssuranceFlag.NOT_BORNE_OUT: Q(controls_effective__gt=0)
        & Q(residual_score__gte=F("inherent_score")),
        AssuranceFlag.NO_THIRD_LINE: Q(controls_recorded__gt=0, controls_third_line=0),
    }


def assurance_flags_raised(risk) -> list[str]:
    """The flags (assurance_flags) raised on a risk that carries the counts of its
    controls, in the flags' own order: the same conditions read in Python, for the
    rows a page or a download lists (the database reads assurance_flags only to filter
    by a flag). Each test in the risks' tests holds the two to the same risks."""
    raised = []
    if (
        risk.residual_level in RED_LEVELS
        and risk.controls_effective == 0
        and risk.controls_partly_effective == 0
    ):
        raised.append(AssuranceFlag.NOT_ASSURED)
    if risk.controls_effective > 0 and risk.residual_score >= risk.inherent_score:
        raised.append(AssuranceFlag.NOT_BORNE_OUT)
    if risk.controls_recorded > 0 and risk.controls_third_line == 0:
        raised.append(AssuranceFlag.NO_THIRD_LINE)
    return raised


@dataclass(frozen=True)
class FlagWords:
    """How a flag reads wherever it is raised: its label as the register's tag (in a
    GOV.UK tag colour beside the words, which carry the meaning) and, on the risk's
    page, the label with the sentence saying what is wrong."""

    flag: AssuranceFlag
    tag_class: str
    explanation: str

    @property
    def label(self) -> str:
        return self.flag.label


FLAG_WORDS = {
    words.flag: words
    for words in (
        FlagWords(
            AssuranceFlag.NOT_ASSURED,
            "govuk-tag--red",
            "This risk is red, and no control on it is rated effective or partly effective: "
            "its current rating relies on controls not shown to work.",
        ),
        FlagWords(
            AssuranceFlag.NOT_BORNE_OUT,
            "govuk-tag--orange",
            "Controls are rated effective, yet the current rating is no better than the gross "
            "rating: either the controls or the rating needs another look.",
        ),
        FlagWords(
            AssuranceFlag.NO_THIRD_LINE,
            "govuk-tag--grey",
            "No control has third-line (internal audit) assurance: nobody independent has "
            "checked that the controls work.",
        ),
    )
}


# ------------------------------------------------------------------ exempt information


def may_set_exemption(user, risk) -> bool:
    """Marking a risk exempt from publication (Schedule 12A), or no longer exempt: whoever
    may change the risk, its owner or the Head of ICT, who know what it holds."""
    return may_change_risk(user, risk)
