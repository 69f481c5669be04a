"""The report archive, declared once (common.lists) for its page, downloads, the API
and Power BI."""

import django_filters

from common.lists import Column, DeclaredList, Kind, register

from . import policies
from .models import ReportKind, ReportRun, RunStatus


class ReportRunFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        choices=ReportKind.choices, label="Report", empty_label="All"
    )
    status = django_filters.ChoiceFilter(choices=RunStatus.choices, empty_label="All")

    class Meta:
        model = ReportRun
        fields = ["kind", "status"]


class ReportArchiveList(DeclaredList):
    """Every report produced, on schedule or on request, with its file and checksum."""

    name = "reports"
    title = "Report archive"
    allowed_roles = policies.REPORT_READERS
    filterset_class = ReportRunFilter
    columns = (
        Column("Report", lambda r: r.get_kind_display()),
        Column("Period", lambda r: r.period),
        Column("Status", lambda r: r.get_status_display()),
        Column("Requested", lambda r: r.created_at, Kind.DATETIME),
        Column("Finished", lambda r: r.finished_at, Kind.DATETIME),
        Column("File", lambda r: r.filename),
        Column("SHA-256", lambda r: r.sha256, name="sha256"),
    )

    def scoped(self, user):
        return ReportRun.objects.select_related("requested_by", "schedule")


report_archive_list = register(ReportArchiveList())
