"""The risk register, declared once (common.lists) for its page, heat map, downloads,
the API and Power BI. The filtering itself is the register selector's."""

import copy

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Prefetch

from common.lists import Column, DeclaredList, Kind, Nested, register
from governance.models import Theme, User
from projects.models import Project

from . import policies, selectors
from .choices import AssuranceFlag, Level, Register, RiskCategory, RiskStatus
from .models import Risk

ALL = "all"
# Whoever owns a risk, asked as EXISTS: joining every risk and removing the duplicates
# compared whole user rows, thousands of them. The owner filter's people, whose names
# the page offers (register_figures).
RISK_OWNERS = User.objects.filter(Exists(Risk.objects.filter(owner=OuterRef("pk"))))


class RiskFilter(django_filters.FilterSet):
    """The register's filters. With no status asked for, the open risks; "all" for
    every risk. Likelihood, impact and rating come from a click on the heat map."""

    register = django_filters.ChoiceFilter(choices=Register.choices, empty_label="All registers")
    category = django_filters.ChoiceFilter(choices=RiskCategory.choices, empty_label="All")
    owner = django_filters.ModelChoiceFilter(queryset=RISK_OWNERS, empty_label="Anyone")
    theme = django_filters.ModelChoiceFilter(
        queryset=Theme.objects.all(), field_name="themes", label="Theme", empty_label="All"
    )
    level = django_filters.ChoiceFilter(choices=Level.choices, empty_label="All")
    appetite = django_filters.ChoiceFilter(
        choices=[("outside", "Outside appetite"), ("within", "Within appetite")],
        empty_label="All",
    )
    status = django_filters.ChoiceFilter(
        choices=[*RiskStatus.choices, (ALL, "All")], empty_label=None
    )
    assurance = django_filters.ChoiceFilter(
        choices=AssuranceFlag.choices, empty_label="All", label="Assurance"
    )
    likelihood = django_filters.NumberFilter(widget=forms.HiddenInput, min_value=1, max_value=10)
    impact = django_filters.NumberFilter(widget=forms.HiddenInput, min_value=1, max_value=10)
    rating = django_filters.ChoiceFilter(
        choices=[("residual", "Residual"), ("inherent", "Inherent")], widget=forms.HiddenInput
    )

    class Meta:
        model = Risk
        fields = ["register", "category", "owner", "level", "status"]

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and not data.get("status"):
            data = data.copy()
            data["status"] = RiskStatus.OPEN
        super().__init__(data, *args, **kwargs)

    def get_form_class(self):
        """The form of the filters, made once: its fields are the same whoever asks
        (none of the filters' choices depends on the request), and each form made from
        it copies them one by one (_FilterFields)."""
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            filters = copy.deepcopy(cls.base_filters)  # the declared filters left as they are
            fields = {name: filter_.field for name, filter_ in filters.items()}
            form_class = type(f"{cls.__name__}Form", (cls._meta.form,), fields)
            form_class.base_fields = _FilterFields(form_class.base_fields)
            cls._form_class = form_class
        return cls._form_class

    def filter_queryset(self, queryset):
        return selectors.register(risks=queryset, **self.arguments())

    def arguments(self) -> dict:
        """The register selector's arguments for what was asked (bad values ignored)."""
        self.form.is_valid()  # cleaned_data holds the good values even when some are bad
        values = getattr(self.form, "cleaned_data", {})
        status = values.get("status") or RiskStatus.OPEN
        return {
            "register": values.get("register") or None,
            "category": values.get("category") or None,
            "owner": values["owner"].pk if values.get("owner") else None,
            "theme": values["theme"].pk if values.get("theme") else None,
            "level": values.get("level") or None,
            "status": None if status == ALL else status,
            "appetite": values.get("appetite") or None,
            "likelihood": int(values["likelihood"]) if values.get("likelihood") else None,
            "impact": int(values["impact"]) if values.get("impact") else None,
            "rating": values.get("rating") or "residual",
            "assurance": values.get("assurance") or None,
        }


class _DeclaredFilters(dict):
    """RiskFilter's declared filters, which each filterset copies for itself: one by
    one rather than deeply, as its filters filter nothing themselves (filter_queryset is
    the register selector's) and its form is made once (get_form_class). Each copy is
    its own filter, given its own filterset and model; what the copies share, their
    declared settings, nothing changes."""

    def __deepcopy__(self, memo):
        return {name: copy.copy(filter_) for name, filter_ in self.items()}


RiskFilter.base_filters = _DeclaredFilters(RiskFilter.base_filters)


class _FilterFields(dict):
    """The filter form's fields, which each form copies for itself (a form deep-copies
    its class's fields): those that choose a record (owner, theme) deeply, as any form
    copies them, so each form has its own queryset to evaluate; the others one by one,
    shallowly. The form only cleans what was asked (RiskFilter.arguments; the page
    writes its own filter form from the choices), and cleaning reads a field, its
    widget, choices and validators but changes none of them, so the copies may share
    them. Copied deeply, the nine fields cost the page about as much as its filtering."""

    def __deepcopy__(self, memo):
        return {
            name: copy.deepcopy(field, memo)
            if isinstance(field, forms.ModelChoiceField)
            else copy.copy(field)
            for name, field in self.items()
        }


def _project(risk) -> str | None:
    """The project whose register holds the risk, named only to those who may see it
    (RiskList.rows); None, with the column's note, for one they may not."""
    if not risk.project_id:
        return ""
    return str(risk.project) if getattr(risk, "project_visible", False) else None


def _effectiveness(risk) -> str:
    """How well a risk's controls work, in words: "2 effective, 1 not effective"."""
    counts = (
        (risk.controls_effective, "effective"),
        (risk.controls_partly_effective, "partly effective"),
        (risk.controls_not_effective, "not effective"),
        (risk.controls_not_assessed, "not yet assessed"),
    )
    return ", ".join(f"{n} {words}" for n, words in counts if n)


def _flags(risk) -> str:
    return "; ".join(AssuranceFlag(flag).label for flag in selectors.flags_of(risk))


CONTROL_COLUMNS = (
    Column("Control", lambda c: c.description),
    Column("Owner", lambda c: str(c.owner)),
    Column("Line of assurance", lambda c: c.get_line_display()),
    Column("Effectiveness", lambda c: c.get_effectiveness_display()),
    Column("Last assessed", lambda c: c.assessed_on, Kind.DATE),
    Column("Assurance evidence", lambda c: c.evidence),
)


class RiskList(DeclaredList):
    name = "risks"
    title = "Risk register"
    allowed_roles = policies.REGISTER_READERS
    filterset_class = RiskFilter
    columns = (
        Column("Reference", lambda r: r.reference),
        Column("Title", lambda r: r.title),
        Column("Category", lambda r: r.get_category_display()),
        Column("Owner", lambda r: str(r.owner)),
        Column("Cause", lambda r: r.cause),
        Column("Event", lambda r: r.event),
        Column("Consequence", lambda r: r.consequence),
        Column("Inherent likelihood", lambda r: r.inherent_likelihood, Kind.INTEGER),
        Column("Inherent impact", lambda r: r.inherent_impact, Kind.INTEGER),
        Column("Inherent score", lambda r: r.inherent_score, Kind.INTEGER),
        Column("Existing controls", lambda r: r.existing_controls),
        Column("Residual likelihood", lambda r: r.residual_likelihood, Kind.INTEGER),
        Column("Residual impact", lambda r: r.residual_impact, Kind.INTEGER),
        Column("Residual score", lambda r: r.residual_score, Kind.INTEGER),
        Column("Residual level", lambda r: r.get_residual_level_display()),
        Column("Outside appetite", lambda r: r.outside_appetite, Kind.BOOLEAN),
        Column("Target likelihood", lambda r: r.target_likelihood, Kind.INTEGER),
        Column("Target impact", lambda r: r.target_impact, Kind.INTEGER),
        Column("Target score", lambda r: r.target_score, Kind.INTEGER),
        Column("Target date", lambda r: r.target_date, Kind.DATE),
        Column("Response", lambda r: r.get_response_display()),
        Column("Proximity", lambda r: r.get_proximity_display()),
        Column(
            "Review every (days)",
            lambda r: r.review_every_days,
            Kind.INTEGER,
            name="review_every_days",
        ),
        Column("Status", lambda r: r.get_status_display()),
        Column("Next review", lambda r: r.next_review_date, Kind.DATE),
        Column("Register", lambda r: r.get_register_display()),
        Column("Project", _project, note=lambda r: "Not shown: a project you cannot see"),
        Column("Escalated from", lambda r: r.escalated_from_reference),
        Column("Escalated to", lambda r: r.escalated_to_reference),
        Column(
            "Scores differ between registers",
            lambda r: r.score_mismatch,
            Kind.BOOLEAN,
            name="score_mismatch",
        ),
        # Added with controls and assurance (Orange Book 2023). The columns above keep
        # their names, which imports and API consumers read; these say the ratings in
        # the Orange Book's words beside them.
        Column("Gross level", lambda r: r.level_label("inherent")),
        Column("Current level", lambda r: r.get_residual_level_display()),
        Column("Target level", lambda r: r.level_label("target")),
        Column("Controls recorded", lambda r: r.controls_recorded, Kind.INTEGER),
        Column("Controls effectiveness", _effectiveness),
        Column("Controls with third-line assurance", lambda r: r.controls_third_line, Kind.INTEGER),
        Column("Assurance flags", _flags),
    )
    nested = (Nested("controls", "controls.all", CONTROL_COLUMNS),)

    def rows(self, user, filterset):
        visible = Project.objects.filter(
            policies.projects_linkable(user), pk=OuterRef("project_id")
        )
        # A risk's controls are seen by whoever sees the risk, and only with it.
        return (
            selectors.with_assurance(filterset.qs)
            .select_related("matrix")
            .prefetch_related(Prefetch("controls", selectors.controls_of_risks()))
            .annotate(project_visible=Exists(visible))
        )

    def extra_sheets(self, user, rows):
        """The listed risks' controls, one a row."""
        references = {risk.pk: risk.reference for risk in rows}
        controls = selectors.controls_of_risks().filter(risk__in=list(references))
        return [(
            "Controls",
            ["Risk", *(column.header for column in CONTROL_COLUMNS)],
            [[references[c.risk_id], *(column.cell(c) for column in CONTROL_COLUMNS)]
             for c in controls.order_by("risk_id", "line", "pk")],
        )]  # fmt: skip

    def unfiltered(self, queryset):
        return self.filterset_class({"status": ALL}, queryset=queryset)

    def scoped(self, user):
        # Everyone who may read the register reads all of it (policies.REGISTER_READERS).
        return Risk.objects.select_related("project__proposal")


risk_list = register(RiskList())
