"""Which ICT proposals to recommend for funding.

The ICT Governance Group funds the set of proposals with the highest total weighted score
that fits every financial year's ICT budget; statutory and mandatory proposals go in
whatever they cost. Picking by score, or by score per pound, can miss the best set, so
this solves the multi-year 0/1 knapsack exactly by branch and bound, and gives each
proposal one sentence the Group can read saying why it is in or out.
"""

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from common.figures import money

logger = logging.getLogger(__name__)

# Scores are compared in thousandths of a point and money in pence, so sums are exact.
_SCORE_SCALE = 1000
_PENNY = Decimal("0.01")
# A guard against a pathological input hanging a web request, not a tuning knob. Random
# portfolios of 60 proposals over 5 years typically need about 10,000 search nodes (a few
# tenths of a second); the hardest of a few hundred trials needed under 300,000 (about 3
# seconds). If the limit is reached, the best set found so far is recommended and a
# warning logged.
_NODE_LIMIT = 500_000
_LP_TOLERANCE = 1e-9


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


def financial_year_label(start_year: int) -> str:
    """The council's name for the financial year starting in April of start_year."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def recommend(candidates: Sequence[Candidate], budgets: Mapping[int, Decimal]) -> Recommendation:
    """The highest-scoring set of proposals that every year's budget affords, with a reason
    for each proposal.

    Statutory proposals are in whatever they cost; every other proposal must fit, with the
    rest of the set, within what each year's budget has left after them.
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

    chosen = _best_set(contenders, room)
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
    return Recommendation(
        choices=choices,
        total_score=math.fsum(c.score or 0 for c in selected),
        spend={year: _pounds(pence) for year, pence in spend.items()},
        budgets=dict(budgets),
        over_budget_years=sorted(year for year, left in room.items() if left < 0),
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


def _best_set(contenders: list[Candidate], room: Mapping[int, int]) -> list[Candidate]:
    """The contenders to select: the most score, then the least total cost, then the
    smallest sorted tuple of keys, within every year's room."""
    years = sorted({year for c in contenders for year, cost in _costs(c).items() if cost > 0})
    weights = [tuple(_costs(c).get(year, 0) for year in years) for c in contenders]
    values = _tie_broken_values(contenders, weights)
    capacity = tuple(room[year] for year in years)
    mix = _budget_mix(values, weights, capacity)
    combined = [_dot(mix, weight) for weight in weights]
    # The bound takes items by value per pound of the combined budget, so the search tries
    # them in that order too: it finds a good set early, and each bound is one pass.
    order = sorted(
        range(len(contenders)),
        key=lambda i: (
            -Fraction(values[i], combined[i]) if combined[i] else -math.inf,
            -values[i],
        ),
    )
    search = _Search(
        values=[values[i] for i in order],
        weights=[weights[i] for i in order],
        capacity=capacity,
        mix=mix,
    )
    return [contenders[order[position]] for position in search.run()]


def _tie_broken_values(contenders: list[Candidate], weights: list[tuple[int, ...]]) -> list[int]:
    """One integer per contender, such that a set's total orders sets exactly as the
    recommendation must: by score, then by lower total cost, then by sorted keys.

    Score is scaled beyond the total cost of every contender, so cost only breaks score
    ties, and cost beyond 2**n, so keys only break what is left. Every contender scores more
    than 0, so no set ties with a smaller set inside it, and the smaller sorted tuple of keys
    is the set holding the lowest key where the two differ: a binary weight per key rank.
    That also makes the best set unique, so the search order cannot change the answer.
    """
    n = len(contenders)
    cost_scale = sum(map(sum, weights)) + 1
    rank = {c.key: r for r, c in enumerate(sorted(contenders, key=lambda c: c.key))}
    return [
        ((_milli(c) * cost_scale - sum(weight)) << n) + (1 << (n - 1 - rank[c.key]))
        for c, weight in zip(contenders, weights, strict=True)
    ]


def _budget_mix(
    values: list[int], weights: list[tuple[int, ...]], capacity: tuple[int, ...]
) -> tuple[int, ...]:
    """How much each year's pounds count in one combined budget that the search bounds by.

    Any non-negative mix is a valid combined budget (a selection that fits every year fits
    their weighted sum), so exactness never depends on it; but the years' shadow prices
    from the LP relaxation make the tightest one, as tight as the relaxation itself. They
    come from floating point, then are scaled to integers so the bound is exact.
    """
    if not values or not capacity:
        return tuple(0 for _ in capacity)
    top = max(values)
    prices = _lp_prices(
        [value / top for value in values],
        [[w / c for w, c in zip(weight, capacity, strict=True)] for weight in weights],
    )
    return tuple(int(price * 2**62 / c) for price, c in zip(prices, capacity, strict=True))


def _lp_prices(values: list[float], weights: list[list[float]]) -> list[float]:
    """The shadow price of each year's budget (scaled to 1) when any fraction from 0 to 1
    of each item may be bought: the LP relaxation of the knapsack.

    The bounded-variable primal simplex method on a dense tableau: one row per year, a
    column per item and then a slack per year. An item outside the basis is at 0 or 1.
    """
    n, m = len(values), len(weights[0])
    rows = [[weight[y] for weight in weights] + [float(y == z) for z in range(m)] for y in range(m)]
    basic_value = [1.0] * m  # every year's slack starts as the whole (scaled) budget
    reduced = [*values, *([0.0] * m)]  # gain per unit of each column at the current basis
    basis = [n + y for y in range(m)]
    in_basis = [False] * n + [True] * m
    upper = [1.0] * n + [math.inf] * m
    at_upper = [False] * (n + m)
    # Dantzig's rule can cycle on degenerate bases; stopping early still leaves usable
    # (if looser) prices, so a cap is safe.
    for _ in range(10 * (n + m)):
        gains = [
            (-reduced[j] if at_upper[j] else reduced[j], j) for j in range(n + m) if not in_basis[j]
        ]
        gain, entering = max(gains, default=(0.0, -1))
        if gain <= _LP_TOLERANCE:
            break
        direction = -1.0 if at_upper[entering] else 1.0
        # How far the entering column can move before it, or a basic variable, hits a bound.
        step, leaving_row, leaves_at_upper = upper[entering], None, False
        for r in range(m):
            rate = rows[r][entering] * direction
            if rate > _LP_TOLERANCE and basic_value[r] / rate < step:
                step, leaving_row, leaves_at_upper = basic_value[r] / rate, r, False
            elif rate < -_LP_TOLERANCE and upper[basis[r]] < math.inf:
                limit = (basic_value[r] - upper[basis[r]]) / rate
                if limit < step:
                    step, leaving_row, leaves_at_upper = limit, r, True
        if step == math.inf:
            # Only rounding error can get here (every item is bounded); the prices so far
            # still serve.
            break
        for r in range(m):
            basic_value[r] -= rows[r][entering] * direction * step
        if leaving_row is None:
            at_upper[entering] = not at_upper[entering]
            continue
        entering_value = (1.0 if at_upper[entering] else 0.0) + direction * step
        pivot_row = [a / rows[leaving_row][entering] for a in rows[leaving_row]]
        rows[leaving_row] = pivot_row
        for r in range(m):
            if r != leaving_row and rows[r][entering]:
                factor = rows[r][entering]
                rows[r] = [a - factor * b for a, b in zip(rows[r], pivot_row, strict=True)]
        factor = reduced[entering]
        reduced = [a - factor * b for a, b in zip(reduced, pivot_row, strict=True)]
        leaving = basis[leaving_row]
        basis[leaving_row], basic_value[leaving_row] = entering, entering_value
        in_basis[entering], in_basis[leaving] = True, False
        at_upper[entering], at_upper[leaving] = False, leaves_at_upper
    # A slack's reduced cost is minus its year's price; a price below 0 is not a bound.
    return [max(0.0, -reduced[n + y]) for y in range(m)]


class _Search:
    """Depth-first branch and bound, trying each item in before out.

    Items are positions 0..n-1 with positive integer values and a weight per year, in
    descending order of value per pound of the combined budget. A branch is abandoned when
    no completion of it can beat the best set found: see _could_beat.
    """

    def __init__(
        self,
        *,
        values: list[int],
        weights: list[tuple[int, ...]],
        capacity: tuple[int, ...],
        mix: tuple[int, ...],
    ) -> None:
        self.values = values
        self.weights = weights
        self.capacity = capacity
        self.mix = mix
        self.combined = [_dot(mix, weight) for weight in weights]
        # Only the years an item costs money in can stop it fitting.
        self.costed = [[(y, w) for y, w in enumerate(weight) if w] for weight in weights]
        # If item i is worth more than a later item j and costs no more in any year, no
        # best set holds j without i (swapping j for i would beat it). So leaving i out
        # bars j, which keeps look-alike proposals from multiplying the search.
        self.dominated = [
            [
                j
                for j in range(i + 1, len(values))
                if values[i] > values[j]
                and all(a <= b for a, b in zip(weights[i], weights[j], strict=True))
            ]
            for i in range(len(values))
        ]
        self.barred = [0] * len(values)  # how many items left out bar each item
        self.best_value = 0
        self.best: list[int] = []
        self.nodes = 0

    def run(self) -> list[int]:
        """The positions of the best set."""
        self._visit(0, self.capacity, 0, [])
        if self.nodes > _NODE_LIMIT:
            logger.warning("Prioritisation stopped at %s nodes; using the best found", _NODE_LIMIT)
            self._top_up()
        return self.best

    def _visit(self, depth: int, room: tuple[int, ...], value: int, taken: list[int]) -> None:
        """Search the sets that add some of the items from depth on to taken."""
        self.nodes += 1
        if value > self.best_value:
            self.best_value, self.best = value, list(taken)
        if (
            depth == len(self.values)
            or self.nodes > _NODE_LIMIT
            or not self._could_beat(depth, room, value)
        ):
            return
        if not self.barred[depth] and self._fits(depth, room):
            taken.append(depth)
            left = tuple(r - w for r, w in zip(room, self.weights[depth], strict=True))
            self._visit(depth + 1, left, value + self.values[depth], taken)
            taken.pop()
        for item in self.dominated[depth]:
            self.barred[item] += 1
        self._visit(depth + 1, room, value, taken)
        for item in self.dominated[depth]:
            self.barred[item] -= 1

    def _could_beat(self, depth: int, room: tuple[int, ...], value: int) -> bool:
        """Whether adding some of the items from depth on might beat the best set.

        What is added fits the combined budget left, and holds only items that fit the
        room on their own, so it is worth no more than the fractional knapsack of those
        items in that budget: taken by value per pound, with a fraction of the first that
        does not fit. Values are integers, so that bound may be rounded down.
        """
        combined_room = _dot(self.mix, room)
        bound = value
        # The hot loop of the whole search, so fit is checked inline.
        for item in range(depth, len(self.values)):
            if self.barred[item] or any(w > room[y] for y, w in self.costed[item]):
                continue
            if self.combined[item] > combined_room:
                bound += combined_room * self.values[item] // self.combined[item]
                break
            combined_room -= self.combined[item]
            bound += self.values[item]
        return bound > self.best_value

    def _fits(self, item: int, room: tuple[int, ...]) -> bool:
        return all(w <= room[y] for y, w in self.costed[item])

    def _top_up(self) -> None:
        # After a search cut short, add whatever still fits, so that every proposal left
        # out overflows some year, as its reason says.
        room = self.capacity
        for item in self.best:
            room = tuple(r - w for r, w in zip(room, self.weights[item], strict=True))
        for item in range(len(self.values)):
            if item not in self.best and self._fits(item, room):
                room = tuple(r - w for r, w in zip(room, self.weights[item], strict=True))
                self.best.append(item)


def _dot(mix: tuple[int, ...], amounts: tuple[int, ...]) -> int:
    return sum(m * a for m, a in zip(mix, amounts, strict=True))


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
