"""The recommended set at the sizes a large council might see, on the benchmark's random
portfolios: within the solver's time limit, close to the best, and with reasons that hold
when the search is cut short. (The rules themselves are in projects/tests.)"""

import re
import time
from decimal import Decimal

from benchmarks.prioritisation import random_portfolio, time_prioritisation
from projects.prioritisation import recommend


def test_a_large_portfolio_is_recommended_within_the_time_limit_and_close_to_the_best(settings):
    proposals, money = random_portfolio(1000, years=5, seed=1)
    started = time.perf_counter()
    result = recommend(proposals, money)
    elapsed = time.perf_counter() - started
    # Building the model and checking the answer take a few hundredths of a second.
    assert elapsed <= settings.PRIORITISATION_TIME_LIMIT + 0.5
    assert result.gap <= 0.001
    assert all(result.spend[year] <= money[year] for year in money)
    assert all(choice.reason for choice in result.choices)


def test_the_same_proposals_in_any_order_give_the_same_proven_set():
    proposals, money = random_portfolio(60, years=5, seed=4)
    first = recommend(proposals, money)
    again = recommend(proposals[::-1], money)
    assert first.proven_optimal
    assert [(c.candidate.key, c.selected, c.reason) for c in again.choices] == [
        (c.candidate.key, c.selected, c.reason) for c in first.choices
    ]


def assert_reasons_hold(result, money):
    """Every proposal left out for overflowing a year would overflow it by what it says."""
    for choice in result.choices:
        match = re.fullmatch(
            r"Left out: a higher-scoring combination uses the (\d{4})/\d\d budget; "
            r"including it would exceed that budget by £([\d,.]+)\.",
            choice.reason,
        )
        if match:
            year, over = int(match[1]), Decimal(match[2].replace(",", ""))
            cost = choice.candidate.costs[year]
            assert result.spend[year] + cost - money[year] == over
            assert not choice.selected


def test_a_search_cut_short_still_recommends_an_affordable_set_and_says_how_far_off(settings):
    settings.PRIORITISATION_TIME_LIMIT = 0.01
    proposals, money = random_portfolio(3000, years=5, seed=2)
    started = time.perf_counter()
    result = recommend(proposals, money)
    assert time.perf_counter() - started < 1
    statutory_spend = {
        year: sum(c.costs.get(year, 0) for c in proposals if c.statutory) for year in money
    }
    assert all(result.spend[year] <= max(money[year], statutory_spend[year]) for year in money)
    assert not result.proven_optimal
    assert result.gap > 0
    assert result.gap_in_words.startswith("The best possible set scores at most ")
    assert_reasons_hold(result, money)
    # Whatever still fitted was added: every proposal left out overflows some year.
    assert all(
        choice.selected or not choice.reason.startswith("Selected") for choice in result.choices
    )


def test_the_benchmark_times_the_recommendation_and_reports_its_gap():
    [(size, seconds, gap, proven_optimal)] = time_prioritisation(sizes=(20,), seed=1)
    assert size == 20 and seconds > 0
    assert (gap, proven_optimal) == (0.0, True)


def test_the_random_portfolio_spreads_costs_over_consecutive_years_within_tight_budgets():
    proposals, money = random_portfolio(200, years=5, seed=3)
    assert random_portfolio(200, years=5, seed=3) == (proposals, money)
    for proposal in proposals:
        years = sorted(proposal.costs)
        assert 1 <= len(years) <= 3 and years == list(range(years[0], years[-1] + 1))
    assert 0 < sum(c.statutory for c in proposals) < 30
    for year, amount in money.items():
        demand = sum(c.costs.get(year, 0) for c in proposals)
        assert abs(amount - demand * Decimal("0.35")) <= 1
