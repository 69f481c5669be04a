"""Who may see or do what with proposals: each rule written once, asked everywhere."""

from common.roles import GOVERNANCE_GROUP, Role, roles_of

from .choices import ProposalStatus
from .selectors import proposals_visible_to

FINALLY_DECIDED = frozenset(
    {
        ProposalStatus.APPROVED,
        ProposalStatus.APPROVED_WITH_CONDITIONS,
        ProposalStatus.REJECTED,
        ProposalStatus.WITHDRAWN,
    }
)


def may_see_scores(user, proposal) -> bool:
    """Whether `user` may see the Governance Group's scores on `proposal`: its members'
    assessments, criterion scores and conflict declarations.

    The Head of ICT, who does not score, always may. Once the proposal is finally
    decided, anyone who may view it may. Before that, a Governance Group member (or the
    chair) may only after submitting their own score, so that each judgement is made
    independently; a member who declared a conflict on it never may while it awaits a
    decision; and the proposing unit's officers wait for the decision."""
    roles = roles_of(user)
    if Role.HEAD_OF_ICT in roles:
        return True
    if proposal.status in FINALLY_DECIDED:
        return proposals_visible_to(user).filter(pk=proposal.pk).exists()
    if roles & GOVERNANCE_GROUP:
        return proposal.assessments.filter(assessor=user, conflict_declared=False).exists()
    return False
