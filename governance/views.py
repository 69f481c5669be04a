from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import DetailView, FormView, ListView, RedirectView

from common.forms import add_service_errors
from common.permissions import RoleRequiredMixin
from common.roles import Role
from common.views import ObjectHistoryView

from . import selectors, services
from .forms import ActionPlanItemForm, ObjectiveForm
from .models import Objective, Principle, Strategy, Theme

HEAD_OF_ICT = frozenset({Role.HEAD_OF_ICT})


class CurrentStrategyView(RoleRequiredMixin, RedirectView):
    def get_redirect_url(self, *args, **kwargs):
        strategy = selectors.strategy_current()
        if strategy is None:
            raise Http404("No strategy has been set up yet.")
        return strategy.get_absolute_url()


class StrategyListView(RoleRequiredMixin, ListView):
    model = Strategy
    template_name = "governance/strategy_list.html"


class StrategyDetailView(RoleRequiredMixin, DetailView):
    """The strategy on one page: themes with objectives and action plan, principles."""

    model = Strategy
    template_name = "governance/strategy_detail.html"

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
        return super().get_context_data(theme_with_plan=themes.get(), **kwargs)


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
            **kwargs,
        )


class ActionPlanItemDetailView(RoleRequiredMixin, DetailView):
    queryset = selectors.action_items_with_context()
    template_name = "governance/actionplanitem_detail.html"
    context_object_name = "item"


class ServiceFormView(RoleRequiredMixin, FormView):
    """A form whose valid data is handed to a service; the service's validation errors
    come back onto the form and nothing is saved."""

    success_message = "Saved."

    def form_valid(self, form):
        try:
            self.saved = self.perform(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.saved.get_absolute_url())

    def perform(self, form):
        raise NotImplementedError


class ObjectiveCreateView(ServiceFormView):
    allowed_roles = HEAD_OF_ICT
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
    allowed_roles = HEAD_OF_ICT
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
    allowed_roles = HEAD_OF_ICT
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
    allowed_roles = HEAD_OF_ICT
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
