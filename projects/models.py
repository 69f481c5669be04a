"""Proposals, their business cases and scoring; decisions; projects in delivery."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from common.addresses import page_url
from common.dates import before_refusal, long_date, refuse
from common.fy import financial_year_label, financial_year_of
from governance.choices import RAG
from governance.models import (
    BusinessUnit,
    CorporateObjective,
    Meeting,
    Objective,
    Principle,
    Strategy,
    Theme,
)

from .choices import (
    ContractProcess,
    Outcome,
    ProcurementRoute,
    ProjectStatus,
    ProposalStatus,
    RiskPotential,
    Route,
    SecurityImpact,
    Stage,
    TcopAnswer,
    YesNo,
)

MONEY = {"max_digits": 12, "decimal_places": 2}
MAX_YEARS = 5


def reference_of(proposal_pk: int) -> str:
    """A saved proposal's reference, from its key alone (for rows read as values)."""
    return f"P-{proposal_pk:04d}"


class Proposal(models.Model):
    """A business unit's ICT project proposal, shaped as the Green Book's five-case
    business case. Drafts may be half-filled; submission checks the whole case."""

    title = models.CharField(max_length=200)
    business_unit = models.ForeignKey(
        BusinessUnit, on_delete=models.PROTECT, related_name="proposals"
    )
    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, related_name="proposals")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals_created"
    )
    status = models.CharField(
        max_length=32, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT
    )

    # Strategic case
    case_for_change = models.TextField(blank=True)
    corporate_objectives = models.ManyToManyField(
        CorporateObjective, blank=True, related_name="proposals"
    )
    principles = models.ManyToManyField(Principle, blank=True, related_name="proposals")
    objectives = models.ManyToManyField(
        Objective, blank=True, related_name="proposals", verbose_name="objectives it delivers"
    )
    is_statutory = models.BooleanField("statutory or mandatory", default=False)
    statutory_basis = models.TextField(blank=True)

    # Economic case
    options_considered = models.TextField(blank=True)
    preferred_option = models.TextField(blank=True)
    non_cashable_benefits = models.TextField(blank=True)
    first_financial_year = models.PositiveSmallIntegerField(null=True, blank=True)

    # Commercial case
    procurement_route = models.CharField(
        max_length=32, choices=ProcurementRoute.choices, blank=True
    )
    suppliers = models.TextField(blank=True)

    # Financial case
    funding_source = models.CharField(max_length=200, blank=True)

    # Management case
    sponsor = models.CharField(max_length=200, blank=True)
    project_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals_managed",
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    milestones = models.TextField(blank=True)
    key_risks = models.TextField(blank=True)
    dependencies = models.TextField(blank=True)
    personal_data = models.CharField(
        "personal data involved", max_length=3, choices=YesNo.choices, blank=True
    )
    security_impact = models.CharField(max_length=8, choices=SecurityImpact.choices, blank=True)
    security_notes = models.TextField(blank=True)

    # Risk potential at intake (projects.routing.RISK_QUESTIONS): sets how much
    # assurance the scheme needs and, with its whole-life cost, its route.
    risk_novel = models.CharField(
        "novel or contentious", max_length=3, choices=YesNo.choices, blank=True,
        default="", db_default="",
    )  # fmt: skip
    risk_personal_data_at_scale = models.CharField(
        "personal data at scale", max_length=3, choices=YesNo.choices, blank=True,
        default="", db_default="",
    )  # fmt: skip
    risk_frontline = models.CharField(
        "changes a frontline service", max_length=3, choices=YesNo.choices, blank=True,
        default="", db_default="",
    )  # fmt: skip
    risk_immature_market = models.CharField(
        "immature supplier market", max_length=3, choices=YesNo.choices, blank=True,
        default="", db_default="",
    )  # fmt: skip
    # Set when the proposal is first submitted (projects.routing), fixed once its first
    # gate is decided. Blank on proposals from before business case stages: one
    # decision settles those, as it always did.
    route = models.CharField(
        max_length=16, choices=Route.choices, blank=True, default="", db_default=""
    )
    stage = models.CharField(
        "business case stage", max_length=8, choices=Stage.choices, blank=True,
        default="", db_default="",
    )  # fmt: skip

    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    revisit_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[corporate_objectives, principles, objectives])

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "business_unit"], name="proposal_status_unit"),
            # Counts and sums over proposals in some statuses (the list's count, what
            # approved projects commit) read the keys from here, not the wide rows.
            models.Index(fields=["status", "id"], name="proposal_status_id"),
            # A year's proposals received and decided (the annual report).
            models.Index(fields=["submitted_at"], name="proposal_submitted"),
            # The home page's queues (to triage, to score), oldest submitted first: a
            # short walk along one status, not the whole submitted_at index filtered.
            models.Index(fields=["status", "submitted_at", "id"], name="proposal_status_submitted"),
            models.Index(fields=["decided_at"], name="proposal_decided"),
            models.Index(fields=["business_unit", "-created_at"], name="proposal_unit_created"),
            # The proposal list: the most recently changed first, a page at a time.
            models.Index(fields=["-updated_at", "-id"], name="proposal_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="proposal_ends_after_it_starts",
                violation_error_message="The end date must be on or after the start date.",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def get_absolute_url(self):
        return page_url("projects:proposal-detail", self.pk)

    def clean(self):
        start = self.start_date
        if start is None:
            return
        start_year = financial_year_of(start)
        refuse(
            {
                "end_date": before_refusal(self.end_date, start, "The end date", "the start date"),
                # No costs can fall in a year before the project starts.
                "first_financial_year": (
                    f"The first financial year must be {financial_year_label(start_year)} or "
                    f"later: the project starts on {long_date(start)}"
                    if self.first_financial_year and self.first_financial_year < start_year
                    else None
                ),
            }
        )

    @property
    def reference(self) -> str:
        return reference_of(self.pk) if self.pk else "New proposal"

    @property
    def breadcrumb_parent(self):
        return None

    @property
    def breadcrumb_label(self) -> str:
        return self.reference

    @property
    def dpia_needed(self) -> bool:
        return self.personal_data == YesNo.YES


class ProposalTheme(models.Model):
    """A strategy theme a proposal serves, and how it serves it."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="theme_links")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="proposal_links")
    how = models.TextField("how it serves the theme", blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["proposal", "theme__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "theme"],
                name="proposal_theme_once",
                violation_error_message="This theme is already linked to the proposal.",
            ),
        ]

    def __str__(self):
        return f"{self.proposal.reference} serves theme {self.theme.number}"


class ProposalYear(models.Model):
    """A proposal's money in one financial year: costs and cashable savings planned."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="years")
    financial_year = models.PositiveSmallIntegerField()
    capital_cost = models.DecimalField(**MONEY, default=Decimal(0))
    revenue_cost = models.DecimalField(**MONEY, default=Decimal(0))
    cashable_savings = models.DecimalField(**MONEY, default=Decimal(0))
    history = HistoricalRecords()

    class Meta:
        ordering = ["proposal", "financial_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "financial_year"],
                name="proposal_year_once",
                violation_error_message="This financial year is already recorded.",
            ),
            models.CheckConstraint(
                condition=models.Q(capital_cost__gte=0)
                & models.Q(revenue_cost__gte=0)
                & models.Q(cashable_savings__gte=0),
                name="proposal_year_amounts_not_negative",
                violation_error_message="Costs and savings cannot be negative.",
            ),
        ]
        # The years anything is costed in (the portfolio's filter), and one year's rows
        # (the annual report's savings).
        indexes = [models.Index(fields=["financial_year"], name="proposal_year_year")]

    def __str__(self):
        return f"{self.proposal.reference} {self.label}"

    @property
    def label(self) -> str:
        return financial_year_label(self.financial_year)

    @property
    def total_cost(self) -> Decimal:
        return self.capital_cost + self.revenue_cost


class ProposalEvent(models.Model):
    """One step in a proposal's workflow: who moved it, from what to what, and why."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=32, choices=ProposalStatus.choices)
    to_status = models.CharField(max_length=32, choices=ProposalStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposal_events"
    )
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["proposal", "created_at", "pk"]

    def __str__(self):
        return f"{self.proposal.reference}: {self.action} by {self.actor}"


def _attachment_path(instance, filename):
    # `filename` is already the server-chosen name (see common.uploads.storage_name).
    return f"proposals/{instance.proposal_id}/{filename}"


class Attachment(models.Model):
    """A document supporting a proposal: content-checked on upload, always downloaded."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=255)
    original_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=40)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attachments"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["proposal", "uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class Criterion(models.Model):
    """A strategic driver proposals are scored against, with its weight."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    weight = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="A whole number from 1 to 100. Weights are relative to each other.",
    )
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField("in use", default=True)
    # Scored from the proposal's Technology Code of Practice self-assessment (projects.
    # tcop) rather than by each member; at most one criterion is (services.criterion_save).
    from_tcop = models.BooleanField(
        "scored from the Technology Code of Practice self-assessment",
        default=False,
        db_default=False,
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "criteria"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__gte=1) & models.Q(weight__lte=100),
                name="criterion_weight_1_to_100",
                violation_error_message="The weight must be from 1 to 100.",
            ),
        ]

    def __str__(self):
        return self.name


class TcopPoint(models.Model):
    """One point of the Technology Code of Practice, in the council's words: reference
    data (projects.setup), which the council may reword."""

    number = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = "Technology Code of Practice point"

    def __str__(self):
        return f"{self.number}. {self.title}"


class TcopResponse(models.Model):
    """A proposal's self-assessment against one point of the Technology Code of
    Practice: met, partly met or not met, and the evidence. Drafts may leave either
    blank; submitting asks for both (projects.completeness)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="tcop_responses")
    point = models.ForeignKey(TcopPoint, on_delete=models.PROTECT, related_name="responses")
    answer = models.CharField(max_length=16, choices=TcopAnswer.choices, blank=True)
    evidence = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["proposal", "point__number"]
        verbose_name = "Technology Code of Practice answer"
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "point"],
                name="tcop_point_once_per_proposal",
                violation_error_message="This point is already answered for the proposal.",
            ),
        ]

    def __str__(self):
        return f"{self.proposal.reference} point {self.point.number}"


class Assessment(models.Model):
    """One Governance Group member's scoring of one proposal, or their declared
    conflict of interest. The criteria and weights in force are copied onto each score,
    so a later change of weights never rewrites a past assessment."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="assessments")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments"
    )
    conflict_declared = models.BooleanField(default=False)
    conflict_note = models.TextField(blank=True)
    weighted_score = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["proposal", "submitted_at"]
        indexes = [
            # Which proposals a member has scored (policies.scores_visible), read once
            # per ranked list from the index alone, not from the assessments' rows.
            models.Index(
                fields=["assessor", "proposal"],
                condition=models.Q(conflict_declared=False),
                name="assessment_own_score",
            ),
            # The proposals a member declared a conflict on (left out of their ranked
            # list), read from the index alone rather than from all their assessments.
            models.Index(
                fields=["assessor", "proposal"],
                condition=models.Q(conflict_declared=True),
                name="assessment_conflict",
            ),
            # Which proposals a member has assessed at all (policies.scorable: not those),
            # again from the index alone.
            models.Index(
                fields=["assessor", "proposal", "conflict_declared"],
                name="assessment_by_assessor",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "assessor"],
                name="assessment_once_per_member",
                violation_error_message="You have already assessed this proposal.",
            ),
            models.CheckConstraint(
                condition=models.Q(conflict_declared=True, weighted_score__isnull=True)
                | models.Q(
                    conflict_declared=False,
                    weighted_score__gte=0,
                    weighted_score__lte=100,
                ),
                name="assessment_scored_or_conflicted",
                violation_error_message="An assessment is either a score from 0 to 100 or a "
                "declared conflict.",
            ),
        ]

    def __str__(self):
        return f"{self.assessor} on {self.proposal.reference}"


class CriterionScore(models.Model):
    """A member's 0 to 5 score against one criterion, with the weight then in force and
    whether it was worked out from the self-assessment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    criterion_name = models.CharField(max_length=120)
    weight = models.PositiveSmallIntegerField()
    score = models.PositiveSmallIntegerField(validators=[MaxValueValidator(5)])
    # Worked out from the self-assessment, not typed (Criterion.from_tcop when scored):
    # kept like the weight, so choosing another criterion later relabels no past score.
    from_tcop = models.BooleanField(
        "worked out from the Technology Code of Practice self-assessment",
        default=False,
        db_default=False,
    )
    comment = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment", "criterion__position", "criterion__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"],
                name="criterion_scored_once",
                violation_error_message="This criterion is already scored.",
            ),
            models.CheckConstraint(
                condition=models.Q(score__lte=5),
                name="criterion_score_0_to_5",
                violation_error_message="Scores run from 0 to 5.",
            ),
        ]

    def __str__(self):
        return f"{self.criterion_name}: {self.score}"


class Budget(models.Model):
    """The ICT budget for one financial year, set by the Head of ICT."""

    financial_year = models.PositiveSmallIntegerField(unique=True)
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal(0))])
    history = HistoricalRecords()

    class Meta:
        ordering = ["financial_year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0),
                name="budget_not_negative",
                violation_error_message="A budget cannot be negative.",
            ),
        ]

    def __str__(self):
        return f"ICT budget {self.label}"

    @property
    def label(self) -> str:
        return financial_year_label(self.financial_year)


class RoutingThresholds(models.Model):
    """The council's money thresholds, set by the Head of ICT: one row, its history the
    record of every change. projects.routing reads them to route each proposal."""

    bjc_limit = models.DecimalField(
        "Business Justification Case limit",
        **MONEY,
        validators=[MinValueValidator(Decimal(0))],
        help_text="A scheme whose whole-life cost is at or below this, with low risk "
        "potential, takes one Business Justification Case.",
    )
    key_decision_limit = models.DecimalField(
        "key-decision limit",
        **MONEY,
        validators=[MinValueValidator(Decimal(0))],
        help_text="Above this whole-life cost the decision is a key decision: Cabinet "
        "decides after the Governance Group recommends it.",
    )
    council_limit = models.DecimalField(
        "full Council limit (optional)",
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text="Above this whole-life cost full Council decides. Leave empty if the "
        "council has no such limit.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "routing thresholds"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(key_decision_limit__gte=models.F("bjc_limit")),
                name="thresholds_key_decision_at_least_bjc",
                violation_error_message="The key-decision limit must be at least the "
                "Business Justification Case limit.",
            ),
            models.CheckConstraint(
                condition=models.Q(council_limit__isnull=True)
                | models.Q(council_limit__gte=models.F("key_decision_limit")),
                name="thresholds_council_at_least_key_decision",
                violation_error_message="The full Council limit must be at least the "
                "key-decision limit.",
            ),
        ]

    def __str__(self):
        return "Business case thresholds"

    def get_absolute_url(self):
        return page_url("projects:thresholds")

    def clean(self):
        errors = {}
        if (
            self.bjc_limit is not None
            and self.key_decision_limit is not None
            and self.key_decision_limit < self.bjc_limit
        ):
            errors["key_decision_limit"] = (
                "The key-decision limit must be at least the Business Justification Case limit"
            )
        if (
            self.council_limit is not None
            and self.key_decision_limit is not None
            and self.council_limit < self.key_decision_limit
        ):
            errors["council_limit"] = (
                "The full Council limit must be at least the key-decision limit"
            )
        if errors:
            raise ValidationError(errors)


# What a council starts with until its Head of ICT sets its own.
DEFAULT_THRESHOLDS = {"bjc_limit": Decimal(100000), "key_decision_limit": Decimal(500000)}


class AgendaItem(models.Model):
    """A proposal on a Governance Group meeting's agenda, in the chair's order."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="proposal_items")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveSmallIntegerField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "proposal"],
                name="agenda_proposal_once_per_meeting",
                violation_error_message="This proposal is already on the agenda.",
            ),
        ]

    def __str__(self):
        return f"{self.proposal.reference} at {self.meeting}"


class Decision(models.Model):
    """The chair's decision on a proposal at a meeting."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="decisions")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=32, choices=Outcome.choices)
    rationale = models.TextField()
    conditions = models.TextField(blank=True)
    revisit_date = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="decisions"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(outcome=Outcome.APPROVED_WITH_CONDITIONS)
                | ~models.Q(conditions=""),
                name="decision_conditions_recorded",
                violation_error_message="Say what the conditions are.",
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome=Outcome.DEFERRED)
                | models.Q(revisit_date__isnull=False),
                name="decision_deferral_has_revisit_date",
                violation_error_message="Give the date to revisit a deferred proposal.",
            ),
            models.CheckConstraint(
                condition=~models.Q(rationale=""),
                name="decision_has_rationale",
                violation_error_message="Give the reason for the decision.",
            ),
        ]

    def __str__(self):
        return f"{self.proposal.reference}: {self.get_outcome_display()}"

    def clean(self):
        errors = {}
        if not self.rationale.strip():
            errors["rationale"] = "Give the reason for the decision."
        if self.outcome == Outcome.APPROVED_WITH_CONDITIONS and not self.conditions.strip():
            errors["conditions"] = "Say what the conditions are."
        if self.outcome == Outcome.DEFERRED and self.revisit_date is None:
            errors["revisit_date"] = "Give the date to revisit a deferred proposal."
        if errors:
            raise ValidationError(errors)


class BusinessCaseVersion(models.Model):
    """A business case as the Governance Group decided it at one gate: its five-case
    fields and costs per year frozen with the decision, so later edits (the case grows
    from stage to stage) never change what the Group saw at the SOC, OBC or FBC."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="case_versions")
    decision = models.OneToOneField(
        "Decision", on_delete=models.PROTECT, related_name="case_version"
    )
    stage = models.CharField(max_length=8, choices=Stage.choices)
    route = models.CharField(max_length=16, choices=Route.choices)
    risk_potential = models.CharField(max_length=8, choices=RiskPotential.choices, blank=True)
    whole_life_cost = models.DecimalField(**MONEY)
    # [{"field": "case_for_change", "label": "Case for change", "text": "..."}, ...]:
    # the five-case fields in the form's order, with the labels they had.
    case = models.JSONField(default=list, blank=True)
    # [{"financial_year": 2026, "capital_cost": "40000.00", ...}]
    years = models.JSONField(default=list, blank=True)
    frozen_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["proposal", "frozen_at", "pk"]

    def __str__(self):
        return f"{self.proposal.reference} {self.get_stage_display()}"

    def get_absolute_url(self):
        return self.proposal.get_absolute_url()

    @property
    def outcome_label(self) -> str:
        """The decision as a fact ("Approved"), not as the chair's choice ("Approve")."""
        return ProposalStatus(self.decision.outcome).label


class Project(models.Model):
    """An approved proposal in delivery, until it is closed with a benefits review."""

    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="project")
    project_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="projects_managed"
    )
    status = models.CharField(
        max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.IN_DELIVERY
    )
    started_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    closure_summary = models.TextField("benefits review", blank=True)
    non_cashable_realised = models.TextField("non-cashable benefits realised", blank=True)
    last_update_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_on", "-pk"]
        indexes = [
            # Projects due an update, those never updated first (NULLS FIRST, as
            # projects_needing_update orders them): the first few read in order, not
            # every project in delivery joined to its proposal and sorted.
            # On PostgreSQL only: SQLite refuses NULLS FIRST in an index (migration
            # 0010 leaves it out there; tests/test_sqlite_setup.py migrates SQLite).
            models.Index(
                "status",
                models.F("last_update_on").asc(nulls_first=True),
                "id",
                name="project_update_due",
            ),
            # The project list, in its default order, a page at a time.
            models.Index(fields=["-started_on", "-id"], name="project_recent"),
        ]

    def __str__(self):
        return f"{self.proposal.reference} {self.proposal.title}"

    def get_absolute_url(self):
        return page_url("projects:project-detail", self.pk)

    @property
    def breadcrumb_parent(self):
        return self.proposal

    @property
    def breadcrumb_label(self) -> str:
        return "Project"


class ProgressUpdate(models.Model):
    """A project manager's monthly report on delivery."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_updates"
    )
    reported_on = models.DateField()
    rag_overall = models.CharField("overall RAG", max_length=8, choices=RAG.choices)
    rag_time = models.CharField("time RAG", max_length=8, choices=RAG.choices)
    rag_cost = models.CharField("cost RAG", max_length=8, choices=RAG.choices)
    rag_scope = models.CharField("scope RAG", max_length=8, choices=RAG.choices)
    percent_complete = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    narrative = models.TextField()
    actual_spend_to_date = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal(0))])
    milestones_met = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "-reported_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent_complete__lte=100),
                name="update_percent_at_most_100",
                violation_error_message="Percent complete cannot be more than 100.",
            ),
            models.CheckConstraint(
                condition=models.Q(actual_spend_to_date__gte=0),
                name="update_spend_not_negative",
                violation_error_message="Spend cannot be negative.",
            ),
        ]
        # A project's latest update (on or before a day) is read for every project on
        # the projects list, the home pages and the annual report: one index probe each.
        indexes = [
            models.Index(
                fields=["project", "-reported_on", "-id"], name="update_latest_of_project"
            ),
        ]

    def __str__(self):
        return f"{self.project} update {self.reported_on}"


class BenefitRealised(models.Model):
    """Cashable savings a closed project actually delivered in one financial year."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="benefits")
    financial_year = models.PositiveSmallIntegerField()
    cashable_savings = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal(0))])
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "financial_year"]
        verbose_name_plural = "benefits realised"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "financial_year"],
                name="benefit_once_per_year",
                violation_error_message="This year's realised benefit is already recorded.",
            ),
            models.CheckConstraint(
                condition=models.Q(cashable_savings__gte=0),
                name="benefit_not_negative",
                violation_error_message="Savings cannot be negative.",
            ),
        ]

    def __str__(self):
        return f"{self.project} {financial_year_label(self.financial_year)}"


class Contract(models.Model):
    """A contract let for a project, with what the Local Government Transparency Code
    2015 asks councils to publish about it. Those over the Code's threshold go into
    the transparency dataset once the Head of ICT publishes it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="contracts")
    reference = models.CharField("contract reference", max_length=50)
    title = models.CharField(max_length=200)
    description = models.TextField("goods or services provided")
    department = models.CharField("department responsible", max_length=200)
    supplier_name = models.CharField(max_length=200)
    supplier_company_number = models.CharField(
        "supplier's registered company number", max_length=20, blank=True
    )
    supplier_charity_number = models.CharField(
        "supplier's registered charity number", max_length=20, blank=True
    )
    supplier_is_sme = models.CharField(
        "supplier is a small or medium-sized enterprise", max_length=3, choices=YesNo.choices
    )
    supplier_is_vcse = models.CharField(
        "supplier is a voluntary or community sector organisation",
        max_length=3,
        choices=YesNo.choices,
    )
    total_value = models.DecimalField(
        "total value", **MONEY, validators=[MinValueValidator(Decimal(0))]
    )
    irrecoverable_vat = models.DecimalField(
        "VAT that cannot be recovered",
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    start_date = models.DateField()
    end_date = models.DateField()
    review_date = models.DateField(null=True, blank=True)
    process = models.CharField("how it was let", max_length=32, choices=ContractProcess.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "start_date", "reference", "pk"]
        constraints = [
            # Django's own message, so the error stands at the reference field (a
            # message of our own would go to the top of the form instead) and forms
            # word it in the GOV.UK style ("... is already in use").
            models.UniqueConstraint(fields=["reference"], name="contract_reference_once"),
            models.CheckConstraint(
                condition=models.Q(total_value__gte=0),
                name="contract_value_not_negative",
                violation_error_message="The total value cannot be negative.",
            ),
            models.CheckConstraint(
                condition=models.Q(irrecoverable_vat__isnull=True)
                | models.Q(irrecoverable_vat__gte=0),
                name="contract_vat_not_negative",
                violation_error_message="VAT that cannot be recovered cannot be negative.",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="contract_ends_after_it_starts",
                violation_error_message="The end date must be on or after the start date.",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def get_absolute_url(self):
        return self.project.get_absolute_url()

    def clean(self):
        if self.start_date is None:
            return
        refuse(
            {
                "end_date": before_refusal(
                    self.end_date, self.start_date, "The end date", "the start date"
                ),
                "review_date": before_refusal(
                    self.review_date, self.start_date, "The review date", "the start date"
                ),
            }
        )


class TransparencyPublication(models.Model):
    """The contracts dataset as the Head of ICT published it: its rows frozen, so a
    contract changed later is not public until the dataset is published again. The
    latest publication is what the public files serve."""

    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="publications"
    )
    rows = models.JSONField(default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_at", "-pk"]

    def __str__(self):
        return f"Contracts dataset published {self.published_at:%Y-%m-%d %H:%M}"


class Scenario(models.Model):
    """A what-if on the portfolio: the live budgets, weights and proposals with some
    adjustments, worked out by projects.scenarios without changing any live row.

    Each adjustment is kept as a difference from the live portfolio, keyed by the id
    (as text: JSON keys are strings) of the year, criterion or proposal it changes, so a
    scenario follows the live portfolio everywhere it does not say otherwise. An id
    that no longer names anything (a criterion retired, a proposal decided) is ignored.
    """

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scenarios"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    is_shared = models.BooleanField("shared with the Governance Group", default=False)
    # {"2027": "900000.00"}: the ICT budget for a financial year, instead of the live one.
    budgets = models.JSONField(default=dict, blank=True)
    # {"3": 40}: a criterion's weight, instead of the weight each score was given under.
    weights = models.JSONField(default=dict, blank=True)
    # {"17": "in"}: a proposal forced in (treated as statutory) or "out" (removed).
    forced = models.JSONField(default=dict, blank=True)
    # {"17": 1}: a proposal's yearly costs moved this many financial years later.
    moves = models.JSONField(default=dict, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return page_url("projects:scenario-detail", self.pk)


class ScenarioPaper(models.Model):
    """A scenario put to a Governance Group meeting as a paper."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="scenario_papers")
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="papers")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "added_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "scenario"],
                name="scenario_paper_once_per_meeting",
                violation_error_message="This scenario is already a paper for that meeting.",
            ),
        ]

    def __str__(self):
        return f"{self.scenario} at {self.meeting}"
