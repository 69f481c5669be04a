"""An issued committee risk report built quickly: its snapshot taken as the service
takes it, its four files small stand-ins (producing real PDFs is for the tests that
read them)."""

import hashlib

from django.core.files.base import ContentFile
from django.utils import timezone

from reports.committee import snapshot
from reports.models import Committee, CommitteeReportFile, CommitteeRiskReport, PaperPart


def issued_committee_report(committee: Committee | None = None) -> CommitteeRiskReport:
    # The demo data's committee if it is loaded (the tests that walk every page build
    # their objects on top of it), else a new one of the same name.
    committee = (
        committee or Committee.objects.get_or_create(name="Audit and Governance Committee")[0]
    )
    report = CommitteeRiskReport.objects.create(
        committee=committee,
        status="done",
        issued_at=timezone.now(),
        snapshot=snapshot(
            committee_name=committee.name, issued_on=timezone.localdate(), previous=None
        ),
    )
    for part in PaperPart:
        for file_format in ("pdf", "docx"):
            content = f"{part} {file_format}".encode()
            kept = CommitteeReportFile(
                report=report,
                part=part,
                file_format=file_format,
                filename=f"risk-report-{part}.{file_format}",
                sha256=hashlib.sha256(content).hexdigest(),
                size=len(content),
            )
            kept.file.save(kept.filename, ContentFile(content), save=False)
            kept.save()
    return report
