"""The proposal state machine: which action moves a proposal from which states to
which, and who may take it. Services enforce it under a row lock."""

from dataclasses import dataclass
from functools import cache

from common.roles import Role

from .choices import APPROVED_STATUSES, Outcome, Route, Stage
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
        Transition(
            "submit",
            "Submit",
            frozenset({S.DRAFT, S.RETURNED, S.DEVELOPING}),
            S.SUBMITTED,
            Role.OFFICER,
        ),
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
            frozenset(
                {
                    S.DRAFT,
                    S.SUBMITTED,
                    S.IN_TRIAGE,
                    S.RETURNED,
                    S.IN_ASSESSMENT,
                    S.DEFERRED,
                    S.DEVELOPING,
                }
            ),
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


# The gates of each route, in order (HM Treasury's Better Business Cases). Approving a
# gate before the last hands the proposal back to its unit to develop the next case
# (DEVELOPING, from which it is submitted again along the table above); approving the
# last gate approves the project. Any other outcome is the same at every gate.
ROUTE_STAGES = {
    Route.THREE_STAGE: (Stage.SOC, Stage.OBC, Stage.FBC),
    Route.BJC: (Stage.BJC,),
}


def first_stage(route: Route) -> Stage:
    return ROUTE_STAGES[route][0]


def next_stage(stage: str) -> Stage | None:
    """The stage after `stage` on its route, or None at the last gate (and for a
    proposal from before stages, which one decision settles)."""
    for stages in ROUTE_STAGES.values():
        if stage in stages:
            index = stages.index(stage)
            return stages[index + 1] if index + 1 < len(stages) else None
    return None


def decided(stage: str, outcome: Outcome) -> tuple[S, str]:
    """Where a decision at `stage` leads: the proposal's status and stage after it."""
    following = next_stage(stage)
    if S(outcome) in APPROVED_STATUSES and following is not None:
        return S.DEVELOPING, following
    return S(outcome), stage


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
