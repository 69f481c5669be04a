"""The matrix lookup, appetite flag and next-review date against hand-computed cases."""

import datetime

import pytest

from governance.tests.factories import UserFactory
from risks import selectors, services
from risks.choices import Level
from risks.models import CategoryAppetite, RiskMatrix
from risks.rating import default_cells, is_outside_appetite, next_review
from risks.tests.factories import RiskFactory


@pytest.mark.parametrize(
    ("likelihood", "impact", "score", "level"),
    [(1, 1, 1, "low"), (1, 3, 3, "low"), (2, 2, 4, "medium"), (3, 2, 6, "medium"),
     (2, 4, 8, "high"), (3, 4, 12, "high"), (3, 5, 15, "very_high"), (5, 5, 25, "very_high")],
)  # fmt: skip
def test_default_matrix_by_hand(likelihood, impact, score, level):
    cell = default_cells()[f"{likelihood},{impact}"]
    assert (cell["score"], cell["level"]) == (score, level)


def test_a_custom_matrix_is_a_lookup_not_a_product(head_of_ict):
    cells = default_cells()
    # This council weights impact: likelihood 1 with impact 5 is Very high, score 20.
    cells["1,5"] = {"score": 20, "level": "very_high"}
    matrix = services.matrix_update(
        user=head_of_ict, cells=cells, descriptors=selectors.current_matrix().descriptors
    )
    assert (matrix.score(1, 5), matrix.level(1, 5)) == (20, "very_high")
    assert matrix.version == 2 and RiskMatrix.objects.get(is_current=True) == matrix


def test_changing_the_matrix_keeps_earlier_ratings_until_the_next_review(head_of_ict):
    risk = services.risk_create(
        user=head_of_ict,
        fields={
            "title": "Lock-in", "cause": "c", "event": "e", "consequence": "q",
            "category": "supplier", "owner": head_of_ict, "response": "treat",
            "inherent_likelihood": 1, "inherent_impact": 5, "residual_likelihood": 1,
            "residual_impact": 5, "target_likelihood": 1, "target_impact": 3,
        },
    )  # fmt: skip
    assert risk.residual_score == 5
    cells = default_cells()
    cells["1,5"] = {"score": 20, "level": "very_high"}
    services.matrix_update(
        user=head_of_ict, cells=cells, descriptors=selectors.current_matrix().descriptors
    )
    risk.refresh_from_db()
    assert (risk.residual_score, risk.matrix.version) == (5, 1)
    services.risk_review(
        user=head_of_ict, risk=risk, residual_likelihood=1, residual_impact=5, note="Reviewed."
    )
    risk.refresh_from_db()
    assert (risk.residual_score, risk.residual_level, risk.matrix.version) == (20, "very_high", 2)
    assert list(risk.reviews.values_list("residual_score", flat=True)) == [20, 5]


@pytest.mark.parametrize(
    ("category", "residual", "outside"),
    [
        # Defaults: information security is Minimal (tolerates up to 6).
        ("information_security", (2, 3), False),  # 6
        ("information_security", (2, 4), True),  # 8
        # Strategic is Open (up to 15).
        ("strategic", (3, 5), False),  # 15
        ("strategic", (4, 4), True),  # 16
        # Financial is Cautious (up to 10).
        ("financial", (3, 3), False),  # 9
        ("financial", (3, 4), True),  # 12
    ],
)
def test_appetite_flag_by_hand(category, residual, outside, db):
    risk = RiskFactory(
        category=category, residual_likelihood=residual[0], residual_impact=residual[1]
    )
    assert selectors.is_outside(risk) is outside
    flagged = selectors.register(appetite="outside").filter(pk=risk.pk).exists()
    assert flagged is outside


def test_a_category_moved_to_averse_flags_its_risks(db):
    risk = RiskFactory(category="people", residual_likelihood=2, residual_impact=2)  # 4
    assert not selectors.is_outside(risk)
    CategoryAppetite.objects.filter(category="people").update(level="averse")  # up to 3
    assert selectors.is_outside(risk)


def test_a_category_with_no_appetite_is_flagged_until_one_is_set():
    assert is_outside_appetite(1, None) is True


@pytest.mark.parametrize(
    ("level", "override", "expected"),
    [
        ("very_high", None, datetime.date(2027, 1, 30)),  # 30 days
        ("high", None, datetime.date(2027, 3, 1)),  # 60 days
        ("medium", None, datetime.date(2027, 3, 31)),  # 90 days
        ("low", None, datetime.date(2027, 6, 29)),  # 180 days
        ("low", 14, datetime.date(2027, 1, 14)),  # the risk's own frequency wins
    ],
)
def test_next_review_date_by_hand(level, override, expected):
    by_level = {Level.VERY_HIGH: 30, Level.HIGH: 60, Level.MEDIUM: 90, Level.LOW: 180}
    assert (
        next_review(
            from_date=datetime.date(2026, 12, 31),
            level=level,
            override_days=override,
            by_level=by_level,
        )
        == expected
    )


def test_recording_a_review_sets_the_next_review_from_the_new_level(head_of_ict):
    risk = RiskFactory(owner=UserFactory())
    services.risk_review(
        user=head_of_ict,
        risk=risk,
        residual_likelihood=5,
        residual_impact=5,
        note="Much worse",
        reviewed_on=datetime.date.today(),
    )
    risk.refresh_from_db()
    assert risk.residual_level == "very_high"
    assert risk.next_review_date == datetime.date.today() + datetime.timedelta(days=30)
