"""The recommended set of proposals: hand-worked examples of each rule, a cross-check
against trying every subset, and the solver's time limit and proven gap at the sizes a
large council might see."""

import random
from decimal import Decimal
from itertools import combinations

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from projects.prioritisation import Candidate, Recommendation, financial_year_label, recommend

FY = 2026  # 2026/27


def candidate(key, score, costs, *, statutory=False):
    """A candidate whose costs are whole pounds by year (a bare number: 2026/27 only)."""
    if not isinstance(costs, dict):
        costs = {FY: costs}
    return Candidate(
        key=key,
        label=f"P-{key:04d}",
        score=score,
        costs={year: Decimal(cost) for year, cost in costs.items()},
        statutory=statutory,
    )


def budgets(**by_year):
    """budgets(fy2026=100) -> {2026: Decimal(100)}."""
    return {int(name.removeprefix("fy")): Decimal(amount) for name, amount in by_year.items()}


def selected_keys(recommendation):
    return {choice.candidate.key for choice in recommendation.choices if choice.selected}


def reason_of(recommendation, key):
    return next(c.reason for c in recommendation.choices if c.candidate.key == key)


def test_financial_years_are_labelled_as_the_council_writes_them():
    assert financial_year_label(2026) == "2026/27"
    assert financial_year_label(2009) == "2009/10"
    assert financial_year_label(1999) == "1999/00"


def test_greedy_by_score_is_not_optimal_here():
    # Greedy takes A (60) and then nothing fits; B and C together score 80.
    result = recommend(
        [candidate(1, 60, 100), candidate(2, 40, 50), candidate(3, 40, 50)], budgets(fy2026=100)
    )
    assert selected_keys(result) == {2, 3}
    assert result.total_score == 80
    assert result.spend == {FY: Decimal(100)}


def test_greedy_by_score_per_pound_is_not_optimal_here():
    # A has the most score per pound (1.0 against 0.9), but taking it leaves no room for B.
    result = recommend([candidate(1, 10, 10), candidate(2, 90, 100)], budgets(fy2026=100))
    assert selected_keys(result) == {2}
    assert result.total_score == 90
    assert reason_of(result, 1) == (
        "Left out: a higher-scoring combination uses the 2026/27 budget; including it would "
        "exceed that budget by £10."
    )


def test_statutory_proposals_use_budget_first_and_change_what_else_fits():
    # Without the statutory item, A and B would both fit; with it only £40 is left.
    result = recommend(
        [candidate(1, None, 60, statutory=True), candidate(2, 50, 50), candidate(3, 30, 40)],
        budgets(fy2026=100),
    )
    assert selected_keys(result) == {1, 3}
    assert result.total_score == 30  # the unscored statutory item counts as 0
    assert result.over_budget_years == []
    assert reason_of(result, 1) == "Statutory or mandatory: forced in."
    assert reason_of(result, 2) == (
        "Costs £50 in 2026/27, more than the £40 left after statutory items."
    )
    assert reason_of(result, 3) == (
        "Selected: adds 30 to the total score within every year's budget."
    )


def test_statutory_proposals_over_budget_are_in_and_shut_out_other_spending_that_year():
    result = recommend(
        [
            candidate(1, 20, {2026: 80}, statutory=True),
            candidate(2, None, {2026: 50, 2027: 10}, statutory=True),
            candidate(3, 90, {2026: 1}),
            candidate(4, 50, {2026: 0, 2027: 60}),
        ],
        budgets(fy2026=100, fy2027=100),
    )
    assert result.over_budget_years == [2026]
    assert selected_keys(result) == {1, 2, 4}
    assert result.spend == {2026: Decimal(130), 2027: Decimal(70)}
    assert reason_of(result, 2) == (
        "Statutory or mandatory: forced in, although statutory items alone exceed the budget "
        "for 2026/27."
    )
    assert reason_of(result, 3) == (
        "Statutory items alone exceed the 2026/27 budget, so nothing else costing money that "
        "year can be funded."
    )


def test_a_proposal_that_fits_one_year_but_not_the_next_is_left_out():
    result = recommend(
        [
            candidate(1, 70, {2026: 60, 2027: 60}),
            candidate(2, 50, {2026: 30, 2027: 50}),
            candidate(3, 40, {2026: 30, 2027: 40}),
            candidate(4, 99, {2026: 10, 2027: 150}),
        ],
        budgets(fy2026=100, fy2027=100),
    )
    # A+B would need £110 in 2027/28; A+C fits both years and beats B+C.
    assert selected_keys(result) == {1, 3}
    assert result.total_score == 110
    # B would overflow 2026/27 by £20 and 2027/28 by £50: the reason names the worse.
    assert reason_of(result, 2) == (
        "Left out: a higher-scoring combination uses the 2027/28 budget; including it would "
        "exceed that budget by £50."
    )
    assert reason_of(result, 4) == (
        "Costs £150 in 2027/28, more than the £100 left after statutory items."
    )


def test_unscored_proposals_are_left_out_until_scored():
    result = recommend([candidate(1, None, 10), candidate(2, 5, 10)], budgets(fy2026=100))
    assert selected_keys(result) == {2}
    assert reason_of(result, 1) == (
        "Not scored yet: the Governance Group has not finished scoring it."
    )


def test_a_cost_in_a_year_with_no_budget_rules_a_proposal_out():
    result = recommend(
        [
            candidate(1, 80, {2026: 10, 2029: 5}),
            candidate(2, 60, {2026: 10, 2029: 0}),  # nothing to pay in 2029/30
        ],
        budgets(fy2026=100),
    )
    assert selected_keys(result) == {2}
    assert reason_of(result, 1) == "No ICT budget is set for 2029/30."
    assert result.spend == {2026: Decimal(10), 2029: Decimal(0)}


def test_money_in_reasons_has_thousands_separators_and_pence_only_when_needed():
    result = recommend(
        [
            candidate(1, 50, Decimal("1250000.50")),
            candidate(2, 40, {2027: Decimal("2000000")}),
        ],
        {FY: Decimal("1250000"), 2027: Decimal("1999999.99")},
    )
    assert reason_of(result, 1) == (
        "Costs £1,250,000.50 in 2026/27, more than the £1,250,000 left after statutory items."
    )
    assert reason_of(result, 2) == (
        "Costs £2,000,000 in 2027/28, more than the £1,999,999.99 left after statutory items."
    )


def test_choices_list_the_selected_first_then_by_score_with_unscored_last_and_ties_by_key():
    result = recommend(
        [
            candidate(1, None, 5),
            candidate(2, 30, 200),
            candidate(3, 70, 10),
            candidate(4, None, 5, statutory=True),
            candidate(5, 90, 10),
            candidate(6, 30, 300),
            candidate(7, 70, 10),
        ],
        budgets(fy2026=100),
    )
    order = [(choice.candidate.key, choice.selected) for choice in result.choices]
    assert order == [
        (5, True),
        (3, True),
        (7, True),
        (4, True),
        (2, False),
        (6, False),
        (1, False),
    ]


def test_equal_scores_prefer_the_cheaper_set():
    result = recommend([candidate(1, 50, 60), candidate(2, 50, 40)], budgets(fy2026=90))
    assert selected_keys(result) == {2}


def test_equal_score_and_cost_prefer_the_lowest_keys_whatever_the_input_order():
    proposals = [candidate(key, 50, 50) for key in (4, 2, 9, 1)]
    for arrangement in (proposals, proposals[::-1]):
        assert selected_keys(recommend(arrangement, budgets(fy2026=100))) == {1, 2}


def test_a_proposal_scoring_zero_is_left_out_even_when_it_fits():
    result = recommend([candidate(1, 0, 10), candidate(2, 10, 10)], budgets(fy2026=100))
    assert selected_keys(result) == {2}
    assert reason_of(result, 1) == "Left out: it scores 0, so it adds nothing to the total."


def test_a_free_proposal_is_always_affordable():
    result = recommend([candidate(1, 12.5, {2026: 0})], {})
    assert selected_keys(result) == {1}
    assert reason_of(result, 1) == (
        "Selected: adds 12.5 to the total score within every year's budget."
    )


def test_nothing_to_prioritise_gives_an_empty_recommendation():
    result = recommend([], {})
    assert (result.choices, result.total_score, result.spend) == ([], 0, {})
    assert result.over_budget_years == []
    assert recommend([], budgets(fy2026=5)).spend == {FY: Decimal(0)}


def test_spend_covers_every_year_any_proposal_or_budget_mentions():
    result = recommend(
        [candidate(1, 10, {2027: 5}), candidate(2, None, {2030: 5})], budgets(fy2026=1, fy2027=9)
    )
    assert result.spend == {2026: 0, 2027: 5, 2030: 0}


@pytest.mark.parametrize(
    "proposals, money",
    [
        ([candidate(1, 10, 5), candidate(1, 20, 5)], budgets(fy2026=10)),
        ([candidate(1, -1, 5)], budgets(fy2026=10)),
        ([candidate(1, 10, -5)], budgets(fy2026=10)),
        ([candidate(1, 10, 5)], budgets(fy2026=-10)),
    ],
    ids=["duplicate keys", "negative score", "negative cost", "negative budget"],
)
def test_inputs_the_search_cannot_honour_are_rejected(proposals, money):
    with pytest.raises(ValueError):
        recommend(proposals, money)


def random_instance(rng, *, size, years, scores):
    """Proposals whose costs, some in pence, fall in the given years and sometimes in a
    year with no budget; some statutory, some unscored."""
    span = range(FY, FY + years)
    proposals = []
    for key in range(1, size + 1):
        costs = {year: Decimal(rng.choice([0, rng.randint(1, 60)])) for year in span}
        if rng.random() < 0.1:
            costs[FY + years] = Decimal(rng.randint(0, 5))
        if rng.random() < 0.2:
            costs[FY] += Decimal("0.5")
        proposals.append(
            Candidate(
                key=rng.randint(1, 9) * 100 + key,
                label=f"P{key}",
                score=rng.choice(scores),
                costs=costs,
                statutory=rng.random() < 0.1,
            )
        )
    money = {year: Decimal(rng.randint(0, 120)) for year in span}
    return proposals, money


def affordable(extra, statutory, money):
    """Whether the non-statutory proposals in extra can join the statutory ones: every
    year they cost money in has a budget that covers them and the statutory items."""
    years = {year for c in extra for year, cost in c.costs.items() if cost > 0}
    return all(
        year in money and sum(c.costs.get(year, 0) for c in (*statutory, *extra)) <= money[year]
        for year in years
    )


def contenders(proposals, money):
    """The proposals that could be chosen: not statutory, scoring more than 0 (one scoring
    0 adds nothing, so is left out even when it costs nothing), and affordable alone."""
    statutory = [c for c in proposals if c.statutory]
    return [
        c for c in proposals if not c.statutory and c.score and affordable([c], statutory, money)
    ]


def best_by_brute_force(proposals, money):
    """Every affordable set of extras that scores the most (in thousandths) at the least
    total cost, found by trying every subset: the sets the recommendation must choose
    among."""
    statutory = [c for c in proposals if c.statutory]
    optional = contenders(proposals, money)
    ranked = {}
    for size in range(len(optional) + 1):
        for subset in combinations(optional, size):
            if affordable(subset, statutory, money):
                order = (
                    -sum(round(c.score * 1000) for c in subset),
                    sum(sum(c.costs.values()) for c in subset),
                )
                ranked.setdefault(order, []).append(frozenset(c.key for c in subset))
    return ranked[min(ranked)]


def earliest(sets, proposals, money):
    """Of equally good sets, those the recommendation prefers: the largest sum of n - rank
    over their keys, ranking the contenders' keys in ascending order."""
    keys = sorted(c.key for c in contenders(proposals, money))
    weight = {key: len(keys) - rank for rank, key in enumerate(keys)}
    best = max(sum(weight[k] for k in s) for s in sets)
    return [s for s in sets if sum(weight[k] for k in s) == best]


def assert_matches_brute_force(proposals, money):
    result = recommend(proposals, money)
    statutory = {c.key for c in proposals if c.statutory}
    chosen = selected_keys(result) - statutory
    assert statutory <= selected_keys(result)
    tied = best_by_brute_force(proposals, money)
    preferred = earliest(tied, proposals, money)
    if len(preferred) == 1:
        assert chosen == preferred[0]
    else:
        # Equal on score, cost and how early: any of them, but the same one every time.
        assert chosen in preferred
        assert selected_keys(recommend(proposals[::-1], money)) == selected_keys(result)
    assert result.proven_optimal and result.gap == 0.0
    assert result.gap_in_words == "This is the best possible set."


@pytest.mark.parametrize("seed", range(200))
def test_the_recommended_set_matches_trying_every_subset(seed):
    rng = random.Random(seed)
    proposals, money = random_instance(
        rng,
        size=rng.randint(0, 12),
        years=rng.randint(1, 3),
        scores=[None, 0, 12.5, 33.3, 40, 71.2, 99.9],
    )
    assert_matches_brute_force(proposals, money)


@pytest.mark.parametrize("seed", range(100))
def test_ties_break_as_trying_every_subset_does(seed):
    # Few distinct scores and costs, so equal-scoring sets are common.
    rng = random.Random(seed)
    proposals, money = random_instance(
        rng, size=rng.randint(0, 10), years=rng.randint(1, 2), scores=[10, 20, 30]
    )
    assert_matches_brute_force(proposals, money)


@pytest.mark.parametrize("seed", range(100))
def test_with_no_time_to_search_the_set_fits_and_the_gap_covers_the_best(seed, settings):
    settings.PRIORITISATION_TIME_LIMIT = 0
    rng = random.Random(seed)
    proposals, money = random_instance(
        rng,
        size=rng.randint(0, 12),
        years=rng.randint(1, 3),
        scores=[None, 0, 12.5, 33.3, 40, 71.2, 99.9],
    )
    result = recommend(proposals, money)
    statutory = [c for c in proposals if c.statutory]
    chosen = [c.candidate for c in result.choices if c.selected and not c.candidate.statutory]
    assert affordable(chosen, statutory, money)
    by_key = {c.key: c for c in proposals}
    best = sum(by_key[k].score for k in best_by_brute_force(proposals, money)[0])
    best += sum(c.score or 0 for c in statutory)
    assert result.total_score * (1 + result.gap) >= best - 1e-6
    if result.proven_optimal:
        assert result.total_score == pytest.approx(best)


@st.composite
def portfolios(draw):
    """Up to 12 proposals over one to five years, some statutory, with budgets that fit
    some of them: small enough to try every subset."""
    years = draw(st.integers(1, 5))
    span = range(FY, FY + years)
    proposals = [
        Candidate(
            key=key,
            label=f"P{key}",
            score=draw(st.sampled_from([None, 0, 5, 12.5, 20, 33.3, 50, 99.9])),
            costs={year: Decimal(draw(st.integers(0, 80))) for year in span},
            statutory=draw(st.booleans().map(lambda b: b and draw(st.integers(0, 9)) == 0)),
        )
        for key in draw(st.lists(st.integers(1, 999), max_size=12, unique=True))
    ]
    money = {year: Decimal(draw(st.integers(0, 200))) for year in span}
    return proposals, money


@hypothesis_settings(max_examples=150, deadline=None)
@given(portfolios())
def test_the_recommended_set_matches_trying_every_subset_over_up_to_five_years(portfolio):
    assert_matches_brute_force(*portfolio)


def greedy(proposals, money, *, order):
    """The set picked by taking proposals in the given order while they fit."""
    taken, left = [], dict(money)
    for c in sorted(proposals, key=order):
        if all(cost <= left.get(year, 0) for year, cost in c.costs.items()):
            taken.append(c)
            left = {year: room - c.costs.get(year, 0) for year, room in left.items()}
    return sum(c.score for c in taken)


def test_the_best_set_beats_greedy_by_score_and_greedy_by_score_per_pound():
    proposals = [
        candidate(1, 60, {2026: 100, 2027: 20}),  # the highest score, but fills 2026/27
        candidate(2, 10, {2026: 8, 2027: 2}),  # the most score per pound
        candidate(3, 45, {2026: 50, 2027: 40}),
        candidate(4, 45, {2026: 50, 2027: 40}),
    ]
    money = budgets(fy2026=100, fy2027=100)
    by_score = greedy(proposals, money, order=lambda c: -c.score)
    per_pound = greedy(proposals, money, order=lambda c: -c.score / sum(c.costs.values()))
    result = recommend(proposals, money)
    assert (by_score, per_pound) == (60, 55)
    assert selected_keys(result) == {3, 4}
    assert result.total_score == 90
    assert_matches_brute_force(proposals, money)


@pytest.mark.parametrize(
    "gap, words",
    [
        (0.000_03, "at most 0.1% more"),
        (0.001, "at most 0.1% more"),
        (0.001_01, "at most 0.2% more"),
        (0.02, "at most 2% more"),
        (1.5, "at most 150% more"),
    ],
)
def test_the_gap_is_put_in_words_rounded_up(gap, words):
    result = Recommendation(
        choices=[], total_score=0, spend={}, budgets={}, over_budget_years=[],
        gap=gap, proven_optimal=False,
    )  # fmt: skip
    assert result.gap_in_words == f"The best possible set scores {words} than this one."
