import datetime

from risks import selectors
from risks.choices import RiskStatus
from risks.models import Risk, RiskMatrix, RiskReview
from risks.tests.factories import RiskFactory


def _movement_by_hand(risks, today):
    """The heat map's movement as it reads in words: each risk's residual score against
    its latest rating on or before a quarter ago (none: raised since, not compared); the
    largest rises and falls listed, the older risk first where two moved alike."""
    cutoff = today - selectors.QUARTER
    changes = []
    for risk in risks:
        earlier = [review for review in risk.reviews.all() if review.reviewed_on <= cutoff]
        if earlier:
            then = max(earlier, key=lambda review: (review.reviewed_on, review.pk))
            score_then = then.residual_score
            changes.append((risk.residual_score - score_then, risk.pk, score_then))
    rises = sorted((-change, pk, then) for change, pk, then in changes if change > 0)
    falls = sorted((change, pk, then) for change, pk, then in changes if change < 0)
    return {
        "up": len(rises),
        "down": len(falls),
        "same": sum(1 for change, _, _ in changes if change == 0),
        "worse": [(pk, then) for _, pk, then in rises[: selectors.MOVERS_LISTED]],
        "better": [(pk, then) for _, pk, then in falls[: selectors.MOVERS_LISTED]],
    }


def test_movement_counted_in_the_database_is_the_movement_by_hand(risk_owner):
    matrix = RiskMatrix.objects.get(is_current=True)
    today = datetime.date(2026, 6, 30)
    cutoff = today - selectors.QUARTER
    before, long_before, since = cutoff, cutoff - datetime.timedelta(days=40), today

    def rated(risk, on, likelihood, impact):
        RiskReview.objects.create(
            risk=risk, kind="review", reviewer=risk_owner, matrix=matrix, reviewed_on=on,
            residual_likelihood=likelihood, residual_impact=impact,
            residual_score=matrix.score(likelihood, impact),
            residual_level=matrix.level(likelihood, impact),
            outside_appetite=False, next_review_date=today,
        )  # fmt: skip

    for n in range(90):
        likelihood, impact = 1 + n % 5, 1 + (n // 5) % 5
        other = (1 + (n // 2) % 5, 1 + (n // 3) % 5)
        risk = RiskFactory(
            owner=risk_owner,
            residual_likelihood=likelihood,
            residual_impact=impact,
            **({"status": RiskStatus.CLOSED, "closed_reason": "Gone"} if n % 7 == 0 else {}),
        )
        # Never rated; raised since; moved; unchanged; rated twice on one day (the later
        # counts) and since; rated long before and again at the cutoff (the latter counts).
        # Many move by the same amount as another, so the ranking's ties are tested.
        match n % 6:
            case 1:
                rated(risk, since, *other)
            case 2:
                rated(risk, before, *other)
            case 3:
                rated(risk, before, likelihood, impact)
            case 4:
                rated(risk, before, likelihood, impact)
                rated(risk, before, *other)
                rated(risk, since, likelihood, impact)
            case 5:
                rated(risk, long_before, likelihood, impact)
                rated(risk, before, *other)
    open_risks = selectors.filtered()
    by_hand = _movement_by_hand(open_risks.prefetch_related("reviews"), today)
    assert by_hand["up"] > selectors.MOVERS_LISTED and by_hand["down"] > selectors.MOVERS_LISTED
    assert by_hand["same"] > 0

    counted = selectors.movement(open_risks, today=today)

    assert {key: counted[key] for key in ("up", "down", "same")} == {
        key: by_hand[key] for key in ("up", "down", "same")
    }
    assert [(risk.pk, risk.score_then) for risk in counted["worse"]] == by_hand["worse"]
    assert [(risk.pk, risk.score_then) for risk in counted["better"]] == by_hand["better"]
    for risk in counted["worse"] + counted["better"]:
        stored = Risk.objects.get(pk=risk.pk)
        assert str(risk) == str(stored) and risk.residual_score == stored.residual_score
