"""The meetings, KPIs and action plan lists, declared once (common.lists) for their
pages, downloads, the API and Power BI."""

import django_filters
from django.utils import timezone

from common.figures import measure_cell
from common.fy import financial_year_label, financial_year_of
from common.lists import Column, DeclaredList, Kind, register

from . import policies, selectors
from .choices import RAG, ActionStatus, KPIValueStatus, MeetingStatus
from .models import KPI, ActionPlanItem, KPITarget, Meeting, Strategy, Theme


class MeetingFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=MeetingStatus.choices, empty_label="All")

    class Meta:
        model = Meeting
        fields = ["status"]


class MeetingList(DeclaredList):
    name = "meetings"
    title = "Governance Group meetings"
    allowed_roles = policies.MEETING_READERS
    filterset_class = MeetingFilter
    columns = (
        Column("Meeting", lambda m: m.title),
        Column("Date and time", lambda m: timezone.localtime(m.starts_at), Kind.DATETIME),
        Column("Location", lambda m: m.location),
        Column("Chair", lambda m: str(m.chair or "")),
        Column("Quorum", lambda m: m.quorum, Kind.INTEGER),
        Column("Status", lambda m: m.get_status_display()),
    )

    def scoped(self, user):
        return Meeting.objects.select_related("chair").order_by("-starts_at", "-pk")


class KPIFilter(django_filters.FilterSet):
    theme = django_filters.ModelChoiceFilter(queryset=Theme.objects.all(), empty_label="All")

    class Meta:
        model = KPI
        fields = ["theme"]


class KPIList(DeclaredList):
    """Every KPI with its latest value and this financial year's target."""

    name = "kpis"
    title = "KPIs"
    filterset_class = KPIFilter
    columns = (
        Column("KPI", lambda k: k.name),
        Column("Description", lambda k: k.description),
        Column("Unit", lambda k: k.unit),
        Column("Direction", lambda k: k.get_direction_display()),
        Column("Theme", lambda k: k.theme.title if k.theme else ""),
        Column("Principle", lambda k: k.principle.title if k.principle else ""),
        Column("Rate", lambda k: k.is_rate, Kind.BOOLEAN),
        Column("Numerator counts", lambda k: k.numerator_label),
        Column("Denominator counts", lambda k: k.denominator_label),
        Column("Red boundary", lambda k: measure_cell(k.red_boundary, k.unit), Kind.MEASURE),
        Column("Green boundary", lambda k: measure_cell(k.green_boundary, k.unit), Kind.MEASURE),
        Column(
            "Latest value",
            lambda k: measure_cell(k.latest.value, k.unit) if k.latest else None,
            Kind.MEASURE,
        ),
        Column("Period ending", lambda k: k.latest.period_end if k.latest else None, Kind.DATE),
        Column("Target this year", lambda k: measure_cell(k.target, k.unit), Kind.MEASURE),
        Column("Latest value approved", lambda k: _approval(k.latest)),
        Column("Status", lambda k: k.status),
        Column("RAG", lambda k: k.rag),
        Column("Trend", lambda k: k.trend),
        Column("Comparator", lambda k: _comparator(k)),
    )

    def scoped(self, user):
        return KPI.objects.select_related("theme", "principle")

    def rows(self, user, filterset):
        return selectors.kpis_with_latest(
            financial_year_of(timezone.localdate()), kpis=filterset.qs, user=user
        )

    def extra_sheets(self, user, rows):
        """Every value and target of the KPIs listed, so the file imports back whole."""
        kpis = [kpi.pk for kpi in rows]
        values = selectors.kpi_values_visible_to(user).filter(kpi__in=kpis).select_related("kpi")
        targets = KPITarget.objects.filter(kpi__in=kpis).select_related("kpi")
        return [
            (
                "KPI values",
                ["KPI", "Period ending", "Value", "Numerator", "Denominator", "Commentary",
                 "Approved"],
                [[v.kpi.name, v.period_end, measure_cell(v.value, v.kpi.unit), v.numerator,
                  v.denominator, v.note, _approval(v)]
                 for v in values.order_by("kpi__name", "period_end")],
            ),
            (
                "KPI targets",
                ["KPI", "Financial year", "Target"],
                [[t.kpi.name, financial_year_label(t.financial_year),
                  measure_cell(t.target, t.kpi.unit)]
                 for t in targets.order_by("kpi__name", "financial_year")],
            ),
        ]  # fmt: skip


def _approval(value) -> str:
    if value is None:
        return ""
    return "Yes" if value.status == KPIValueStatus.APPROVED else "Awaiting approval"


def _comparator(kpi) -> str:
    c = kpi.comparator
    if c is None:
        return ""
    figure = measure_cell(c.value, kpi.unit)
    return f"{c.organisation}, {financial_year_label(c.financial_year)}, {figure} ({c.source})"


class ActionPlanFilter(django_filters.FilterSet):
    strategy = django_filters.ModelChoiceFilter(
        queryset=Strategy.objects.all(),
        field_name="objective__theme__strategy",
        empty_label="All",
    )
    status = django_filters.ChoiceFilter(choices=ActionStatus.choices, empty_label="All")
    rag = django_filters.ChoiceFilter(choices=RAG.choices, label="RAG", empty_label="All")

    class Meta:
        model = ActionPlanItem
        fields = ["strategy", "status", "rag"]


class ActionPlanList(DeclaredList):
    name = "action-plan"
    title = "Action plan"
    filterset_class = ActionPlanFilter
    columns = (
        Column("Reference", lambda item: item.reference),
        Column("Theme", lambda item: item.objective.theme.title),
        Column("Objective", lambda item: item.objective.title),
        Column("Action", lambda item: item.title),
        Column("Owner", lambda item: str(item.owner or "")),
        Column("Lead unit", lambda item: str(item.lead_unit or "")),
        Column("Due", lambda item: item.due_date, Kind.DATE),
        Column("Status", lambda item: item.get_status_display()),
        Column("RAG", lambda item: item.get_rag_display()),
        Column("Progress (%)", lambda item: item.progress, Kind.INTEGER, name="progress"),
    )

    def scoped(self, user):
        return selectors.action_items_with_context()


meeting_list = register(MeetingList())
kpi_list = register(KPIList())
action_plan_list = register(ActionPlanList())
