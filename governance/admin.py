from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ActionPlanItem,
    BusinessUnit,
    CorporateObjective,
    Objective,
    Principle,
    Strategy,
    Theme,
    User,
)


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("Council", {"fields": ("business_unit", "job_title")}),
    )
    list_display = ("username", "email", "first_name", "last_name", "business_unit", "is_active")
    list_filter = ("groups", "business_unit", "is_active", "is_staff")
    list_select_related = ("business_unit",)


@admin.register(BusinessUnit)
class BusinessUnitAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "is_active", "is_demo")
    search_fields = ("name", "code")


@admin.register(CorporateObjective)
class CorporateObjectiveAdmin(SimpleHistoryAdmin):
    list_display = ("title", "is_demo")


class ThemeInline(admin.TabularInline):
    model = Theme
    extra = 0


class PrincipleInline(admin.TabularInline):
    model = Principle
    extra = 0


@admin.register(Strategy)
class StrategyAdmin(SimpleHistoryAdmin):
    list_display = ("title", "start_year", "end_year", "status", "approving_body")
    inlines = [ThemeInline, PrincipleInline]


@admin.register(Theme)
class ThemeAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "strategy")
    list_filter = ("strategy",)


@admin.register(Principle)
class PrincipleAdmin(SimpleHistoryAdmin):
    list_display = ("title", "number", "strategy")
    list_filter = ("strategy",)


@admin.register(Objective)
class ObjectiveAdmin(SimpleHistoryAdmin):
    list_display = ("title", "theme", "owner", "is_demo")
    list_filter = ("theme__strategy", "theme")
    list_select_related = ("theme", "owner")
    readonly_fields = ("number",)


@admin.register(ActionPlanItem)
class ActionPlanItemAdmin(SimpleHistoryAdmin):
    list_display = ("title", "objective", "owner", "due_date", "status", "rag", "progress")
    list_filter = ("status", "rag", "objective__theme")
    list_select_related = ("objective__theme", "owner")
    readonly_fields = ("number",)
