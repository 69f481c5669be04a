"""The strategy catalogue, units and accounts in the Django admin (superusers only;
see common/admin.py). Accounts stay editable there: it is how a superuser gives the
first Administrator their role. Every change of role made there is recorded like any
other (governance.accounts.role_changes)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group

from common.admin import PortalInline, PortalModelAdmin, as_page

from .models import (
    ActionPlanItem,
    BusinessUnit,
    CorporateObjective,
    GroupMapping,
    Objective,
    Principle,
    RoleChange,
    Strategy,
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
