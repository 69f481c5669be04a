"""The proposals, projects and portfolio lists, declared once (common.lists) for their
pages, downloads, the API and Power BI."""

import copy
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property, lru_cache, partial

import django_filters
import django_filters.fields
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.utils.text import Truncator

from common import precompute
from common.figures import money_cell
from common.fy import financial_year_label
from common.lists import Column, DeclaredList, Kind, register
from governance.models import BusinessUnit, Theme

from . import policies, selectors, tcop
from .choices import AWAITING_DECISION, ProjectStatus, ProposalStatus
from .models import ProgressUpdate, Project, Proposal, ProposalYear

# The whole ranking is worked out (ranks and running totals run across pages); a page
# shows this many of it.
PORTFOLIO_PAGE_SIZE = 50
SCORE_HIDDEN = "Not shown until you have scored it"
CONFLICT_HIDDEN = "Not shown: you declared a conflict of interest"


TENTH = Decimal("0.1")


def _score(proposal) -> Decimal | None:
    """The mean weighted score to one place, as pages show it; None where hidden."""
    if not proposal.scores_visible or proposal.score is None:
        return None
    return proposal.score.quantize(TENTH, rounding=ROUND_HALF_UP)


def _score_count(proposal):
    return proposal.score_count if proposal.scores_visible else None


def _why_no_score(proposal) -> str | None:
    return None if proposal.scores_visible else SCORE_HIDDEN


def _tcop_summary(proposal) -> str:
    """The self-assessment in words, as the proposal page sums it up."""
    return str(
        tcop.Summary(
            met=proposal.tcop_met,
            partly_met=proposal.tcop_partly_met,
            not_met=proposal.tcop_not_met,
            points=proposal.tcop_points,
        )
    )


def _stage(proposal) -> str:
    if proposal.stage:
        return proposal.get_stage_display()
    return "Not routed yet" if proposal.status == ProposalStatus.DRAFT else "One decision"


class _CopiedCheaply:
    """A filter that each filter set copies shallowly, with its own `extra`, rather than
    deeply: django-filter deep-copies every declared filter for each filter set, with
    the choices and queryset it holds (a thousand calls for the portfolio's four). What
    a filter set changes of its filters (their parent, the choices it gives one) is its
    own either way; what it only reads is shared: the declared choices, and the
    queryset, which the form's field clones before reading it."""

    def __deepcopy__(self, memo):
        copied = copy.copy(self)
        copied.extra = self.extra.copy()
        copied.__dict__.pop("_field", None)  # each filter set's form builds its own
        if self.method is not None:
            copied.method = self.method  # a FilterMethod that asks the copy's parent
        memo[id(self)] = copied
        return copied


class ChoiceFilter(_CopiedCheaply, django_filters.ChoiceFilter):
    pass


class ModelChoiceFilter(_CopiedCheaply, django_filters.ModelChoiceFilter):
    pass


class ProposalFilter(django_filters.FilterSet):
    # Labelled as django-filter would label it from the model field, without asking it
    # to (on each request: each filter set's copy works its label out afresh).
    status = ChoiceFilter(choices=ProposalStatus.choices, label="Status", empty_label="All")

    class Meta:
        model = Proposal
        fields = ["status"]


class ProposalList(DeclaredList):
    name = "proposals"
    title = "Proposals"
    allowed_roles = policies.PROPOSAL_READERS
    filterset_class = ProposalFilter
    columns = (
        Column("Reference", lambda p: p.reference),
        Column("Title", lambda p: p.title),
        Column("Business unit", lambda p: str(p.business_unit)),
        Column("Status", lambda p: p.get_status_display()),
        Column("Business case stage", _stage),
        Column("Statutory", lambda p: p.is_statutory, Kind.BOOLEAN),
        Column("Total cost", lambda p: money_cell(p.total_cost), Kind.MONEY),
        Column("Score", _score, Kind.DECIMAL, note=_why_no_score),
        Column("Scores", _score_count, Kind.INTEGER),
        Column("Technology Code of Practice", _tcop_summary, name="tcop_self_assessment"),
        Column("Submitted", lambda p: p.submitted_at, Kind.DATETIME),
        Column("Updated", lambda p: p.updated_at, Kind.DATETIME),
    )

    def scoped(self, user):
        return selectors.proposals_listed(user)

    def rows(self, user, filterset):
        # The page shows a score and a cost; files and the API every column.
        return selectors.with_list_file_figures(filterset.qs, viewer=user)


class ProjectFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ProjectStatus.choices, empty_label="All")

    class Meta:
        model = Project
        fields = ["status"]


class ProjectList(DeclaredList):
    name = "projects"
    title = "Projects"
    allowed_roles = policies.PROPOSAL_READERS
    filterset_class = ProjectFilter
    columns = (
        Column("Reference", lambda p: p.proposal.reference),
        Column("Title", lambda p: p.proposal.title),
        Column("Business unit", lambda p: str(p.proposal.business_unit)),
        Column("Project manager", lambda p: str(p.project_manager or "")),
        Column("Status", lambda p: p.get_status_display()),
        Column("Started", lambda p: p.started_on, Kind.DATE),
        Column("Planned finish", lambda p: p.proposal.end_date, Kind.DATE),
        Column("Last update", lambda p: p.last_update_on, Kind.DATE),
        Column("Closed", lambda p: p.closed_on, Kind.DATE),
    )

    def scoped(self, user):
        return selectors.projects_listed(user)

    def rows(self, user, filterset):
        # The page reads a few fields of each row; files and the API every column.
        return filterset.qs.defer(None)

    def extra_sheets(self, user, rows):
        """The listed projects' progress updates, so the file imports back whole."""
        updates = (
            ProgressUpdate.objects.filter(project__in=[p.pk for p in rows])
            .select_related("project__proposal")
            .order_by("project__proposal_id", "reported_on", "pk")
        )
        return [(
            "Progress updates",
            ["Project", "Reported on", "Overall RAG", "Time RAG", "Cost RAG", "Scope RAG",
             "% complete", "Spend to date", "Milestones met", "Progress and issues"],
            [[u.project.proposal.reference, u.reported_on, u.get_rag_overall_display(),
              u.get_rag_time_display(), u.get_rag_cost_display(), u.get_rag_scope_display(),
              u.percent_complete, money_cell(u.actual_spend_to_date), u.milestones_met,
              u.narrative] for u in updates],
        )]  # fmt: skip


def portfolio_years() -> list[tuple[int, str]]:
    """The financial years with a budget or a proposal's costs."""
    return [(year, financial_year_label(year)) for year in selectors.portfolio_figures()["years"]]


class _Lazy(Sequence):
    """Choices worked out when first read, so a remembered portfolio page (whose filter
    form is inside the remembered part) asks the database nothing for them."""

    def __init__(self, function):
        self._function = function

    @cached_property
    def _items(self):
        return self._function()

    def __getitem__(self, index):
        return self._items[index]

    def __len__(self):
        return len(self._items)

    def __deepcopy__(self, memo):
        # The form copies its fields, and their choices: one list, read once, serves all
        # (a copy would copy the filter set whose figures `function` reads).
        return self


class _ReadyChoices(django_filters.fields.ModelChoiceIterator):
    """A model choice filter's options from choices worked out ahead (portfolio_figures),
    as its own iterator would list them, rather than from the instances it would read on
    each request. What is chosen is still checked against the filter's queryset."""

    def __init__(self, field, choices):
        super().__init__(field)
        self.ready = choices

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        yield from self.ready()

    def __len__(self):
        return len(self.ready()) + sum(
            label is not None for label in (self.field.empty_label, self.field.null_label)
        )


@lru_cache(maxsize=256)
def _theme_label(number: int, title: str) -> str:
    """The theme filter's option for a theme. Remembered: the portfolio offers the
    same few themes on every request, and truncating a title costs a hundred calls."""
    return f"Theme {number}: {Truncator(title).chars(60)}"


class PortfolioFilter(django_filters.FilterSet):
    theme = ModelChoiceFilter(
        queryset=Theme.objects.filter(strategy__status="approved").only("number", "title"),
        field_name="theme_links__theme",
        label="Theme",
        empty_label="All",
    )
    unit = ModelChoiceFilter(
        queryset=BusinessUnit.objects.filter(is_active=True).only("name"),
        field_name="business_unit",
        label="Business unit",
        empty_label="All",
    )
    status = ChoiceFilter(
        choices=[(s.value, s.label) for s in ProposalStatus if s in AWAITING_DECISION],
        label="Status",  # as for ProposalFilter's
        empty_label="All",
    )
    year = ChoiceFilter(
        choices=[], method="by_year", label="Financial year", empty_label="All years"
    )

    class Meta:
        model = Proposal
        fields = ["theme", "unit", "status", "year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["year"].extra["choices"] = _Lazy(self.year_choices)
        self.form.fields["theme"].label_from_instance = lambda theme: _theme_label(
            theme.number, theme.title
        )
        self.form.fields["theme"].iterator = partial(_ReadyChoices, choices=self.theme_choices)
        self.form.fields["unit"].iterator = partial(_ReadyChoices, choices=self.unit_choices)

    @cached_property
    def figures(self) -> dict:
        """The portfolio's figures every reader shares (selectors.portfolio_figures),
        read once for the filters and the ranking."""
        return selectors.portfolio_figures()

    def year_choices(self) -> list[tuple[int, str]]:
        return [(year, financial_year_label(year)) for year in self.figures["years"]]

    def theme_choices(self) -> list[tuple[int, str]]:
        return [(pk, _theme_label(number, title)) for pk, number, title in self.figures["themes"]]

    def unit_choices(self) -> list[tuple[int, str]]:
        return self.figures["units"]

    def by_year(self, queryset, name, value: int):
        return queryset.filter(
            Exists(ProposalYear.objects.filter(proposal=OuterRef("pk"), financial_year=int(value)))
        )


class PortfolioList(DeclaredList):
    """Proposals awaiting a decision, ranked by the scores the reader may see, then the
    rest unranked (ranking them would reveal their scores); the recommended set only
    for a reader who may see every score it weighs."""

    name = "portfolio"
    title = "Portfolio"
    allowed_roles = policies.PORTFOLIO_READERS
    filterset_class = PortfolioFilter
    has_detail = False  # a ranking has rows, not objects: each proposal is at proposals/
    columns = (
        Column("Rank", lambda row: row["rank"], Kind.INTEGER),
        Column("Reference", lambda row: row["proposal"].reference),
        Column("Title", lambda row: row["proposal"].title),
        Column("Business unit", lambda row: str(row["proposal"].business_unit)),
        Column("Status", lambda row: row["proposal"].get_status_display()),
        Column("Statutory", lambda row: row["proposal"].is_statutory, Kind.BOOLEAN),
        Column(
            "Score",
            lambda row: _score(row["proposal"]),
            Kind.DECIMAL,
            note=lambda row: row.get("hidden_because"),
        ),
        Column("Total cost", lambda row: money_cell(row["proposal"].total_cost), Kind.MONEY),
        Column(
            "Recommended",
            lambda row: ("In" if row["choice"].selected else "Out") if row["choice"] else "",
        ),
        Column("Reason", lambda row: row["choice"].reason if row["choice"] else ""),
    )

    def scoped(self, user):
        return selectors.portfolio_awaiting()

    def rows(self, user, filterset):
        return self.worked_out(user, filterset)["rows"]

    def worked_out(self, user, filterset, page_number=None) -> dict:
        figures = filterset.figures
        marks = selectors.reader_marks(user)
        ranked, unranked = selectors.ranked(filterset.qs, user, figures["proposals"], marks)
        budgets, committed = figures["budgets"], figures["committed"]
        year = filterset.form.cleaned_data.get("year") if filterset.is_valid() else None
        year = int(year) if year else None
        # Costs by year are weighed only by the recommendation and the running totals.
        costs = {p.pk: p.year_costs for p in ranked} if ranked and (year or not unranked) else {}
        recommendation = None
        if not unranked:
            recommendation = selectors.recommendation(
                selectors.portfolio_candidates(ranked, costs),
                selectors.budget_room(budgets, committed),
            )
        reasons = {c.candidate.key: c for c in recommendation.choices} if recommendation else {}
        spend = recommendation.spend if recommendation else {}
        years = sorted(set(budgets) | set(committed) | set(spend))
        summary = [
            {
                "year": year,
                "budget": budgets.get(year),
                "committed": committed.get(year, 0),
                "recommended": spend.get(year, 0),
            }
            for year in years
        ]
        for row in summary:
            if row["budget"] is not None:
                row["left"] = row["budget"] - row["committed"] - row["recommended"]
        rows, running = [], None  # None until a proposal has a cost in the year
        for rank, proposal in enumerate(ranked, start=1):
            if year and year in costs.get(proposal.pk, {}):
                running = (running or 0) + costs[proposal.pk][year]
            rows.append(
                {
                    "rank": rank,
                    "proposal": proposal,
                    "choice": reasons.get(proposal.pk),
                    "cumulative": running if year else None,
                }
            )
        rows += [
            {
                "rank": None,
                "proposal": proposal,
                "choice": None,
                "cumulative": None,
                "hidden_because": (
                    CONFLICT_HIDDEN if proposal.pk in marks.conflicted else SCORE_HIDDEN
                ),
            }
            for proposal in unranked
        ]
        page = Paginator(rows, PORTFOLIO_PAGE_SIZE).get_page(page_number)
        return {
            "rows": rows,
            "page": page,
            "summary": summary,
            "recommendation": recommendation,
            "unranked": len(unranked),
            "year": year,
            "year_choices": years,
        }


proposal_list = register(ProposalList())
project_list = register(ProjectList())
portfolio_list = register(PortfolioList())


def recommendation_to_precompute() -> list[precompute.Figure]:
    """The whole portfolio's recommended set, worked out after each change (common.
    precompute) as the person who sees every score sees it: the search can take
    seconds, and `selectors.recommendation` keeps its answer under its inputs, so the
    first person after a change whose ranking holds the same proposals finds it."""
    viewer = selectors.someone_who_sees_every_score()
    if viewer is None or not portfolio_list.allows(viewer):
        return []
    return [
        precompute.Figure(
            None, lambda: portfolio_list.worked_out(viewer, portfolio_list.filterset(viewer, {}))
        )
    ]
