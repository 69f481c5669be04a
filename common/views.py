from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, FormView, TemplateView
from django_celery_results.models import TaskResult

from . import policies
from .account import keep_key_to_show
from .calendar import calendar_for
from .choices import AccessTokenKind
from .emails import email_queue
from .errors import WorkflowError
from .exports import csv_response
from .forms import add_service_errors
from .forms_tokens import AccessTokenForm
from .fragments import Deferred
from .health import health_report
from .history import history_entries
from .models import AccessToken, OutboundEmail
from .permissions import RoleRequiredMixin
from .roles import roles_of
from .sessions import sign_out_everywhere
from .slots import Slot, sections_for
from .tokens import CALENDAR_FEED_NAME, token_authenticate, token_create, token_revoke


class CSVExportMixin:
    """Every list page also downloads as CSV: `?format=csv` gives what the page lists
    (all pages of it, with the same filters and the same access rules)."""

    csv_name = "export"

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") != "csv":
            return super().get(request, *args, **kwargs)
        header, rows = self.csv_table()
        return csv_response(f"{self.csv_name}-{timezone.localdate():%Y-%m-%d}.csv", header, rows)

    def csv_table(self) -> tuple[list[str], list[list]]:
        raise NotImplementedError


class HomeView(LoginRequiredMixin, TemplateView):
    """What is waiting for the signed-in user, a panel per concern of their roles."""

    template_name = "common/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            panels=Deferred(sections_for, Slot.HOME, user=self.request.user),
            has_role=bool(roles_of(self.request.user)),
            **kwargs,
        )


class AccountView(LoginRequiredMixin, TemplateView):
    """The signed-in person's own account: a section per concern (common.account)."""

    template_name = "common/account.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            sections=sections_for(Slot.ACCOUNT, user=self.request.user, request=self.request),
            **kwargs,
        )


class SignOutEverywhereView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        sign_out_everywhere(user=request.user, request=request)
        messages.success(request, "You have been signed out on every device.")
        return redirect(settings.LOGIN_URL)


class ApiReferenceView(RoleRequiredMixin, TemplateView):
    """The REST API described for people, from its OpenAPI schema (/api/schema/); for
    anyone with a role, as the API is."""

    template_name = "common/api_reference.html"

    def get_context_data(self, **kwargs):
        from .api import openapi_schema, reference

        return super().get_context_data(sections=reference(openapi_schema()), **kwargs)


class AccessibilityStatementView(TemplateView):
    template_name = "common/accessibility.html"


@method_decorator(never_cache, name="dispatch")
class HealthView(View):
    """For load balancers and monitoring: 200 when every check passes, 503 when any
    fails. Open to anonymous requests, since probes do not sign in."""

    http_method_names = ["get", "head"]

    def get(self, request):
        report = health_report()
        return JsonResponse(report.as_json(), status=200 if report.ok else 503)


class BackgroundTasksView(RoleRequiredMixin, TemplateView):
    """Recent Celery task results and e-mails, so an administrator can see the worker
    is alive and mail is flowing."""

    allowed_roles = policies.OPERATORS
    template_name = "common/background_tasks.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            task_results=TaskResult.objects.order_by("-date_created")[:25],
            emails=OutboundEmail.objects.all()[:25],
            **kwargs,
        )


class SendTestEmailView(RoleRequiredMixin, View):
    """Queues a test e-mail to the administrator, through the outbox and Celery."""

    allowed_roles = policies.OPERATORS
    http_method_names = ["post"]

    def post(self, request):
        if not request.user.email:
            messages.error(request, "Add an e-mail address to your account first.")
        else:
            email_queue(
                to=request.user.email,
                subject="Test e-mail from the ICT Strategy Portal",
                body=(
                    "This is a test e-mail from the ICT Strategy Portal. If you can read it, "
                    "the portal's background worker and mail settings are working."
                ),
            )
            messages.success(
                request,
                f"A test e-mail to {request.user.email} has been queued. "
                "Refresh this page to see it sent.",
            )
        return redirect("background-tasks")


class ServiceFormView(RoleRequiredMixin, FormView):
    """A form whose valid data goes to a service (`perform`). The service's validation
    errors come back onto the form; a workflow conflict comes back as a message on the
    object's page. Nothing is saved unless the service succeeds."""

    success_message = "Saved."

    def form_valid(self, form):
        try:
            result = self.perform(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        except WorkflowError as error:
            messages.error(self.request, str(error))
            return redirect(self.get_conflict_url())
        messages.success(self.request, self.success_message)
        return redirect(self.get_success_url(result))

    def perform(self, form):
        raise NotImplementedError

    def get_success_url(self, result):
        return result.get_absolute_url()

    def get_conflict_url(self):
        return self.get_success_url(None)


class ObjectHistoryView(RoleRequiredMixin, DetailView):
    """Who changed what and when, with old and new values, for one object and the
    parts of it the user may see (common.history).

    Subclasses set `queryset` (or `get_queryset`) to what the user may see."""

    template_name = "common/object_history.html"
    context_object_name = "object"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            entries=history_entries(self.object, user=self.request.user), **kwargs
        )


class AccessTokenCreateView(ServiceFormView):
    """Makes an API token; the account page then shows its key, once."""

    allowed_roles = policies.TOKEN_HOLDERS
    form_class = AccessTokenForm
    template_name = "common/account/token_form.html"
    success_message = "Your API token has been created. Copy its key now: it is shown only once."

    def perform(self, form):
        token, raw_key = token_create(
            user=self.request.user,
            name=form.cleaned_data["name"],
            kind=AccessTokenKind.API,
            can_write=form.cleaned_data["can_write"],
        )
        keep_key_to_show(self.request, token, raw_key)
        return token

    def get_success_url(self, result):
        return reverse("account")


class CalendarFeedCreateView(RoleRequiredMixin, View):
    """Makes the person's calendar feed, replacing any they had; the account page then
    shows its address, once."""

    allowed_roles = policies.TOKEN_HOLDERS
    http_method_names = ["post"]

    def post(self, request):
        token, raw_key = token_create(
            user=request.user, name=CALENDAR_FEED_NAME, kind=AccessTokenKind.CALENDAR
        )
        keep_key_to_show(request, token, raw_key)
        messages.success(
            request,
            "Your calendar feed has been created. Copy its address now: it is shown only once.",
        )
        return redirect("account")


class AccessTokenRevokeView(RoleRequiredMixin, View):
    """Stops a token working: its holder's, or (for an administrator) anyone's. A
    token the person may not revoke is not found."""

    allowed_roles = policies.TOKEN_HOLDERS
    http_method_names = ["post"]

    def load_objects(self):
        tokens = AccessToken.objects.filter(policies.tokens_revocable(self.request.user))
        self.token = get_object_or_404(tokens.select_related("user"), pk=self.kwargs["pk"])

    def post(self, request, pk):
        token = self.token
        token_revoke(user=request.user, token=token)
        whose = "" if token.user_id == request.user.pk else f" of {token.user}"
        if token.kind == AccessTokenKind.CALENDAR:
            done = f"The calendar feed{whose} has been revoked: its address no longer works."
        else:
            done = f"The API token {token.name} ({token.prefix}…){whose} has been revoked."
        messages.success(request, done)
        return redirect("account")


class CalendarFeedView(View):
    """A person's calendar feed, for Outlook or Google Calendar, which cannot sign in:
    the key in the URL is the credential. A wrong or revoked key, or a deactivated
    account, is not found (never refused), so the answer does not say whether a key
    ever worked. Only such a key reaches the logs that record a 404's path: one that
    opens nothing."""

    http_method_names = ["get", "head"]

    def get(self, request, key):
        token = token_authenticate(key, kind=AccessTokenKind.CALENDAR)
        if token is None:
            raise Http404
        response = HttpResponse(
            calendar_for(token.user), content_type="text/calendar; charset=utf-8"
        )
        response["Cache-Control"] = "no-store"
        response["Content-Disposition"] = 'inline; filename="ict-strategy-portal.ics"'
        return response
