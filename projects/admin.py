"""Proposals, scores and projects in the Django admin: read-only, for superusers only
(common/admin.py), and each list narrowed by projects.policies as the portal's pages
are: proposals the viewer may see, scores only where they may see the scores,
scenarios where the viewer may open them."""

from django.contrib import admin
from django.db.models import Q

from common.admin import PortalInline, PortalModelAdmin, as_page

from . import policies
from .models import (
    AgendaItem,
    Assessment,
    Attachment,
    BenefitRealised,
    Budget,
    BusinessCaseVersion,
    Contract,
    Criterion,
    CriterionScore,
    Decision,
    ProgressUpdate,
    Project,
    Proposal,
    ProposalEvent,
    ProposalTheme,
    ProposalYear,
    RoutingThresholds,
    Scenario,
    ScenarioPaper,
    TcopPoint,
    TcopResponse,
    TransparencyPublication,
)


def _proposals(user):
    return Proposal.objects.filter(policies.proposals_visible(user))


def _scored_proposals(user):
    return Proposal.objects.filter(policies.proposals_visible(user) & policies.scores_visible(user))


class ProposalPartAdmin(PortalModelAdmin):
    """A part of a proposal: seen by whoever may see the proposal."""

    def visible(self, user) -> Q:
        return Q(proposal__in=_proposals(user))


class ProjectPartAdmin(PortalModelAdmin):
    def visible(self, user) -> Q:
        return Q(project__in=Project.objects.filter(policies.projects_visible(user)))


class ProposalThemeInline(PortalInline):
    model = ProposalTheme


class ProposalYearInline(PortalInline):
    model = ProposalYear


@admin.register(Proposal)
class ProposalAdmin(PortalModelAdmin):
    list_display = ("__str__", "business_unit", "status", "is_statutory", "submitted_at")
    list_filter = ("status", "business_unit", "is_statutory")
    search_fields = ("title",)
    list_select_related = ("business_unit",)
    inlines = [ProposalThemeInline, ProposalYearInline]

    def visible(self, user) -> Q:
        return policies.proposals_visible(user)


class CriterionScoreInline(PortalInline):
    model = CriterionScore


@admin.register(Assessment)
class AssessmentAdmin(PortalModelAdmin):
    list_display = ("proposal", "assessor", "weighted_score", "conflict_declared")
    list_select_related = ("proposal", "assessor")
    inlines = [CriterionScoreInline]

    def visible(self, user) -> Q:
        return Q(proposal__in=_scored_proposals(user))


@admin.register(CriterionScore)
class CriterionScoreAdmin(PortalModelAdmin):
    def visible(self, user) -> Q:
        return Q(assessment__proposal__in=_scored_proposals(user))


@admin.register(Project)
class ProjectAdmin(PortalModelAdmin):
    list_display = ("__str__", "project_manager", "status", "last_update_on")
    list_filter = ("status",)
    list_select_related = ("proposal", "project_manager")

    def visible(self, user) -> Q:
        return policies.projects_visible(user)


@admin.register(Criterion)
class CriterionAdmin(PortalModelAdmin):
    list_display = ("name", "weight", "position", "is_active")
    visible = as_page("projects:criterion-list")


@admin.register(TcopPoint)
class TcopPointAdmin(PortalModelAdmin):
    list_display = ("number", "title")
    visible = as_page("projects:criterion-list")


@admin.register(Budget)
class BudgetAdmin(PortalModelAdmin):
    visible = as_page("projects:budgets")


for model in (
    AgendaItem, Attachment, Decision, ProposalEvent, ProposalTheme, ProposalYear, TcopResponse,
):  # fmt: skip
    admin.site.register(model, ProposalPartAdmin)
for model in (BenefitRealised, Contract, ProgressUpdate):
    admin.site.register(model, ProjectPartAdmin)


@admin.register(TransparencyPublication)
class TransparencyPublicationAdmin(PortalModelAdmin):
    list_display = ("__str__", "published_by")
    visible = as_page("projects:transparency")


@admin.register(BusinessCaseVersion)
class BusinessCaseVersionAdmin(ProposalPartAdmin):
    """A gate's frozen business case: its five cases, costs and self-assessment, shown
    on the proposal's page to whoever may see the proposal (it holds no scores)."""

    list_display = ("__str__", "stage", "route", "whole_life_cost", "frozen_at")
    list_filter = ("stage", "route")
    list_select_related = ("proposal",)


@admin.register(RoutingThresholds)
class RoutingThresholdsAdmin(PortalModelAdmin):
    list_display = ("__str__", "bjc_limit", "key_decision_limit", "council_limit")
    visible = as_page("projects:thresholds")


@admin.register(Scenario)
class ScenarioAdmin(PortalModelAdmin):
    list_display = ("name", "created_by", "is_shared", "created_at")
    list_select_related = ("created_by",)

    def visible(self, user) -> Q:
        return policies.scenarios_visible(user)


@admin.register(ScenarioPaper)
class ScenarioPaperAdmin(PortalModelAdmin):
    """A scenario put to a meeting, listed as the meeting's page lists its papers: those
    whose scenario the viewer may open."""

    list_display = ("__str__", "added_by", "added_at")
    list_select_related = ("scenario", "meeting", "added_by")

    def visible(self, user) -> Q:
        return Q(scenario__in=Scenario.objects.filter(policies.scenarios_visible(user)))
