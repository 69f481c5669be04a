"""The Head of ICT's annual progress report on the strategy."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from common.addresses import page_url
from common.fy import financial_year_label

NARRATIVE_FIELDS = (
    ("executive_summary", "Executive summary"),
    ("themes_narrative", "Progress on the themes"),
    ("projects_narrative", "Projects and spend"),
    ("governance_narrative", "Governance"),
    ("principles_narrative", "Principles and benchmarks"),
    ("risks_narrative", "Risks"),
    ("priorities", "Priorities for next year"),
)


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    FINAL = "final", "Final"


class AnnualReport(models.Model):
    """One version of a year's report. A draft always shows live figures; finalising
    stores them in `snapshot`, so later changes to the data never alter a published
    report. A new draft after a final one is a new version."""

    financial_year = models.PositiveSmallIntegerField()
    version = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        max_length=8, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    executive_summary = models.TextField(blank=True)
    themes_narrative = models.TextField(blank=True)
    projects_narrative = models.TextField(blank=True)
    governance_narrative = models.TextField(blank=True)
    principles_narrative = models.TextField(blank=True)
    risks_narrative = models.TextField(blank=True)
    priorities = models.TextField("priorities for next year", blank=True)
    snapshot = models.JSONField(null=True, blank=True, editable=False)
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-financial_year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["financial_year", "version"],
                name="annual_report_version_once",
                violation_error_message="This version of the report already exists.",
            ),
            models.UniqueConstraint(
                fields=["financial_year"],
                condition=models.Q(status="draft"),
                name="one_draft_annual_report_per_year",
                violation_error_message="This year already has a draft report.",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="final") | models.Q(snapshot__isnull=False),
                name="final_report_has_snapshot",
                violation_error_message="A final report keeps its figures.",
            ),
        ]

    def __str__(self):
        return f"Annual report {self.label}, version {self.version} ({self.get_status_display()})"

    def get_absolute_url(self):
        return page_url("reports:annual-detail", self.pk)

    @property
    def label(self) -> str:
        return financial_year_label(self.financial_year)

    @property
    def breadcrumb_parent(self):
        return None

    @property
    def breadcrumb_label(self) -> str:
        return f"Annual report {self.label} v{self.version}"

    def narratives(self) -> list[tuple[str, str, str]]:
        return [(field, label, getattr(self, field)) for field, label in NARRATIVE_FIELDS]


def _export_path(instance, filename):
    return f"reports/annual/{instance.report.financial_year}/{filename}"


class ReportExport(models.Model):
    """A file made from a report, with its SHA-256, so a copy in circulation can be
    checked against what the portal produced. The file is kept, and downloading it
    gives exactly these bytes; files made before the portal kept them have none."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="exports")
    file_format = models.CharField(max_length=8)
    filename = models.CharField(max_length=200)
    file = models.FileField(upload_to=_export_path, blank=True, max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.filename} ({self.sha256[:12]}…)"


class ReportKind(models.TextChoices):
    GOVERNANCE_PACK = "governance_pack", "Monthly Governance Group pack"
    RISK_REPORT = "risk_report", "Quarterly risk report"
    ANNUAL_DRAFT = "annual_draft", "Annual report draft"
    # Not a run of its own: the schedule issues a committee risk report to each committee
    # that takes the quarterly report (CommitteeRiskReport).
    COMMITTEE_RISK = "committee_risk", "Quarterly committee risk reports"


class RunStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    RUNNING = "running", "Being produced"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class ScheduledReport(models.Model):
    """A report Celery beat produces on a schedule the Head of ICT sets, and e-mails."""

    kind = models.CharField(max_length=20, choices=ReportKind.choices, unique=True)
    recipients = models.TextField(
        blank=True, help_text="E-mail addresses, one a line, that receive each run."
    )
    is_active = models.BooleanField("on", default=True)
    periodic_task = models.OneToOneField(
        "django_celery_beat.PeriodicTask", on_delete=models.SET_NULL, null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind"]

    def __str__(self):
        return self.get_kind_display()

    def recipient_list(self) -> list[str]:
        return recipient_lines(self.recipients)


def recipient_lines(text: str) -> list[str]:
    """The e-mail addresses a schedule's recipients hold, one a line."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _run_path(instance, filename):
    return f"reports/{instance.kind}/{filename}"


class ReportRun(models.Model):
    """One report for one period, in the archive. It is written before any work is
    queued, and (kind, period) is unique, so a schedule that fires twice, or a request
    made while the worker is down, still gives exactly one report."""

    kind = models.CharField(max_length=20, choices=ReportKind.choices)
    period = models.CharField(
        max_length=20, help_text="2026-11, 2026-Q3 or 2026 (a financial year)."
    )
    schedule = models.ForeignKey(
        ScheduledReport, on_delete=models.SET_NULL, null=True, blank=True, related_name="runs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done, for the page.")
    stage = models.CharField(max_length=80, blank=True)
    file = models.FileField(upload_to=_run_path, blank=True, max_length=255)
    filename = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Which worker is producing it, and until when that claim holds unless renewed (each
    # step of progress renews it): a worker that dies mid-way leaves the run to another
    # once its claim runs out (services.report_generate). Nullable with database
    # defaults, so code from before these columns can still write runs in a rolling
    # upgrade.
    worker = models.CharField(max_length=200, blank=True, default="", db_default="")
    claimed_until = models.DateTimeField(null=True, blank=True)
    # Progress and the claim's renewals are display and coordination state, updated many
    # times a run: not worth a history record.
    history = HistoricalRecords(excluded_fields=["progress", "stage", "claimed_until"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period"],
                name="report_run_once_per_period",
                violation_error_message="This report for this period already exists.",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="report_run_status_created")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.period}"

    def get_absolute_url(self):
        return page_url("reports:run-detail", self.pk)

    @property
    def breadcrumb_parent(self):
        return None

    @property
    def breadcrumb_label(self) -> str:
        return str(self)


# ------------------------------------------------------------ committee risk reports


class Committee(models.Model):
    """A council body the Head of ICT reports risks to (the Audit and Governance
    Committee, Cabinet). Each report to it is compared with the last one issued to it,
    so "since the last report" means the last report to this body."""

    name = models.CharField(max_length=200, unique=True)
    takes_quarterly_report = models.BooleanField(
        "receives the quarterly risk report on the schedule", default=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        """Its place on the committees page, which lists each with its reports."""
        return f"{page_url('reports:committee-list')}#committee-{self.pk}"


class PaperPart(models.TextChoices):
    PUBLIC = "public", "Public part"
    EXEMPT = "exempt", "Exempt part"


class CommitteeRiskReport(models.Model):
    """One risk report issued to a committee. Producing it freezes, in `snapshot`, each
    reported risk's score, level, owner, response and exemption as they were, with its
    direction of travel against the `previous` report to the same committee; the next
    report compares with this one. A scheduled report covers a quarter and is issued
    once for it however often the schedule fires; one on request has no period."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="risk_reports")
    period = models.CharField(max_length=20, blank=True, help_text="2026-Q3 when scheduled.")
    schedule = models.ForeignKey(
        ScheduledReport, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    previous = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    snapshot = models.JSONField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "period"],
                condition=~models.Q(period=""),
                name="committee_risk_report_once_per_period",
                violation_error_message="This committee already has its report for this period.",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="done") | models.Q(snapshot__isnull=False),
                name="issued_committee_report_has_snapshot",
                violation_error_message="An issued report keeps its snapshot.",
            ),
        ]
        indexes = [
            models.Index(
                fields=["committee", "status", "-issued_at"], name="committee_report_last"
            ),
        ]

    def __str__(self):
        when = f"{self.issued_at:%-d %B %Y}" if self.issued_at else "being produced"
        return f"Risk report to {self.committee}, {when}"

    def get_absolute_url(self):
        return page_url("reports:committee-report-detail", self.pk)

    @property
    def breadcrumb_parent(self):
        return None

    @property
    def breadcrumb_label(self) -> str:
        return str(self)


def _committee_file_path(instance, filename):
    return f"reports/committee/{instance.report.committee_id}/{filename}"


class CommitteeReportFile(models.Model):
    """One document of an issued committee risk report: its public or its exempt part,
    as PDF or Word, kept with its SHA-256."""

    report = models.ForeignKey(CommitteeRiskReport, on_delete=models.CASCADE, related_name="files")
    part = models.CharField(max_length=8, choices=PaperPart.choices)
    file_format = models.CharField(max_length=8)
    filename = models.CharField(max_length=200)
    file = models.FileField(upload_to=_committee_file_path, max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "part", "file_format"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "part", "file_format"],
                name="committee_report_file_once",
                violation_error_message="This part of the report is already kept in this format.",
            ),
        ]

    def __str__(self):
        return self.filename
