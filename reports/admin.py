"""Reports in the Django admin: read-only, for superusers who may read them in the
portal (common/admin.py). A committee risk paper's exempt part (Schedule 12A) shows
only to those reports.policies lets see it in the portal."""

from django.contrib import admin
from django.db.models import Q

from common.admin import PortalModelAdmin, as_page

from . import policies
from .models import (
    AnnualReport,
    Committee,
    CommitteeReportFile,
    CommitteeRiskReport,
    ReportExport,
    ReportRun,
    ScheduledReport,
)


@admin.register(AnnualReport)
class AnnualReportAdmin(PortalModelAdmin):
    list_display = ("__str__", "financial_year", "version", "status", "finalised_at")
    visible = as_page("reports:annual-list")


@admin.register(ReportExport)
class ReportExportAdmin(PortalModelAdmin):
    list_display = ("filename", "report", "file_format", "sha256", "created_at", "created_by")
    list_select_related = ("report", "created_by")
    visible = as_page("reports:annual-list")


class ArchiveAdmin(PortalModelAdmin):
    visible = as_page("reports:archive")


@admin.register(ScheduledReport)
class ScheduledReportAdmin(ArchiveAdmin):
    list_display = ("__str__", "is_active")


@admin.register(ReportRun)
class ReportRunAdmin(ArchiveAdmin):
    list_display = ("__str__", "status", "filename", "sha256", "created_at", "finished_at")
    list_filter = ("kind", "status")


class CommitteePaperAdmin(PortalModelAdmin):
    visible = as_page("reports:committee-list")


@admin.register(Committee)
class CommitteeAdmin(CommitteePaperAdmin):
    list_display = ("name", "takes_quarterly_report", "created_at")


@admin.register(CommitteeRiskReport)
class CommitteeRiskReportAdmin(CommitteePaperAdmin):
    list_display = ("__str__", "committee", "period", "status", "issued_at")
    list_filter = ("committee", "status")
    list_select_related = ("committee",)
    # The snapshot holds the exempt risks with the public ones, which the portal shows
    # only through committee.paper and reports.policies. It is not editable, so neither
    # the change page nor the history's list of changes shows it.


@admin.register(CommitteeReportFile)
class CommitteeReportFileAdmin(PortalModelAdmin):
    list_display = ("filename", "report", "part", "file_format", "sha256")
    list_filter = ("part", "file_format")
    list_select_related = ("report__committee",)

    def visible(self, user) -> Q:
        return Q(part__in=policies.paper_parts_visible(user))
