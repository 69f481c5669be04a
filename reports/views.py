from django.contrib import messages
from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from common.errors import WorkflowError
from common.files import stored_file_response
from common.fragments import Deferred
from common.fy import financial_year_choices, financial_year_of
from common.lists import DeclaredListMixin
from common.permissions import RoleRequiredMixin
from common.views import ObjectHistoryView, ServiceFormView

from . import committee, documents, generation, lists, papers, policies, selectors, services
from .forms import (
    CommitteeChangeForm,
    CommitteeForm,
    CommitteeReportRequestForm,
    NarrativeForm,
    ReportRequestForm,
    ScheduleForm,
)
from .models import (
    NARRATIVE_FIELDS,
    AnnualReport,
    Committee,
    CommitteeReportFile,
    CommitteeRiskReport,
    PaperPart,
    ReportExport,
    ReportRun,
    RunStatus,
    ScheduledReport,
)

READERS = policies.REPORT_READERS
HEAD = policies.REPORT_WRITERS


class AnnualReportListView(RoleRequiredMixin, TemplateView):
    allowed_roles = READERS
    template_name = "reports/annual_list.html"

    def get_context_data(self, **kwargs):
        this_year = financial_year_of(timezone.localdate())
        return super().get_context_data(
            reports=AnnualReport.objects.select_related("finalised_by"),
            years=financial_year_choices(around=this_year, before=5, after=0),
            **kwargs,
        )


class AnnualReportStartView(RoleRequiredMixin, View):
    """Open (or start) the draft for a year."""

    allowed_roles = HEAD
    http_method_names = ["post"]

    def post(self, request):
        try:
            year = int(request.POST.get("financial_year", ""))
        except ValueError:
            messages.error(request, "Select a financial year.")
            return redirect("reports:annual-list")
        this_year = financial_year_of(timezone.localdate())
        if not this_year - 20 <= year <= this_year:
            messages.error(request, "Select a financial year that has started.")
            return redirect("reports:annual-list")
        report = services.annual_report_draft(user=request.user, financial_year=year)
        return redirect(report)


class ReportMixin:
    def load_objects(self):
        self.report = get_object_or_404(AnnualReport, pk=self.kwargs["pk"])
        self.extra_context = {"report": self.report}


class AnnualReportDetailView(ReportMixin, RoleRequiredMixin, TemplateView):
    allowed_roles = READERS
    template_name = "reports/annual_detail.html"

    def get_context_data(self, **kwargs):
        figures = Deferred(selectors.annual_report_page_figures, self.report)
        return super().get_context_data(
            figures=figures,
            sheets=Deferred(lambda: selectors.report_tables(figures())),
            charts=Deferred(lambda: selectors.report_charts(figures())),
            exports=self.report.exports.select_related("created_by")[:10],
            file_formats=documents.FORMAT_LABELS.items(),
            **kwargs,
        )


class AnnualReportNarrativeView(ReportMixin, ServiceFormView):
    allowed_roles = HEAD
    form_class = NarrativeForm
    template_name = "reports/narrative_form.html"
    success_message = "Narrative saved."

    def get_initial(self):
        return {field: getattr(self.report, field) for field, _ in NARRATIVE_FIELDS}

    def perform(self, form):
        return services.annual_report_write(
            user=self.request.user, report=self.report, narrative=form.cleaned_data
        )

    def get_conflict_url(self):
        return self.report.get_absolute_url()


class AnnualReportFinaliseView(ReportMixin, RoleRequiredMixin, View):
    allowed_roles = HEAD
    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            services.annual_report_finalise(user=request.user, report=self.report)
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Report finalised: its figures are now fixed.")
        return redirect(self.report)


class AnnualReportProduceView(ReportMixin, RoleRequiredMixin, View):
    """Make the report as a file, keep and record it, then send the browser to it.
    Making a file is a POST: a GET of a file only reads one already made."""

    allowed_roles = READERS
    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            export = services.report_file_produce(
                user=request.user,
                report=self.report,
                file_format=request.POST.get("file_format", ""),
            )
        except WorkflowError as error:
            messages.error(request, str(error))
            return redirect(self.report)
        return redirect("reports:annual-file", pk=self.report.pk, file_pk=export.pk)


class AnnualReportFileView(RoleRequiredMixin, View):
    """A file made from the report, exactly as it was recorded with its SHA-256."""

    allowed_roles = READERS

    def get(self, request, pk, file_pk):
        export = get_object_or_404(ReportExport.objects.exclude(file=""), pk=file_pk, report_id=pk)
        return stored_file_response(
            export.file,
            filename=export.filename,
            content_type=documents.CONTENT_TYPES[export.file_format],
        )


class AnnualReportHistoryView(ObjectHistoryView):
    allowed_roles = READERS
    model = AnnualReport


class ArchiveView(DeclaredListMixin, RoleRequiredMixin, TemplateView):
    """Every report produced, on schedule or on request, with its file and checksum."""

    declared = lists.report_archive_list
    template_name = "reports/archive.html"
    page_size = 50

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page=Deferred(lambda: self.paginate(self.filterset.qs)),
            schedules=Deferred(selectors.schedules_listed),
            **kwargs,
        )


class ReportRequestView(ServiceFormView):
    allowed_roles = HEAD
    form_class = ReportRequestForm
    template_name = "reports/request_form.html"
    success_message = "Your report is being produced."

    def perform(self, form):
        kind = form.cleaned_data["kind"]
        return services.report_request(
            kind=kind,
            period=generation.period_for(kind, timezone.localdate()),
            requested_by=self.request.user,
        )


class ReportRunDetailView(RoleRequiredMixin, TemplateView):
    allowed_roles = READERS
    template_name = "reports/run_detail.html"

    def get_context_data(self, **kwargs):
        run = get_object_or_404(
            ReportRun.objects.select_related("requested_by"), pk=self.kwargs["pk"]
        )
        return super().get_context_data(run=run, **kwargs)


class ReportRunStatusView(RoleRequiredMixin, View):
    """How far a run has got, for the page's progress display."""

    allowed_roles = READERS

    def get(self, request, pk):
        run = get_object_or_404(ReportRun, pk=pk)
        return JsonResponse(
            {
                "status": run.status,
                "status_label": run.get_status_display(),
                "progress": run.progress,
                "stage": run.stage,
            }
        )


class ReportRunDownloadView(RoleRequiredMixin, View):
    allowed_roles = READERS

    def get(self, request, pk):
        run = get_object_or_404(ReportRun, pk=pk, status=RunStatus.DONE)
        return stored_file_response(run.file, filename=run.filename)


class ScheduleUpdateView(ServiceFormView):
    allowed_roles = HEAD
    form_class = ScheduleForm
    template_name = "reports/schedule_form.html"
    success_message = "Schedule saved."

    def load_objects(self):
        self.schedule = get_object_or_404(
            ScheduledReport.objects.select_related("periodic_task__crontab"), pk=self.kwargs["pk"]
        )
        self.extra_context = {"schedule": self.schedule}

    def get_initial(self):
        cron = self.schedule.periodic_task.crontab
        return {
            "is_active": self.schedule.is_active,
            "recipients": self.schedule.recipients,
            "minute": cron.minute,
            "hour": cron.hour,
            "day_of_month": cron.day_of_month,
            "month_of_year": cron.month_of_year,
        }

    def perform(self, form):
        data = form.cleaned_data
        services.schedule_update(
            user=self.request.user,
            schedule=self.schedule,
            fields={"is_active": data["is_active"], "recipients": data["recipients"]},
            crontab={k: data[k] for k in ("minute", "hour", "day_of_month", "month_of_year")},
        )
        return self.schedule

    def get_success_url(self, result=None):
        return reverse("reports:archive")


# ------------------------------------------------------------ committee risk reports


class CommitteeListView(RoleRequiredMixin, TemplateView):
    """The committees the Head of ICT reports risks to, each with its reports."""

    allowed_roles = policies.COMMITTEE_PAPER_READERS
    template_name = "reports/committee_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            committees=Committee.objects.prefetch_related(
                Prefetch(
                    "risk_reports",
                    queryset=CommitteeRiskReport.objects.only(
                        "pk", "committee_id", "status", "issued_at", "created_at", "period"
                    ),
                )
            ),
            may_keep=policies.may_write_reports(self.request.user),
            **kwargs,
        )


class CommitteeCreateView(ServiceFormView):
    allowed_roles = policies.COMMITTEE_KEEPERS
    form_class = CommitteeForm
    template_name = "reports/committee_form.html"
    success_message = "Committee added."

    def perform(self, form):
        return services.committee_create(user=self.request.user, **form.cleaned_data)

    def get_success_url(self, result=None):
        return reverse("reports:committee-list")


class CommitteeChangeView(ServiceFormView):
    """Rename a committee, or stop or start its quarterly risk report."""

    allowed_roles = policies.COMMITTEE_KEEPERS
    form_class = CommitteeChangeForm
    template_name = "reports/committee_form.html"
    success_message = "Committee saved."

    def load_objects(self):
        self.committee = get_object_or_404(Committee, pk=self.kwargs["pk"])
        self.extra_context = {"committee": self.committee}

    def get_initial(self):
        return {
            "name": self.committee.name,
            "takes_quarterly_report": self.committee.takes_quarterly_report,
        }

    def perform(self, form):
        return services.committee_change(
            user=self.request.user, committee=self.committee, **form.cleaned_data
        )

    def get_success_url(self, result=None):
        return reverse("reports:committee-list")


class CommitteeHistoryView(ObjectHistoryView):
    allowed_roles = policies.COMMITTEE_PAPER_READERS
    model = Committee
    template_name = "reports/committee_history.html"


class CommitteeReportRequestView(ServiceFormView):
    """The Head of ICT produces a risk report to a committee now; it is issued in the
    background and becomes the baseline of that committee's next report."""

    allowed_roles = policies.COMMITTEE_KEEPERS
    form_class = CommitteeReportRequestForm
    template_name = "reports/committee_report_request.html"
    success_message = "The committee risk report is being produced."

    def perform(self, form):
        return services.committee_report_request(
            committee=form.cleaned_data["committee"], requested_by=self.request.user
        )


class CommitteeReportDetailView(RoleRequiredMixin, TemplateView):
    """One committee risk report: its public part for every reader, and its exempt part
    only for those reports/policies.py lets see it."""

    allowed_roles = policies.COMMITTEE_PAPER_READERS
    template_name = "reports/committee_report_detail.html"

    def get_context_data(self, **kwargs):
        report = get_object_or_404(
            CommitteeRiskReport.objects.select_related("committee", "requested_by"),
            pk=self.kwargs["pk"],
        )
        parts = policies.paper_parts_visible(self.request.user)
        issued = report.status == RunStatus.DONE
        return super().get_context_data(
            report=report,
            public=committee.paper(report.snapshot, PaperPart.PUBLIC) if issued else None,
            exempt_part=committee.paper(report.snapshot, PaperPart.EXEMPT)
            if issued and PaperPart.EXEMPT in parts
            else None,
            files=report.files.filter(part__in=parts).order_by("-part", "file_format"),
            **kwargs,
        )


class CommitteeReportFileView(RoleRequiredMixin, View):
    """A part of the report as it was issued. The exempt part is not found for anyone
    reports/policies.py does not let see it."""

    allowed_roles = policies.COMMITTEE_PAPER_READERS

    def get(self, request, pk, file_pk):
        kept = get_object_or_404(
            CommitteeReportFile,
            pk=file_pk,
            report_id=pk,
            part__in=policies.paper_parts_visible(request.user),
        )
        return stored_file_response(
            kept.file, filename=kept.filename, content_type=papers.CONTENT_TYPES[kept.file_format]
        )
