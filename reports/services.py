"""Changes to annual reports; only the Head of ICT makes them."""

import hashlib
from collections.abc import Mapping

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from common.errors import WorkflowError
from common.permissions import require_role
from common.roles import Role
from common.services import save_with_history

from .assembly import annual_report_data
from .models import NARRATIVE_FIELDS, AnnualReport, ReportExport, ReportStatus


@transaction.atomic
def annual_report_draft(*, user, financial_year: int) -> AnnualReport:
    """The year's draft, started if there is none; a new version after a final one
    carries its narrative forward."""
    require_role(user, Role.HEAD_OF_ICT)
    draft = (
        AnnualReport.objects.select_for_update()
        .filter(financial_year=financial_year, status=ReportStatus.DRAFT)
        .first()
    )
    if draft:
        return draft
    latest = AnnualReport.objects.filter(financial_year=financial_year).order_by("-version").first()
    version = (
        AnnualReport.objects.filter(financial_year=financial_year).aggregate(v=Max("version"))["v"]
        or 0
    ) + 1
    report = AnnualReport(financial_year=financial_year, version=version)
    for field, _ in NARRATIVE_FIELDS:
        setattr(report, field, getattr(latest, field) if latest else "")
    save_with_history(report, user=user)
    return report


@transaction.atomic
def annual_report_write(
    *, user, report: AnnualReport, narrative: Mapping[str, str]
) -> AnnualReport:
    require_role(user, Role.HEAD_OF_ICT)
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.DRAFT:
        raise WorkflowError("A final report cannot be changed. Start a new version instead.")
    for field, _ in NARRATIVE_FIELDS:
        if field in narrative:
            setattr(report, field, narrative[field])
    save_with_history(report, user=user)
    return report


@transaction.atomic
def annual_report_finalise(*, user, report: AnnualReport) -> AnnualReport:
    """Freeze the figures as they are now; the report never changes after this."""
    require_role(user, Role.HEAD_OF_ICT)
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.DRAFT:
        raise WorkflowError("This report is already final.")
    report.snapshot = annual_report_data(report.financial_year)
    report.status = ReportStatus.FINAL
    report.finalised_at = timezone.now()
    report.finalised_by = user
    save_with_history(report, user=user)
    return report


@transaction.atomic
def report_export_record(*, user, report: AnnualReport, file_format: str, filename: str,
                         content: bytes) -> ReportExport:  # fmt: skip
    """Record a file made from the report with its SHA-256."""
    export = ReportExport(
        report=report,
        file_format=file_format,
        filename=filename,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        created_by=user,
    )
    save_with_history(export, user=user, exclude={"report", "created_by"})
    return export
