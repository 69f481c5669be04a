"""Reads of proposals and projects, narrowed to what each user may see."""

import datetime
import hashlib
import statistics
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from common import dataversion, plainsql, precompute
from common.addresses import page_url
from common.roles import Role
from governance.models import (
    BusinessUnit,
    CorporateObjective,
    Meeting,
    Objective,
    Principle,
    Strategy,
    Theme,
    User,
)
from governance.selectors import people_with_role

from . import policies, prioritisation, routing
from .choices import (
    APPROVED_STATUSES,
    AWAITING_DECISION,
    EDITABLE_STATUSES,
    TRANSPARENCY_THRESHOLD,
    ProjectStatus,
    ProposalStatus,
    TcopAnswer,
)
from .models import (
    DEFAULT_THRESHOLDS,
    Assessment,
    Attachment,
    BenefitRealised,
    Budget,
    BusinessCaseVersion,
    Contract,
    Criterion,
    CriterionScore,
    Decision,
    ProgressUpdate,
    Project,
    Proposal,
    ProposalEvent,
    ProposalTheme,
    ProposalYear,
    RoutingThresholds,
    TcopPoint,
    TcopResponse,
    TransparencyPublication,
    reference_of,
)

UPDATE_OVERDUE_AFTER = datetime.timedelta(days=31)
# A day: the key already changes with any score, cost or budget; this only lets
# answers nobody asks for again drop out.
RECOMMENDATION_CACHE = 24 * 60 * 60
PORTFOLIO_YEAR_FIELDS = ("proposal", "financial_year", "capital_cost", "revenue_cost")
RECOMMENDATION_FIGURES = (
    "total_score",
    "spend",
    "budgets",
    "over_budget_years",
    "gap",
    "proven_optimal",
)


def proposals_visible_to(user) -> QuerySet[Proposal]:
    """The proposals this user may see (policies.proposals_visible); anything else
    is a 404."""
    return Proposal.objects.filter(policies.proposals_visible(user))


def _visible_scores(function: str, expression, output_field, *, shown: Q, none=None):
    """The SQL aggregate `function` of `expression` over a proposal's scores (conflicts
    left out) where `shown` holds, else None: a subquery per proposal row (_per_proposal)."""
    scores = Assessment.objects.filter(proposal=OuterRef("pk"), conflict_declared=False)
    value = Subquery(_per_proposal(scores, function, expression, output_field))
    if none is not None:
        value = Coalesce(value, Value(none), output_field=output_field)
    return Case(When(shown, then=value), default=None, output_field=output_field)


def _per_proposal(rows: QuerySet, function: str, expression, output_field) -> QuerySet:
    """The aggregate `function` of `expression` over `rows` (one proposal's, by OuterRef)
    as a subquery's single value. A plain function over all the rows, not a Django
    aggregate grouped by the proposal: either way the subquery is NULL where there are
    no rows (a count 0, which callers coalesce to), but without a GROUP BY it costs
    each page that lists proposals hundreds of calls less to build."""
    aggregate = Func(expression, function=function, output_field=output_field)
    # The models' ordering would join the proposal again, per row.
    return rows.order_by().values(value=aggregate)


SCORE_FIELD = DecimalField(max_digits=5, decimal_places=1)


def visible_mean_score(viewer):
    """A proposal's mean weighted score as `viewer` may see it (policies.scores_visible),
    None where hidden: what a ranking orders by."""
    return _visible_scores(
        "AVG", F("weighted_score"), SCORE_FIELD, shown=policies.scores_visible(viewer)
    )


MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)


def _year_total(expression):
    """`expression` summed over a proposal's years (0 where it has none): a subquery
    per proposal row (_per_proposal)."""
    years = ProposalYear.objects.filter(proposal=OuterRef("pk"))
    totals = Subquery(_per_proposal(years, "SUM", expression, MONEY_FIELD))
    return Coalesce(totals, Value(0), output_field=MONEY_FIELD)


def with_scores(proposals: QuerySet[Proposal], *, viewer) -> QuerySet[Proposal]:
    """Annotate each proposal's mean weighted score, spread and number of scores as
    `viewer` may see them (policies.scores_visible: None where hidden, and
    `scores_visible` False), and its total cost and savings. Each is a subquery, not
    a join: rows are not multiplied, a count ignores them, and PostgreSQL works them
    out only for the rows a page shows."""
    shown = policies.scores_visible(viewer)
    return proposals.annotate(
        scores_visible=_visibility(shown),
        score=visible_mean_score(viewer),
        score_low=_visible_scores("MIN", F("weighted_score"), SCORE_FIELD, shown=shown),
        score_high=_visible_scores("MAX", F("weighted_score"), SCORE_FIELD, shown=shown),
        score_count=_visible_scores("COUNT", F("pk"), IntegerField(), shown=shown, none=0),
        total_cost=_year_total(F("capital_cost") + F("revenue_cost")),
        total_savings=_year_total(F("cashable_savings")),
    )


def _visibility(shown: Q) -> Case:
    return Case(When(shown, then=True), default=False, output_field=BooleanField())


def with_tcop_counts(proposals: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """Annotate how many Technology Code of Practice points each proposal meets, partly
    meets and does not meet, and how many points there are (projects.tcop.Summary)."""

    def answered(answer):
        counts = (
            TcopResponse.objects.filter(proposal=OuterRef("pk"), answer=answer)
            .order_by()
            .values("proposal")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))

    return proposals.annotate(
        tcop_met=answered(TcopAnswer.MET),
        tcop_partly_met=answered(TcopAnswer.PARTLY_MET),
        tcop_not_met=answered(TcopAnswer.NOT_MET),
        # Counted in the same query, not before it: a list builds this queryset for a
        # page it may then find remembered, and should ask the database nothing more.
        tcop_points=Subquery(
            TcopPoint.objects.order_by()
            .annotate(total=Func(F("pk"), function="COUNT"))
            .values("total"),
            output_field=IntegerField(),
        ),
    )


# What the proposals list page shows of each row: not the business case's long text.
PROPOSAL_LISTED_FIELDS = (
    "title",
    "business_unit__name",
    "status",
    "stage",
    "is_statutory",
    "updated_at",
)


def proposals_listed(user) -> QuerySet[Proposal]:
    """The proposals list page's rows: those the user may see, newest change first,
    with the two figures the page shows (the mean score as the user may see it, and
    the total cost). Downloads and the API add the rest (with_list_file_figures)."""
    return (
        proposals_visible_to(user)
        .select_related("business_unit")
        .only(*PROPOSAL_LISTED_FIELDS)
        .annotate(
            score=visible_mean_score(user),
            total_cost=_year_total(F("capital_cost") + F("revenue_cost")),
        )
        .order_by("-updated_at", "-pk")
    )


# What each row of the proposals list page shows, read as values: model instances with
# their deferred fields cost the page more to build than their rows cost to write.
PROPOSAL_LIST_ROW_VALUES = ("pk", *PROPOSAL_LISTED_FIELDS, "score", "total_cost")


def proposal_list_rows(proposals: QuerySet[Proposal]) -> QuerySet:
    """The proposals list page's rows (proposals_listed, filtered) as the values the
    page shows of each (projects.templatetags.list_rows.proposal_rows)."""
    return proposals.values(*PROPOSAL_LIST_ROW_VALUES)


def with_list_file_figures(proposals: QuerySet[Proposal], *, viewer) -> QuerySet[Proposal]:
    """Every figure a proposals download or the API gives beside the page's: the
    score's spread and count, the savings and the TCoP answers (with_scores,
    with_tcop_counts; the page's two figures are annotated again, the same)."""
    return with_tcop_counts(with_scores(proposals.defer(None), viewer=viewer))


def proposal_for_detail(user, pk: int) -> Proposal:
    """The proposal with what its page shows of its unit, people and project (the link
    to the project in delivery, joined here rather than read by a query of its own);
    not its strategy, which the page does not show."""
    return get_object_or_404(
        proposals_visible_to(user).select_related(
            "business_unit", "created_by", "project_manager", "project"
        ),
        pk=pk,
    )


USER_NAME_FIELDS = ("first_name", "last_name", "username")  # what User.__str__ reads


def _partly_read(model, **values):
    """An instance of `model` as read from the database with only these fields (by
    attname); any other is read if asked for, as `only()` leaves it. (Model.from_db
    takes the values in the model's field order.)"""
    names = [field.attname for field in model._meta.concrete_fields if field.attname in values]
    return model.from_db(connection.alias, names, [values[name] for name in names])


def _person(row: tuple) -> User:
    """A user read as their pk and the names User.__str__ reads (`row`, in the order of
    USER_NAME_FIELDS after the pk)."""
    return _partly_read(User, **dict(zip(("id", *USER_NAME_FIELDS), row, strict=True)))


def proposal_for_page(user, pk: int) -> Proposal:
    """proposal_for_detail for the proposal's own page, which shows only the names of
    its unit, its creator and its project manager, and links its project: the proposal
    (narrowed the same way, else a 404) with those names and its project's pk in the same
    query, set on it as select_related sets them but each with only what the page shows
    (any other field is read if asked for, as with `only()`). Building the joined models
    costs the ORM some 2,500 calls more; a second query would cost the page, even when
    what shows them is remembered, a round trip more."""
    proposal = get_object_or_404(proposals_visible_to(user).annotate(**PAGE_NAMES), pk=pk)
    names = {name: getattr(proposal, name) for name in PAGE_NAMES}
    proposal.business_unit = _partly_read(
        BusinessUnit, id=proposal.business_unit_id, name=names["unit_name"]
    )
    proposal.created_by = _person((proposal.created_by_id, *_named(names, "creator")))
    proposal.project_manager = (
        _person((proposal.project_manager_id, *_named(names, "manager")))
        if proposal.project_manager_id is not None
        else None
    )
    if names["project_pk"] is None:
        PROPOSAL_PROJECT.set_cached_value(proposal, None)
    else:
        proposal.project = _partly_read(Project, id=names["project_pk"], proposal_id=proposal.pk)
    return proposal


# What proposal_for_page reads with the proposal: its unit's name, its creator's and
# project manager's names (USER_NAME_FIELDS) and its project's pk, if it has one.
PAGE_NAMES = {
    "unit_name": F("business_unit__name"),
    **{f"creator_{name}": F(f"created_by__{name}") for name in USER_NAME_FIELDS},
    **{f"manager_{name}": F(f"project_manager__{name}") for name in USER_NAME_FIELDS},
    "project_pk": F("project__id"),
}


def _named(names: dict, who: str) -> tuple:
    return tuple(names[f"{who}_{name}"] for name in USER_NAME_FIELDS)


# A proposal's project, the reverse of Project.proposal: select_related caches None on
# it for a proposal without one, so that asking costs no query.
PROPOSAL_PROJECT = Proposal._meta.get_field("project")


@dataclass(frozen=True)
class StrategicLinks:
    """What a proposal's strategic case shows of the strategy it serves: its theme links
    (ProposalTheme, each with its theme's number and title), the objectives it delivers
    (each with its theme's number, for its reference), and the titles of the corporate
    objectives and principles it touches; each in its model's order."""

    theme_links: list[ProposalTheme]
    objectives: list[Objective]
    corporate_objectives: list[str]
    principles: list[str]


def strategic_links(proposal: Proposal) -> StrategicLinks:
    """The proposal's StrategicLinks in one query rather than four (each ORM query costs
    more to build than these few rows do to read): the four lists as one UNION ALL, each
    ordered as its model orders it (ProposalTheme by its theme's number; Objective by
    its theme, so by the strategy's year (newest first) and title, then the theme's and
    its own number; CorporateObjective by title; Principle by the strategy, then number).
    Only model table names go into the text; the proposal's pk is a parameter."""
    q = connection.ops.quote_name
    link, theme, strategy = (q(m._meta.db_table) for m in (ProposalTheme, Theme, Strategy))
    objective, corporate = q(Objective._meta.db_table), q(CorporateObjective._meta.db_table)
    principle = q(Principle._meta.db_table)
    delivers = q(Proposal.objectives.through._meta.db_table)
    serves = q(Proposal.corporate_objectives.through._meta.db_table)
    touches = q(Proposal.principles.through._meta.db_table)
    sql = f"""
        SELECT 1, CAST(NULL AS INTEGER), CAST(NULL AS VARCHAR(1)), t.number, CAST(NULL AS INTEGER),
               t.id, t.number, t.title, l.how
        FROM {link} l JOIN {theme} t ON t.id = l.theme_id
        WHERE l.proposal_id = %s
        UNION ALL
        SELECT 2, s.start_year, s.title, t.number, o.number, o.id, t.number, o.title, NULL
        FROM {delivers} d JOIN {objective} o ON o.id = d.objective_id
        JOIN {theme} t ON t.id = o.theme_id JOIN {strategy} s ON s.id = t.strategy_id
        WHERE d.proposal_id = %s
        UNION ALL
        SELECT 3, NULL, c.title, NULL, NULL, c.id, NULL, c.title, NULL
        FROM {serves} sv JOIN {corporate} c ON c.id = sv.corporateobjective_id
        WHERE sv.proposal_id = %s
        UNION ALL
        SELECT 4, s.start_year, s.title, p.number, NULL, p.id, NULL, p.title, NULL
        FROM {touches} tc JOIN {principle} p ON p.id = tc.principle_id
        JOIN {strategy} s ON s.id = p.strategy_id
        WHERE tc.proposal_id = %s
        ORDER BY 1, 2 DESC, 3, 4, 5
    """  # noqa: S608
    rows = plainsql.read(sql, [proposal.pk] * 4)
    links = StrategicLinks([], [], [], [])
    for kind, _, _, _, number, pk, theme_number, title, how in rows:
        if kind == 1:
            links.theme_links.append(
                ProposalTheme(
                    proposal=proposal,
                    how=how,
                    theme=Theme(pk=pk, number=theme_number, title=title),
                )
            )
        elif kind == 2:
            links.objectives.append(
                Objective(pk=pk, number=number, title=title, theme=Theme(number=theme_number))
            )
        elif kind == 3:
            links.corporate_objectives.append(title)
        else:
            links.principles.append(title)
    return links


def thresholds_current() -> RoutingThresholds:
    """The thresholds the Head of ICT set, or (unsaved) the defaults until they do."""
    return RoutingThresholds.objects.first() or RoutingThresholds(**DEFAULT_THRESHOLDS)


def thresholds_in_force() -> RoutingThresholds:
    """thresholds_current, read as plain SQL, for routing a proposal (proposal_routing,
    which every proposal's page asks): one short row, which the ORM costs more to ask
    for than to read. The thresholds' own page, which changes them, reads them with
    thresholds_current. Only the model's table and column names go into the text."""
    q = connection.ops.quote_name
    fields = [field.attname for field in RoutingThresholds._meta.concrete_fields]
    columns = ", ".join(q(field.column) for field in RoutingThresholds._meta.concrete_fields)
    table, pk = q(RoutingThresholds._meta.db_table), q(RoutingThresholds._meta.pk.column)
    sql = f"SELECT {columns} FROM {table} ORDER BY {pk} LIMIT 1"  # noqa: S608
    rows = plainsql.read(sql, [], tuple(RoutingThresholds._meta.concrete_fields))
    if not rows:
        return RoutingThresholds(**DEFAULT_THRESHOLDS)
    return RoutingThresholds.from_db(connection.alias, fields, rows[0])


def threshold_changes():
    """Each change to the thresholds, newest first, with who made it."""
    return RoutingThresholds.history.select_related("history_user").order_by(
        "-history_date", "-history_id"
    )


def proposal_routing(
    proposal: Proposal,
    *,
    thresholds: RoutingThresholds | None = None,
    years: list[ProposalYear] | None = None,
):
    """The proposal's whole-life cost, its risk potential and where it goes, with the
    words that say why (projects.routing). `years`: the proposal's years, where the
    caller has read them already."""
    thresholds = thresholds or thresholds_in_force()
    cost = routing.whole_life_cost(proposal.years.all() if years is None else years)
    answers = {field: getattr(proposal, field) for field in routing.RISK_QUESTIONS}
    assessment = routing.risk_potential(answers, cost=cost, thresholds=thresholds)
    return (
        cost,
        assessment,
        routing.route(cost=cost, potential=assessment.potential, thresholds=thresholds),
    )


# The proposal page's short lists below are read as plain SQL: a few rows each, which
# the ORM costs more to ask for (a thousand or more calls a query) than to read. Each
# is held equal to the ORM query it replaced by a test (test_proposal_detail_tags); only
# model table and column names go into the text, the proposal's pk is a parameter.

YEAR_FIELDS = tuple(field.attname for field in ProposalYear._meta.concrete_fields)


def years_for_detail(proposal: Proposal) -> list[ProposalYear]:
    """`list(proposal.years.all())`: the proposal's years, by financial year."""
    q = connection.ops.quote_name
    columns = ", ".join(q(field.column) for field in ProposalYear._meta.concrete_fields)
    sql = f"""
        SELECT {columns} FROM {q(ProposalYear._meta.db_table)}
        WHERE proposal_id = %s ORDER BY financial_year
    """  # noqa: S608
    return [
        ProposalYear.from_db(connection.alias, YEAR_FIELDS, row)
        for row in plainsql.read(sql, [proposal.pk], tuple(ProposalYear._meta.concrete_fields))
    ]


def events_for_detail(proposal: Proposal) -> list[ProposalEvent]:
    """`proposal.events.select_related("actor")`, oldest first, with what its timeline
    shows of each (projects.templatetags.proposal_detail.event_lines): the status it
    moved to, when, the comment and who (their names)."""
    q = connection.ops.quote_name
    event, user = q(ProposalEvent._meta.db_table), q(User._meta.db_table)
    sql = f"""
        SELECT e.to_status, e.created_at, e.comment, u.id, u.first_name, u.last_name,
               u.username
        FROM {event} e JOIN {user} u ON u.id = e.actor_id
        WHERE e.proposal_id = %s ORDER BY e.created_at, e.id
    """  # noqa: S608
    return [
        ProposalEvent(
            to_status=to_status, created_at=created_at, comment=comment, actor=_person(actor)
        )
        for to_status, created_at, comment, *actor in plainsql.read(
            sql, [proposal.pk], (None, ProposalEvent._meta.get_field("created_at"))
        )
    ]


def attachments_for_detail(proposal: Proposal) -> list[Attachment]:
    """`proposal.attachments.all()`, oldest first, with what the page lists of each."""
    q = connection.ops.quote_name
    sql = f"""
        SELECT id, original_name, kind, size FROM {q(Attachment._meta.db_table)}
        WHERE proposal_id = %s ORDER BY uploaded_at, id
    """  # noqa: S608
    return [
        Attachment(pk=pk, original_name=original_name, kind=kind, size=size)
        for pk, original_name, kind, size in plainsql.read(sql, [proposal.pk])
    ]


# What assessments_for_detail's columns are read from, where the ORM converts them.
ASSESSMENT_COLUMN_FIELDS = (
    None,
    Assessment._meta.get_field("conflict_declared"),
    None,
    Assessment._meta.get_field("weighted_score"),
)


def assessments_for_detail(proposal: Proposal) -> list[Assessment]:
    """Each member's assessment of the proposal, as `proposal.assessments.select_related(
    "assessor")` orders them (by when submitted; here those submitted at the same moment
    by pk), with what the page shows of each and its assessor's names, and its criterion
    scores as `score_rows` (the fields the page shows, as dicts): two queries of plain
    SQL (each ORM query costs more to ask than these rows to read), without building a
    model for every score or running the prefetch machinery. Only model table and
    column names go into the text; the proposal's pk is a parameter."""
    q = connection.ops.quote_name
    assessment, person = q(Assessment._meta.db_table), q(User._meta.db_table)
    sql = f"""
        SELECT a.id, a.conflict_declared, a.conflict_note, a.weighted_score,
               u.id, u.first_name, u.last_name, u.username
        FROM {assessment} a JOIN {person} u ON u.id = a.assessor_id
        WHERE a.proposal_id = %s ORDER BY a.submitted_at, a.id
    """  # noqa: S608
    assessments = [
        Assessment(
            pk=pk,
            proposal=proposal,
            conflict_declared=conflict_declared,
            conflict_note=conflict_note,
            weighted_score=weighted_score,
            assessor=_person(assessor),
        )
        for pk, conflict_declared, conflict_note, weighted_score, *assessor in plainsql.read(
            sql, [proposal.pk], ASSESSMENT_COLUMN_FIELDS
        )
    ]
    rows: dict[int, list[dict]] = {assessment.pk: [] for assessment in assessments}
    if assessments:
        for score in _score_rows(list(rows)):
            rows[score["assessment_id"]].append(score)
    for assessment in assessments:
        assessment.score_rows = rows[assessment.pk]
    return assessments


SCORE_ROW_FIELDS = ("assessment_id", "criterion_name", "weight", "score", "from_tcop", "comment")


def _score_rows(assessment_ids: list[int]) -> list[dict]:
    """`CriterionScore.objects.filter(assessment_id__in=assessment_ids).values(
    *SCORE_ROW_FIELDS)`, each assessment's scores in the model's order (its criterion's
    position, then name), as plain SQL: a handful of rows, which the ORM costs more to
    ask for than to read. Only model table names go into the text."""
    q = connection.ops.quote_name
    score, criterion = q(CriterionScore._meta.db_table), q(Criterion._meta.db_table)
    sql = f"""
        SELECT s.assessment_id, s.criterion_name, s.weight, s.score, s.from_tcop, s.comment
        FROM {score} s JOIN {criterion} c ON c.id = s.criterion_id
        WHERE s.assessment_id IN {plainsql.in_list(assessment_ids)}
        ORDER BY s.assessment_id, c.position, c.name
    """  # noqa: S608
    fields = tuple(CriterionScore._meta.get_field(name) for name in SCORE_ROW_FIELDS)
    return [
        dict(zip(SCORE_ROW_FIELDS, row, strict=True))
        for row in plainsql.read(sql, assessment_ids, fields)
    ]


@dataclass(frozen=True)
class ScoreSummary:
    score: Decimal | None
    score_low: Decimal | None
    score_high: Decimal | None
    score_count: int


def score_summary(assessments: list[Assessment]) -> ScoreSummary:
    """The mean weighted score, its spread and the number of scores (conflicts left
    out), from assessments already read for a viewer who may see them
    (policies.may_see_scores): the figures with_scores works out in the database for a
    list, here without asking the database for what the page already holds."""
    scores = [a.weighted_score for a in assessments if not a.conflict_declared]
    if not scores:
        return ScoreSummary(None, None, None, 0)
    return ScoreSummary(sum(scores) / len(scores), min(scores), max(scores), len(scores))


def case_versions(proposal: Proposal):
    """The business case as frozen at each gate, with the decision taken on it and the
    meeting that took it (not who recorded it, which the page does not show)."""
    return proposal.case_versions.select_related("decision__meeting")


# What decisions_for_detail's columns are read from, where the ORM converts them.
DECISION_COLUMN_FIELDS = (
    *(None,) * 4,
    Decision._meta.get_field("revisit_date"),
    Decision._meta.get_field("decided_at"),
    None,
    None,
    Meeting._meta.get_field("starts_at"),
)


def decisions_for_detail(proposal: Proposal) -> list[Decision]:
    """The decisions on the proposal, newest first, each with its meeting, who recorded
    it and the business case frozen with it (if any): what the proposal's page shows of
    them, and of its business case stages (case_versions_of).

    `proposal.decisions.select_related("meeting", "decided_by", "case_version")`, read
    as plain SQL (the proposal's page asks it; the ORM costs some 3,000 calls to ask for
    a decision or two): each decision with its meeting's title and start (its name and
    link) and who recorded it (their names). The frozen versions, which only proposals
    past a gate have, are read by case_versions (once, only when some decision has one)
    and set on their decisions; a decision without one holds that, as select_related
    would leave it, so asking costs no query. Only model table and column names go into
    the text; the proposal's pk is a parameter."""
    q = connection.ops.quote_name
    decision, meeting = q(Decision._meta.db_table), q(Meeting._meta.db_table)
    user, version = q(User._meta.db_table), q(BusinessCaseVersion._meta.db_table)
    sql = f"""
        SELECT d.id, d.outcome, d.rationale, d.conditions, d.revisit_date, d.decided_at,
               m.id, m.title, m.starts_at, u.id, u.first_name, u.last_name, u.username,
               v.id IS NOT NULL
        FROM {decision} d JOIN {meeting} m ON m.id = d.meeting_id
        JOIN {user} u ON u.id = d.decided_by_id
        LEFT JOIN {version} v ON v.decision_id = d.id
        WHERE d.proposal_id = %s ORDER BY d.decided_at DESC, d.id DESC
    """  # noqa: S608
    rows = plainsql.read(sql, [proposal.pk], DECISION_COLUMN_FIELDS)
    versions = (
        {version.decision_id: version for version in case_versions(proposal)}
        if any(row[-1] for row in rows)
        else {}
    )
    decisions = []
    for row in rows:
        pk, outcome, rationale, conditions, revisit_date, decided_at = row[:6]
        meeting_pk, title, starts_at = row[6:9]
        decision = Decision(
            pk=pk,
            proposal=proposal,
            outcome=outcome,
            rationale=rationale,
            conditions=conditions,
            revisit_date=revisit_date,
            decided_at=decided_at,
            meeting=Meeting(pk=meeting_pk, title=title, starts_at=starts_at),
            decided_by=_person(row[9:13]),
        )
        if pk in versions:
            decision.case_version = versions[pk]
        else:
            DECISION_CASE_VERSION.set_cached_value(decision, None)
        decisions.append(decision)
    return decisions


# A decision's case_version, the reverse of BusinessCaseVersion.decision: select_related
# caches None on it for a decision without a version, so that asking costs no query.
DECISION_CASE_VERSION = Decision._meta.get_field("case_version")


def case_versions_of(decisions: list[Decision]) -> list[BusinessCaseVersion]:
    """case_versions, from the proposal's decisions as decisions_for_detail reads them:
    a version is frozen with a decision on its proposal (services.case_freeze), so each
    version is one of theirs, already read with its decision and meeting. In
    case_versions' order."""
    versions = [
        decision.case_version
        for decision in decisions
        if hasattr(decision, "case_version")
        and decision.case_version.proposal_id == decision.proposal_id
    ]
    return sorted(versions, key=lambda version: (version.frozen_at, version.pk))


def portfolio(
    viewer,
    *,
    theme: int | None = None,
    unit: int | None = None,
    status: str | None = None,
    year: int | None = None,
) -> QuerySet[Proposal]:
    """Proposals awaiting a decision, best score first among those whose scores the
    viewer may see, then the rest (unranked for them) by reference. Approved ones are
    decided: they count against the budget (approved_costs_by_year) and are listed as
    projects."""
    proposals = Proposal.objects.filter(status__in=AWAITING_DECISION)
    if theme:
        proposals = proposals.filter(theme_links__theme_id=theme)
    if unit:
        proposals = proposals.filter(business_unit_id=unit)
    if status:
        proposals = proposals.filter(status=status)
    if year:
        proposals = proposals.filter(
            Exists(ProposalYear.objects.filter(proposal=OuterRef("pk"), financial_year=year))
        )
    shown = policies.scores_visible(viewer)
    # Only what the ranking orders by and shows of every row: not the business case's
    # long text, nor the spread and number of scores, which a page shows for its own
    # rows only (portfolio_page_scores); each would be another subquery per proposal.
    return (
        proposals.select_related("business_unit")
        .only("title", "status", "is_statutory", "business_unit__name")
        .annotate(
            scores_visible=_visibility(shown),
            score=_visible_scores("AVG", F("weighted_score"), SCORE_FIELD, shown=shown),
            total_cost=_year_total(F("capital_cost") + F("revenue_cost")),
        )
        .order_by(F("score").desc(nulls_last=True), "pk")
    )


@dataclass
class RankedProposal:
    """A proposal as the portfolio ranks and lists it, read as values: the ranking
    reads every proposal awaiting a decision, and a model instance (and its business
    unit's) for each cost more than the rest of the page. It answers what the page,
    its downloads and the recommendation ask of a Proposal; `business_unit` is the
    unit's name, which is all any of them shows. Built by `ranked` from the figures
    every reader shares (portfolio_facts), with the scores only where this reader may
    see them."""

    pk: int
    title: str
    status: str
    is_statutory: bool
    business_unit: str
    scores_visible: bool
    score: Decimal | None
    total_cost: Decimal
    # What the page shows of its own rows.
    theme_numbers: list[int] = field(default_factory=list)
    score_low: Decimal | None = None
    score_high: Decimal | None = None
    score_count: int | None = None
    year_costs: dict[int, Decimal] = field(default_factory=dict)

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return reference_of(self.pk)

    def get_status_display(self) -> str:
        return str(ProposalStatus(self.status).label)

    def get_absolute_url(self) -> str:
        return page_url("projects:proposal-detail", self.pk)


PORTFOLIO_FIGURES = "portfolio-shared-figures"


def portfolio_awaiting() -> QuerySet[Proposal]:
    """Proposals awaiting a decision, which the portfolio's filters narrow before
    `ranked` ranks them for a reader."""
    return Proposal.objects.filter(status__in=AWAITING_DECISION)


def portfolio_figures() -> dict:
    """What the portfolio shows that is the same for every reader, remembered until the
    data changes (and worked out ahead by the worker, common.precompute): each proposal
    awaiting a decision as `ranked` reads it, the ICT budgets, what approved projects
    commit, and what the filters offer. Which scores a reader may see is not in it:
    `ranked` asks policies.scores_visible on each request."""
    return dataversion.remember(PORTFOLIO_FIGURES, _portfolio_figures, timeout=RECOMMENDATION_CACHE)


def _portfolio_figures() -> dict:
    budgets = dict(
        Budget.objects.order_by("financial_year").values_list("financial_year", "amount")
    )
    return {
        "proposals": portfolio_facts(),
        "budgets": budgets,
        "committed": _approved_costs_by_year(),
        # What the filters offer: the years with a budget or a cost, the current
        # strategy's themes and the active business units, in the models' order.
        "years": sorted(set(budgets) | set(costed_years())),
        "themes": list(
            Theme.objects.filter(strategy__status="approved").values_list("pk", "number", "title")
        ),
        "units": list(BusinessUnit.objects.filter(is_active=True).values_list("pk", "name")),
    }


def portfolio_facts() -> dict[int, tuple]:
    """Each proposal awaiting a decision by pk: its title, status, statutory flag, unit's
    name and total cost; its mean weighted score, the spread and number of its scores
    (conflicts left out, as _visible_scores counts them); the numbers of the themes it
    serves; and its cost in each financial year. The same for every reader: `ranked`
    shows a reader the scores only where policies.scores_visible lets them."""
    rows = list(
        portfolio_awaiting()
        .order_by()
        .values_list(
            "pk",
            "title",
            "status",
            "is_statutory",
            "business_unit__name",
            _year_total(F("capital_cost") + F("revenue_cost")),
        )
    )
    # The few hundred awaiting a decision by pk: each read below then walks an index.
    awaiting = [row[0] for row in rows]
    scores = (
        Assessment.objects.filter(proposal__in=awaiting, conflict_declared=False)
        .order_by()
        .values("proposal")
        .annotate(
            mean=Avg("weighted_score", output_field=SCORE_FIELD),
            low=Min("weighted_score"),
            high=Max("weighted_score"),
            count=Count("pk"),
        )
        .values_list("proposal", "mean", "low", "high", "count")
    )
    spreads = {proposal: spread for proposal, *spread in scores}
    themes: dict[int, list[int]] = {}
    links = (
        ProposalTheme.objects.filter(proposal__in=awaiting)
        .order_by("proposal", "theme__number")
        .values_list("proposal_id", "theme__number")
    )
    for proposal, number in links:
        themes.setdefault(proposal, []).append(number)
    costs: dict[int, dict[int, Decimal]] = {}
    years = (
        ProposalYear.objects.filter(proposal__in=awaiting)
        .order_by("financial_year")
        .values_list("proposal_id", "financial_year", F("capital_cost") + F("revenue_cost"))
    )
    for proposal, year, cost in years:
        costs.setdefault(proposal, {})[year] = cost
    return {
        pk: (title, status, statutory, unit, total_cost, spreads.get(pk, NO_SCORES),
             themes.get(pk, []), costs.get(pk, {}))
        for pk, title, status, statutory, unit, total_cost in rows
    }  # fmt: skip


NO_SCORES = (None, None, None, None)


class ReaderMarks(NamedTuple):
    """What the portfolio asks the database for one reader, of each proposal awaiting a
    decision: whether they may see its scores (policies.scores_visible), by pk, and
    those they declared a conflict of interest on."""

    scores_visible: dict[int, bool]
    conflicted: frozenset[int]


PORTFOLIO_READER_MARKS = "portfolio-reader-marks"


def reader_marks(viewer) -> ReaderMarks:
    """The viewer's marks, remembered until the data changes and worked out ahead for
    each reader of the portfolio by the worker (common.precompute): asking them weighs
    every proposal awaiting a decision against the reader's own assessments."""
    return dataversion.remember(
        _reader_marks_key(viewer), partial(_reader_marks, viewer), RECOMMENDATION_CACHE
    )


def _reader_marks_key(viewer) -> str:
    return f"{PORTFOLIO_READER_MARKS}:{policies.viewer_key(viewer)}"


def _reader_marks(viewer) -> ReaderMarks:
    shown = policies.scores_visible(viewer)
    visible = dict(portfolio_awaiting().order_by().values_list("pk", _visibility(shown)))
    return ReaderMarks(visible, frozenset(conflicts_declared(viewer, list(visible))))


def ranked(
    proposals: QuerySet[Proposal], viewer, facts: dict[int, tuple], marks: ReaderMarks | None = None
) -> tuple[list[RankedProposal], list[RankedProposal]]:
    """The proposals (`portfolio_awaiting`, filtered) as RankedProposal from their
    `facts` (portfolio_facts): first those whose scores `viewer` may see, as the
    database answers policies.scores_visible for this request (or as `marks`, the
    viewer's reader_marks, hold it), best mean score first, then the unscored by pk;
    and apart, by pk and with no score shown, the rest, which are unranked for the
    viewer (ranking them would reveal their scores)."""
    if marks is not None:
        pks = list(proposals.order_by("pk").values_list("pk", flat=True))
        if not marks.scores_visible.keys() >= set(pks):  # changed since they were read
            marks = None
    if marks is None:
        shown = policies.scores_visible(viewer)
        visibility = list(proposals.order_by("pk").values_list("pk", _visibility(shown)))
    else:
        visibility = [(pk, marks.scores_visible[pk]) for pk in pks]
    if not facts.keys() >= {pk for pk, _ in visibility}:  # changed since the facts were read
        facts = portfolio_facts()
    # One comprehension, not a loop that appends each of a few hundred to a list (each
    # `for ... in [value]` clause only names the parts of that value).
    # fmt: off
    proposals = [
        RankedProposal(
            pk, title, status, statutory, unit, visible, mean, total_cost, themes, low, high,
            count, year_costs,
        )
        for pk, visible in visibility
        for title, status, statutory, unit, total_cost, spread, themes, year_costs in [facts[pk]]
        for mean, low, high, count in [spread if visible else NO_SCORES]
    ]
    # fmt: on
    scored = sorted(
        [(-p.score, p.pk, p) for p in proposals if p.scores_visible and p.score is not None]
    )
    unscored = [p for p in proposals if p.scores_visible and p.score is None]
    unranked = [p for p in proposals if not p.scores_visible]
    return [proposal for _, _, proposal in scored] + unscored, unranked


def costed_years() -> list[int]:
    """The financial years any proposal has costs in. A handful of years among tens of
    thousands of rows: each is found by one step along the index of years (a "skip
    scan", which PostgreSQL before 18 does only when asked like this), not by reading
    every row as DISTINCT would."""
    if connection.vendor != "postgresql":  # a development copy on SQLite
        years = ProposalYear.objects.order_by("financial_year")
        return list(years.values_list("financial_year", flat=True).distinct())
    table = connection.ops.quote_name(ProposalYear._meta.db_table)
    # Only the model's own table name goes into the text; nothing comes from outside.
    sql = f"""
        WITH RECURSIVE years(year) AS (
            (SELECT financial_year FROM {table} ORDER BY financial_year LIMIT 1)
            UNION ALL
            SELECT (
                SELECT financial_year FROM {table}
                WHERE financial_year > years.year ORDER BY financial_year LIMIT 1
            )
            FROM years WHERE years.year IS NOT NULL
        )
        SELECT year FROM years WHERE year IS NOT NULL
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [year for (year,) in cursor.fetchall()]


def budget_room(budgets: dict[int, Decimal], committed: dict[int, Decimal]) -> dict[int, Decimal]:
    """What each year's budget leaves for the proposals awaiting a decision after what
    approved projects commit: the portfolio's and every scenario's alike (so both ask the
    remembered recommendation the same question). Approved projects may already overrun
    a year's budget: then nothing is left."""
    return {
        year: max(amount - committed.get(year, 0), Decimal(0)) for year, amount in budgets.items()
    }


def portfolio_candidates(
    proposals: list[Proposal], costs: dict[int, dict[int, Decimal]] | None = None
) -> list[prioritisation.Candidate]:
    """The proposals (from `portfolio`) as the recommendation weighs them: the portfolio
    page's and every scenario's baseline alike. `costs` if already read."""
    if costs is None:
        costs = portfolio_costs([p.pk for p in proposals])
    return [
        prioritisation.Candidate(
            key=p.pk,
            label=str(p),
            score=float(p.score) if p.score is not None else None,
            costs=costs.get(p.pk, {}),
            statutory=p.is_statutory,
        )
        for p in proposals
    ]


def portfolio_costs(proposal_ids: list[int]) -> dict[int, dict[int, Decimal]]:
    """Each proposal's cost in each financial year, as plain numbers: the ranking's
    running totals and the recommendation weigh every proposal awaiting a decision,
    and reading them as rows, not models, keeps that cheap for a thousand."""
    rows = (
        ProposalYear.objects.filter(proposal_id__in=proposal_ids)
        .order_by("financial_year")
        .values_list("proposal_id", "financial_year", F("capital_cost") + F("revenue_cost"))
    )
    costs: dict[int, dict[int, Decimal]] = {}
    for proposal_id, year, cost in rows:
        costs.setdefault(proposal_id, {})[year] = cost
    return costs


def conflicts_declared(user, proposal_ids) -> set[int]:
    """Which of these proposals the user declared a conflict of interest on: the few
    the user declared, narrowed here, rather than a list of every proposal id sent to
    the database and read back. None of none, without asking.

    Asked in SQL, as strategic_links is: the portfolio asks it on each page a member
    opens, and the ORM's query costs that page a thousand calls to build, many times
    what reading the few rows costs. Only the model's table and column names go into
    the text; the user's pk is a parameter."""
    if not proposal_ids:
        return set()
    q = connection.ops.quote_name
    table = q(Assessment._meta.db_table)
    proposal, assessor, conflict = (
        q(Assessment._meta.get_field(name).column)
        for name in ("proposal", "assessor", "conflict_declared")
    )
    sql = f"SELECT {proposal} FROM {table} WHERE {assessor} = %s AND {conflict}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk])
        declared = {pk for (pk,) in cursor.fetchall()}
    return declared & set(proposal_ids)


def proposals_awaiting_triage() -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(status__in=[ProposalStatus.SUBMITTED, ProposalStatus.IN_TRIAGE])
        .select_related("business_unit")
        .order_by("submitted_at", "pk")
    )


def proposals_to_score(user) -> QuerySet[Proposal]:
    """What this member may score now (policies.scorable)."""
    return (
        Proposal.objects.filter(policies.scorable(user))
        .select_related("business_unit")
        .order_by("submitted_at", "pk")
    )


def proposals_in_assessment() -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(status=ProposalStatus.IN_ASSESSMENT)
        .select_related("business_unit")
        .order_by("submitted_at", "pk")
    )


def proposals_ready_for_decision(viewer) -> QuerySet[Proposal]:
    """In assessment, best score first among those whose scores the viewer may see.
    Only the mean score, which orders them: the lists that use this show no scores, and
    each further figure would be another subquery per proposal in assessment."""
    return (
        proposals_visible_to(viewer)
        .filter(status=ProposalStatus.IN_ASSESSMENT)
        .select_related("business_unit")
        .annotate(score=visible_mean_score(viewer))
        .order_by(F("score").desc(nulls_last=True), "pk")
    )


def in_assessment_marks(viewer) -> list[tuple[int, bool, bool]]:
    """Each proposal in assessment the viewer may see, as (pk, whether they may see its
    scores, whether they may score it now), oldest submitted first as
    proposals_to_score orders them: what the home page's two panels on proposals in
    assessment (ready_for_decision_rows, to_score_rows) ask the database, answered by
    policies.scores_visible and policies.scorable in one query."""
    return list(
        proposals_visible_to(viewer)
        .filter(status=ProposalStatus.IN_ASSESSMENT)
        .order_by("submitted_at", "pk")
        .values_list(
            "pk",
            _visibility(policies.scores_visible(viewer)),
            _visibility(policies.scorable(viewer)),
        )
    )


def ready_for_decision_rows(
    viewer, facts: dict[int, tuple], limit: int, marks: list[tuple] | None = None
) -> list[tuple]:
    """The first `limit` of proposals_ready_for_decision(viewer), in its order, as
    (pk, title, unit's name): which of them the viewer may see, and whose scores, the
    database answers for this request (in_assessment_marks, unless given its `marks`);
    the titles, units and mean scores come from the `facts` every reader shares
    (portfolio_facts, which hold every proposal awaiting a decision), so no score is
    worked out per request. Those with no score the viewer may see come last, by pk,
    as the query's NULLS LAST orders them."""
    marks = in_assessment_marks(viewer) if marks is None else marks
    facts = _facts_holding([pk for pk, *_ in marks], facts)
    scored, rest = [], []
    for pk, scores_shown, _ in marks:
        mean = facts[pk][5][0] if scores_shown else None
        if mean is None:
            rest.append(pk)
        else:
            scored.append((-mean, pk))
    scored.sort()
    rest.sort()
    first = [pk for _, pk in scored] + rest
    return [(pk, facts[pk][0], facts[pk][3]) for pk in first[:limit]]


def to_score_rows(
    viewer, facts: dict[int, tuple], limit: int, marks: list[tuple] | None = None
) -> list[tuple]:
    """The first `limit` of proposals_to_score(viewer), in its order, as (pk, title,
    unit's name): which the viewer may score from the database (in_assessment_marks,
    unless given its `marks`: a proposal they may score is one in assessment they may
    see), the titles and units from the `facts` every reader shares (portfolio_facts)."""
    marks = in_assessment_marks(viewer) if marks is None else marks
    first = [pk for pk, _, may_score in marks if may_score][:limit]
    facts = _facts_holding(first, facts)
    return [(pk, facts[pk][0], facts[pk][3]) for pk in first]


def _facts_holding(pks: list[int], facts: dict[int, tuple]) -> dict[int, tuple]:
    """`facts`, or portfolio_facts read afresh if the data changed since they were read
    and they miss any of `pks`."""
    if any(pk not in facts for pk in pks):
        return portfolio_facts()
    return facts


def unit_proposals_needing_action(unit) -> QuerySet[Proposal]:
    return Proposal.objects.filter(business_unit=unit, status__in=EDITABLE_STATUSES).order_by(
        "-updated_at"
    )


def projects_visible_to(user) -> QuerySet[Project]:
    return Project.objects.filter(policies.projects_visible(user)).select_related(
        "proposal__business_unit", "project_manager"
    )


# What the projects list page shows of each row: not the business case's long text.
PROJECT_LISTED_FIELDS = (
    "status",
    "last_update_on",
    "proposal__title",
    "proposal__business_unit__name",
    "project_manager__username",
    "project_manager__first_name",
    "project_manager__last_name",
)


def projects_listed(user) -> QuerySet[Project]:
    """The projects list page's rows: those the user may see, with whether each is due
    a progress update (projects_needing_update), worked out in the same query."""
    return (
        projects_visible_to(user)
        .only(*PROJECT_LISTED_FIELDS)
        .annotate(
            update_overdue=Case(
                When(_needs_update(), then=True), default=False, output_field=BooleanField()
            )
        )
    )


def _needs_update() -> Q:
    """In delivery with no progress update for over a month."""
    cutoff = timezone.localdate() - UPDATE_OVERDUE_AFTER
    return Q(status=ProjectStatus.IN_DELIVERY) & (
        Q(last_update_on__lt=cutoff) | Q(last_update_on__isnull=True, started_on__lt=cutoff)
    )


def projects_needing_update(*, manager=None) -> QuerySet[Project]:
    """Projects in delivery with no progress update for over a month."""
    projects = Project.objects.filter(_needs_update())
    if manager is not None:
        projects = projects.filter(project_manager=manager)
    return projects.select_related("proposal__business_unit", "project_manager").order_by(
        F("last_update_on").asc(nulls_first=True), "pk"
    )


def recommendation(
    candidates: list[prioritisation.Candidate], room: dict[int, Decimal]
) -> prioritisation.Recommendation:
    """The recommended set, remembered for the same candidates and budget room: the
    search can take its whole time limit, and its answer depends only on these inputs and
    on that limit (a longer search may prove a better set). Remembering it also keeps the
    page showing the same set, and the same gap, to every reader until something changes.

    Kept by its inputs, not by the data version, so it is never stale, and a change that
    leaves the candidates and the budgets as they were (most changes) finds it ready: it
    is stored work, not a remembered page, so PAGE_CACHE=off leaves it on."""
    inputs = repr(
        (
            sorted(
                (c.key, c.label, c.score, sorted(c.costs.items()), c.statutory) for c in candidates
            ),
            sorted(room.items()),
            settings.PRIORITISATION_TIME_LIMIT,
        )
    )
    key = "portfolio-recommendation:" + hashlib.sha256(inputs.encode()).hexdigest()
    remembered = cache.get(key)
    if remembered is None:
        answer = prioritisation.recommend(candidates, room)
        # Only the answer is kept, not the candidates it was given: those are at hand,
        # and unpickling them again would cost as much as the page.
        remembered = (
            [(choice.candidate.key, choice.selected, choice.reason) for choice in answer.choices],
            {field: getattr(answer, field) for field in RECOMMENDATION_FIGURES},
        )
        cache.set(key, remembered, timeout=RECOMMENDATION_CACHE)
    choices, figures = remembered
    by_key = {candidate.key: candidate for candidate in candidates}
    return prioritisation.Recommendation(
        choices=[prioritisation.Choice(by_key[k], selected, why) for k, selected, why in choices],
        **figures,
    )


APPROVED_COSTS = "approved-costs-by-year"


def approved_costs_by_year() -> dict[int, object]:
    """What approved proposals already commit, per financial year: a sum over every
    approved proposal, so remembered until the data changes (never stale)."""
    return dataversion.remember(
        APPROVED_COSTS, _approved_costs_by_year, timeout=RECOMMENDATION_CACHE
    )


def figures_to_precompute() -> list[precompute.Figure]:
    """The portfolio's sums over every approved proposal, what it shows every reader
    alike (portfolio_figures) and each reader's marks (reader_marks), worked out after
    each change (common.precompute)."""
    return [
        precompute.Figure(APPROVED_COSTS, _approved_costs_by_year, RECOMMENDATION_CACHE),
        precompute.Figure(PORTFOLIO_FIGURES, _portfolio_figures, RECOMMENDATION_CACHE),
        *(
            precompute.Figure(
                _reader_marks_key(reader), partial(_reader_marks, reader), RECOMMENDATION_CACHE
            )
            for reader in people_with_role(*policies.PORTFOLIO_READERS)
        ),
    ]


def someone_who_sees_every_score():
    """A person for whom the whole portfolio is ranked, so the recommended set can be
    worked out ahead for them (and anyone whose ranking is the same); None if nobody."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.HEAD_OF_ICT)
        .order_by("pk")
        .first()
    )


def _approved_costs_by_year() -> dict[int, object]:
    rows = (
        ProposalYear.objects.filter(proposal__status__in=APPROVED_STATUSES)
        .values("financial_year")
        .annotate(total=Sum(F("capital_cost") + F("revenue_cost")))
    )
    return {row["financial_year"]: row["total"] for row in rows}


def _spend_to_date_on(day: datetime.date):
    """A project's spend to date as its latest progress update on or before `day`
    reported it (updates state the running total, so they are not added up)."""
    latest = ProgressUpdate.objects.filter(project=OuterRef("pk"), reported_on__lte=day)
    return Coalesce(
        Subquery(latest.order_by("-reported_on", "-pk").values("actual_spend_to_date")[:1]),
        Value(Decimal(0)),
        output_field=DecimalField(),
    )


def _projects_counted(financial_year: int) -> list[dict]:
    """The projects the year's cost and spend count: every project in delivery at any
    time in the year, that is started by its last day and not closed before its first
    (in delivery now, or closed during the year, or since). Each with its planned cost
    in the year and its spend in the year: spend to date at the year's end less spend
    to date before it began."""
    start = datetime.date(financial_year, 4, 1)
    end = datetime.date(financial_year + 1, 3, 31)
    planned = (
        ProposalYear.objects.filter(proposal=OuterRef("proposal"), financial_year=financial_year)
        .order_by()  # one row a year at most: its ordering would only join the proposal
        .values(total=F("capital_cost") + F("revenue_cost"))
    )
    rows = (
        Project.objects.filter(started_on__lte=end)
        .exclude(closed_on__lt=start)
        .annotate(
            planned_cost=Coalesce(
                Subquery(planned[:1]), Value(Decimal(0)), output_field=DecimalField()
            ),
            spend_before=_spend_to_date_on(start - datetime.timedelta(days=1)),
            spend_at_end=_spend_to_date_on(end),
        )
        .order_by("proposal_id")
        # Plain rows, not models: a year counts thousands of projects on a large
        # council's data, and building a model for each cost more than the query.
        .values(
            "proposal_id",
            "proposal__title",
            "proposal__business_unit__name",
            "status",
            "started_on",
            "closed_on",
            "planned_cost",
            "spend_before",
            "spend_at_end",
        )
    )
    status_labels = dict(ProjectStatus.choices)
    return [
        {
            "reference": reference_of(row["proposal_id"]),
            "title": row["proposal__title"],
            "business_unit": row["proposal__business_unit__name"],
            "status": status_labels[row["status"]],
            "started_on": row["started_on"].isoformat(),
            "closed_on": row["closed_on"].isoformat() if row["closed_on"] else None,
            "planned_cost": row["planned_cost"],
            "spend_before": row["spend_before"],
            "spend_at_end": row["spend_at_end"],
            "spend_in_year": row["spend_at_end"] - row["spend_before"],
        }
        for row in rows
    ]


def year_summary(financial_year: int) -> dict:
    """The year's governance and delivery figures for the annual report.

    Money compared is counted over the same projects: planned cost and spend over the
    projects in delivery at any time in the year (listed in `counted`, so the totals
    are their sums); savings planned and realised over every approved project, since
    savings go on after a project closes."""
    start = datetime.date(financial_year, 4, 1)
    end = datetime.date(financial_year + 1, 3, 31)
    # The year's days as a range of moments, from its first midnight to the next year's
    # (as `__date` would compare them, in the council's time zone), so an index on the
    # moment finds them: `__date` would work the date out for every proposal.
    first_moment = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    after_moment = timezone.make_aware(
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
    )
    in_year = Q(decided_at__gte=first_moment, decided_at__lt=after_moment)
    received = Proposal.objects.filter(
        submitted_at__gte=first_moment, submitted_at__lt=after_moment
    ).count()
    decided = list(
        Proposal.objects.filter(in_year)
        .select_related("business_unit")
        .values("status", "business_unit__name", "submitted_at", "decided_at")
    )
    outcomes: dict[str, int] = {}
    by_unit: dict[str, dict] = {}
    days = []
    for row in decided:
        label = ProposalStatus(row["status"]).label
        outcomes[label] = outcomes.get(label, 0) + 1
        unit = by_unit.setdefault(row["business_unit__name"], {"decided": 0, "approved": 0})
        unit["decided"] += 1
        unit["approved"] += row["status"] in APPROVED_STATUSES
        if row["submitted_at"]:
            days.append((row["decided_at"] - row["submitted_at"]).days)
    outcomes = {label: outcomes[label] for label in ProposalStatus.labels if label in outcomes}
    for unit in by_unit.values():
        unit["approval_rate"] = round(100 * unit["approved"] / unit["decided"], 1)
    savings_planned = ProposalYear.objects.filter(
        financial_year=financial_year, proposal__project__isnull=False
    ).aggregate(total=Sum("cashable_savings"))["total"]
    realised = BenefitRealised.objects.filter(financial_year=financial_year).aggregate(
        total=Sum("cashable_savings")
    )["total"]
    counted = _projects_counted(financial_year)
    budget = Budget.objects.filter(financial_year=financial_year).first()
    projects = Project.objects.all()

    def per_theme(queryset, path):
        rows = queryset.values(f"{path}theme_links__theme__number").annotate(
            n=Count("pk", distinct=True)
        )
        return {row[f"{path}theme_links__theme__number"]: row["n"] for row in rows}

    approved = per_theme(Proposal.objects.filter(in_year, status__in=APPROVED_STATUSES), "")
    delivering = per_theme(projects.filter(status=ProjectStatus.IN_DELIVERY), "proposal__")
    closed = per_theme(projects.filter(closed_on__gte=start, closed_on__lte=end), "proposal__")
    by_theme = {
        number: {
            "approved_in_year": approved.get(number, 0),
            "in_delivery": delivering.get(number, 0),
            "closed_in_year": closed.get(number, 0),
        }
        for number in sorted(n for n in {*approved, *delivering, *closed} if n is not None)
    }
    return {
        "received": received,
        "decided": len(decided),
        "outcomes": outcomes,
        "median_days_to_decision": statistics.median(days) if days else None,
        "approval_by_unit": dict(sorted(by_unit.items())),
        "approved_in_year": sum(1 for r in decided if r["status"] in APPROVED_STATUSES),
        "in_delivery": projects.filter(status=ProjectStatus.IN_DELIVERY).count(),
        "closed_in_year": projects.filter(closed_on__gte=start, closed_on__lte=end).count(),
        "by_theme": by_theme,
        "budget": budget.amount if budget else None,
        "counted": counted,
        "planned_cost": sum((row["planned_cost"] for row in counted), Decimal(0)),
        "spend_in_year": sum((row["spend_in_year"] for row in counted), Decimal(0)),
        "savings_planned": savings_planned or 0,
        "savings_realised": realised or 0,
    }


def projects_with_latest_update() -> QuerySet[Project]:
    """Projects in delivery, each with its latest update's RAG, in one query."""
    latest = ProgressUpdate.objects.filter(project=OuterRef("pk")).order_by("-reported_on", "-pk")
    return (
        Project.objects.filter(status=ProjectStatus.IN_DELIVERY)
        .select_related("proposal__business_unit", "project_manager")
        .annotate(
            rag=Subquery(latest.values("rag_overall")[:1]),
            percent=Subquery(latest.values("percent_complete")[:1]),
        )
        .order_by("proposal__title")
    )


# ------------------------------------------------------------ contracts, transparency


def contracts_of(project: Project) -> QuerySet[Contract]:
    """A project's contracts; the caller has already found the project visible."""
    return project.contracts.all()


def contract_for_edit(user, project_pk: int, contract_pk: int) -> Contract:
    """A contract of a project the user may see, else 404."""
    return get_object_or_404(
        Contract.objects.filter(project__in=projects_visible_to(user)).select_related(
            "project__proposal"
        ),
        project_id=project_pk,
        pk=contract_pk,
    )


def transparency_contracts() -> QuerySet[Contract]:
    """What the transparency dataset holds now: every contract over the Code's
    threshold (over, not at: £5,000.00 is out) let for a project of an approved
    proposal. A project exists only once its proposal is approved; the status is
    asked as well so that the dataset never depends on that staying so."""
    return (
        Contract.objects.filter(
            total_value__gt=TRANSPARENCY_THRESHOLD,
            project__proposal__status__in=APPROVED_STATUSES,
        )
        .select_related("project__proposal")
        .order_by("reference", "pk")
    )


def transparency_published() -> TransparencyPublication | None:
    """The latest publication: what the public files serve."""
    return TransparencyPublication.objects.first()
