from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AppetiteThreshold,
    CategoryAppetite,
    ReminderLog,
    ReviewFrequency,
    Risk,
    RiskAction,
    RiskAgendaItem,
    RiskMatrix,
    RiskReview,
)


class RiskActionInline(admin.TabularInline):
    model = RiskAction
    extra = 0


@admin.register(Risk)
class RiskAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "category", "owner", "residual_score", "status", "next_review_date")
    list_filter = ("status", "category", "residual_level")
    search_fields = ("title",)
    list_select_related = ("owner",)
    inlines = [RiskActionInline]


for model in (
    AppetiteThreshold,
    CategoryAppetite,
    ReminderLog,
    ReviewFrequency,
    RiskAction,
    RiskAgendaItem,
    RiskMatrix,
    RiskReview,
):
    admin.site.register(model, SimpleHistoryAdmin)
