"""Changes to annual reports; only the Head of ICT makes them."""

import hashlib
import logging
from collections.abc import Mapping
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django_celery_beat.models import CrontabSchedule

from common.emails import email_queue
from common.errors import WorkflowError
from common.permissions import require_role
from common.services import save_with_history

from . import committee, documents, generation, papers, policies
from .assembly import annual_report_data
from .models import (
    NARRATIVE_FIELDS,
    AnnualReport,
    Committee,
    CommitteeReportFile,
    CommitteeRiskReport,
    PaperPart,
    ReportExport,
    ReportKind,
    ReportRun,
    ReportStatus,
    RunStatus,
    ScheduledReport,
)
from .selectors import annual_report_figures

logger = logging.getLogger(__name__)


@transaction.atomic
def annual_report_draft(*, user, financial_year: int) -> AnnualReport:
    """The year's draft, started if there is none; a new version after a final one
    carries its narrative forward."""
    require_role(user, *policies.REPORT_WRITERS)
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
    require_role(user, *policies.REPORT_WRITERS)
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
    require_role(user, *policies.REPORT_WRITERS)
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.DRAFT:
        raise WorkflowError("This report is already final.")
    report.snapshot = annual_report_data(report.financial_year)
    report.status = ReportStatus.FINAL
    report.finalised_at = timezone.now()
    report.finalised_by = user
    save_with_history(report, user=user)
    return report


def report_file_produce(*, user, report: AnnualReport, file_format: str) -> ReportExport:
    """Make the report as a PDF, Word, Excel or CSV file from its figures as they are
    now, keep the file and record it with its SHA-256. Each call makes one file; a
    download gives that file's bytes and records nothing."""
    require_role(user, *policies.REPORT_READERS)
    if file_format not in documents.BUILDERS:
        raise WorkflowError("Choose PDF, Word, Excel or CSV.")
    # Built before the transaction: a large year takes seconds, and holds no lock.
    content = documents.BUILDERS[file_format](
        report, annual_report_figures(report), council_name=settings.COUNCIL_NAME
    )
    year = f"{report.financial_year}-{report.financial_year + 1}"
    filename = f"annual-report-{year}-v{report.version}-{report.status}.{file_format}"
    export = ReportExport(
        report=report,
        file_format=file_format,
        filename=filename,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        created_by=user,
    )
    export.file.save(filename, ContentFile(content), save=False)
    try:
        with transaction.atomic():
            save_with_history(export, user=user, exclude={"report", "created_by"})
    except Exception:
        # The file went to storage before the row; do not leave it behind on failure.
        export.file.storage.delete(export.file.name)
        raise
    return export


# ------------------------------------------------------------------ scheduled reports

PENDING_GRACE = timedelta(minutes=1)
# A run marked running by code that kept no claim (before claims were kept) is taken
# to be abandoned this long after it was asked for.
STALE_RUNNING = timedelta(minutes=30)
MAX_ATTEMPTS = 3


def _claim_lapsed(run: ReportRun, now) -> bool:
    """Whether a running run's worker has stopped renewing its claim: it died, or was
    cut off, mid-way (settings.REPORT_CLAIM_SECONDS)."""
    if run.claimed_until is None:
        return run.created_at <= now - STALE_RUNNING
    return run.claimed_until <= now


def _claim_until(now):
    return now + timedelta(seconds=settings.REPORT_CLAIM_SECONDS)


def report_request(
    *, kind: str, period: str, requested_by=None, schedule: ScheduledReport | None = None
) -> ReportRun:
    """Record the request first, then queue its production after commit. Asking again
    for a report and period that exists returns it (re-queued only if it had failed).
    A person asking must be one who may produce reports; a schedule asks as no one."""
    if requested_by is not None:
        require_role(requested_by, *policies.REPORT_WRITERS)
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().filter(kind=kind, period=period).first()
        if run is None:
            run = _run_create(
                kind=kind, period=period, requested_by=requested_by, schedule=schedule
            )
        elif run.status == RunStatus.FAILED:
            run.status = RunStatus.PENDING
            run.attempts = 0
            run.error = ""
            save_with_history(run, user=requested_by)
        if run.status == RunStatus.PENDING:
            transaction.on_commit(lambda: _queue(run.pk))
    return run


def _run_create(*, kind, period, requested_by, schedule) -> ReportRun:
    """A new run, its history naming who asked (no one, for a schedule). If someone
    asked for the same report and period a moment ago, theirs is the run."""
    run = ReportRun(kind=kind, period=period, requested_by=requested_by, schedule=schedule)
    run._history_user = requested_by
    try:
        with transaction.atomic():
            run.save()
    except IntegrityError:
        return ReportRun.objects.select_for_update().get(kind=kind, period=period)
    return run


def _queue(run_id: int) -> None:
    from .tasks import generate_report

    try:
        generate_report.delay(run_id)
    except Exception:
        # Broker down: the run is recorded as pending, and the sweep produces it.
        logger.warning("Could not queue report run %s; the sweep will produce it", run_id)


def report_generate(*, run_id: int, worker: str = "") -> bool:
    """Produce one run's file, as `worker` (the Celery worker's name). Returns False if
    it was already produced, or is being produced by a worker whose claim still holds,
    so running it twice, on one worker or two, produces it once.

    A worker claims the run for settings.REPORT_CLAIM_SECONDS and renews the claim at
    each step of progress. If it dies mid-way (killed, or its machine lost), the claim
    lapses and the next attempt takes the run over: the broker's redelivery of the
    unacknowledged task to another worker, or beat's sweep. Only the attempt that holds
    the claim when it finishes keeps its file; one overtaken while alive but slow
    discards its work, so a run is never produced twice."""
    now = timezone.now()
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=run_id)
        if run.status == RunStatus.DONE:
            return False
        if run.status == RunStatus.RUNNING and not _claim_lapsed(run, now):
            return False
        run.status = RunStatus.RUNNING
        run.attempts += 1
        run.worker = worker
        run.claimed_until = _claim_until(now)
        save_with_history(run, user=None)
    attempt = run.attempts

    def report_progress(percent: int, stage: str) -> None:
        # Its own short transaction, so the page shows it while the work goes on.
        # A plain update: progress is display state, not part of the report's history.
        ReportRun.objects.filter(pk=run_id, attempts=attempt).update(
            progress=percent, stage=stage, claimed_until=_claim_until(timezone.now())
        )

    try:
        content, extension = generation.build(run.kind, run.period, progress=report_progress)
    except Exception as error:
        with transaction.atomic():
            run = ReportRun.objects.select_for_update().get(pk=run_id)
            if run.attempts != attempt or run.status != RunStatus.RUNNING:
                raise  # overtaken: the run is another attempt's to finish or fail
            run.status = RunStatus.FAILED if run.attempts >= MAX_ATTEMPTS else RunStatus.PENDING
            run.error = str(error)[:2000]
            run.claimed_until = None
            save_with_history(run, user=None)
        raise
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=run_id)
        if run.attempts != attempt or run.status != RunStatus.RUNNING:
            logger.warning(
                "Report run %s was taken over while %s produced it; its file is discarded",
                run_id,
                worker or "this process",
            )
            return False
        run.filename = f"{run.kind.replace('_', '-')}-{run.period}.{extension}"
        run.file.save(run.filename, ContentFile(content), save=False)
        run.sha256 = hashlib.sha256(content).hexdigest()
        run.status = RunStatus.DONE
        run.progress = 100
        run.stage = "Ready"
        run.finished_at = timezone.now()
        run.claimed_until = None
        run.error = ""
        save_with_history(run, user=None)
        recipients = run.schedule.recipient_list() if run.schedule else []
        if run.requested_by and run.requested_by.email:
            recipients.append(run.requested_by.email)
        for address in dict.fromkeys(recipients):
            email_queue(
                to=address,
                subject=f"{generation.title(run.kind, run.period)} is ready",
                body=f"{generation.title(run.kind, run.period)} is ready to download:\n\n"
                f"{settings.PORTAL_BASE_URL}{run.get_absolute_url()}\n\nSHA-256: {run.sha256}",
            )
    return True


def reports_generate_pending(*, worker: str = "") -> int:
    """Produce runs left pending (the worker or broker was down) and take over runs
    whose worker died mid-way (its claim lapsed). Returns how many were produced."""
    now = timezone.now()
    running = ReportRun.objects.filter(status=RunStatus.RUNNING)
    lapsed = [run.pk for run in running if _claim_lapsed(run, now)]
    waiting = ReportRun.objects.filter(
        status=RunStatus.PENDING, created_at__lte=now - PENDING_GRACE
    ).values_list("pk", flat=True)
    produced = 0
    for report_id in CommitteeRiskReport.objects.filter(
        status=RunStatus.PENDING, created_at__lte=now - PENDING_GRACE
    ).values_list("pk", flat=True):
        produced += committee_report_generate(report_id=report_id)
    for run_id in [*lapsed, *waiting]:
        try:
            produced += report_generate(run_id=run_id, worker=worker)
        except Exception:
            logger.exception("Report run %s failed; it will be tried again", run_id)
    return produced


def scheduled_report_run(*, schedule_id: int, day=None) -> ReportRun | None:
    """What beat calls: request this schedule's report for the current period."""
    schedule = ScheduledReport.objects.get(pk=schedule_id)
    if not schedule.is_active:
        return None
    period = generation.period_for(schedule.kind, day or timezone.localdate())
    if schedule.kind == ReportKind.COMMITTEE_RISK:
        committee_reports_scheduled(schedule=schedule, period=period)
        return None
    return report_request(kind=schedule.kind, period=period, schedule=schedule)


@transaction.atomic
def schedule_update(*, user, schedule: ScheduledReport, fields: Mapping, crontab: Mapping):
    """Change when a schedule runs and who receives it."""
    require_role(user, *policies.REPORT_WRITERS)
    schedule = ScheduledReport.objects.select_for_update().get(pk=schedule.pk)
    for field, value in fields.items():
        setattr(schedule, field, value)
    save_with_history(schedule, user=user)
    task = schedule.periodic_task
    cron, _ = CrontabSchedule.objects.get_or_create(timezone=settings.TIME_ZONE, **crontab)
    if (task.crontab_id, task.enabled) != (cron.pk, schedule.is_active):
        task.crontab = cron
        task.enabled = schedule.is_active
        task.save()
    return schedule


# ------------------------------------------------------------ committee risk reports


@transaction.atomic
def committee_create(*, user, name: str, takes_quarterly_report: bool) -> Committee:
    require_role(user, *policies.COMMITTEE_KEEPERS)
    committee = Committee()
    return _committee_save(committee, user, name, takes_quarterly_report)


@transaction.atomic
def committee_change(
    *, user, committee: Committee, name: str, takes_quarterly_report: bool
) -> Committee:
    """Rename a committee (as the council renames its bodies) or stop or start its
    quarterly report. The papers already issued to it keep the name they were issued
    under (their snapshot holds it), and each next report still compares with the last
    one issued to this body, whatever it was called then."""
    require_role(user, *policies.COMMITTEE_KEEPERS)
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    return _committee_save(committee, user, name, takes_quarterly_report)


def _committee_save(committee, user, name, takes_quarterly_report) -> Committee:
    name = " ".join(name.split())
    if Committee.objects.filter(name__iexact=name).exclude(pk=committee.pk).exists():
        raise ValidationError({"name": "There is already a committee with this name."})
    committee.name, committee.takes_quarterly_report = name, takes_quarterly_report
    save_with_history(committee, user=user)
    return committee


def committee_report_request(
    *, committee: Committee, requested_by=None, period: str = "", schedule=None
) -> CommitteeRiskReport:
    """Record a risk report to `committee`, then queue its production after commit. A
    scheduled one (with a period) is issued once per period however often it is asked
    for; one the Head of ICT asks for is a new report, unless one they asked for is
    still being produced (asked for twice, it would be issued twice, the second
    comparing with the first and showing no movement at all)."""
    if requested_by is not None:
        require_role(requested_by, *policies.COMMITTEE_KEEPERS)
    with transaction.atomic():
        report = None
        if period:
            report = (
                CommitteeRiskReport.objects.select_for_update()
                .filter(committee=committee, period=period)
                .first()
            )
        else:
            report = (
                CommitteeRiskReport.objects.filter(
                    committee=committee,
                    period="",
                    status__in=(RunStatus.PENDING, RunStatus.RUNNING),
                )
                .order_by("created_at", "pk")
                .first()
            )
        if report is None:
            report = CommitteeRiskReport(
                committee=committee, period=period, requested_by=requested_by, schedule=schedule
            )
            report._history_user = requested_by
            try:
                with transaction.atomic():
                    report.save()
            except IntegrityError:
                report = CommitteeRiskReport.objects.get(committee=committee, period=period)
        elif report.status == RunStatus.FAILED:
            report.status = RunStatus.PENDING
            report.attempts = 0
            report.error = ""
            save_with_history(report, user=requested_by)
        if report.status == RunStatus.PENDING:
            transaction.on_commit(lambda: _queue_committee_report(report.pk))
    return report


def _queue_committee_report(report_id: int) -> None:
    from .tasks import generate_committee_report

    try:
        generate_committee_report.delay(report_id)
    except Exception:
        logger.warning("Could not queue committee report %s; the sweep will produce it", report_id)


def committee_report_generate(*, report_id: int) -> bool:
    """Issue one committee risk report: freeze the snapshot against the last report
    issued to the same committee, and keep its public and exempt parts as PDF and Word.
    The committee's row is locked throughout, so two reports to one committee are
    issued one after the other, each the baseline of the next. Returns False if it was
    already issued."""
    with transaction.atomic():
        report = CommitteeRiskReport.objects.select_for_update().get(pk=report_id)
        if report.status == RunStatus.DONE:
            return False
        Committee.objects.select_for_update().get(pk=report.committee_id)
        previous = (
            CommitteeRiskReport.objects.filter(
                committee_id=report.committee_id, status=RunStatus.DONE
            )
            .order_by("-issued_at", "-pk")
            .first()
        )
        report.attempts += 1
        try:
            now = timezone.now()
            frozen = committee.snapshot(
                committee_name=report.committee.name,
                issued_on=timezone.localdate(now),
                previous=previous.snapshot if previous else None,
            )
            files = []
            for part in PaperPart:
                context = committee.paper(frozen, part)
                for file_format, build in papers.BUILDERS.items():
                    files.append((part, file_format, build(context)))
        except Exception as error:
            report.status = (
                RunStatus.FAILED if report.attempts >= MAX_ATTEMPTS else RunStatus.PENDING
            )
            report.error = str(error)[:2000]
            save_with_history(report, user=report.requested_by)
            logger.exception("Committee report %s failed", report_id)
            return False
        report.previous = previous
        report.snapshot = frozen
        report.status = RunStatus.DONE
        report.issued_at = now
        report.error = ""
        save_with_history(report, user=report.requested_by)
        stem = f"risk-report-{slugify(report.committee.name)}-{timezone.localdate(now):%Y-%m-%d}"
        for part, file_format, content in files:
            kept = CommitteeReportFile(
                report=report,
                part=part,
                file_format=file_format,
                filename=f"{stem}-{part}.{file_format}",
                sha256=hashlib.sha256(content).hexdigest(),
                size=len(content),
            )
            kept.file.save(kept.filename, ContentFile(content), save=False)
            save_with_history(kept, user=report.requested_by, exclude={"report"})
        # The e-mail links to the report's page, where each reader sees the parts they
        # may (reports/policies.py): no part, public or exempt, travels by e-mail.
        recipients = report.schedule.recipient_list() if report.schedule else []
        if report.requested_by and report.requested_by.email:
            recipients.append(report.requested_by.email)
        for address in dict.fromkeys(recipients):
            email_queue(
                to=address,
                subject=f"{report} is ready",
                body=f"{report} is ready:\n\n{settings.PORTAL_BASE_URL}{report.get_absolute_url()}",
            )
    return True


def committee_reports_scheduled(*, schedule: ScheduledReport, period: str) -> list:
    """What the committee schedule does: a report for the period to every committee
    that takes the quarterly report."""
    return [
        committee_report_request(committee=c, period=period, schedule=schedule)
        for c in Committee.objects.filter(takes_quarterly_report=True)
    ]
