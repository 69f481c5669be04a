"""Weighted scores: each member rates each criterion 0 to 5; the weights say how much
each criterion counts. A proposal's score is the mean of its members' scores."""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

MAX_RATING = 5


def weighted_score(ratings: Iterable[tuple[int, int]]) -> Decimal:
    """(rating, weight) pairs to a score from 0 to 100, to one decimal place.

    100 means top marks on every criterion; a criterion's share is its weight over the
    sum of the weights. E.g. ratings 4 (weight 30) and 2 (weight 10):
    (4*30 + 2*10) / (5 * 40) * 100 = 70.0.
    """
    ratings = list(ratings)
    total_weight = sum(weight for _, weight in ratings)
    if total_weight == 0:
        raise ValueError("At least one criterion with a weight is needed to score.")
    points = sum(rating * weight for rating, weight in ratings)
    score = Decimal(points * 100) / Decimal(MAX_RATING * total_weight)
    return score.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
