"""The strategy catalogue, units, accounts, meetings and KPIs in the Django admin
(superusers only; see common/admin.py). Accounts stay editable there: it is how a
superuser gives the first Administrator their role. Every change of role made there is
recorded like any other (governance.accounts.role_changes)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db.models import Q

from common.admin import PortalInline, PortalModelAdmin, as_page

from . import policies
from .models import (
    KPI,
    ActionPlanItem,
    BusinessUnit,
    CorporateObjective,
    GroupMapping,
    KPIComparator,
    KPIImport,
    KPIMeasurement,
    KPITarget,
    Meeting,
    MeetingAttendance,
    Objective,
    Principle,
    RoleChange,
    SecondFactorChange,
    Strategy,
    TermsOfReference,
    Theme,
    User,
)

# Roles are the portal's five groups, made by a migration; their names are the code's.
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(DjangoUserAdmin, PortalModelAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("Council", {"fields": ("business_unit", "job_title")}),
    )
    list_display = ("username", "email", "first_name", "last_name", "business_unit", "is_active")
    list_filter = ("groups", "business_unit", "is_active", "is_superuser")
    list_select_related = ("business_unit",)

    # The break-glass path: a superuser edits accounts here, the Administrator in the
    # portal's pages.
    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser


class CatalogueAdmin(PortalModelAdmin):
    visible = as_page("governance:strategy-list")


class ReferenceDataAdmin(CatalogueAdmin):
    """The strategy's own text (strategies, themes, principles) and the council's
    corporate objectives: loaded on migrate and changed rarely, by a superuser here,
    since no portal page edits them. Each change is in history with who made it
    (HistoryRequestMiddleware). Nothing is deleted: proposals and risks point at them."""

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser


class AccountsAdmin(PortalModelAdmin):
    visible = as_page("governance:account-list")


@admin.register(BusinessUnit)
class BusinessUnitAdmin(AccountsAdmin):
    list_display = ("name", "code", "is_active", "is_demo")
    search_fields = ("name", "code")


@admin.register(RoleChange)
class RoleChangeAdmin(AccountsAdmin):
    list_display = ("at", "person", "kind", "role", "actor", "path")
    list_filter = ("kind", "role", "path")
    list_select_related = ("person", "actor")
    search_fields = ("person__username", "actor__username")


@admin.register(SecondFactorChange)
class SecondFactorChangeAdmin(AccountsAdmin):
    list_display = ("at", "person", "kind", "factor", "actor")
    list_filter = ("kind",)
    list_select_related = ("person", "actor")
    search_fields = ("person__username", "actor__username")


@admin.register(GroupMapping)
class GroupMappingAdmin(AccountsAdmin):
    list_display = ("label", "claim_value", "role", "business_unit")
    list_select_related = ("business_unit",)
    search_fields = ("label", "claim_value")


@admin.register(CorporateObjective)
class CorporateObjectiveAdmin(ReferenceDataAdmin):
    list_display = ("title", "is_demo")


class ThemeInline(PortalInline):
    model = Theme


class PrincipleInline(PortalInline):
    model = Principle


@admin.register(Strategy)
class StrategyAdmin(ReferenceDataAdmin):
    list_display = ("title", "start_year", "end_year", "status", "approving_body")
    inlines = [ThemeInline, PrincipleInline]


@admin.register(Theme)
class ThemeAdmin(ReferenceDataAdmin):
    list_display = ("__str__", "strategy")
    list_filter = ("strategy",)


@admin.register(Principle)
class PrincipleAdmin(ReferenceDataAdmin):
    list_display = ("title", "number", "strategy")
    list_filter = ("strategy",)


@admin.register(Objective)
class ObjectiveAdmin(CatalogueAdmin):
    list_display = ("title", "theme", "owner", "is_demo")
    list_filter = ("theme__strategy", "theme")
    list_select_related = ("theme", "owner")


@admin.register(ActionPlanItem)
class ActionPlanItemAdmin(CatalogueAdmin):
    list_display = ("title", "objective", "owner", "due_date", "status", "rag", "progress")
    list_filter = ("status", "rag", "objective__theme")
    list_select_related = ("objective__theme", "owner")


class MeetingsAdmin(PortalModelAdmin):
    visible = as_page("governance:meeting-list")


@admin.register(Meeting)
class MeetingAdmin(MeetingsAdmin):
    list_display = ("__str__", "starts_at", "status", "chair")
    list_filter = ("status",)
    list_select_related = ("chair",)


@admin.register(MeetingAttendance)
class MeetingAttendanceAdmin(MeetingsAdmin):
    list_select_related = ("meeting", "person")


@admin.register(TermsOfReference)
class TermsOfReferenceAdmin(MeetingsAdmin):
    pass


class KPIsAdmin(PortalModelAdmin):
    visible = as_page("governance:kpi-list")


@admin.register(KPI)
class KPIAdmin(KPIsAdmin):
    list_display = ("__str__", "theme", "principle")
    list_select_related = ("theme", "principle")


for model in (KPIComparator, KPIImport, KPITarget):
    admin.site.register(model, KPIsAdmin)


@admin.register(KPIMeasurement)
class KPIMeasurementAdmin(KPIsAdmin):
    """A value awaiting approval, and the records of a value as it stood unapproved,
    show only to its approvers and whoever recorded that figure, as on the KPI's page
    and in its history (governance.history)."""

    list_display = ("__str__", "kpi", "period_end", "status", "recorded_by")
    list_filter = ("status",)
    list_select_related = ("kpi", "recorded_by")

    def visible(self, user) -> Q:
        return super().visible(user) & policies.kpi_values_seen_by(user)

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        records = super().get_history_queryset(request, history_manager, pk_name, object_id)
        return records.filter(policies.kpi_values_seen_by(request.user))
