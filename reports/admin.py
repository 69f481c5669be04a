from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AnnualReport


@admin.register(AnnualReport)
class AnnualReportAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "financial_year", "version", "status", "finalised_at")
    readonly_fields = ("snapshot",)
