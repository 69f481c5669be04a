"""The Technology Code of Practice self-assessment: how a proposal's answers add up,
in words for the Governance Group and as the 0 to 5 rating of the criterion the Head
of ICT scores from it (Criterion.from_tcop). The rule is here and nowhere else."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection

from common import plainsql

from .choices import TcopAnswer
from .models import Proposal, TcopPoint, TcopResponse
from .scoring import MAX_RATING

# What each answer counts towards the rating; a point not answered counts as not met.
ANSWER_VALUES = {
    TcopAnswer.MET: Decimal(1),
    TcopAnswer.PARTLY_MET: Decimal("0.5"),
    TcopAnswer.NOT_MET: Decimal(0),
}
RULE = (
    "Each point met counts 1, partly met counts a half, and not met (or not answered) "
    "counts 0. The total is divided by the number of points, multiplied by 5 and "
    "rounded to the nearest whole number (a half rounds up): for example 10 met, 2 "
    "partly met and 1 not met of 13 points is 11 divided by 13, times 5, which is 4.2, "
    "so 4 out of 5."
)
# GOV.UK tag colours, beside the words that carry the meaning.
TAG_CLASSES = {
    TcopAnswer.MET: "govuk-tag--green",
    TcopAnswer.PARTLY_MET: "govuk-tag--yellow",
    TcopAnswer.NOT_MET: "govuk-tag--red",
    "": "govuk-tag--grey",
}


def rating(answers: Iterable[str], points: int) -> int:
    """The answers to `points` points as a whole rating from 0 to MAX_RATING (RULE)."""
    if points <= 0:
        return 0
    total = sum((ANSWER_VALUES.get(answer, Decimal(0)) for answer in answers), Decimal(0))
    scaled = total * MAX_RATING / points
    return int(scaled.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Summary:
    met: int
    partly_met: int
    not_met: int
    points: int

    @property
    def unanswered(self) -> int:
        return self.points - self.met - self.partly_met - self.not_met

    @property
    def rating(self) -> int:
        answers = (
            [TcopAnswer.MET] * self.met
            + [TcopAnswer.PARTLY_MET] * self.partly_met
            + [TcopAnswer.NOT_MET] * self.not_met
        )
        return rating(answers, self.points)

    def __str__(self) -> str:
        if not (self.met or self.partly_met or self.not_met):
            return "Not answered yet"
        text = (
            f"{self.met} of {self.points} met, {self.partly_met} partly met, {self.not_met} not met"
        )
        if self.unanswered:
            text += f", {self.unanswered} not answered"
        return text


def summary_of(answers: Iterable[str], points: int) -> Summary:
    answers = list(answers)
    return Summary(
        met=answers.count(TcopAnswer.MET),
        partly_met=answers.count(TcopAnswer.PARTLY_MET),
        not_met=answers.count(TcopAnswer.NOT_MET),
        points=points,
    )


@dataclass(frozen=True)
class Row:
    point: TcopPoint
    answer: str
    answer_label: str
    evidence: str

    @property
    def tag_class(self) -> str:
        return TAG_CLASSES.get(self.answer, TAG_CLASSES[""])


@dataclass(frozen=True)
class SelfAssessment:
    rows: list[Row]
    summary: Summary
    rule: str = RULE


POINT_FIELDS = tuple(field.attname for field in TcopPoint._meta.concrete_fields)


def _answered_points(proposal_pk: int) -> list[tuple[TcopPoint, str, str]]:
    """Every point (`TcopPoint.objects.all()`, by number) with the proposal's answer and
    evidence (blank where not given; `TcopResponse.objects.filter(proposal=...)`), as one
    query of plain SQL: a dozen short rows, which the ORM costs more to ask for (twice)
    than to read. Only the models' table and column names go into the text."""
    q = connection.ops.quote_name
    point, response = q(TcopPoint._meta.db_table), q(TcopResponse._meta.db_table)
    columns = ", ".join(f"p.{q(field.column)}" for field in TcopPoint._meta.concrete_fields)
    sql = f"""
        SELECT {columns}, COALESCE(r.answer, ''), COALESCE(r.evidence, '')
        FROM {point} p LEFT JOIN {response} r ON r.point_id = p.id AND r.proposal_id = %s
        ORDER BY p.number
    """  # noqa: S608
    rows = plainsql.read(sql, [proposal_pk], tuple(TcopPoint._meta.concrete_fields))
    width = len(POINT_FIELDS)
    return [
        (TcopPoint.from_db(connection.alias, POINT_FIELDS, row[:width]), *row[width:])
        for row in rows
    ]


def self_assessment(proposal: Proposal) -> SelfAssessment:
    """Every point with the proposal's answer and evidence (blank where not given)."""
    rows = [
        Row(
            point=point,
            answer=answer,
            answer_label=TcopAnswer(answer).label if answer else "Not answered",
            evidence=evidence,
        )
        for point, answer, evidence in _answered_points(proposal.pk)
    ]
    return SelfAssessment(rows=rows, summary=summary_of((row.answer for row in rows), len(rows)))


def proposal_rating(proposal: Proposal) -> int:
    """The rating the TCoP-fed criterion gets for this proposal now."""
    return self_assessment(proposal).summary.rating
