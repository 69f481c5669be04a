"""The proposal state machine: which action moves a proposal from which states to
which, and who may take it. Services enforce it under a row lock."""

from dataclasses import dataclass
from functools import cache

from common.roles import Role

from .choices import ProposalStatus as S


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[S]
    target: S | None  # None: the outcome decides (a decision)
    role: Role
    comment_required: bool = False


TRANSITIONS = {
    t.action: t
    for t in [
        Transition("submit", "Submit", frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED, Role.OFFICER),
        Transition(
            "start_triage", "Start triage", frozenset({S.SUBMITTED}), S.IN_TRIAGE, Role.HEAD_OF_ICT
        ),
        Transition(
            "return",
            "Return for more information",
            frozenset({S.SUBMITTED, S.IN_TRIAGE}),
            S.RETURNED,
            Role.HEAD_OF_ICT,
            comment_required=True,
        ),
        Transition(
            "accept",
            "Send for assessment",
            frozenset({S.SUBMITTED, S.IN_TRIAGE}),
            S.IN_ASSESSMENT,
            Role.HEAD_OF_ICT,
        ),
        Transition(
            "withdraw",
            "Withdraw",
            frozenset({S.DRAFT, S.SUBMITTED, S.IN_TRIAGE, S.RETURNED, S.IN_ASSESSMENT, S.DEFERRED}),
            S.WITHDRAWN,
            Role.OFFICER,
        ),
        Transition(
            "reopen",
            "Reopen for assessment",
            frozenset({S.DEFERRED}),
            S.IN_ASSESSMENT,
            Role.HEAD_OF_ICT,
        ),
        Transition("decide", "Record decision", frozenset({S.IN_ASSESSMENT}), None, Role.CHAIR),
    ]
}


@cache
def routes(source: S, target: S) -> tuple[tuple[Transition, ...], ...]:
    """Every way through the table from `source` to `target` that passes no status twice,
    shortest first (then by the actions' names, so the order never changes). A decision
    is on no route: its outcome, not the table, says where it leads."""
    found = []

    def walk(status, route, seen):
        if status == target and route:
            found.append(route)
            return
        for transition in TRANSITIONS.values():
            following = transition.target
            if status in transition.sources and following is not None and following not in seen:
                walk(following, (*route, transition), seen | {following})

    walk(source, (), {source})
    return tuple(sorted(found, key=lambda route: (len(route), [t.action for t in route])))
