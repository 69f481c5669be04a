from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView

from common.exports import csv_response, xlsx_response
from common.fragments import Deferred
from common.lists import DeclaredListMixin
from common.permissions import RoleRequiredMixin
from common.views import ObjectHistoryView, ServiceFormView
from governance.selectors import strategy_current
from projects.forms import ConfirmForm
from projects.models import Project

from . import lists, movement, policies, register_figures, selectors, services
from .choices import AssuranceFlag, AssuranceLine, Level, Register, RiskCategory
from .forms import (
    NOT_EXEMPT,
    ActionForm,
    AppetiteForm,
    CloseForm,
    ControlForm,
    DifferenceForm,
    EscalateForm,
    ExemptionForm,
    MatrixForm,
    ReviewForm,
    ReviewFrequencyForm,
    RiskForm,
)
from .models import AppetiteThreshold, CategoryAppetite, Risk, RiskAction, RiskControl

VIEWERS = policies.REGISTER_READERS
PAGE_SIZE = 25


class RegisterFilterMixin:
    """The register's filters as the list declares them (risks.lists), bad values
    ignored."""

    def filters(self) -> dict:
        return lists.RiskFilter(self.request.GET).arguments()


class RiskListView(DeclaredListMixin, RoleRequiredMixin, TemplateView):
    declared = lists.risk_list
    template_name = "risks/risk_list.html"

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            page=Deferred(self.page),
            filters=self.filterset.arguments(),
            query=query.urlencode(),
            categories=RiskCategory.choices,
            levels=Level.choices,
            registers=Register.choices,
            assurance_flags=AssuranceFlag.choices,
            owners=Deferred(self.owners),
            themes=Deferred(self.themes),
            can_raise=policies.may_raise_risk(self.request.user),
            **kwargs,
        )

    def page(self):
        # A row shows its owner, not its project: the downloads' join is left out. What
        # a row shows beyond the risk is worked out for the page's rows only.
        risks = selectors.register_page(
            self.filterset.queryset.select_related(None), **self.filterset.arguments()
        )
        page = self.paginate(risks)
        page.object_list = selectors.page_rows(
            page.object_list, tolerated=self.shared_figures["tolerated"]
        )
        return page

    def owners(self) -> list[tuple[int, str]]:
        """The owner filter's choices: the filter's own people, by name."""
        return self.shared_figures["owners"]

    def themes(self) -> list[tuple[int, str]]:
        return self.shared_figures["themes"]

    @cached_property
    def shared_figures(self) -> dict:
        """The choices and appetites every reader sees alike, read once a request."""
        return register_figures.shared_figures()


class RiskExportView(DeclaredListMixin, RoleRequiredMixin, View):
    """The register as shown by the filters, as CSV or Excel."""

    declared = lists.risk_list
    file_format = "csv"

    def get(self, request):
        listed = self.declared.rows(request.user, self.filterset)
        name = f"risk-register-{timezone.localdate():%Y-%m-%d}"
        if self.file_format == "xlsx":
            listed = list(listed)
            header, rows = self.declared.table(listed)
            sheets = [
                (self.declared.title, header, rows),
                *self.declared.extra_sheets(request.user, listed),
            ]
            return xlsx_response(f"{name}.xlsx", sheets)
        header, rows = self.declared.table(listed)
        return csv_response(f"{name}.csv", header, rows)


class RiskDetailView(RoleRequiredMixin, TemplateView):
    allowed_roles = VIEWERS
    template_name = "risks/risk_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        risk = get_object_or_404(
            selectors.with_assurance(selectors.register(status=None)).select_related(
                "strategy", "matrix", "project__proposal", "escalated_from", "escalated_by"
            ),
            pk=self.kwargs["pk"],
        )
        controls = list(selectors.controls_of(risk))
        escalated_to = (
            Risk.objects.select_related("owner").get(pk=risk.escalated_to_id)
            if risk.escalated_to_id
            else None
        )
        actions = list(risk.actions.select_related("owner", "risk"))
        for action in actions:
            action.may_update = policies.may_change_action(user, action)
        return super().get_context_data(
            risk=risk,
            themes=risk.themes.all(),
            principles=risk.principles.all(),
            proposals=risk.proposals.filter(policies.proposals_linkable(user)).select_related(
                "business_unit"
            ),
            projects=risk.projects.filter(policies.projects_linkable(user)).select_related(
                "proposal"
            ),
            actions=actions,
            actions_updatable=any(action.may_update for action in actions),
            ratings=risk.ratings(),
            controls=controls,
            controls_changeable=policies.may_change_control(user, RiskControl(risk=risk)),
            lines=[
                (label, sum(1 for c in controls if c.line == line))
                for line, label in AssuranceLine.choices
            ],
            reviews=risk.reviews.select_related("reviewer", "matrix"),
            tolerated=selectors.tolerated_scores().get(risk.category),
            can_change=policies.may_change_risk(user, risk),
            can_set_exemption=policies.may_set_exemption(user, risk),
            can_escalate=policies.may_escalate_risk(user, risk),
            next_register=Register(policies.next_register(risk)).label
            if policies.next_register(risk)
            else None,
            escalated_to=escalated_to,
            project_visible=risk.project_id
            and Project.objects.filter(
                policies.projects_linkable(user), pk=risk.project_id
            ).exists(),
            can_explain=risk.score_mismatch
            and risk.escalated_from_id
            and policies.may_explain_difference(user, risk),
            matrix_is_old=not risk.matrix.is_current,
            **kwargs,
        )


class RiskMixin:
    """Loads the risk; only the Head of ICT and its owner may change it (else 403)."""

    def load_objects(self):
        self.risk = get_object_or_404(Risk.objects.select_related("owner"), pk=self.kwargs["pk"])
        if not policies.may_change_risk(self.request.user, self.risk):
            raise PermissionDenied("Only the Head of ICT and the risk's owner can change it.")
        self.extra_context = {"risk": self.risk}

    def get_success_url(self, result=None):
        return self.risk.get_absolute_url()


class RiskCreateView(ServiceFormView):
    allowed_roles = policies.RISK_RAISERS
    template_name = "risks/risk_form.html"
    success_message = "Risk raised."

    def get_form(self, form_class=None):
        return RiskForm(
            **self.get_form_kwargs(), strategy=strategy_current(), user=self.request.user
        )

    def perform(self, form):
        return services.risk_create(user=self.request.user, **form.service_arguments())


class RiskUpdateView(RiskMixin, ServiceFormView):
    allowed_roles = VIEWERS
    template_name = "risks/risk_form.html"
    success_message = "Risk updated."

    def get_form(self, form_class=None):
        risk = self.risk
        initial = {field: getattr(risk, field) for field in services.RISK_FIELDS}
        return RiskForm(
            **self.get_form_kwargs(),
            initial=initial,
            strategy=risk.strategy,
            user=self.request.user,
            risk=risk,
        )

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("initial", None)
        return kwargs

    def perform(self, form):
        return services.risk_update(
            user=self.request.user, risk=self.risk, **form.service_arguments()
        )


class RiskReviewView(RiskMixin, ServiceFormView):
    allowed_roles = VIEWERS
    form_class = ReviewForm
    template_name = "risks/review_form.html"
    success_message = "Review recorded."

    def perform(self, form):
        data = form.cleaned_data
        services.risk_review(
            user=self.request.user,
            risk=self.risk,
            residual_likelihood=data["residual_likelihood"],
            residual_impact=data["residual_impact"],
            note=data["note"],
            reviewed_on=data["reviewed_on"],
        )
        return self.risk


class RiskEscalateView(ServiceFormView):
    """Escalate a risk to the register above: who may is risks.policies' rule, asked
    here for the page (403) and again by the service."""

    allowed_roles = VIEWERS
    form_class = EscalateForm
    template_name = "risks/escalate_form.html"
    success_message = "Risk escalated. This is its entry in the higher register."

    def load_objects(self):
        self.risk = get_object_or_404(
            selectors.register(status=None).select_related("project"), pk=self.kwargs["pk"]
        )
        if not policies.may_escalate_risk(self.request.user, self.risk):
            raise PermissionDenied("You cannot escalate this risk.")
        self.extra_context = {
            "risk": self.risk,
            "next_register": Register(policies.next_register(self.risk)).label,
        }

    def perform(self, form):
        return services.risk_escalate(user=self.request.user, risk=self.risk, **form.cleaned_data)

    def get_conflict_url(self):
        return self.risk.get_absolute_url()


class RiskDifferenceView(ServiceFormView):
    """Record why an escalated entry scores the risk differently from its source."""

    allowed_roles = VIEWERS
    form_class = DifferenceForm
    template_name = "risks/difference_form.html"
    success_message = "Reason recorded."

    def load_objects(self):
        self.risk = get_object_or_404(
            Risk.objects.select_related("escalated_from"),
            pk=self.kwargs["pk"],
            escalated_from__isnull=False,
        )
        if not policies.may_explain_difference(self.request.user, self.risk):
            raise PermissionDenied("Only the Head of ICT and the risk's owner can.")
        self.extra_context = {"risk": self.risk}

    def perform(self, form):
        return services.risk_explain_difference(
            user=self.request.user, risk=self.risk, **form.cleaned_data
        )

    def get_conflict_url(self):
        return self.risk.get_absolute_url()


class RiskExemptionView(RiskMixin, ServiceFormView):
    """Whether the risk is exempt from publication under Schedule 12A, and why."""

    allowed_roles = VIEWERS
    form_class = ExemptionForm
    template_name = "risks/exemption_form.html"
    success_message = "Exemption saved."

    def load_objects(self):
        super().load_objects()
        if not policies.may_set_exemption(self.request.user, self.risk):
            raise PermissionDenied("Only the Head of ICT and the risk's owner can.")

    def get_initial(self):
        paragraph = self.risk.exempt_paragraph
        return {
            "paragraph": NOT_EXEMPT if paragraph is None else str(paragraph),
            "reason": self.risk.exempt_reason,
        }

    def perform(self, form):
        return services.risk_exemption_set(
            user=self.request.user, risk=self.risk, **form.cleaned_data
        )


class RiskCloseView(RiskMixin, ServiceFormView):
    allowed_roles = VIEWERS
    form_class = CloseForm
    template_name = "risks/close_form.html"
    success_message = "Risk closed."

    def perform(self, form):
        services.risk_close(user=self.request.user, risk=self.risk, **form.cleaned_data)
        return self.risk


class ActionCreateView(RiskMixin, ServiceFormView):
    allowed_roles = VIEWERS
    form_class = ActionForm
    template_name = "risks/action_form.html"
    success_message = "Action added."

    def perform(self, form):
        services.action_add(user=self.request.user, risk=self.risk, fields=form.cleaned_data)
        return self.risk


class ActionUpdateView(ServiceFormView):
    allowed_roles = VIEWERS
    form_class = ActionForm
    template_name = "risks/action_form.html"
    success_message = "Action updated."

    def load_objects(self):
        self.action = get_object_or_404(
            RiskAction.objects.select_related("risk"), pk=self.kwargs["pk"]
        )
        self.risk = self.action.risk
        if not policies.may_change_action(self.request.user, self.action):
            raise PermissionDenied("Only the Head of ICT, the risk owner or the action owner can.")
        self.extra_context = {"risk": self.risk, "action": self.action}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.action}

    def perform(self, form):
        services.action_update(user=self.request.user, action=self.action, fields=form.cleaned_data)
        return self.risk


class ControlMixin:
    """Loads a control through its risk; whoever may change the risk changes its
    controls (risks.policies), else 403."""

    allowed_roles = VIEWERS
    template_name = "risks/control_form.html"

    def load_objects(self):
        self.control = get_object_or_404(
            RiskControl.objects.select_related("risk__owner", "owner"), pk=self.kwargs["pk"]
        )
        self.risk = self.control.risk
        if not policies.may_change_control(self.request.user, self.control):
            raise PermissionDenied("Only the Head of ICT and the risk's owner change its controls.")
        self.extra_context = {"risk": self.risk, "control": self.control}

    def get_success_url(self, result=None):
        return f"{self.risk.get_absolute_url()}#controls"


class ControlCreateView(ServiceFormView):
    allowed_roles = VIEWERS
    form_class = ControlForm
    template_name = "risks/control_form.html"
    success_message = "Control added."

    def load_objects(self):
        self.risk = get_object_or_404(Risk.objects.select_related("owner"), pk=self.kwargs["pk"])
        if not policies.may_change_control(self.request.user, RiskControl(risk=self.risk)):
            raise PermissionDenied("Only the Head of ICT and the risk's owner record its controls.")
        self.extra_context = {"risk": self.risk}

    def perform(self, form):
        return services.control_add(
            user=self.request.user, risk=self.risk, fields=form.service_fields()
        )

    def get_success_url(self, result=None):
        return f"{self.risk.get_absolute_url()}#controls"


class ControlUpdateView(ControlMixin, ServiceFormView):
    success_message = "Control saved."

    def get_form(self, form_class=None):
        return ControlForm(**self.get_form_kwargs(), control=self.control)

    def perform(self, form):
        return services.control_update(
            user=self.request.user, control=self.control, fields=form.service_fields()
        )


class ControlRemoveView(ControlMixin, ServiceFormView):
    template_name = "risks/control_remove.html"
    success_message = "Control removed. The risk's history keeps what it held."

    def get_form(self, form_class=None):
        return ConfirmForm(
            **self.get_form_kwargs(), submit_label="Remove the control", warning=True
        )

    def perform(self, form):
        services.control_remove(user=self.request.user, control=self.control)


class HeatMapView(RegisterFilterMixin, RoleRequiredMixin, TemplateView):
    """Inherent and residual positions as tables with counts and level names in text,
    each cell linking to its filtered register, and movement over the last quarter."""

    allowed_roles = VIEWERS
    template_name = "risks/heat_map.html"

    def get_context_data(self, **kwargs):
        filters = self.filters()  # read once: binding the filters is most of a lean page
        return super().get_context_data(
            heat_map=Deferred(self.heat_map, filters),
            movers_listed=selectors.MOVERS_LISTED,
            registers=Register.choices,
            register=filters["register"] or "",
            **kwargs,
        )

    def heat_map(self, filters: dict):
        # The map shows every cell, level and appetite; these filters are the register's.
        filters = {
            key: value
            for key, value in filters.items()
            if key not in ("likelihood", "impact", "rating", "appetite", "level")
        }
        matrix = selectors.current_matrix()
        risks = selectors.filtered(**filters)
        grids = []
        counts_by_rating = selectors.heat_map(risks)
        listed = reverse("risks:risk-list")
        only_register = f"&register={filters['register']}" if filters["register"] else ""
        for rating, title in (("residual", "Residual (with controls)"), ("inherent", "Inherent")):
            rows = selectors.heat_map_grid(counts_by_rating[rating], matrix)
            # Each cell links to the register filtered to it: the address put together
            # here once, not a tag and five lookups in each of the fifty cells.
            for row in rows:
                for cell in row["cells"]:
                    cell["link"] = (
                        f"{listed}?likelihood={cell['likelihood']}&impact={row['impact']}"
                        f"&rating={rating}{only_register}"
                    )
            grids.append({"rating": rating, "title": title, "rows": rows})
        return {
            "grids": grids,
            "likelihood_labels": [(n, matrix.label("likelihood", n)) for n in range(1, 6)],
            "movement": movement.since_last_quarter(filters),
        }


class ReviewsDueView(RoleRequiredMixin, TemplateView):
    allowed_roles = VIEWERS
    template_name = "risks/reviews_due.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            risks=selectors.reviews_overdue(),
            actions=selectors.actions_overdue(),
            **kwargs,
        )


class SettingsView(RoleRequiredMixin, TemplateView):
    """The matrix, the appetite scale and category appetites, and review frequencies."""

    allowed_roles = VIEWERS
    template_name = "risks/settings.html"

    def get_context_data(self, **kwargs):
        matrix = selectors.current_matrix()
        return super().get_context_data(
            matrix=matrix,
            rows=[
                {
                    "impact": impact,
                    "label": matrix.label("impact", impact),
                    "cells": [
                        {
                            **matrix.cell(likelihood, impact),
                            "level_label": Level(matrix.level(likelihood, impact)).label,
                        }
                        for likelihood in range(1, 6)
                    ],
                }
                for impact in range(5, 0, -1)
            ],
            descriptors=matrix.descriptors,
            thresholds=AppetiteThreshold.objects.all(),
            appetites=CategoryAppetite.objects.all(),
            tolerated=selectors.tolerated_scores(),
            frequencies=[
                (Level(level).label, days)
                for level, days in selectors.review_days_by_level().items()
            ],
            **kwargs,
        )


class MatrixUpdateView(ServiceFormView):
    allowed_roles = policies.SETTINGS_KEEPERS
    template_name = "risks/matrix_form.html"
    success_message = "New matrix version saved. Risks move to it when next reviewed."

    def get_form(self, form_class=None):
        return MatrixForm(**self.get_form_kwargs(), matrix=selectors.current_matrix())

    def perform(self, form):
        services.matrix_update(user=self.request.user, **form.matrix_arguments())

    def get_success_url(self, result=None):
        return reverse("risks:settings")


class AppetiteUpdateView(ServiceFormView):
    allowed_roles = policies.SETTINGS_KEEPERS
    template_name = "risks/appetite_form.html"
    success_message = "Risk appetite saved."

    def get_form(self, form_class=None):
        return AppetiteForm(
            **self.get_form_kwargs(),
            thresholds=dict(AppetiteThreshold.objects.values_list("level", "max_score")),
            categories=dict(CategoryAppetite.objects.values_list("category", "level")),
        )

    def perform(self, form):
        services.appetite_update(user=self.request.user, **form.appetite_arguments())

    def get_success_url(self, result=None):
        return reverse("risks:settings")


class RiskHistoryView(ObjectHistoryView):
    allowed_roles = VIEWERS
    model = Risk


class ReviewFrequencyUpdateView(ServiceFormView):
    allowed_roles = policies.SETTINGS_KEEPERS
    template_name = "risks/frequency_form.html"
    success_message = "Review frequencies saved. They apply from each risk's next review."

    def get_form(self, form_class=None):
        return ReviewFrequencyForm(**self.get_form_kwargs(), days=selectors.review_days_by_level())

    def perform(self, form):
        services.review_frequency_update(user=self.request.user, **form.frequency_arguments())

    def get_success_url(self, result=None):
        return reverse("risks:settings")
