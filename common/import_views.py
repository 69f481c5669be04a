"""The import pages (common.imports): the kinds a person may import, a template per
kind, the upload, the preview with every bad row named, the confirm and the progress.

The pages are open to anyone who may import some kind; each kind's page asks that
kind's importer (which asks its app's policies.py). A run's page is shown to those who
may import its kind (a second Head of ICT can follow a colleague's import, as they
could import the file themselves; anyone else gets a 404), but only the person who
uploaded the file may confirm it (common.imports.import_confirm)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import TemplateView

from . import imports
from .errors import WorkflowError
from .exports import XLSX_TYPE, attachment
from .forms import GDSFormMixin, add_service_errors
from .models import ImportRun
from .permissions import RoleRequiredMixin
from .views import ServiceFormView


class ImportPageMixin(RoleRequiredMixin):
    @classmethod
    def allows(cls, user) -> bool:
        return imports.may_import_any(user)


class KindMixin(ImportPageMixin):
    def load_objects(self):
        self.importer = imports.importer(self.kwargs["kind"])
        if self.importer is None:
            raise Http404
        if not self.importer.allows(self.request.user):
            raise PermissionDenied("Your role does not let you import this.")


class RunMixin(ImportPageMixin):
    def load_objects(self):
        self.run = get_object_or_404(ImportRun, pk=self.kwargs["pk"])
        self.importer = imports.importer(self.run.kind)
        if self.importer is None or not self.importer.allows(self.request.user):
            raise Http404


class ImportIndexView(ImportPageMixin, TemplateView):
    template_name = "common/import_index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            importers=imports.importers_for(self.request.user),
            runs=ImportRun.objects.filter(uploaded_by=self.request.user).order_by(
                "-created_at", "-pk"
            )[:10],
            **kwargs,
        )


class ImportFileForm(GDSFormMixin, forms.Form):
    submit_label = "Upload and check"
    file = forms.FileField(
        label="Excel or CSV file",
        help_text="An .xlsx or .csv file up to 10 MB. Nothing is saved until you have "
        "checked the preview and confirmed.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class ImportUploadView(KindMixin, ServiceFormView):
    form_class = ImportFileForm
    template_name = "common/import_upload.html"

    def form_valid(self, form):
        # No "saved" banner: nothing is saved yet, and the run's page says what the
        # check found.
        try:
            run = self.perform(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return redirect(run)

    def get_context_data(self, **kwargs):
        return super().get_context_data(importer=self.importer, **kwargs)

    def perform(self, form):
        try:
            return imports.import_upload(
                user=self.request.user, kind=self.importer.name, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from error


class ImportTemplateView(KindMixin, View):
    def get(self, request, kind):
        return attachment(
            imports.template_bytes(self.importer),
            filename=f"{self.importer.name}-import-template.xlsx",
            content_type=XLSX_TYPE,
        )


class ImportRunView(RunMixin, TemplateView):
    template_name = "common/import_run.html"

    def get_context_data(self, **kwargs):
        preview = self.run.preview
        creating = [r for r in preview if r.get("action") == imports.CREATE]
        changing = [r for r in preview if r.get("action") == imports.CHANGE]
        return super().get_context_data(
            run=self.run,
            importer=self.importer,
            may_confirm=self.run.uploaded_by_id == self.request.user.pk,
            bad_rows=[r for r in preview if r.get("errors")],
            creating=creating,
            changing=changing,
            to_import=len(creating) + len(changing),
            unchanged=sum(1 for r in preview if r.get("action") == imports.UNCHANGED),
            **kwargs,
        )


class ImportRunStatusView(RunMixin, View):
    """For the progress bar's script (static/js/report-progress.js)."""

    def get(self, request, pk):
        return JsonResponse(
            {
                "status": self.run.status,
                "status_label": self.run.get_status_display(),
                "progress": self.run.progress,
                "stage": self.run.get_status_display(),
                "finished": not self.run.in_progress,
            }
        )


class ImportConfirmView(RunMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            run = imports.import_confirm(user=request.user, run=self.run)
        except WorkflowError as error:
            messages.error(request, str(error))
            return redirect(self.run)
        if run.status == "done":
            messages.success(request, "The file has been imported.")
        return redirect(run)
