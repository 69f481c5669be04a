from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import DetailView, ListView, RedirectView, TemplateView

from common.figures import measure_cell
from common.fragments import Deferred
from common.fy import financial_year_of
from common.permissions import RoleRequiredMixin
from common.slots import Slot, sections_for
from common.views import CSVExportMixin, ObjectHistoryView, ServiceFormView

from . import kpis, policies, selectors, services
from .forms import (
    ActionPlanItemForm,
    AttendanceForm,
    KPIForm,
    KPIImportForm,
    MeasurementForm,
    MeetingForm,
    ObjectiveForm,
    TargetForm,
)
from .models import KPI, Meeting, Objective, Principle, Strategy, Theme


class CurrentStrategyView(RoleRequiredMixin, RedirectView):
    def get_redirect_url(self, *args, **kwargs):
        strategy = selectors.strategy_current()
        if strategy is None:
            raise Http404("No strategy has been set up yet.")
        return strategy.get_absolute_url()


class StrategyListView(RoleRequiredMixin, ListView):
    model = Strategy
    template_name = "governance/strategy_list.html"


class StrategyDetailView(CSVExportMixin, RoleRequiredMixin, DetailView):
    """The strategy on one page: themes with objectives and action plan, principles.
    As CSV, its action plan."""

    model = Strategy
    template_name = "governance/strategy_detail.html"
    csv_name = "action-plan"

    def csv_table(self):
        strategy = self.get_object()
        header = ["Reference", "Theme", "Objective", "Action", "Owner", "Lead unit", "Due",
                  "Status", "RAG", "Progress (%)"]  # fmt: skip
        rows = [
            [item.reference, item.objective.theme.title, item.objective.title, item.title,
             item.owner, item.lead_unit, item.due_date, item.get_status_display(),
             item.get_rag_display(), item.progress]
            for item in selectors.action_items_with_context().filter(
                objective__theme__strategy=strategy
            )
        ]  # fmt: skip
        return header, rows

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            themes=selectors.themes_with_action_plan(self.object),
            principles=self.object.principles.all(),
            **kwargs,
        )


class ThemeDetailView(RoleRequiredMixin, DetailView):
    queryset = Theme.objects.select_related("strategy")
    template_name = "governance/theme_detail.html"

    def get_context_data(self, **kwargs):
        themes = selectors.themes_with_action_plan(self.object.strategy).filter(pk=self.object.pk)
        return super().get_context_data(
            theme_with_plan=themes.get(),
            sections=sections_for(Slot.THEME, user=self.request.user, theme=self.object),
            **kwargs,
        )


class PrincipleDetailView(RoleRequiredMixin, DetailView):
    queryset = Principle.objects.select_related("strategy")
    template_name = "governance/principle_detail.html"


class ObjectiveDetailView(RoleRequiredMixin, DetailView):
    queryset = Objective.objects.select_related("theme__strategy", "owner").prefetch_related(
        "corporate_objectives"
    )
    template_name = "governance/objective_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            action_items=selectors.action_items_with_context().filter(objective=self.object),
            sections=sections_for(Slot.OBJECTIVE, user=self.request.user, objective=self.object),
            **kwargs,
        )


class ActionPlanItemDetailView(RoleRequiredMixin, DetailView):
    queryset = selectors.action_items_with_context()
    template_name = "governance/actionplanitem_detail.html"
    context_object_name = "item"


class ObjectiveCreateView(ServiceFormView):
    allowed_roles = policies.STRATEGY_OWNERS
    form_class = ObjectiveForm
    template_name = "governance/objective_form.html"
    success_message = "Objective added."

    def load_objects(self):
        self.theme = get_object_or_404(
            Theme.objects.select_related("strategy"), pk=self.kwargs["pk"]
        )
        self.extra_context = {"theme": self.theme}

    def perform(self, form):
        data = dict(form.cleaned_data)
        return services.objective_create(
            user=self.request.user,
            theme=self.theme,
            corporate_objectives=data.pop("corporate_objectives"),
            **data,
        )


class ObjectiveUpdateView(ServiceFormView):
    allowed_roles = policies.STRATEGY_OWNERS
    form_class = ObjectiveForm
    template_name = "governance/objective_form.html"
    success_message = "Objective updated."

    def load_objects(self):
        self.objective = get_object_or_404(
            Objective.objects.select_related("theme__strategy"), pk=self.kwargs["pk"]
        )
        self.theme = self.objective.theme
        self.extra_context = {"theme": self.theme, "objective": self.objective}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.objective}

    def perform(self, form):
        data = dict(form.cleaned_data)
        return services.objective_update(
            user=self.request.user,
            objective=self.objective,
            corporate_objectives=data.pop("corporate_objectives"),
            changes=data,
        )


class ActionPlanItemCreateView(ServiceFormView):
    allowed_roles = policies.STRATEGY_OWNERS
    form_class = ActionPlanItemForm
    template_name = "governance/actionplanitem_form.html"
    success_message = "Action-plan item added."

    def load_objects(self):
        self.objective = get_object_or_404(
            Objective.objects.select_related("theme__strategy"), pk=self.kwargs["pk"]
        )
        self.extra_context = {"objective": self.objective}

    def perform(self, form):
        return services.action_item_create(
            user=self.request.user, objective=self.objective, fields=form.cleaned_data
        )


class ActionPlanItemUpdateView(ServiceFormView):
    allowed_roles = policies.STRATEGY_OWNERS
    form_class = ActionPlanItemForm
    template_name = "governance/actionplanitem_form.html"
    success_message = "Action-plan item updated."

    def load_objects(self):
        self.item = get_object_or_404(selectors.action_items_with_context(), pk=self.kwargs["pk"])
        self.objective = self.item.objective
        self.extra_context = {"item": self.item, "objective": self.objective}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.item}

    def perform(self, form):
        return services.action_item_update(
            user=self.request.user, item=self.item, changes=form.cleaned_data
        )


class StrategyHistoryView(ObjectHistoryView):
    model = Strategy


class ThemeHistoryView(ObjectHistoryView):
    queryset = Theme.objects.select_related("strategy")


class PrincipleHistoryView(ObjectHistoryView):
    queryset = Principle.objects.select_related("strategy")


class ObjectiveHistoryView(ObjectHistoryView):
    queryset = Objective.objects.select_related("theme__strategy")


class ActionPlanItemHistoryView(ObjectHistoryView):
    queryset = selectors.action_items_with_context()




class MeetingListView(CSVExportMixin, RoleRequiredMixin, TemplateView):
    allowed_roles = policies.MEETING_READERS
    template_name = "governance/meeting_list.html"
    csv_name = "meetings"

    def csv_table(self):
        header = ["Meeting", "Date and time", "Location", "Chair", "Quorum", "Status"]
        rows = [
            [m.title, timezone.localtime(m.starts_at), m.location, m.chair, m.quorum,
             m.get_status_display()]
            for m in Meeting.objects.select_related("chair")
        ]  # fmt: skip
        return header, rows

    def get_context_data(self, **kwargs):
        now = timezone.now()
        meetings = Meeting.objects.select_related("chair")
        return super().get_context_data(
            upcoming=meetings.filter(starts_at__gte=now).order_by("starts_at"),
            past=meetings.filter(starts_at__lt=now).order_by("-starts_at")[:50],
            can_schedule=policies.may_organise_meetings(self.request.user),
            **kwargs,
        )


class MeetingCreateView(ServiceFormView):
    allowed_roles = policies.MEETING_ORGANISERS
    form_class = MeetingForm
    template_name = "governance/meeting_form.html"
    success_message = "Meeting scheduled."

    def perform(self, form):
        return services.meeting_save(user=self.request.user, fields=form.meeting_fields())


class MeetingUpdateView(ServiceFormView):
    allowed_roles = policies.MEETING_ORGANISERS
    form_class = MeetingForm
    template_name = "governance/meeting_form.html"
    success_message = "Meeting updated."

    def load_objects(self):
        self.meeting = get_object_or_404(Meeting, pk=self.kwargs["pk"])
        self.extra_context = {"meeting": self.meeting}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.meeting}

    def perform(self, form):
        return services.meeting_save(
            user=self.request.user, meeting=self.meeting, fields=form.meeting_fields()
        )


class MeetingDetailView(RoleRequiredMixin, DetailView):
    """The meeting with its agenda (each app's section) and attendance."""

    allowed_roles = policies.MEETING_READERS
    queryset = Meeting.objects.select_related("chair")
    template_name = "governance/meeting_detail.html"
    print_view = False

    def get_context_data(self, **kwargs):
        attendance = list(self.object.attendance.select_related("person"))
        present = sum(1 for a in attendance if a.attended)
        return super().get_context_data(
            sections=sections_for(Slot.MEETING_AGENDA, user=self.request.user, meeting=self.object),
            attendance=attendance,
            present=present,
            quorate=present >= self.object.quorum,
            can_keep_attendance=policies.may_keep_attendance(self.request.user),
            can_edit=policies.may_organise_meetings(self.request.user),
            **kwargs,
        )


class MeetingMinutesView(MeetingDetailView):
    template_name = "governance/meeting_minutes.html"


class AttendanceView(ServiceFormView):
    allowed_roles = policies.ATTENDANCE_KEEPERS
    template_name = "governance/attendance_form.html"
    success_message = "Attendance saved."

    def load_objects(self):
        self.meeting = get_object_or_404(Meeting, pk=self.kwargs["pk"])
        self.extra_context = {"meeting": self.meeting}

    def get_form(self, form_class=None):
        members = selectors.people_with_role(*policies.GOVERNANCE_GROUP)
        return AttendanceForm(**self.get_form_kwargs(), members=members)

    def get_initial(self):
        return {"present": [a.person_id for a in self.meeting.attendance.all() if a.attended]}

    def perform(self, form):
        services.attendance_record(
            meeting=self.meeting, user=self.request.user, present=form.cleaned_data["present"]
        )
        return self.meeting


class MeetingHistoryView(ObjectHistoryView):
    allowed_roles = policies.MEETING_READERS
    model = Meeting


class KPIListView(CSVExportMixin, RoleRequiredMixin, TemplateView):
    template_name = "governance/kpi_list.html"
    csv_name = "kpis"

    def csv_table(self):
        year = financial_year_of(timezone.localdate())
        header = ["KPI", "Unit", "Direction", "Latest value", "Period ending",
                  "Target this year", "Status", "Trend"]  # fmt: skip
        rows = [
            [k.name, k.unit, k.get_direction_display(),
             measure_cell(k.latest.value, k.unit) if k.latest else None,
             k.latest.period_end if k.latest else None, measure_cell(k.target, k.unit),
             k.status, k.trend]
            for k in selectors.kpis_with_latest(year)
        ]  # fmt: skip
        return header, rows

    def get_context_data(self, **kwargs):
        year = financial_year_of(timezone.localdate())
        kpis = Deferred(selectors.kpis_with_latest, year)
        return super().get_context_data(kpis=kpis, year=year, **kwargs)


class KPIDetailView(RoleRequiredMixin, DetailView):
    queryset = KPI.objects.select_related("theme", "principle")
    template_name = "governance/kpi_detail.html"
    context_object_name = "kpi"

    def get_context_data(self, **kwargs):
        measurements = list(self.object.measurements.select_related("recorded_by"))
        targets = {t.financial_year: t.target for t in self.object.targets.all()}
        rows, previous = [], None
        for m in measurements:
            target = targets.get(financial_year_of(m.period_end))
            rows.append(
                {
                    "measurement": m,
                    "target": target,
                    "status": kpis.status(m.value, target, self.object.direction),
                    "trend": kpis.trend(previous, m.value, self.object.direction),
                }
            )
            previous = m.value
        return super().get_context_data(
            rows=list(reversed(rows)), targets=sorted(targets.items()), **kwargs
        )


class KPICreateView(ServiceFormView):
    allowed_roles = policies.STRATEGY_OWNERS
    form_class = KPIForm
    template_name = "governance/kpi_form.html"
    success_message = "KPI saved."

    def perform(self, form):
        return services.kpi_save(user=self.request.user, fields=form.cleaned_data)


class KPIUpdateView(KPICreateView):
    def load_objects(self):
        self.kpi = get_object_or_404(KPI, pk=self.kwargs["pk"])
        self.extra_context = {"kpi": self.kpi}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.kpi}

    def perform(self, form):
        return services.kpi_save(user=self.request.user, kpi=self.kpi, fields=form.cleaned_data)


class KPIMeasurementView(ServiceFormView):
    allowed_roles = policies.STRATEGY_OWNERS
    form_class = MeasurementForm
    template_name = "governance/kpi_value_form.html"
    success_message = "Value recorded."

    def load_objects(self):
        self.kpi = get_object_or_404(KPI, pk=self.kwargs["pk"])
        self.extra_context = {"kpi": self.kpi, "heading": "Record a value"}

    def perform(self, form):
        services.kpi_measurement_record(user=self.request.user, kpi=self.kpi, **form.cleaned_data)
        return self.kpi


class KPITargetView(KPIMeasurementView):
    form_class = TargetForm
    success_message = "Target saved."

    def load_objects(self):
        super().load_objects()
        self.extra_context["heading"] = "Set a target"

    def perform(self, form):
        services.kpi_target_set(user=self.request.user, kpi=self.kpi, **form.cleaned_data)
        return self.kpi


class KPIHistoryView(ObjectHistoryView):
    model = KPI


class KPIImportView(ServiceFormView):
    allowed_roles = policies.STRATEGY_OWNERS
    template_name = "governance/kpi_import.html"

    def get_form(self, form_class=None):
        return KPIImportForm(**self.get_form_kwargs(), kpis=KPI.objects.all())

    def perform(self, form):
        count = services.kpi_measurements_import(
            user=self.request.user, rows=form.rows, file_name=form.cleaned_data["file"].name
        )
        self.success_message = f"{count} value{'s' if count != 1 else ''} imported."

    def get_success_url(self, result=None):
        return reverse("governance:kpi-list")
