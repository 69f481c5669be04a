from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AgendaItem,
    Assessment,
    Attachment,
    BenefitRealised,
    Budget,
    Criterion,
    CriterionScore,
    Decision,
    ProgressUpdate,
    Project,
    Proposal,
    ProposalEvent,
    ProposalTheme,
    ProposalYear,
)


class ProposalThemeInline(admin.TabularInline):
    model = ProposalTheme
    extra = 0


class ProposalYearInline(admin.TabularInline):
    model = ProposalYear
    extra = 0


@admin.register(Proposal)
class ProposalAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "business_unit", "status", "is_statutory", "submitted_at")
    list_filter = ("status", "business_unit", "is_statutory")
    search_fields = ("title",)
    list_select_related = ("business_unit",)
    inlines = [ProposalThemeInline, ProposalYearInline]


class CriterionScoreInline(admin.TabularInline):
    model = CriterionScore
    extra = 0


@admin.register(Assessment)
class AssessmentAdmin(SimpleHistoryAdmin):
    list_display = ("proposal", "assessor", "weighted_score", "conflict_declared")
    list_select_related = ("proposal", "assessor")
    inlines = [CriterionScoreInline]


@admin.register(Criterion)
class CriterionAdmin(SimpleHistoryAdmin):
    list_display = ("name", "weight", "position", "is_active")


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "project_manager", "status", "last_update_on")
    list_filter = ("status",)
    list_select_related = ("proposal", "project_manager")


for model in (
    AgendaItem,
    Attachment,
    BenefitRealised,
    Budget,
    CriterionScore,
    Decision,
    ProgressUpdate,
    ProposalEvent,
    ProposalTheme,
    ProposalYear,
):
    admin.site.register(model, SimpleHistoryAdmin)
