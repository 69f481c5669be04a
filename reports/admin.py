from django.contrib import admin

from common.admin import PortalModelAdmin, as_page

from .models import AnnualReport


@admin.register(AnnualReport)
class AnnualReportAdmin(PortalModelAdmin):
    """Read-only, for superusers who may read reports in the portal (common/admin.py)."""

    list_display = ("__str__", "financial_year", "version", "status", "finalised_at")
    visible = as_page("reports:annual-list")
