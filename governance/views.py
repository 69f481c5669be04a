from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView, ListView, RedirectView, TemplateView

from common.errors import WorkflowError
from common.exports import attachment
from common.fragments import Deferred
from common.fy import financial_year_of
from common.lists import DeclaredListMixin
from common.permissions import RoleRequiredMixin
from common.roles import Role
from common.slots import Slot, sections_for
from common.views import ObjectHistoryView, ServiceFormView

from . import kpis, lists, meetings, minutes, policies, selectors, services
from .choices import AttendanceStatus, KPIValueStatus, MeetingStatus
from .forms import (
    ActionPlanItemForm,
    AttendanceForm,
    ComparatorForm,
    KPIForm,
    MeasurementForm,
    MeetingForm,
    MinutesForm,
    ObjectiveForm,
    TargetForm,
    TermsOfReferenceForm,
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


class StrategyDetailView(DeclaredListMixin, RoleRequiredMixin, DetailView):
    """The strategy on one page: themes with objectives and action plan, principles.
    Downloaded, its action plan."""

    model = Strategy
    template_name = "governance/strategy_detail.html"
    declared = lists.action_plan_list

    def filter_data(self):
        data = super().filter_data()
        data["strategy"] = self.kwargs["pk"]
        return data

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            themes=Deferred(selectors.action_plan_of, self.object.themes.all()),
            principles=self.object.principles.all(),
            **kwargs,
        )


class ThemeDetailView(RoleRequiredMixin, DetailView):
    queryset = Theme.objects.select_related("strategy")
    template_name = "governance/theme_detail.html"

    def get_context_data(self, **kwargs):
        (theme_with_plan,) = selectors.action_plan_of(Theme.objects.filter(pk=self.object.pk))
        return super().get_context_data(
            theme_with_plan=theme_with_plan,
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




class MeetingListView(DeclaredListMixin, RoleRequiredMixin, TemplateView):
    declared = lists.meeting_list
    template_name = "governance/meeting_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            in_session=selectors.meetings_with_status(MeetingStatus.IN_SESSION),
            upcoming=selectors.meetings_with_status(MeetingStatus.SCHEDULED),
            past=selectors.meetings_past()[:50],
            can_schedule=policies.may_organise_meetings(self.request.user),
            **kwargs,
        )


class MeetingMixin:
    """Loads the meeting from the URL. A page whose rule (`refusal`) refuses this
    meeting now sends the person back to the meeting, saying why (`_refused`)."""

    def load_objects(self):
        queryset = Meeting.objects.select_related("chair")
        self.meeting = get_object_or_404(queryset, pk=self.kwargs["pk"])
        self.extra_context = {"meeting": self.meeting}

    def refusal(self) -> str | None:
        return None

    def _refused(self):
        refusal = self.refusal()
        if refusal is None:
            return None
        messages.error(self.request, refusal)
        return redirect(self.meeting.get_absolute_url())

    def get_success_url(self, result=None):
        return self.meeting.get_absolute_url()


class MeetingFormMixin(MeetingMixin):
    """A form about the meeting, shown only while its rule allows it."""

    def get(self, request, *args, **kwargs):
        return self._refused() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self._refused() or super().post(request, *args, **kwargs)


class MeetingCreateView(ServiceFormView):
    allowed_roles = policies.MEETING_ORGANISERS
    form_class = MeetingForm
    template_name = "governance/meeting_form.html"
    success_message = "Meeting scheduled."

    def perform(self, form):
        return services.meeting_save(user=self.request.user, fields=form.meeting_fields())


class MeetingUpdateView(MeetingFormMixin, ServiceFormView):
    allowed_roles = policies.MEETING_ORGANISERS
    form_class = MeetingForm
    template_name = "governance/meeting_form.html"
    success_message = "Meeting updated."

    def refusal(self):
        return policies.meeting_change_refusal(self.request.user, self.meeting)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.meeting}

    def perform(self, form):
        return services.meeting_save(
            user=self.request.user, meeting=self.meeting, fields=form.meeting_fields()
        )


# The steps of a meeting's life taken by a button on its page (the minutes are drafted
# on a page of their own).
STEP_BUTTONS = {
    "open": "governance:meeting-open",
    "close": "governance:meeting-close",
    "approve_minutes": "governance:meeting-minutes-approve",
    "cancel": "governance:meeting-cancel",
}


class MeetingDetailView(RoleRequiredMixin, DetailView):
    """The meeting: where it is in its life and what its chair may do next, its quorum
    and attendance, and its agenda (each app's section)."""

    allowed_roles = policies.MEETING_READERS
    queryset = Meeting.objects.select_related("chair", "minutes_approved_by")
    template_name = "governance/meeting_detail.html"

    def get_context_data(self, **kwargs):
        user, meeting = self.request.user, self.object
        return super().get_context_data(
            sections=sections_for(Slot.MEETING_AGENDA, user=user, meeting=meeting),
            attendance=minutes.attendance_of(meeting),
            quorum=meetings.quorum_of(meeting),
            steps=[
                (policies.STEPS[action], reverse(url_name, args=[meeting.pk]))
                for action, url_name in STEP_BUTTONS.items()
                if policies.step_refusal(user, meeting, action) is None
            ],
            can_draft_minutes=policies.step_refusal(user, meeting, "draft_minutes") is None,
            can_keep_attendance=policies.attendance_refusal(user, meeting) is None,
            can_edit=policies.meeting_change_refusal(user, meeting) is None,
            **kwargs,
        )


class MeetingStepView(MeetingMixin, RoleRequiredMixin, View):
    """Open or close the meeting, approve its minutes, or cancel it: a button on the
    meeting's page."""

    http_method_names = ["post"]
    action = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # Who may press the button is who may take the step (policies.STEPS).
        cls.allowed_roles = policies.STEPS[cls.action].roles

    def post(self, request, *args, **kwargs):
        service = {
            "open": services.meeting_open,
            "close": services.meeting_close,
            "approve_minutes": services.minutes_approve,
            "cancel": services.meeting_cancel,
        }[self.action]
        try:
            service(meeting=self.meeting, user=request.user)
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, policies.STEPS[self.action].done)
        return redirect(self.meeting.get_absolute_url())


class MeetingOpenView(MeetingStepView):
    action = "open"


class MeetingCloseView(MeetingStepView):
    action = "close"


class MinutesApproveView(MeetingStepView):
    action = "approve_minutes"


class MeetingCancelView(MeetingStepView):
    action = "cancel"


class MinutesDraftView(MeetingFormMixin, ServiceFormView):
    """Draft the minutes of a held meeting, or edit the draft until it is approved."""

    allowed_roles = policies.STEPS["draft_minutes"].roles
    form_class = MinutesForm
    template_name = "governance/minutes_form.html"
    success_message = policies.STEPS["draft_minutes"].done

    def refusal(self):
        return policies.step_refusal(self.request.user, self.meeting, "draft_minutes")

    def get_initial(self):
        return {"notes": self.meeting.notes}

    def perform(self, form):
        return services.minutes_draft(
            meeting=self.meeting, user=self.request.user, notes=form.cleaned_data["notes"]
        )

    def get_success_url(self, result=None):
        return reverse("governance:meeting-minutes", args=[self.meeting.pk])


class MeetingMinutesView(RoleRequiredMixin, DetailView):
    """The minutes as they stand: drafted, approved, or the record so far."""

    allowed_roles = policies.MEETING_READERS
    queryset = Meeting.objects.select_related("chair", "minutes_approved_by")
    template_name = "governance/meeting_minutes.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            minutes=minutes.minutes_of(self.object, user=self.request.user),
            downloadable=policies.minutes_refusal(self.object) is None,
            **kwargs,
        )


class MinutesDownloadView(MeetingMixin, RoleRequiredMixin, View):
    """The drafted or approved minutes as a tagged PDF or a Word document."""

    allowed_roles = policies.MEETING_READERS
    http_method_names = ["get", "head"]
    file_format = "pdf"

    def refusal(self):
        return policies.minutes_refusal(self.meeting)

    def get(self, request, *args, **kwargs):
        return self._refused() or self._download()

    def _download(self):
        record = minutes.minutes_of(self.meeting, user=self.request.user)
        content = minutes.BUILDERS[self.file_format](record, council_name=settings.COUNCIL_NAME)
        return attachment(
            content,
            filename=minutes.filename(self.meeting, self.file_format),
            content_type=minutes.CONTENT_TYPES[self.file_format],
        )


class AttendanceView(MeetingFormMixin, ServiceFormView):
    allowed_roles = policies.ATTENDANCE_KEEPERS
    template_name = "governance/attendance_form.html"
    success_message = "Attendance saved."

    def refusal(self):
        return policies.attendance_refusal(self.request.user, self.meeting)

    def get_form(self, form_class=None):
        return AttendanceForm(
            **self.get_form_kwargs(),
            members=selectors.voting_members(),
            others=selectors.non_voting_attendees(),
        )

    def get_initial(self):
        records = {a.person_id: a.status for a in self.meeting.attendance.all()}
        initial = {
            f"member_{person.pk}": records.get(person.pk, AttendanceStatus.ABSENT)
            for person in selectors.voting_members()
        }
        others = [pk for pk, status in records.items() if status == AttendanceStatus.IN_ATTENDANCE]
        if not records and selectors.terms_of_reference().head_of_ict_attends:
            heads = selectors.non_voting_attendees().filter(groups__name=Role.HEAD_OF_ICT.value)
            others = list(heads.values_list("pk", flat=True))
        return {**initial, "in_attendance": others}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            quorum=meetings.quorum_of(self.meeting),
            terms=selectors.terms_of_reference(),
            **kwargs,
        )

    def perform(self, form):
        services.attendance_record(
            meeting=self.meeting, user=self.request.user, **form.service_arguments()
        )
        return self.meeting


class MeetingHistoryView(ObjectHistoryView):
    allowed_roles = policies.MEETING_READERS
    model = Meeting


class TermsOfReferenceView(RoleRequiredMixin, TemplateView):
    """The Governance Group's terms of reference: the quorum and who counts towards it."""

    allowed_roles = policies.MEETING_READERS
    template_name = "governance/terms_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            terms=selectors.terms_of_reference(),
            members=selectors.voting_members(),
            can_set=policies.may_set_terms(self.request.user),
            **kwargs,
        )


class TermsOfReferenceUpdateView(ServiceFormView):
    allowed_roles = policies.TERMS_SETTERS
    form_class = TermsOfReferenceForm
    template_name = "governance/terms_form.html"
    success_message = "Terms of reference saved. Meetings not yet held must meet them."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": selectors.terms_of_reference()}

    def perform(self, form):
        return services.terms_of_reference_set(
            user=self.request.user,
            fields={field: form.cleaned_data[field] for field in TermsOfReferenceForm.Meta.fields},
        )


class TermsOfReferenceHistoryView(ObjectHistoryView):
    allowed_roles = policies.MEETING_READERS

    def get_object(self, queryset=None):
        terms = selectors.terms_of_reference()
        if terms.pk is None:
            raise Http404("The terms of reference have not been set yet.")
        return terms


class KPIListView(DeclaredListMixin, RoleRequiredMixin, TemplateView):
    declared = lists.kpi_list
    template_name = "governance/kpi_list.html"

    def get_context_data(self, **kwargs):
        year = financial_year_of(timezone.localdate())
        kpis = Deferred(self.declared.rows, self.request.user, self.filterset)
        return super().get_context_data(kpis=kpis, year=year, **kwargs)


class KPIDetailView(RoleRequiredMixin, DetailView):
    """A KPI with the values the user may see (those awaiting approval only for their
    recorder and approvers), each with its target, status, RAG, trend, comparator and
    commentary."""

    queryset = KPI.objects.select_related("theme", "principle")
    template_name = "governance/kpi_detail.html"
    context_object_name = "kpi"

    def get_context_data(self, **kwargs):
        user, kpi = self.request.user, self.object
        measurements = list(
            selectors.kpi_values_visible_to(user)
            .filter(kpi=kpi)
            .select_related("recorded_by", "approved_by")
        )
        targets = {t.financial_year: t.target for t in kpi.targets.all()}
        comparators = selectors.kpi_comparators([kpi])
        rows, previous = [], None
        for m in measurements:
            year = financial_year_of(m.period_end)
            target = targets.get(year)
            rows.append(
                {
                    "measurement": m,
                    "target": target,
                    "status": kpis.status(m.value, target, kpi.direction),
                    "rag": kpis.rag(m.value, kpi.red_boundary, kpi.green_boundary, kpi.direction),
                    "trend": kpis.trend(previous, m.value, kpi.direction),
                    "comparator": comparators.get((kpi.pk, year)),
                    "approval_refusal": (
                        policies.kpi_value_approval_refusal(user, m)
                        if m.status != KPIValueStatus.APPROVED
                        else None
                    ),
                }
            )
            previous = m.value
        return super().get_context_data(
            rows=list(reversed(rows)),
            targets=sorted(targets.items()),
            comparators=sorted(comparators.values(), key=lambda c: c.financial_year),
            can_approve=policies.may_approve_kpi_values(user),
            **kwargs,
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


class KPIPartView(ServiceFormView):
    """A form for one part of a KPI (a value, a target, a comparator), on its own page."""

    allowed_roles = policies.STRATEGY_OWNERS
    template_name = "governance/kpi_value_form.html"
    heading = ""

    def load_objects(self):
        self.kpi = get_object_or_404(KPI, pk=self.kwargs["pk"])
        self.extra_context = {"kpi": self.kpi, "heading": self.heading}


class KPIMeasurementView(KPIPartView):
    allowed_roles = policies.KPI_RECORDERS
    form_class = MeasurementForm
    heading = "Record a value"
    success_message = "Value recorded. It is published once the Head of ICT approves it."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "kpi": self.kpi}

    def perform(self, form):
        services.kpi_measurement_record(user=self.request.user, kpi=self.kpi, **form.cleaned_data)
        return self.kpi


class KPITargetView(KPIPartView):
    form_class = TargetForm
    heading = "Set a target"
    success_message = "Target saved."

    def perform(self, form):
        services.kpi_target_set(user=self.request.user, kpi=self.kpi, **form.cleaned_data)
        return self.kpi


class KPIComparatorView(KPIPartView):
    form_class = ComparatorForm
    heading = "Set a comparator"
    success_message = "Comparator saved."

    def perform(self, form):
        services.kpi_comparator_set(user=self.request.user, kpi=self.kpi, **form.cleaned_data)
        return self.kpi


class KPIValueApproveView(RoleRequiredMixin, View):
    """The Approve button beside a value awaiting approval on the KPI's page."""

    allowed_roles = policies.KPI_APPROVERS

    def _measurement(self, pk):
        return get_object_or_404(
            selectors.kpi_values_visible_to(self.request.user).select_related("kpi"), pk=pk
        )

    def get(self, request, pk):
        """The button has no page of its own: its KPI's page is where to press it."""
        return redirect(self._measurement(pk).kpi.get_absolute_url())

    def post(self, request, pk):
        measurement = self._measurement(pk)
        try:
            services.kpi_measurement_approve(user=request.user, measurement=measurement)
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, f"Value for the period ending {measurement.period_end:%-d %B %Y} approved."
            )
        return redirect(measurement.kpi.get_absolute_url())


class KPIHistoryView(ObjectHistoryView):
    model = KPI
