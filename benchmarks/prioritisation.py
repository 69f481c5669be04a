"""Random portfolios for timing the recommended set, at sizes a large council might see.

The generator is shared by the tests (which check the solver's speed and gap at 1,000 and
3,000 proposals) and by anyone measuring the solver by hand, so both time the same thing.
"""

import random
import time
from decimal import Decimal
from typing import NamedTuple

from projects.prioritisation import Candidate, recommend

FIRST_YEAR = 2026  # 2026/27
# A council rarely funds much more than a third of what its units ask for: budgets this
# tight make the knapsack hard, as a real budget round is.
BUDGET_SHARE = Decimal("0.35")
STATUTORY_SHARE = 0.05


def random_portfolio(
    n: int, years: int = 5, seed: int = 1
) -> tuple[list[Candidate], dict[int, Decimal]]:
    """n proposals, each costing £5,000 to £500,000 a year over one to three consecutive
    financial years, about 5% of them statutory, with each year's budget 35% of what all
    of them ask for in it. The same seed gives the same portfolio."""
    rng = random.Random(seed)  # noqa: S311 - repeatable test data, not secrets
    span = list(range(FIRST_YEAR, FIRST_YEAR + years))
    candidates = []
    for key in range(1, n + 1):
        length = min(rng.randint(1, 3), years)
        start = rng.randint(0, years - length)
        candidates.append(
            Candidate(
                key=key,
                label=f"P-{key:04d}",
                score=round(rng.uniform(1, 100), 1),
                costs={
                    year: Decimal(rng.randrange(5_000, 500_000))
                    for year in span[start : start + length]
                },
                statutory=rng.random() < STATUTORY_SHARE,
            )
        )
    budgets = {
        year: (sum(c.costs.get(year, 0) for c in candidates) * BUDGET_SHARE).quantize(Decimal(1))
        for year in span
    }
    return candidates, budgets


class Timing(NamedTuple):
    size: int  # how many proposals
    seconds: float
    gap: float  # how much more the best possible set could score, as a fraction
    proven_optimal: bool


def time_prioritisation(
    sizes: tuple[int, ...] = (100, 300, 1000, 3000), seed: int = 1
) -> list[Timing]:
    """How long recommending from a random portfolio of each size takes, and how sure the
    answer is: what the Governance Group would wait for, and what the page would say."""
    rows = []
    for size in sizes:
        candidates, budgets = random_portfolio(size, seed=seed)
        started = time.perf_counter()
        answer = recommend(candidates, budgets)
        rows.append(Timing(size, time.perf_counter() - started, answer.gap, answer.proven_optimal))
    return rows
