"""Which ICT proposals to recommend for funding.

The ICT Governance Group funds the set of proposals with the highest total weighted score
that fits every financial year's ICT budget; statutory and mandatory proposals go in
whatever they cost. Picking by score, or by score per pound, can miss the best set, so
this solves the multi-year 0/1 knapsack as a mixed-integer programme, and gives each
proposal one sentence the Group can read saying why it is in or out.

The solver is HiGHS (through highspy) rather than OR-Tools CP-SAT:
- HiGHS is an LP-based branch-and-cut MILP solver. The LP relaxation of a knapsack with
  large money coefficients bounds it closely, and HiGHS proves that (dual) bound as it
  goes, so when the time limit stops it the page can say how far from the best possible
  set the answer may be. Single-threaded with a fixed seed, it is deterministic. CP-SAT
  reports a bound too, but its strength is a portfolio of parallel workers whose answer
  under a time limit varies from run to run; with one worker it is deterministic but
  loses that portfolio.
- highspy is MIT licensed, installs in about 12 MB and needs only numpy. OR-Tools
  (Apache-2.0) is a larger download that also brings pandas, absl-py and immutabledict,
  and bounds the protobuf version, which anything else here using protobuf must then
  agree with.
- CP-SAT takes only integer coefficients. Ours are whole pence and thousandths of a
  point, so that did not decide it, but scaling money for it would be one more thing to
  get right.

The search has a time limit (settings.PRIORITISATION_TIME_LIMIT), so a page never waits
long. Everything the solver hands back is checked again in whole pence before it is used,
and whatever still fits is added after it, so every reason given stays true even when the
solver is stopped early or rounds.
"""

import logging
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import highspy
import numpy as np
from django.conf import settings

from common.figures import money

logger = logging.getLogger(__name__)

# Scores are compared in thousandths of a point and money in pence, so sums are exact.
_SCORE_SCALE = 1000
_PENNY = Decimal("0.01")
# The search goes on until its set is proven the best, which a portfolio of a hundred or
# so proposals usually is within a fraction of a second. Past SETTLE_AFTER seconds it
# settles for a set proven within GOOD_ENOUGH of the best (random portfolios of 1,000
# proposals get there in under a second), and at the time limit for whatever it has, the
# page saying how far from the best that may be.
_GAP_TARGET = 0.0
SETTLE_AFTER = 0.5
GOOD_ENOUGH = 0.001
# HiGHS hands back a 0/1 choice as a float within its tolerance of 0 or 1.
_CHOSEN = 0.5
# How a solve can end with a dual bound worth trusting; after anything else (an error)
# only the trivial bound, every score added up, is known.
_BOUND_PROVEN = (
    highspy.HighsModelStatus.kOptimal,
    highspy.HighsModelStatus.kTimeLimit,
    highspy.HighsModelStatus.kInterrupt,  # settled: see _settle
)


@dataclass(frozen=True)
class Candidate:
    """A proposal as the prioritisation sees it."""

    key: int  # the proposal's id
    label: str  # e.g. "P-0007 Online payments"
    score: float | None  # weighted score 0-100; None = not scored yet
    costs: Mapping[int, Decimal]  # financial year start -> cost in pounds (capital + revenue)
    statutory: bool = False


@dataclass(frozen=True)
class Choice:
    """Whether a proposal is recommended, and why, for the Governance Group."""

    candidate: Candidate
    selected: bool
    reason: str


@dataclass(frozen=True)
class Recommendation:
    """The recommended set, with the spend it commits in each financial year."""

    # Selected first, then the rest; each by score descending, unscored last, ties by key.
    choices: list[Choice]
    total_score: float  # statutory proposals not yet scored count as 0
    spend: dict[int, Decimal]  # every year any candidate or budget mentions
    budgets: dict[int, Decimal]
    over_budget_years: list[int]  # years where statutory proposals alone exceed the budget
    # How much more the best possible set could score, as a fraction of this set's total
    # score, from the solver's proven bound: 0.0 when this set is proven the best.
    gap: float
    proven_optimal: bool

    @property
    def gap_in_words(self) -> str:
        """What the Group may rely on, in plain words. The percentage is rounded up, so the
        sentence never claims more than the solver proved (never "0.0%" unless proven)."""
        if self.proven_optimal:
            return "This is the best possible set."
        tenths = max(1, math.ceil(round(self.gap * 1000, 9)))
        return f"The best possible set scores at most {Decimal(tenths) / 10:f}% more than this one."


def financial_year_label(start_year: int) -> str:
    """The council's name for the financial year starting in April of start_year."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def recommend(candidates: Sequence[Candidate], budgets: Mapping[int, Decimal]) -> Recommendation:
    """The highest-scoring set of proposals that every year's budget affords, with a reason
    for each proposal.

    Statutory proposals are in whatever they cost; every other proposal must fit, with the
    rest of the set, within what each year's budget has left after them. The search takes
    at most settings.PRIORITISATION_TIME_LIMIT seconds (and a little to build the model);
    the answer's gap and proven_optimal say how sure it is.
    """
    _check(candidates, budgets)
    budget = {year: _pence(amount) for year, amount in budgets.items()}
    statutory = [c for c in candidates if c.statutory]
    room = {year: budget[year] - _spend(statutory, year) for year in budget}
    reasons = {c.key: _statutory_reason(c, room) for c in statutory}
    contenders = []
    for candidate in candidates:
        if candidate.statutory:
            continue
        reason = _ineligible_reason(candidate, room)
        if reason is None:
            contenders.append(candidate)
        else:
            reasons[candidate.key] = reason

    chosen, bound = _best_set(contenders, room, time_limit=settings.PRIORITISATION_TIME_LIMIT)
    chosen_keys = {c.key for c in chosen}
    selected = statutory + chosen
    years = sorted(set(budget).union(*(c.costs for c in candidates)))
    spend = {year: _spend(selected, year) for year in years}
    for candidate in contenders:
        if candidate.key in chosen_keys:
            reasons[candidate.key] = (
                f"Selected: adds {_points(candidate)} to the total score within every "
                "year's budget."
            )
        else:
            reasons[candidate.key] = _left_out_reason(candidate, spend, budget)

    selected_keys = {c.key for c in selected}
    choices = [Choice(c, c.key in selected_keys, reasons[c.key]) for c in candidates]
    choices.sort(key=lambda choice: (not choice.selected, *_score_order(choice.candidate)))
    # The bound covers the contenders; statutory scores are the same in every set, so they
    # count in the set's total that the gap is a fraction of, but not in the difference.
    value = sum(map(_milli, chosen))
    total = value + sum(map(_milli, statutory))
    proven_optimal = bound <= value
    return Recommendation(
        choices=choices,
        total_score=math.fsum(c.score or 0 for c in selected),
        spend={year: _pounds(pence) for year, pence in spend.items()},
        budgets=dict(budgets),
        over_budget_years=sorted(year for year, left in room.items() if left < 0),
        gap=0.0 if proven_optimal else (bound - value) / total,
        proven_optimal=proven_optimal,
    )


def _check(candidates: Sequence[Candidate], budgets: Mapping[int, Decimal]) -> None:
    """Reject inputs the search cannot honour, rather than recommend something wrong."""
    keys = [c.key for c in candidates]
    if len(set(keys)) != len(keys):
        raise ValueError("Candidate keys must be unique.")
    for candidate in candidates:
        if candidate.score is not None and candidate.score < 0:
            raise ValueError(f"{candidate.label} has a negative score.")
        if any(cost < 0 for cost in candidate.costs.values()):
            raise ValueError(f"{candidate.label} has a negative cost.")
    if any(amount < 0 for amount in budgets.values()):
        raise ValueError("Budgets cannot be negative.")


def _statutory_reason(candidate: Candidate, room: Mapping[int, int]) -> str:
    over = sorted(
        year for year, cost in _costs(candidate).items() if cost > 0 and room.get(year, 0) < 0
    )
    if not over:
        return "Statutory or mandatory: forced in."
    return (
        "Statutory or mandatory: forced in, although statutory items alone exceed the "
        f"budget for {_years_text(over)}."
    )


def _ineligible_reason(candidate: Candidate, room: Mapping[int, int]) -> str | None:
    """Why a non-statutory proposal cannot be in any affordable set, or None if it can."""
    if candidate.score is None:
        return "Not scored yet: the Governance Group has not finished scoring it."
    costed = {year: cost for year, cost in sorted(_costs(candidate).items()) if cost > 0}
    for year in costed:
        if year not in room:
            return f"No ICT budget is set for {financial_year_label(year)}."
    for year, cost in costed.items():
        if room[year] < 0:
            return (
                f"Statutory items alone exceed the {financial_year_label(year)} budget, so "
                "nothing else costing money that year can be funded."
            )
        if cost > room[year]:
            return (
                f"Costs {_money(cost)} in {financial_year_label(year)}, more than the "
                f"{_money(room[year])} left after statutory items."
            )
    if _milli(candidate) == 0:
        # Including it would only add cost, and lower cost wins a tie.
        return "Left out: it scores 0, so it adds nothing to the total."
    return None


def _left_out_reason(
    candidate: Candidate, spend: Mapping[int, int], budget: Mapping[int, int]
) -> str:
    # A left-out contender scores more than 0, so it must overflow some year; name the
    # worst one (the earliest, if several overflow equally).
    headroom, year = min(
        (budget[year] - spend[year] - cost, year)
        for year, cost in _costs(candidate).items()
        if cost > 0
    )
    return (
        f"Left out: a higher-scoring combination uses the {financial_year_label(year)} "
        f"budget; including it would exceed that budget by {_money(-headroom)}."
    )


def _best_set(
    contenders: list[Candidate], room: Mapping[int, int], *, time_limit: float
) -> tuple[list[Candidate], int]:
    """The contenders to select, and a proven upper bound on the score (in thousandths)
    that any affordable set of them could reach.

    Sets are ranked by score, then by lower total cost, then by holding earlier proposals
    (the larger sum of n - rank over the keys in ascending order: a linear stand-in for
    "the smallest keys", which would need weights of 2**n). Each is its own solve: first
    the most score; then, only if that is proven the best, the least cost among sets with
    that score; then the earliest among those, each as far as the time limit allows.
    Sets equal on all three are left to HiGHS, which, single-threaded with a fixed seed and
    the columns in key order, picks the same one every time for the same proposals in any
    order. (A tiny cost penalty in one solve would be within the solver's tolerances, so
    would not reliably break ties.) Only a solve the time limit stops can end differently
    on a busier machine, and then the page says how far from the best the set may be.
    """
    deadline = time.monotonic() + time_limit
    knapsack = _Knapsack(sorted(contenders, key=lambda c: c.key), room)
    # A set that fits, taken greedily by value: the search starts from it, and if the
    # search were stopped before it found anything better, it is still an answer.
    start = knapsack.top_up([])
    chosen, bound = knapsack.most_score(start, deadline)
    if bound <= knapsack.score(chosen):
        chosen = knapsack.least_cost(chosen, deadline)
        chosen = knapsack.earliest(chosen, deadline)
    elif time.monotonic() >= deadline:
        logger.warning(
            "Prioritisation stopped at its %ss time limit; the best set found may score "
            "up to %s thousandths of a point less than the best possible",
            time_limit,
            bound - knapsack.score(chosen),
        )
    # After a search cut short, add whatever still fits, so that every proposal left out
    # overflows some year, as its reason says. (After a proof nothing more can fit.)
    chosen = knapsack.top_up(chosen)
    return [knapsack.contenders[i] for i in chosen], bound


class _Knapsack:
    """The contenders as a HiGHS model: a 0/1 column each, in key order, and a row per year
    any of them costs money in, capped at what that year's budget has left. Each set is
    a list of column positions, and is checked in whole pence and thousandths of a point
    before it is trusted, whatever the solver's tolerances allowed."""

    def __init__(self, contenders: list[Candidate], room: Mapping[int, int]) -> None:
        self.contenders = contenders
        self.scores = [_milli(c) for c in contenders]
        costs = [_costs(c) for c in contenders]
        self.years = sorted({year for cost in costs for year, pence in cost.items() if pence})
        self.weights = [[cost.get(year, 0) for year in self.years] for cost in costs]
        self.totals = [sum(weight) for weight in self.weights]
        self.capacity = [room[year] for year in self.years]
        # The order "whatever still fits" is added in: most score for the share of the
        # years' budgets it uses (each year's budget counting as one), then by key. Taken
        # greedily, that order gets within a few per cent of the best set, where taking
        # the highest scores first can be 10% off.
        self.by_value = sorted(range(len(contenders)), key=self._value_order)
        self.columns = np.arange(len(contenders), dtype=np.int32)
        self.highs = self._model()

    def _model(self) -> highspy.Highs:
        highs = highspy.Highs()
        for option, value in (
            ("output_flag", False),
            # One thread and a fixed seed: the same proposals give the same set.
            ("threads", 1),
            ("random_seed", 0),
            ("mip_rel_gap", _GAP_TARGET),
            # The RINS and RENS sub-MIP heuristics took most of the time on these
            # knapsacks without finding better sets than the search itself: measured on
            # random 300-proposal portfolios, proven best in 2.5 s without, not in 4 s with.
            ("mip_heuristic_run_rins", False),
            ("mip_heuristic_run_rens", False),
        ):
            highs.setOptionValue(option, value)
        n = len(self.contenders)
        lp = highspy.HighsLp()
        lp.num_col_ = n
        lp.num_row_ = len(self.years)
        lp.col_cost_ = np.zeros(n)
        lp.col_lower_ = np.zeros(n)
        lp.col_upper_ = np.ones(n)
        lp.row_lower_ = np.full(len(self.years), -highspy.kHighsInf)
        lp.row_upper_ = np.array(self.capacity, dtype=float)
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n
        matrix = lp.a_matrix_
        matrix.format_ = highspy.MatrixFormat.kRowwise
        matrix.num_col_ = n
        matrix.num_row_ = len(self.years)
        starts, index, value = [0], [], []
        for row in range(len(self.years)):
            for i, weight in enumerate(self.weights):
                if weight[row]:
                    index.append(i)
                    value.append(weight[row])
            starts.append(len(index))
        matrix.start_ = starts
        matrix.index_ = index
        matrix.value_ = [float(v) for v in value]
        lp.a_matrix_ = matrix
        highs.passModel(lp)
        highs.cbMipInterrupt.subscribe(_settle)
        return highs

    def _share(self, i: int) -> Fraction:
        """The share of the years' budgets contender i uses, each year counting as one."""
        return sum(
            (Fraction(w, c) for w, c in zip(self.weights[i], self.capacity, strict=True)),
            Fraction(0),
        )

    def _value_order(self, i: int) -> tuple[bool, Fraction]:
        # A contender costing nothing in any year comes first, whatever it scores.
        share = self._share(i)
        return (share > 0, -self.scores[i] / share if share else Fraction(0))

    def score(self, chosen: list[int]) -> int:
        return sum(self.scores[i] for i in chosen)

    def cost(self, chosen: list[int]) -> int:
        return sum(self.totals[i] for i in chosen)

    def fits(self, chosen: list[int]) -> bool:
        return all(
            sum(self.weights[i][row] for i in chosen) <= capacity
            for row, capacity in enumerate(self.capacity)
        )

    def top_up(self, chosen: list[int]) -> list[int]:
        """chosen, plus every other contender that still fits, best value first."""
        left = [
            capacity - sum(self.weights[i][row] for i in chosen)
            for row, capacity in enumerate(self.capacity)
        ]
        taken = set(chosen)
        for i in self.by_value:
            weight = self.weights[i]
            if i not in taken and all(w <= room for w, room in zip(weight, left, strict=True)):
                taken.add(i)
                left = [room - w for room, w in zip(left, weight, strict=True)]
        return sorted(taken)

    def most_score(self, start: list[int], deadline: float) -> tuple[list[int], int]:
        """The best-scoring set the solver finds by the deadline, and the upper bound on
        any set's score it proved (if it was stopped before it proved one, the bound of
        the budgets taken together)."""
        found, dual_bound = self._solve(self.scores, highspy.ObjSense.kMaximize, start, deadline)
        chosen = start
        if found is not None and self.fits(found) and self.score(found) > self.score(start):
            chosen = found
        bound = self._surrogate_bound()
        if self.highs.getModelStatus() in _BOUND_PROVEN and math.isfinite(dual_bound):
            # Scores are whole thousandths, so a bound of 1234.9999999 proves 1234 + 1
            # only by rounding error: allow for that, then round down.
            bound = min(bound, math.floor(dual_bound + 1e-6))
        return chosen, max(bound, self.score(chosen))

    def _surrogate_bound(self) -> int:
        """An upper bound on any affordable set's score, in thousandths, without the solver.

        A set that fits every year also fits the years added together with each year's
        budget counting as one (shares summing to at most the number of years). The most
        that single budget can hold, taking fractions, is the contenders in order of value
        until it is full, and a fraction of the next.
        """
        room = Fraction(len(self.capacity))
        bound = Fraction(0)
        for i in self.by_value:
            share = self._share(i)
            if share > room:
                bound += self.scores[i] * room / share
                break
            room -= share
            bound += self.scores[i]
        return math.floor(bound)

    def least_cost(self, best: list[int], deadline: float) -> list[int]:
        """The cheapest set found scoring as much as best (which it starts from)."""
        self.highs.addRow(
            self.score(best), highspy.kHighsInf, len(self.columns), self.columns, self.scores
        )
        found, _ = self._solve(self.totals, highspy.ObjSense.kMinimize, best, deadline)
        if (
            found is not None
            and self.fits(found)
            and self.score(found) >= self.score(best)
            and self.cost(found) < self.cost(best)
        ):
            return found
        return best

    def earliest(self, cheapest: list[int], deadline: float) -> list[int]:
        """Of the sets scoring and costing as cheapest does, the one holding the earliest
        proposals found: the largest sum of n - rank, the keys in ascending order."""
        self.highs.addRow(
            -highspy.kHighsInf, self.cost(cheapest), len(self.columns), self.columns, self.totals
        )
        n = len(self.columns)
        found, _ = self._solve(
            [n - i for i in range(n)], highspy.ObjSense.kMaximize, cheapest, deadline
        )
        if (
            found is not None
            and self.fits(found)
            and self.score(found) >= self.score(cheapest)
            and self.cost(found) <= self.cost(cheapest)
            and sum(n - i for i in found) > sum(n - i for i in cheapest)
        ):
            return found
        return cheapest

    def _solve(
        self, objective: list[int], sense: highspy.ObjSense, start: list[int], deadline: float
    ) -> tuple[list[int] | None, float]:
        """The set the solver ends on (None if it found none), and its proven bound on
        the objective, with start given as the set to beat."""
        left = deadline - time.monotonic()
        if left <= 0 or not len(self.columns):
            return None, math.inf
        highs = self.highs
        # HiGHS counts its time limit from the start of each run.
        highs.setOptionValue("time_limit", left)
        highs.changeColsCost(len(self.columns), self.columns, np.array(objective, dtype=float))
        highs.changeObjectiveSense(sense)
        values = np.zeros(len(self.columns))
        values[start] = 1.0
        highs.setSolution(len(self.columns), self.columns, values)
        highs.run()
        solution = highs.getSolution()
        info = highs.getInfo()
        if not solution.value_valid:
            return None, info.mip_dual_bound
        found = [i for i, value in enumerate(solution.col_value) if value > _CHOSEN]
        return found, info.mip_dual_bound


def _settle(event) -> None:
    """Stop a search that has run past SETTLE_AFTER seconds once its set is proven within
    GOOD_ENOUGH of the best: proving the last tenth of a per cent can take far longer than
    finding it, and the page says how close the set is."""
    progress = event.data_out
    if progress.running_time >= SETTLE_AFTER and progress.mip_gap <= GOOD_ENOUGH:
        event.interrupt()


def _score_order(candidate: Candidate) -> tuple[bool, float, int]:
    return (candidate.score is None, -(candidate.score or 0), candidate.key)


def _milli(candidate: Candidate) -> int:
    return round((candidate.score or 0) * _SCORE_SCALE)


def _points(candidate: Candidate) -> str:
    # From the thousandths the search used, so the sentence matches what was compared.
    return f"{Decimal(_milli(candidate)) / _SCORE_SCALE:f}"


def _pence(amount: Decimal | int) -> int:
    return int(Decimal(amount).quantize(_PENNY, rounding=ROUND_HALF_UP) * 100)


def _costs(candidate: Candidate) -> dict[int, int]:
    return {year: _pence(cost) for year, cost in candidate.costs.items()}


def _spend(candidates: Sequence[Candidate], year: int) -> int:
    return sum(_pence(c.costs.get(year, 0)) for c in candidates)


def _pounds(pence: int) -> Decimal:
    return (Decimal(pence) / 100).quantize(_PENNY)


def _money(pence: int) -> str:
    return money(Decimal(pence) / 100)


def _years_text(years: list[int]) -> str:
    labels = [financial_year_label(year) for year in years]
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"
