"""The risk register, kept to HM Government's Orange Book: cause, event and consequence;
inherent, residual and target ratings on a configurable 5x5 matrix; appetite per
category; owners, actions and reviews."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from common.addresses import page_url
from governance.choices import CLOSED_ACTION_STATUSES, ActionStatus
from governance.models import Meeting, Principle, Strategy, Theme
from projects.models import Project, Proposal

from .choices import (
    AppetiteLevel,
    AssuranceLine,
    Effectiveness,
    ExemptParagraph,
    Level,
    Proximity,
    Register,
    Response,
    ReviewKind,
    RiskCategory,
    RiskStatus,
)

SCALE = [MinValueValidator(1), MaxValueValidator(5)]
RATING_FIELDS = (
    "inherent_likelihood",
    "inherent_impact",
    "residual_likelihood",
    "residual_impact",
    "target_likelihood",
    "target_impact",
)


# The Orange Book's names for the three ratings, and what each means. The fields keep
# their first names (inherent, residual), as the register's files and API do.
RATING_NAMES = (
    ("inherent", "Gross (inherent)", "Before any controls"),
    ("residual", "Current (residual)", "With the controls as they work now"),
    ("target", "Target", "Once the planned actions are done"),
)


def _rating_field(label):
    return models.PositiveSmallIntegerField(label, validators=SCALE)


class RiskMatrix(models.Model):
    """One version of the 5x5 matrix: for each likelihood and impact, a score and a
    level, and a descriptor for each point of both scales.

    The Head of ICT's edits make a new version rather than change this one, and each
    rating records the version it was made under. A rating is a judgement made against
    the descriptors of its day; re-rating every risk silently when the matrix changes
    would rewrite appetite breaches already minuted. Risks move to the new matrix when
    they are next reviewed."""

    version = models.PositiveIntegerField(unique=True)
    cells = models.JSONField(help_text='{"L,I": {"score": int, "level": str}} for L, I in 1..5')
    descriptors = models.JSONField(
        help_text='{"likelihood": {"1": [label, description]}, "impact": {...}}'
    )
    is_current = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-version"]
        verbose_name_plural = "risk matrices"
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=models.Q(is_current=True),
                name="one_current_risk_matrix",
                violation_error_message="Only one matrix can be current.",
            ),
        ]

    def __str__(self):
        return f"Risk matrix version {self.version}"

    def cell(self, likelihood: int, impact: int) -> dict:
        return self.cells[f"{likelihood},{impact}"]

    def score(self, likelihood: int, impact: int) -> int:
        return self.cell(likelihood, impact)["score"]

    def level(self, likelihood: int, impact: int) -> str:
        return self.cell(likelihood, impact)["level"]

    def label(self, axis: str, point: int) -> str:
        return self.descriptors[axis][str(point)][0]


class AppetiteThreshold(models.Model):
    """The highest residual score tolerated at each level of the appetite scale."""

    level = models.CharField(max_length=16, choices=AppetiteLevel.choices, unique=True)
    max_score = models.PositiveSmallIntegerField(
        "highest residual score tolerated", validators=[MinValueValidator(1), MaxValueValidator(25)]
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["max_score"]

    def __str__(self):
        return f"{self.get_level_display()}: up to {self.max_score}"


class CategoryAppetite(models.Model):
    """How much risk the council will take in one category."""

    category = models.CharField(max_length=32, choices=RiskCategory.choices, unique=True)
    level = models.CharField(max_length=16, choices=AppetiteLevel.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["category"]
        verbose_name_plural = "category appetites"

    def __str__(self):
        return f"{self.get_category_display()}: {self.get_level_display()}"


class ReviewFrequency(models.Model):
    """How often a risk at each level is reviewed, unless the risk sets its own."""

    level = models.CharField(max_length=16, choices=Level.choices, unique=True)
    days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(366)]
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["days"]
        verbose_name_plural = "review frequencies"

    def __str__(self):
        return f"{self.get_level_display()}: every {self.days} days"


def reference_of(risk_pk: int) -> str:
    """A saved risk's reference, from its key alone (for rows read as values)."""
    return f"R-{risk_pk:03d}"


def is_review_overdue(status: str, next_review_date, today) -> bool:
    """Whether a risk is open and its review date has passed (Risk.review_overdue):
    `today` given, so a page of risks (the register's rows) reads the date once."""
    return status == RiskStatus.OPEN and next_review_date < today


class Risk(models.Model):
    """A risk to the strategy, with its owner, ratings, response and review date."""

    title = models.CharField(max_length=200)
    cause = models.TextField()
    event = models.TextField()
    consequence = models.TextField()
    category = models.CharField(max_length=32, choices=RiskCategory.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="risks_owned"
    )
    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, related_name="risks")
    themes = models.ManyToManyField(Theme, blank=True, related_name="risks")
    principles = models.ManyToManyField(Principle, blank=True, related_name="risks")
    proposals = models.ManyToManyField(Proposal, blank=True, related_name="risks")
    projects = models.ManyToManyField(Project, blank=True, related_name="risks")

    inherent_likelihood = _rating_field("inherent likelihood")
    inherent_impact = _rating_field("inherent impact")
    existing_controls = models.TextField(blank=True)
    residual_likelihood = _rating_field("residual likelihood")
    residual_impact = _rating_field("residual impact")
    target_likelihood = _rating_field("target likelihood")
    target_impact = _rating_field("target impact")
    target_date = models.DateField(null=True, blank=True)
    # Denormalised from the matrix the risk was last rated under, so the register can
    # filter and sort by them in the database.
    matrix = models.ForeignKey(RiskMatrix, on_delete=models.PROTECT, related_name="risks")
    inherent_score = models.PositiveSmallIntegerField()
    residual_score = models.PositiveSmallIntegerField()
    residual_level = models.CharField(max_length=16, choices=Level.choices)
    target_score = models.PositiveSmallIntegerField()

    response = models.CharField(max_length=16, choices=Response.choices)
    proximity = models.CharField(max_length=16, choices=Proximity.choices, blank=True)
    status = models.CharField(max_length=8, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    closed_reason = models.TextField(blank=True)
    review_every_days = models.PositiveSmallIntegerField(
        "review every (days)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
        help_text="Leave blank to follow the frequency for the risk's level.",
    )
    next_review_date = models.DateField()
    is_demo = models.BooleanField("demo data", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    # Which register holds the risk. Existing risks, and those the previous release
    # raises during a rolling upgrade, are the ICT register's (db_default).
    register = models.CharField(
        max_length=16, choices=Register.choices, default=Register.ICT, db_default=Register.ICT
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="register_risks",
        help_text="The project whose register holds the risk (project register only).",
    )
    # Escalation keeps the thread: the higher register holds its own entry, with its own
    # owner and score, linked to the lower one, which stays open. A risk is escalated
    # once: risk_escalate locks the source and checks. (Not a unique constraint: adding
    # one locks the table, which a rolling upgrade may not.)
    escalated_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="escalations"
    )
    escalation_reason = models.TextField(blank=True, default="", db_default="")
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risks_escalated",
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    # Why this entry's residual score differs from its source's, and the two scores the
    # reason explained: once either score moves, the reason no longer covers it and the
    # registers' mismatch is flagged again.
    difference_reason = models.TextField(
        "why the registers score it differently", blank=True, default="", db_default=""
    )
    difference_explained_score = models.PositiveSmallIntegerField(null=True, blank=True)
    difference_explained_source_score = models.PositiveSmallIntegerField(null=True, blank=True)
    # Exempt information under Schedule 12A to the Local Government Act 1972: a
    # committee's risk paper reports the risk only in its exempt part (reports/committee.py).
    exempt_paragraph = models.PositiveSmallIntegerField(
        "exempt under paragraph", choices=ExemptParagraph.choices, null=True, blank=True
    )
    exempt_reason = models.TextField("why it is exempt", blank=True, default="", db_default="")

    history = HistoricalRecords(m2m_fields=[themes, principles, proposals, projects])

    class Meta:
        ordering = ["-residual_score", "pk"]
        indexes = [
            models.Index(fields=["status", "-residual_score"], name="risk_status_residual"),
            models.Index(fields=["status", "next_review_date"], name="risk_status_review"),
            models.Index(fields=["owner", "status"], name="risk_owner_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=RiskStatus.CLOSED) | ~models.Q(closed_reason=""),
                name="closed_risk_has_reason",
                violation_error_message="Say why the risk is closed.",
            ),
            models.CheckConstraint(
                condition=~models.Q(register=Register.PROJECT) | models.Q(project__isnull=False),
                name="project_risk_has_project",
                violation_error_message="A project register's risk belongs to a project.",
            ),
            models.CheckConstraint(
                condition=models.Q(escalated_from__isnull=True) | ~models.Q(escalation_reason=""),
                name="escalated_risk_has_reason",
                violation_error_message="Say why the risk is escalated.",
            ),
            *(
                models.CheckConstraint(
                    condition=models.Q(**{f"{field}__gte": 1, f"{field}__lte": 5}),
                    name=f"risk_{field}_1_to_5",
                    violation_error_message="Ratings run from 1 to 5.",
                )
                for field in RATING_FIELDS
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def get_absolute_url(self):
        return page_url("risks:risk-detail", self.pk)

    @property
    def reference(self) -> str:
        return reference_of(self.pk) if self.pk else "New risk"

    @property
    def breadcrumb_parent(self):
        return None

    @property
    def breadcrumb_label(self) -> str:
        return self.reference

    @property
    def review_overdue(self) -> bool:
        return is_review_overdue(self.status, self.next_review_date, timezone.localdate())

    @property
    def escalated_to_reference(self) -> str:
        """R-0xx of the higher register's entry, from the register selector's
        `escalated_to_id` annotation (so a list asks no query per row)."""
        escalated_to_id = getattr(self, "escalated_to_id", None)
        return f"R-{escalated_to_id:03d}" if escalated_to_id else ""

    @property
    def is_exempt(self) -> bool:
        return self.exempt_paragraph is not None

    @property
    def escalated_from_reference(self) -> str:
        return f"R-{self.escalated_from_id:03d}" if self.escalated_from_id else ""

    def level_of(self, rating: str) -> str:
        """The level of the gross (inherent), current (residual) or target rating
        under the matrix the risk was rated with (only the current one is stored)."""
        if rating == "residual":
            return self.residual_level
        return self.matrix.level(getattr(self, f"{rating}_likelihood"),
                                 getattr(self, f"{rating}_impact"))  # fmt: skip

    def level_label(self, rating: str) -> str:
        return Level(self.level_of(rating)).label

    def ratings(self) -> list[dict]:
        """The three ratings side by side, in the Orange Book's words."""
        return [
            {
                "rating": rating,
                "name": name,
                "meaning": meaning,
                "score": getattr(self, f"{rating}_score"),
                "level": self.level_of(rating),
                "level_label": self.level_label(rating),
                "likelihood": getattr(self, f"{rating}_likelihood"),
                "likelihood_label": self.matrix.label("likelihood",
                                                      getattr(self, f"{rating}_likelihood")),
                "impact": getattr(self, f"{rating}_impact"),
                "impact_label": self.matrix.label("impact", getattr(self, f"{rating}_impact")),
            }
            for rating, name, meaning in RATING_NAMES
        ]  # fmt: skip


class RiskAction(models.Model):
    """A mitigating action, with its owner and due date."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="risk_actions"
    )
    due_date = models.DateField()
    status = models.CharField(
        max_length=16, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["risk", "due_date", "pk"]
        indexes = [models.Index(fields=["status", "due_date"], name="risk_action_status_due")]

    def __str__(self):
        return self.description[:80]

    @property
    def is_overdue(self) -> bool:
        return self.status not in CLOSED_ACTION_STATUSES and self.due_date < timezone.localdate()


class RiskControl(models.Model):
    """A control on a risk (Orange Book 2023, Part II): what it is, who owns it, which
    line of assurance says how well it works, and how well it did when last assessed.

    The owner is a person in the portal, as a risk's and an action's owner are: a
    control someone answers for, and who can be reminded. Removing a control deletes
    it; its history keeps what it held."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="controls")
    description = models.TextField("control")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="risk_controls"
    )
    line = models.CharField("line of assurance", max_length=8, choices=AssuranceLine.choices)
    effectiveness = models.CharField(
        max_length=16, choices=Effectiveness.choices, default=Effectiveness.NOT_ASSESSED
    )
    assessed_on = models.DateField("last assessed", null=True, blank=True)
    evidence = models.TextField("assurance evidence", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["risk", "line", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effectiveness=Effectiveness.NOT_ASSESSED)
                | models.Q(assessed_on__isnull=False),
                name="assessed_control_has_date",
                violation_error_message="Say when the control was last assessed.",
            ),
            models.CheckConstraint(
                condition=~models.Q(effectiveness=Effectiveness.NOT_ASSESSED)
                | models.Q(assessed_on__isnull=True),
                name="unassessed_control_has_no_date",
                violation_error_message="A control not yet assessed has no assessment date.",
            ),
        ]

    def __str__(self):
        return self.description[:80]


class RiskReview(models.Model):
    """A dated rating of a risk: when raised, and at each review. Together they show
    how the residual score has moved."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(max_length=16, choices=ReviewKind.choices)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="risk_reviews"
    )
    reviewed_on = models.DateField()
    matrix = models.ForeignKey(RiskMatrix, on_delete=models.PROTECT, related_name="reviews")
    residual_likelihood = _rating_field("residual likelihood")
    residual_impact = _rating_field("residual impact")
    residual_score = models.PositiveSmallIntegerField()
    residual_level = models.CharField(max_length=16, choices=Level.choices)
    outside_appetite = models.BooleanField()
    note = models.TextField(blank=True)
    next_review_date = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["risk", "-reviewed_on", "-pk"]
        # In the order a risk's latest rating on or before a day is looked up (the heat
        # map's movement, the annual report), so each lookup reads one entry, unsorted.
        indexes = [
            models.Index(fields=["risk", "-reviewed_on", "-id"], name="risk_review_latest"),
        ]

    def __str__(self):
        return f"{self.risk.reference} {self.get_kind_display()} {self.reviewed_on}"


class RiskAgendaItem(models.Model):
    """A risk on a Governance Group meeting's agenda, put there because it is outside
    appetite (or by the chair)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="risk_items")
    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="agenda_items")
    reason = models.CharField(max_length=200)
    added_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "-added_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "risk"],
                name="risk_once_per_agenda",
                violation_error_message="This risk is already on the agenda.",
            ),
        ]

    def __str__(self):
        return f"{self.risk.reference} at {self.meeting}"


class ReminderLog(models.Model):
    """That a reminder went to someone for a day (or a digest for a week): inserted in
    the same transaction as the e-mail, so running the task again sends nothing twice."""

    class Kind(models.TextChoices):
        OWNER_DAILY = "owner_daily", "Owner's daily reminder"
        WEEKLY_DIGEST = "weekly_digest", "Head of ICT's weekly digest"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    period = models.DateField(help_text="The day, or the Monday of the week, it covers.")
    sent_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "period"],
                name="reminder_once_per_period",
                violation_error_message="This reminder was already sent.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.recipient} for {self.period}"
