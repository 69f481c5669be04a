"""Reads of the register: who may see and change risks, appetite, the heat map."""

import datetime
from collections import Counter

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from governance.choices import CLOSED_ACTION_STATUSES
from governance.models import person_name
from governance.selectors import meetings_upcoming

from . import policies
from .choices import AssuranceLine, Effectiveness, Level, RiskStatus
from .models import (
    AppetiteThreshold,
    CategoryAppetite,
    ReviewFrequency,
    Risk,
    RiskAction,
    RiskControl,
    RiskMatrix,
    RiskReview,
)
from .rating import is_outside_appetite

QUARTER = datetime.timedelta(days=91)
AXES = ("likelihood", "impact")


def current_matrix() -> RiskMatrix:
    return RiskMatrix.objects.get(is_current=True)


def matrix_version(version: int) -> RiskMatrix:
    """A matrix as it was: versions are never changed, so a frozen report keeps its own."""
    return RiskMatrix.objects.get(version=version)


def tolerated_scores() -> dict[str, int]:
    """Each category's highest tolerated residual score (None where its level has no
    threshold), in one query."""
    threshold = AppetiteThreshold.objects.filter(level=OuterRef("level")).values("max_score")
    return dict(CategoryAppetite.objects.values_list("category", Subquery(threshold[:1])))


def review_days_by_level() -> dict[str, int]:
    return dict(ReviewFrequency.objects.values_list("level", "days"))


def outside_appetite_expression(tolerated: dict[str, int]):
    """A database expression: is this risk's residual score above its appetite?"""
    within = Q(pk__in=[])
    for category, score in tolerated.items():
        if score is not None:
            within |= Q(category=category, residual_score__lte=score)
    return Case(When(within, then=Value(False)), default=Value(True), output_field=BooleanField())


def is_outside(risk: Risk, tolerated: dict[str, int] | None = None) -> bool:
    tolerated = tolerated_scores() if tolerated is None else tolerated
    return is_outside_appetite(risk.residual_score, tolerated.get(risk.category))


def mismatched_escalations() -> Q:
    """Of the risks escalated from another: those whose residual score differs from
    their source's, both open, with no reason recorded for these two scores."""
    source = "escalated_from__"
    explained = (
        ~Q(difference_reason="")
        & Q(difference_explained_score=F("residual_score"))
        & Q(difference_explained_source_score=F(f"{source}residual_score"))
    )
    return (
        Q(escalated_from__isnull=False, status=RiskStatus.OPEN)
        & Q(**{f"{source}status": RiskStatus.OPEN})
        & ~Q(residual_score=F(f"{source}residual_score"))
        & ~explained
    )


def with_escalations(risks: QuerySet[Risk]) -> QuerySet[Risk]:
    """Annotate each risk with `escalated_to_id` (its entry in the register above, if
    escalated) and `score_mismatch` (it and a risk it is linked to by escalation, up or
    down, are scored differently without a reason recorded): two subqueries, however
    many rows."""
    above = Risk.objects.filter(escalated_from=OuterRef("pk")).values("pk")[:1]
    mismatch = Risk.objects.filter(mismatched_escalations()).filter(
        Q(pk=OuterRef("pk")) | Q(escalated_from=OuterRef("pk"))
    )
    return risks.annotate(escalated_to_id=Subquery(above), score_mismatch=Exists(mismatch))


def reported_above() -> Exists:
    """Risks whose escalated entry in the register above is open: that entry reports
    them. A report across registers leaves these out, so counts each risk once."""
    return Exists(Risk.objects.filter(escalated_from=OuterRef("pk"), status=RiskStatus.OPEN))


# The counts of each risk's controls that the assurance flags read (policies.assurance_flags).
CONTROL_COUNTS = {
    "controls_recorded": Q(),
    "controls_effective": Q(effectiveness=Effectiveness.EFFECTIVE),
    "controls_partly_effective": Q(effectiveness=Effectiveness.PARTLY_EFFECTIVE),
    "controls_not_effective": Q(effectiveness=Effectiveness.NOT_EFFECTIVE),
    "controls_not_assessed": Q(effectiveness=Effectiveness.NOT_ASSESSED),
    "controls_third_line": Q(line=AssuranceLine.THIRD),
}
# Which of CONTROL_COUNTS counts a control of each effectiveness.
CONTROL_BY_EFFECTIVENESS = {
    Effectiveness.EFFECTIVE: "controls_effective",
    Effectiveness.PARTLY_EFFECTIVE: "controls_partly_effective",
    Effectiveness.NOT_EFFECTIVE: "controls_not_effective",
    Effectiveness.NOT_ASSESSED: "controls_not_assessed",
}


def with_assurance(risks: QuerySet[Risk]) -> QuerySet[Risk]:
    """Annotate each risk with the counts of its controls (CONTROL_COUNTS), which the
    assurance flags read (flags_of; policies.assurance_flags to filter by one): a
    subquery per count, however many rows. Asking twice annotates once.

    Subqueries, not counts over a join grouped by risk: grouped, the database counts
    every risk of the register before it sorts and takes a page of them; a subquery
    is run for the rows listed only."""
    if "controls_recorded" in risks.query.annotations:
        return risks

    def counted(condition):
        controls = (
            RiskControl.objects.filter(condition, risk=OuterRef("pk"))
            .order_by()
            .values("risk")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(controls, output_field=IntegerField()), 0)

    return risks.annotate(**{name: counted(q) for name, q in CONTROL_COUNTS.items()})


def with_control_counts(risks: list[Risk]) -> list[Risk]:
    """The counts of their controls (CONTROL_COUNTS, as with_assurance annotates them)
    set on risks already read, in one query over their controls: for a page of the
    register, where six subqueries cost more to build than the rows they count. Risks
    read with the counts annotated (filtered by a flag) keep theirs."""
    uncounted = {risk.pk: risk for risk in risks if not hasattr(risk, "controls_recorded")}
    if not uncounted:
        return risks
    counts = {pk: Counter() for pk in uncounted}
    controls = RiskControl.objects.filter(risk__in=list(uncounted)).order_by()
    for risk_id, effectiveness, line in controls.values_list("risk", "effectiveness", "line"):
        counted = counts[risk_id]
        counted["controls_recorded"] += 1
        if effectiveness in CONTROL_BY_EFFECTIVENESS:
            counted[CONTROL_BY_EFFECTIVENESS[effectiveness]] += 1
        if line == AssuranceLine.THIRD:
            counted["controls_third_line"] += 1
    for pk, risk in uncounted.items():
        for name in CONTROL_COUNTS:
            setattr(risk, name, counts[pk][name])
    return risks


def flags_of(risk: Risk) -> list[str]:
    """The assurance flags raised on a risk that carries the counts of its controls
    (with_assurance, with_control_counts), in order (policies.assurance_flags_raised)."""
    return policies.assurance_flags_raised(risk)


def controls_of_risks() -> QuerySet[RiskControl]:
    """Controls, to be read only through the risks they belong to: whoever may see a
    risk sees its controls, and nobody sees a control without its risk (its page, its
    history, the register's downloads and the API reach controls from the risk)."""
    return RiskControl.objects.select_related("owner")


def controls_of(risk: Risk) -> QuerySet[RiskControl]:
    return controls_of_risks().filter(risk=risk)


def filtered(
    risks: QuerySet[Risk] | None = None,
    *,
    register: str | None = None,
    category: str | None = None,
    owner: int | None = None,
    theme: int | None = None,
    level: str | None = None,
    status: str | None = RiskStatus.OPEN,
    appetite: str | None = None,
    likelihood: int | None = None,
    impact: int | None = None,
    rating: str = "residual",
    assurance: str | None = None,
) -> QuerySet[Risk]:
    """The register's filters on the risks (all of them if None), with only the
    annotations a filter reads (appetite, assurance): counts over the register (the heat
    map, its movement) build and compile none of what a row of it shows."""
    risks = Risk.objects.all() if risks is None else risks
    if register:
        risks = risks.filter(register=register)
    if status:
        risks = risks.filter(status=status)
    if category:
        risks = risks.filter(category=category)
    if owner:
        risks = risks.filter(owner_id=owner)
    if theme:
        risks = risks.filter(themes__id=theme)
    if level:
        risks = risks.filter(residual_level=level)
    if appetite in ("outside", "within"):
        risks = risks.annotate(
            outside_appetite=outside_appetite_expression(tolerated_scores())
        ).filter(outside_appetite=appetite == "outside")
    if likelihood and impact:
        prefix = "inherent" if rating == "inherent" else "residual"
        risks = risks.filter(**{f"{prefix}_likelihood": likelihood, f"{prefix}_impact": impact})
    if assurance in policies.assurance_flags():
        risks = with_assurance(risks).filter(policies.assurance_flags()[assurance])
    return risks


def register(*, risks: QuerySet[Risk] | None = None, **filters) -> QuerySet[Risk]:
    """The register (or `risks` of it), filtered (`filtered`, whose arguments these
    are), highest residual score first; each risk annotated with `outside_appetite` and
    its escalations (with_escalations)."""
    risks = filtered(risks, **filters).select_related("owner")
    if "outside_appetite" not in risks.query.annotations:
        risks = risks.annotate(outside_appetite=outside_appetite_expression(tolerated_scores()))
    return with_escalations(risks).order_by("-residual_score", "pk")


def register_page(risks: QuerySet[Risk] | None = None, **filters) -> QuerySet[Risk]:
    """The register as `register` lists it (the same filters, the same order) with
    none of the annotations a row shows: for a page of it, whose rows (page_rows) get
    them in two queries however many filters."""
    return filtered(risks, **filters).order_by("-residual_score", "pk")


# What a row of the register's page reads of a risk (risks.templatetags.register_rows),
# beyond what with_row_marks and with_control_counts set on it (and MISMATCH_FIELDS,
# which with_row_marks reads).
PAGE_ROW_FIELDS = (
    "pk",
    "title",
    "is_demo",
    "status",
    "register",
    "category",
    "escalated_from_id",
    "inherent_score",
    "residual_score",
    "residual_level",
    "target_score",
    "next_review_date",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
)


class RegisterRow:
    """A risk as a row of the register's page reads it, from register_page's values:
    by the same names as a Risk's, its references worked out by Risk's own code, its
    owner named as a User names itself. A page's risks read as values cost a fraction
    of model instances, whose dozens of fields a row never reads."""

    reference = Risk.reference
    escalated_from_reference = Risk.escalated_from_reference
    escalated_to_reference = Risk.escalated_to_reference

    def __init__(self, values: dict):
        self.__dict__.update(values)

    @property
    def owner(self) -> str:
        return person_name(self.owner__first_name, self.owner__last_name, self.owner__username)


def page_rows(risks: QuerySet[Risk], tolerated: dict[str, int] | None = None) -> list[RegisterRow]:
    """A page of register_page (a slice of it) as RegisterRows: the values a row reads
    (PAGE_ROW_FIELDS, MISMATCH_FIELDS for with_row_marks, and the annotations a row
    shows that a filter made already), with what `register` annotates (with_row_marks)
    and the counts of their controls (with_control_counts). The page is sliced before
    its values are asked for, so the count of the whole register joins nothing."""
    annotated = [
        name for name in ("outside_appetite", *CONTROL_COUNTS) if name in risks.query.annotations
    ]
    values = risks.values(*dict.fromkeys((*PAGE_ROW_FIELDS, *MISMATCH_FIELDS)), *annotated)
    rows = with_row_marks([RegisterRow(risk) for risk in values], tolerated)
    return with_control_counts(rows)


def with_row_marks(
    rows: list[RegisterRow], tolerated: dict[str, int] | None = None
) -> list[RegisterRow]:
    """What `register` annotates, set on a page's rows (page_rows, each read with its
    MISMATCH_FIELDS): `outside_appetite` (is_outside, unless a filter on it annotated
    it already), `escalated_to_id` and `score_mismatch` (with_escalations), in two
    queries: the appetites (unless given, as tolerated_scores() gives them), and the
    risks escalated from these."""
    if any(not hasattr(row, "outside_appetite") for row in rows):
        tolerated = tolerated_scores() if tolerated is None else tolerated
        for row in rows:
            if not hasattr(row, "outside_appetite"):
                row.outside_appetite = is_outside(row, tolerated)
    by_pk = {row.pk: row for row in rows}
    if not by_pk:
        return rows
    # The scores and reasons of the risks escalated from these, read as values and
    # compared here as mismatched_escalations compares them in the database
    # (is_mismatched), their source's status and score being the row's own: compiling
    # that comparison cost more than the page's rows.
    escalated = (
        Risk.objects.filter(escalated_from__in=list(by_pk))
        .order_by(*Risk._meta.ordering)
        .values_list("pk", "escalated_from_id", *MISMATCH_OWN_FIELDS)
    )
    above, mismatched = {}, set()
    for pk, source_id, *values in escalated:
        above.setdefault(source_id, pk)  # the first, as the subquery takes it
        source = by_pk[source_id]
        if is_mismatched(source_id, *values, source.status, source.residual_score):
            mismatched.add(source_id)
    for row in rows:
        row.escalated_to_id = above.get(row.pk)
        row.score_mismatch = row.pk in mismatched or is_mismatched(
            row.escalated_from_id, *(getattr(row, name) for name in MISMATCH_FIELDS)
        )
    return rows


# What is_mismatched reads of a risk, and of the risk it was escalated from.
MISMATCH_OWN_FIELDS = (
    "status",
    "residual_score",
    "difference_reason",
    "difference_explained_score",
    "difference_explained_source_score",
)
MISMATCH_FIELDS = (*MISMATCH_OWN_FIELDS, "escalated_from__status", "escalated_from__residual_score")


def is_mismatched(
    escalated_from_id,
    status,
    residual_score,
    difference_reason,
    explained_score,
    explained_source_score,
    source_status,
    source_score,
) -> bool:
    """mismatched_escalations() for one risk, from its MISMATCH_FIELDS: escalated from
    another, both open, scored differently, and no reason recorded for these two
    scores. The scores, statuses and reason are never null; the explained scores may
    be, and a null one explains nothing, as in the database."""
    if escalated_from_id is None or status != RiskStatus.OPEN or source_status != RiskStatus.OPEN:
        return False
    if residual_score == source_score:
        return False
    explained = (
        difference_reason != ""
        and explained_score is not None
        and explained_score == residual_score
        and explained_source_score is not None
        and explained_source_score == source_score
    )
    return not explained


HEAT_MAP_RATINGS = ("residual", "inherent")


def heat_map(risks: QuerySet[Risk]) -> dict[str, dict[tuple[int, int], int]]:
    """For each rating (HEAT_MAP_RATINGS), counts of risks in each (likelihood, impact)
    cell, in one query: the risks counted by both positions at once, each risk in one
    group, then added up per rating."""
    positions = [f"{rating}_{axis}" for rating in HEAT_MAP_RATINGS for axis in AXES]
    rows = risks.order_by().values(*positions).annotate(n=Count("pk", distinct=True))
    counts = {rating: Counter() for rating in HEAT_MAP_RATINGS}
    for row in rows:
        for rating in HEAT_MAP_RATINGS:
            counts[rating][row[f"{rating}_likelihood"], row[f"{rating}_impact"]] += row["n"]
    return counts


def heat_map_grid(counts: Counter, matrix: RiskMatrix) -> list[dict]:
    """The rows of one heat map, impact 5 at the top: each cell with its count of risks,
    its level (code and words) and score under `matrix`. The register's heat map and the
    committee paper draw the same grid."""
    return [
        {
            "impact": impact,
            "label": matrix.label("impact", impact),
            "cells": [
                {
                    "likelihood": likelihood,
                    "count": counts.get((likelihood, impact), 0),
                    "level": matrix.level(likelihood, impact),
                    "level_label": Level(matrix.level(likelihood, impact)).label,
                    "score": matrix.score(likelihood, impact),
                }
                for likelihood in range(1, 6)
            ],
        }
        for impact in range(5, 0, -1)
    ]


def with_score_a_quarter_ago(risks: QuerySet[Risk], *, today: datetime.date | None = None):
    """Annotate each risk with its residual score at the last rating on or before a
    quarter ago (None if it was raised since)."""
    cutoff = (today or timezone.localdate()) - QUARTER
    earlier = RiskReview.objects.filter(risk=OuterRef("pk"), reviewed_on__lte=cutoff).order_by(
        "-reviewed_on", "-pk"
    )
    return risks.annotate(score_then=Subquery(earlier.values("residual_score")[:1]))


MOVERS_LISTED = 10
# What the heat map says of a risk that moved: its reference and title, and its score.
MOVER_FIELDS = ("title", "residual_score")


def movement(risks: QuerySet[Risk], *, today: datetime.date | None = None) -> dict:
    """How many of the risks' residual scores went up, down or stayed since a quarter
    ago, and the ones that moved most each way (MOVERS_LISTED at most, the larger move
    first, then the older risk), each with `score_then`. Risks raised since are not
    compared. At most three queries, counted and ranked in the database: the register
    runs to thousands of risks, of which the page names twenty."""
    movers = risks.order_by().select_related(None).only(*MOVER_FIELDS)
    compared = with_score_a_quarter_ago(movers, today=today).annotate(
        change=F("residual_score") - F("score_then")
    )
    # Counted by how far each moved (a few dozen amounts at most, None for the risks
    # raised since), then added up each way: a plain GROUP BY, where counts filtered
    # each way made Django wrap the query in another to aggregate over it.
    counts = {"up": 0, "down": 0, "same": 0}
    for change, n in compared.values_list("change").annotate(n=Count("pk")):
        if change is not None:
            counts["up" if change > 0 else "down" if change < 0 else "same"] += n
    return {
        **counts,
        "worse": list(compared.filter(change__gt=0).order_by("-change", "pk")[:MOVERS_LISTED])
        if counts["up"]
        else [],
        "better": list(compared.filter(change__lt=0).order_by("change", "pk")[:MOVERS_LISTED])
        if counts["down"]
        else [],
    }


def reviews_overdue(today: datetime.date | None = None) -> QuerySet[Risk]:
    today = today or timezone.localdate()
    return (
        Risk.objects.filter(status=RiskStatus.OPEN, next_review_date__lt=today)
        .select_related("owner")
        .order_by("next_review_date", "pk")
    )


def actions_overdue(today: datetime.date | None = None) -> QuerySet[RiskAction]:
    today = today or timezone.localdate()
    return (
        RiskAction.objects.filter(due_date__lt=today, risk__status=RiskStatus.OPEN)
        .exclude(status__in=CLOSED_ACTION_STATUSES)
        .select_related("risk", "owner")
        .order_by("due_date", "pk")
    )


def reminders_due(today: datetime.date) -> dict[int, dict]:
    """For each person: risks whose review is due within a week or overdue, and open
    actions due within a week or overdue. Keyed by user id."""
    horizon = today + datetime.timedelta(days=7)
    due: dict[int, dict] = {}
    reviews = Risk.objects.filter(status=RiskStatus.OPEN, next_review_date__lte=horizon)
    for risk in reviews.select_related("owner").order_by("next_review_date", "pk"):
        due.setdefault(risk.owner_id, {"user": risk.owner, "reviews": [], "actions": []})
        due[risk.owner_id]["reviews"].append(risk)
    actions = (
        RiskAction.objects.filter(due_date__lte=horizon, risk__status=RiskStatus.OPEN)
        .exclude(status__in=CLOSED_ACTION_STATUSES)
        .select_related("risk", "owner")
        .order_by("due_date", "pk")
    )
    for action in actions:
        due.setdefault(action.owner_id, {"user": action.owner, "reviews": [], "actions": []})
        due[action.owner_id]["actions"].append(action)
    return due


def reviews_due(until: datetime.date) -> QuerySet[Risk]:
    """The open risks whose next review is due by `until` (or overdue), the highest
    residual score first, as the register lists them."""
    return Risk.objects.filter(status=RiskStatus.OPEN, next_review_date__lte=until).order_by(
        "-residual_score", "pk"
    )


def reviews_due_by(user, until: datetime.date) -> QuerySet[Risk]:
    """The open risks `user` owns whose next review is due by `until` (reviews_due)."""
    return reviews_due(until).filter(owner=user)


def reviews_due_for(user, start: datetime.date, end: datetime.date) -> QuerySet[Risk]:
    """The open risks `user` owns whose next review falls between start and end."""
    return Risk.objects.filter(
        owner=user, status=RiskStatus.OPEN, next_review_date__range=(start, end)
    ).order_by("next_review_date", "pk")


def actions_due_for(user, start: datetime.date, end: datetime.date) -> QuerySet[RiskAction]:
    """The open actions on open risks due between start and end that `user` owns, or
    whose risk they own."""
    return (
        RiskAction.objects.filter(
            Q(owner=user) | Q(risk__owner=user),
            risk__status=RiskStatus.OPEN,
            due_date__range=(start, end),
        )
        .exclude(status__in=CLOSED_ACTION_STATUSES)
        .select_related("risk", "owner")
        .order_by("due_date", "pk")
    )


def next_meeting():
    return meetings_upcoming().first()


def year_summary(financial_year: int, *, top: int = 10) -> dict:
    """The register at the end of the year: top residual risks, those outside
    appetite, and how residual scores moved over the year. It reads across the
    registers, so a risk escalated to the one above counts once, by its entry there."""
    end = datetime.date(financial_year + 1, 3, 31)
    start = datetime.date(financial_year, 4, 1)
    # Only what a row shows: the outside-appetite list runs to thousands of risks on a
    # large council's register.
    risks = register(risks=Risk.objects.exclude(reported_above())).only(
        "title",
        "category",
        "residual_score",
        "residual_level",
        "owner__first_name",
        "owner__last_name",
        "owner__username",
    )
    at_start = RiskReview.objects.filter(risk=OuterRef("pk"), reviewed_on__lt=start).order_by(
        "-reviewed_on", "-pk"
    )
    moved = risks.annotate(score_then=Subquery(at_start.values("residual_score")[:1])).aggregate(
        worse=Count("pk", filter=Q(residual_score__gt=F("score_then"))),
        better=Count("pk", filter=Q(residual_score__lt=F("score_then"))),
        unchanged=Count("pk", filter=Q(residual_score=F("score_then"))),
    )

    def row(r):
        return {
            "reference": r.reference,
            "title": r.title,
            "category": r.get_category_display(),
            "owner": str(r.owner),
            "residual_score": r.residual_score,
            "level": r.get_residual_level_display(),
            "outside_appetite": r.outside_appetite,
        }

    return {
        "as_at": end.isoformat(),
        "open": risks.count(),
        "top": [row(r) for r in risks[:top]],
        "outside_appetite": [row(r) for r in risks.filter(outside_appetite=True)],
        **moved,
    }


def reported_to_committees(registers) -> QuerySet[Risk]:
    """The open risks of `registers` a committee's risk paper reports, highest first."""
    return (
        Risk.objects.filter(status=RiskStatus.OPEN, register__in=registers)
        .select_related("owner")
        .order_by("-residual_score", "pk")
    )


def risks_by_id(ids) -> dict[int, Risk]:
    return {risk.pk: risk for risk in Risk.objects.filter(pk__in=ids).select_related("owner")}


def level_held_since(
    risks: list[Risk], level: str, *, today: datetime.date | None = None
) -> dict[int, datetime.date]:
    """For each risk now at `level`: the day it came to it and has held it since, by
    its ratings (the first of its latest unbroken run of ratings at that level; the
    day it was raised if every rating is at that level; `today` if its latest rating
    is at another, since it has been at this one only since its last change). One
    query for all of them."""
    today = today or timezone.localdate()
    at_level = {risk.pk: risk for risk in risks if risk.residual_level == level}
    since = {pk: timezone.localdate(risk.created_at) for pk, risk in at_level.items()}
    seen, broken = set(), set()
    reviews = RiskReview.objects.filter(risk__in=list(at_level)).order_by(
        "risk", "-reviewed_on", "-pk"
    )
    for risk_id, reviewed_on, review_level in reviews.values_list(
        "risk_id", "reviewed_on", "residual_level"
    ):
        if risk_id in broken:
            continue
        if review_level == level:
            since[risk_id] = reviewed_on
        else:
            broken.add(risk_id)
            if risk_id not in seen:
                since[risk_id] = today
        seen.add(risk_id)
    return since
