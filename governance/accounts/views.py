"""The Administrator's pages: accounts, their roles, and business units."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import DetailView, TemplateView

from common.permissions import RoleRequiredMixin
from common.roles import Role
from common.views import CSVExportMixin, ObjectHistoryView, ServiceFormView

from .. import policies
from ..models import BusinessUnit, GroupMapping, User
from . import selectors, services
from .forms import (
    AccountCreateForm,
    AccountUpdateForm,
    BusinessUnitForm,
    BusinessUnitUpdateForm,
    GroupMappingForm,
)

PAGE_SIZE = 50


class AdministratorMixin(RoleRequiredMixin):
    allowed_roles = policies.ACCOUNT_ADMINISTRATORS


class AccountListView(CSVExportMixin, AdministratorMixin, TemplateView):
    """Every account, filtered by role, business unit, status or a name."""

    template_name = "governance/account_list.html"
    csv_name = "accounts"

    def accounts(self):
        return selectors.accounts(selectors.AccountFilters.from_query(self.request.GET))

    def csv_table(self):
        header = ["Username", "Name", "E-mail address", "Job title", "Business unit", "Roles",
                  "Active", "Last signed in"]  # fmt: skip
        rows = [
            [p.username, p.get_full_name(), p.email, p.job_title, p.business_unit,
             "; ".join(g.name for g in p.groups.all()), p.is_active, p.last_login]
            for p in self.accounts()
        ]  # fmt: skip
        return header, rows

    def get_context_data(self, **kwargs):
        filters = selectors.AccountFilters.from_query(self.request.GET)
        page = Paginator(self.accounts(), PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            page=page,
            filters=filters,
            filtered=filters != selectors.AccountFilters(),
            roles=Role.values,
            units=BusinessUnit.objects.all(),
            none=selectors.NONE,
            **kwargs,
        )


class AccountDetailView(AdministratorMixin, DetailView):
    queryset = selectors.accounts()
    template_name = "governance/account_detail.html"
    context_object_name = "person"

    def get_context_data(self, **kwargs):
        actor, person = self.request.user, self.object
        return super().get_context_data(
            edit_refusal=policies.account_edit_refusal(actor, person),
            password_link_refusal=policies.password_link_refusal(actor, person),
            factor_reset_refusal=policies.second_factor_reset_refusal(actor, person),
            second_factors=selectors.second_factors(person),
            **kwargs,
        )


class AccountCreateView(AdministratorMixin, ServiceFormView):
    form_class = AccountCreateForm
    template_name = "governance/account_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "actor": self.request.user}

    def perform(self, form):
        person = services.account_create(actor=self.request.user, **form.cleaned_data)
        self.success_message = (
            f"Account opened. We have e-mailed {person.email} a link to set their password."
        )
        return person


class AccountUpdateView(AdministratorMixin, ServiceFormView):
    form_class = AccountUpdateForm
    template_name = "governance/account_form.html"
    success_message = "Account saved."

    def load_objects(self):
        self.person = get_object_or_404(User, pk=self.kwargs["pk"])
        if refusal := policies.account_edit_refusal(self.request.user, self.person):
            raise PermissionDenied(refusal)
        self.extra_context = {"person": self.person}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "actor": self.request.user, "person": self.person}

    def perform(self, form):
        roles = form.fields["roles"]
        return services.account_update(
            actor=self.request.user,
            person=self.person,
            changes=form.changes(),
            roles=None if roles.disabled else form.cleaned_data["roles"],
        )


class AccountHistoryView(AdministratorMixin, DetailView):
    """Changes to the account's details and roles: who, when, what."""

    model = User
    template_name = "governance/account_history.html"
    context_object_name = "object"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            entries=selectors.account_history(self.object, viewer=self.request.user), **kwargs
        )


class AccountPasswordLinkView(AdministratorMixin, View):
    """Sends a new link to set the password of an account never signed in to."""

    http_method_names = ["post"]

    def post(self, request, pk):
        person = get_object_or_404(User, pk=pk)
        try:
            services.account_password_link_send(actor=request.user, person=person)
        except PermissionDenied as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, f"We have e-mailed {person.email} a new link.")
        return redirect(person)


class AccountSecondFactorResetView(AdministratorMixin, View):
    """Removes every second factor of a person who has lost theirs."""

    http_method_names = ["post"]

    def post(self, request, pk):
        person = get_object_or_404(User, pk=pk)
        try:
            removed = services.second_factors_reset(
                actor=request.user, person=person, request=request
            )
        except PermissionDenied as refusal:
            messages.error(request, str(refusal))
        else:
            if removed:
                messages.success(
                    request,
                    f"{person.get_full_name() or person.username}'s second factors are reset. "
                    "They set up new ones when they next sign in.",
                )
        return redirect(person)


class BusinessUnitListView(CSVExportMixin, AdministratorMixin, TemplateView):
    template_name = "governance/businessunit_list.html"
    csv_name = "business-units"

    def csv_table(self):
        header = ["Name", "Short code", "Active", "Active accounts", "Active officers"]
        rows = [
            [u.name, u.code, u.is_active, u.active_accounts, u.active_officers]
            for u in selectors.business_units()
        ]
        return header, rows

    def get_context_data(self, **kwargs):
        return super().get_context_data(units=selectors.business_units(), **kwargs)


class BusinessUnitDetailView(AdministratorMixin, DetailView):
    queryset = selectors.business_units()
    template_name = "governance/businessunit_detail.html"
    context_object_name = "unit"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            people=selectors.accounts(selectors.AccountFilters(unit=str(self.object.pk))),
            **kwargs,
        )


class BusinessUnitCreateView(AdministratorMixin, ServiceFormView):
    form_class = BusinessUnitForm
    template_name = "governance/businessunit_form.html"
    success_message = "Business unit added."

    def perform(self, form):
        return services.business_unit_create(actor=self.request.user, **form.cleaned_data)


class BusinessUnitUpdateView(AdministratorMixin, ServiceFormView):
    form_class = BusinessUnitUpdateForm
    template_name = "governance/businessunit_form.html"
    success_message = "Business unit saved."

    def load_objects(self):
        self.unit = get_object_or_404(BusinessUnit, pk=self.kwargs["pk"])
        self.extra_context = {"unit": self.unit}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.unit}

    def perform(self, form):
        return services.business_unit_update(
            actor=self.request.user, unit=self.unit, changes=form.cleaned_data
        )


class BusinessUnitHistoryView(AdministratorMixin, ObjectHistoryView):
    model = BusinessUnit
    template_name = "governance/businessunit_history.html"


class GroupMapperMixin(RoleRequiredMixin):
    allowed_roles = policies.GROUP_MAPPERS

    @classmethod
    def allows(cls, user) -> bool:
        return policies.may_map_groups(user)


class GroupMappingListView(CSVExportMixin, GroupMapperMixin, TemplateView):
    """The identity provider's groups the portal knows, what each gives, and the
    mappings removed lately (with who removed them)."""

    template_name = "governance/groupmapping_list.html"
    csv_name = "single-sign-on-groups"

    def csv_table(self):
        header = ["Group claim value", "Label", "Role", "Business unit"]
        rows = [
            [m.claim_value, m.label, m.role, m.business_unit or ""]
            for m in selectors.group_mappings()
        ]
        return header, rows

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            mappings=selectors.group_mappings(),
            removed=selectors.removed_group_mappings(),
            roles_mapped=selectors.roles_mapped(),
            **kwargs,
        )


class GroupMappingCreateView(GroupMapperMixin, ServiceFormView):
    form_class = GroupMappingForm
    template_name = "governance/groupmapping_form.html"
    success_message = "Group mapping added. It applies from each member's next sign-in."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "actor": self.request.user}

    def perform(self, form):
        return services.group_mapping_create(actor=self.request.user, **form.cleaned_data)


class GroupMappingUpdateView(GroupMapperMixin, ServiceFormView):
    form_class = GroupMappingForm
    template_name = "governance/groupmapping_form.html"
    success_message = "Group mapping saved. It applies from each member's next sign-in."

    def load_objects(self):
        self.mapping = get_object_or_404(GroupMapping, pk=self.kwargs["pk"])
        if refusal := policies.group_mapping_refusal(self.request.user, self.mapping.role):
            raise PermissionDenied(refusal)
        self.extra_context = {"mapping": self.mapping}

    def get_form_kwargs(self):
        # A copy: validating the form writes what was posted onto its instance, and
        # the page shown again with errors names the mapping as it is stored.
        return {
            **super().get_form_kwargs(),
            "actor": self.request.user,
            "instance": GroupMapping.objects.get(pk=self.mapping.pk),
        }

    def perform(self, form):
        return services.group_mapping_update(
            actor=self.request.user, mapping=self.mapping, changes=form.cleaned_data
        )


class GroupMappingRemoveView(GroupMapperMixin, TemplateView):
    """Asks before removing a mapping (GET), and removes it (POST)."""

    template_name = "governance/groupmapping_remove.html"

    def load_objects(self):
        self.mapping = get_object_or_404(GroupMapping, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(mapping=self.mapping, **kwargs)

    def post(self, request, pk):
        try:
            services.group_mapping_remove(actor=request.user, mapping=self.mapping)
        except PermissionDenied as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                f"Group mapping for {self.mapping.label} removed. Its members keep what it "
                "gave until they next sign in.",
            )
        return redirect("governance:group-mapping-list")


class GroupMappingHistoryView(GroupMapperMixin, ObjectHistoryView):
    model = GroupMapping
    template_name = "governance/groupmapping_history.html"
