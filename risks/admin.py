"""The risk register in the Django admin: read-only, for superusers only
(common/admin.py), and shown only to those whose roles let them read the register.
A risk's links to proposals and projects are left out: a link to a proposal the
viewer may not see stays unseen (risks.policies)."""

from django.contrib import admin

from common.admin import PortalInline, PortalModelAdmin, as_page

from .models import (
    AppetiteThreshold,
    CategoryAppetite,
    ReminderLog,
    ReviewFrequency,
    Risk,
    RiskAction,
    RiskAgendaItem,
    RiskControl,
    RiskMatrix,
    RiskReview,
)


class RegisterAdmin(PortalModelAdmin):
    visible = as_page("risks:risk-list")


class RiskActionInline(PortalInline):
    model = RiskAction


class RiskControlInline(PortalInline):
    model = RiskControl


@admin.register(Risk)
class RiskAdmin(RegisterAdmin):
    list_display = (
        "__str__", "register", "category", "owner", "residual_score", "status", "next_review_date",
    )  # fmt: skip
    list_filter = ("register", "status", "category", "residual_level")
    search_fields = ("title",)
    list_select_related = ("owner",)
    exclude = ("proposals", "projects", "project")
    inlines = [RiskActionInline, RiskControlInline]


class MeetingAgendaAdmin(PortalModelAdmin):
    visible = as_page("governance:meeting-list")


for model in (
    AppetiteThreshold,
    CategoryAppetite,
    ReminderLog,
    ReviewFrequency,
    RiskAction,
    RiskControl,
    RiskMatrix,
    RiskReview,
):
    admin.site.register(model, RegisterAdmin)
admin.site.register(RiskAgendaItem, MeetingAgendaAdmin)
