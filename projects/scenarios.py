"""Prioritisation scenarios: what the recommendation would be with other budgets,
weights, forced choices or start years, beside what it is now.

Working out a scenario reads the live portfolio (the same inputs as the portfolio page:
proposals awaiting a decision, their scores as the reader may see them, the ICT budgets
and what approved projects commit), applies the scenario's adjustments to copies of
those inputs, and asks prioritisation.recommend() of both. Nothing live is written: a
re-weighted score is worked out from the ratings each member gave, never stored.

Like the portfolio page, a comparison is shown only to a reader who may see every score
it weighs; anyone else sees the adjustments and a sentence saying why there is no more.

The writes (save, share, put to a meeting) are here too, beside the reads they mirror;
each checks policies, runs in a transaction and writes history.
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from common.errors import WorkflowError
from common.roles import roles_of
from common.services import save_with_history
from governance.choices import MeetingStatus
from governance.models import Meeting

from . import policies, prioritisation, scoring, selectors
from .models import Assessment, Budget, Criterion, Proposal, Scenario, ScenarioPaper

FORCED_IN, FORCED_OUT = "in", "out"
# How far a proposal's start may be moved, in financial years, either way.
MAX_MOVE = 5
# A paper went to everyone who may see its meeting (and its history names it), so the
# scenario cannot be taken back from them.
STAYS_SHARED = (
    "This scenario is a paper for a Governance Group meeting, so it stays shared with the Group"
)


# ------------------------------------------------------------------------------ reads


def scenarios_visible_to(user) -> QuerySet[Scenario]:
    return Scenario.objects.filter(policies.scenarios_visible(user)).select_related("created_by")


def scenario_for_detail(user, pk: int) -> Scenario:
    """A scenario the user may see, else 404."""
    return get_object_or_404(scenarios_visible_to(user), pk=pk)


def scenario_for_edit(user, pk: int) -> Scenario:
    """A scenario the user may see (else 404) and change (else 403)."""
    scenario = scenario_for_detail(user, pk)
    if not policies.may_edit_scenario(user, scenario):
        raise PermissionDenied("Only the scenario's creator or the Head of ICT can change it.")
    return scenario


def papers_of(meeting, *, user) -> list[ScenarioPaper]:
    """The meeting's scenario papers that this user may open."""
    return list(
        ScenarioPaper.objects.filter(
            meeting=meeting,
            scenario__in=Scenario.objects.filter(policies.scenarios_visible(user)),
        ).select_related("scenario")
    )


def upcoming_meetings() -> QuerySet[Meeting]:
    """Meetings a paper may still go to: scheduled, not yet started."""
    return Meeting.objects.filter(status=MeetingStatus.SCHEDULED).order_by("starts_at", "pk")


@dataclass(frozen=True)
class Inputs:
    """What a recommendation is worked out from."""

    candidates: list[prioritisation.Candidate]
    budgets: dict[int, Decimal]
    committed: dict[int, Decimal]

    def room(self) -> dict[int, Decimal]:
        return selectors.budget_room(self.budgets, self.committed)


@dataclass
class Comparison:
    """A scenario beside the baseline. `baseline` and `scenario` are None when the
    reader may not see every score the recommendation weighs (`hidden` of them)."""

    hidden: int
    baseline: prioritisation.Recommendation | None = None
    scenario: prioritisation.Recommendation | None = None
    changes: list[dict] = field(default_factory=list)
    years: list[dict] = field(default_factory=list)
    labels: dict[int, str] = field(default_factory=dict)


def live_proposals(viewer) -> list[Proposal]:
    """The proposals awaiting a decision, with their scores as the viewer may see them."""
    return list(selectors.portfolio(viewer))


def baseline_inputs(proposals: list[Proposal]) -> Inputs:
    return Inputs(
        candidates=selectors.portfolio_candidates(proposals),
        budgets={b.financial_year: b.amount for b in Budget.objects.all()},
        committed=dict(selectors.approved_costs_by_year()),
    )


def adjusted(scenario: Scenario, inputs: Inputs) -> Inputs:
    """The inputs with the scenario's adjustments applied: a new budget for a year, a
    proposal forced in (as if statutory) or out (removed), a proposal's costs moved by
    whole financial years, and scores re-weighted from the members' own ratings."""
    budgets = dict(inputs.budgets)
    for year, amount in scenario.budgets.items():
        budgets[int(year)] = Decimal(amount)
    weights = {int(pk): int(weight) for pk, weight in scenario.weights.items()}
    rescored = _reweighted_scores([c.key for c in inputs.candidates], weights) if weights else {}
    candidates = []
    for candidate in inputs.candidates:
        forced = scenario.forced.get(str(candidate.key))
        if forced == FORCED_OUT:
            continue
        move = int(scenario.moves.get(str(candidate.key), 0))
        score = rescored.get(candidate.key, candidate.score)
        candidates.append(
            prioritisation.Candidate(
                key=candidate.key,
                label=candidate.label,
                score=score,
                costs={year + move: cost for year, cost in candidate.costs.items()},
                statutory=candidate.statutory or forced == FORCED_IN,
            )
        )
    return Inputs(candidates=candidates, budgets=budgets, committed=inputs.committed)


def _reweighted_scores(proposal_ids: list[int], weights: Mapping[int, int]) -> dict[int, float]:
    """Each proposal's mean weighted score with the given criteria's weights in place
    of those its scores were given under (scoring.weighted_score, per member, then the
    mean, as the live score is). A member's score with no ratings kept keeps its
    weighted score. Conflicts count for nothing, as in the live score."""
    assessments = Assessment.objects.filter(
        proposal_id__in=proposal_ids, conflict_declared=False, weighted_score__isnull=False
    ).prefetch_related("scores")
    by_proposal = defaultdict(list)
    for assessment in assessments:
        ratings = [
            (s.score, weights.get(s.criterion_id, s.weight)) for s in assessment.scores.all()
        ]
        if ratings and sum(weight for _, weight in ratings):
            by_proposal[assessment.proposal_id].append(scoring.weighted_score(ratings))
        else:
            by_proposal[assessment.proposal_id].append(assessment.weighted_score)
    return {pk: float(sum(scores) / len(scores)) for pk, scores in by_proposal.items()}


def compare(scenario: Scenario, *, viewer) -> Comparison:
    """The scenario's recommendation beside the live one, for this viewer."""
    proposals = live_proposals(viewer)
    hidden = sum(1 for p in proposals if not p.scores_visible)
    comparison = Comparison(hidden=hidden, labels={p.pk: str(p) for p in proposals})
    if hidden:
        return comparison
    base = baseline_inputs(proposals)
    what_if = adjusted(scenario, base)
    comparison.baseline = selectors.recommendation(base.candidates, base.room())
    comparison.scenario = selectors.recommendation(what_if.candidates, what_if.room())
    before = {c.candidate.key: c for c in comparison.baseline.choices}
    after = {c.candidate.key: c for c in comparison.scenario.choices}
    for key, choice in before.items():
        then = after.get(key)
        now_in = bool(then and then.selected)
        if choice.selected != now_in:
            comparison.changes.append(
                {
                    "label": choice.candidate.label,
                    "key": key,
                    "baseline": choice.selected,
                    "scenario": now_in,
                    "reason": then.reason if then else "Left out by the scenario.",
                }
            )
    years = sorted(
        set(base.budgets)
        | set(what_if.budgets)
        | set(base.committed)
        | set(comparison.baseline.spend)
        | set(comparison.scenario.spend)
    )
    for year in years:
        committed = base.committed.get(year) or Decimal(0)
        row = {
            "year": year,
            "committed": committed,
            "baseline_budget": base.budgets.get(year),
            "scenario_budget": what_if.budgets.get(year),
            "baseline_spend": committed + comparison.baseline.spend.get(year, 0),
            "scenario_spend": committed + comparison.scenario.spend.get(year, 0),
        }
        budget = row["scenario_budget"]
        row["scenario_left"] = None if budget is None else budget - row["scenario_spend"]
        comparison.years.append(row)
    return comparison


def adjustments_shown(scenario: Scenario, labels: Mapping[int, str]) -> dict[str, list]:
    """The scenario's adjustments in words, for its page. Proposals are named only from
    `labels` (those the reader may see in the portfolio); any other is left unnamed."""
    criteria = {c.pk: c for c in Criterion.objects.filter(is_active=True)}
    return {
        "budgets": sorted((int(y), Decimal(a)) for y, a in scenario.budgets.items()),
        "weights": [
            (criteria[int(pk)].name, criteria[int(pk)].weight, weight)
            for pk, weight in scenario.weights.items()
            if int(pk) in criteria
        ],
        "forced_in": [
            labels[int(pk)]
            for pk, how in scenario.forced.items()
            if how == FORCED_IN and int(pk) in labels
        ],
        "forced_out": [
            labels[int(pk)]
            for pk, how in scenario.forced.items()
            if how == FORCED_OUT and int(pk) in labels
        ],
        "moves": [
            (labels[int(pk)], years) for pk, years in scenario.moves.items() if int(pk) in labels
        ],
    }


# ----------------------------------------------------------------------------- writes


def _differences(
    *,
    budgets: Mapping[int, Decimal],
    weights: Mapping[int, int],
    forced: Mapping[int, str],
    moves: Mapping[int, int],
) -> dict:
    """The adjustments as stored: only what differs from the live portfolio, so a form
    that shows the live values where nothing is adjusted saves back what it showed."""
    live_budgets = {b.financial_year: b.amount for b in Budget.objects.all()}
    live_weights = dict(Criterion.objects.filter(is_active=True).values_list("pk", "weight"))
    return {
        "budgets": {
            str(year): f"{amount:.2f}"
            for year, amount in sorted(budgets.items())
            if amount is not None and live_budgets.get(year) != amount
        },
        "weights": {
            str(pk): weight
            for pk, weight in sorted(weights.items())
            if pk in live_weights and live_weights[pk] != weight
        },
        "forced": {
            str(pk): how for pk, how in sorted(forced.items()) if how in (FORCED_IN, FORCED_OUT)
        },
        "moves": {str(pk): years for pk, years in sorted(moves.items()) if years},
    }


@transaction.atomic
def scenario_save(
    *,
    user,
    scenario: Scenario | None = None,
    name: str,
    description: str = "",
    is_shared: bool = False,
    budgets: Mapping[int, Decimal] | None = None,
    weights: Mapping[int, int] | None = None,
    forced: Mapping[int, str] | None = None,
    moves: Mapping[int, int] | None = None,
) -> Scenario:
    """Make a scenario, or change one this user may change. Budgets, weights and moves
    equal to the live values are not kept as adjustments."""
    if scenario is None:
        if not roles_of(user) & policies.SCENARIO_USERS:
            raise PermissionDenied("Your role does not allow this action.")
        scenario = Scenario(created_by=user)
    else:
        scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
        if not policies.may_edit_scenario(user, scenario):
            raise PermissionDenied("Only the scenario's creator or the Head of ICT can change it.")
    for years in (moves or {}).values():
        if abs(years) > MAX_MOVE:
            raise WorkflowError(f"A start can move at most {MAX_MOVE} financial years.")
    if not is_shared and scenario.pk and scenario.papers.exists():
        raise ValidationError({"is_shared": STAYS_SHARED})
    scenario.name = name
    scenario.description = description
    scenario.is_shared = is_shared
    for key, value in _differences(
        budgets=budgets or {}, weights=weights or {}, forced=forced or {}, moves=moves or {}
    ).items():
        setattr(scenario, key, value)
    save_with_history(scenario, user=user)
    return scenario


@transaction.atomic
def scenario_share(*, user, scenario: Scenario, shared: bool) -> Scenario:
    """Share a scenario with the Governance Group, or stop sharing it."""
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    if not policies.may_edit_scenario(user, scenario):
        raise PermissionDenied("Only the scenario's creator or the Head of ICT can share it.")
    if not shared and scenario.papers.exists():
        raise WorkflowError(STAYS_SHARED)
    scenario.is_shared = shared
    save_with_history(scenario, user=user)
    return scenario


@transaction.atomic
def scenario_paper_add(*, user, scenario: Scenario, meeting: Meeting) -> ScenarioPaper:
    """Put a shared scenario to an upcoming Governance Group meeting as a paper."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    scenario = Scenario.objects.select_for_update().get(pk=scenario.pk)
    refusal = policies.scenario_paper_refusal(user, scenario, meeting)
    if refusal:
        raise WorkflowError(refusal)
    if meeting.scenario_papers.filter(scenario=scenario).exists():
        raise WorkflowError("This scenario is already a paper for that meeting.")
    paper = ScenarioPaper(meeting=meeting, scenario=scenario, added_by=user)
    save_with_history(paper, user=user)
    return paper
