"""The strategy catalogue: strategies, their themes, principles, objectives and action
plan; corporate objectives; business units; and the people who use the portal."""

import datetime

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords

from common.addresses import page_url
from common.models import SessionGenerationMixin
from common.roles import Role

from .choices import (
    CLOSED_ACTION_STATUSES,
    RAG,
    ActionStatus,
    AttendanceStatus,
    ChangePath,
    Direction,
    KPIValueStatus,
    MeetingStatus,
    RoleChangeKind,
    SecondFactorChangeKind,
    StrategyStatus,
)


def _next_number(siblings) -> int:
    """The number after the highest among siblings. Callers creating concurrently lock
    the parent row first (the services do), so two never take the same number."""
    return (siblings.aggregate(n=models.Max("number"))["n"] or 0) + 1


class BusinessUnit(models.Model):
    """A service area of the council that proposes and delivers ICT projects."""

    name = models.CharField(max_length=120, unique=True)
    code = models.SlugField(max_length=20, unique=True)
    is_active = models.BooleanField(default=True)
    is_demo = models.BooleanField("demo data", default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return page_url("governance:business-unit-detail", self.pk)


def person_name(first_name: str, last_name: str, username: str) -> str:
    """How the portal names someone (User.__str__): their full name, else their username.
    Apart so that rows read with values() name people the same way."""
    return f"{first_name} {last_name}".strip() or username


class User(SessionGenerationMixin, AbstractUser):
    """Someone who signs in. Roles are groups; officers belong to a business unit."""

    business_unit = models.ForeignKey(
        BusinessUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        help_text="Officers propose for this unit; members may not score its proposals.",
    )
    job_title = models.CharField(max_length=120, blank=True)
    history = HistoricalRecords(excluded_fields=["password", "last_login", "session_generation"])

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self):
        return person_name(self.first_name, self.last_name, self.username)

    def save(self, *args, **kwargs):
        if set(kwargs.get("update_fields") or ()) == {"password"}:
            # The history leaves the password out, so a save of it alone (a hash
            # upgraded at sign-in, before anyone is signed in) would record a change of
            # nothing, by no one.
            self.skip_history_when_saving = True
            try:
                return super().save(*args, **kwargs)
            finally:
                del self.skip_history_when_saving
        return super().save(*args, **kwargs)

    def get_absolute_url(self):
        return page_url("governance:account-detail", self.pk)


class TransactionStart(models.Func):
    """When the current transaction began, by the database's clock (SQL's
    CURRENT_TIMESTAMP: on PostgreSQL, unlike Django's Now, the same for every
    statement of one transaction)."""

    template = "CURRENT_TIMESTAMP"
    output_field = models.DateTimeField()


class RoleChange(models.Model):
    """One role (a group) granted to or removed from an account: who, when, which way.

    Written by governance.accounts.role_changes for every change to an account's groups,
    whichever path makes it (a portal page, the Django admin, a shell, a command), so
    this table is itself the history of roles and keeps no history of its own. Rows are
    never changed or deleted, and the people they name cannot be deleted.
    """

    person = models.ForeignKey(User, on_delete=models.PROTECT, related_name="role_changes")
    role = models.CharField(max_length=150, help_text="The group's name: one of the roles.")
    kind = models.CharField(max_length=8, choices=RoleChangeKind.choices)
    actor = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_changes_made",
        help_text="Empty when no one was signed in: a shell, command or background task.",
    )
    path = models.CharField(max_length=16, choices=ChangePath.choices)
    # The removals and grants of one edit share one time, and read as one change.
    at = models.DateTimeField(db_default=TransactionStart(), editable=False)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["person", "at"], name="role_change_person_at")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.role} for {self.person}"


class SecondFactorChange(models.Model):
    """A second factor (an authenticator app, a passkey, recovery codes) set up, removed
    or renewed by its holder, or all of an account's reset by an administrator. The
    factors themselves are django-allauth's, and hold secrets, so they keep no history:
    this table is their history. Rows are never changed or deleted."""

    person = models.ForeignKey(User, on_delete=models.PROTECT, related_name="second_factor_changes")
    kind = models.CharField(max_length=8, choices=SecondFactorChangeKind.choices)
    factor = models.CharField(
        max_length=20, blank=True, help_text="Which factor; empty when all were reset."
    )
    actor = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="second_factor_changes_made",
        help_text="Empty when no one was signed in: a shell, command or background task.",
    )
    at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.person}"


class GroupMapping(models.Model):
    """A group the council's identity provider (Microsoft Entra ID) names at single
    sign-on, and what membership of it gives in the portal: one role, or one business
    unit, never both. The Administrator keeps these in the portal; at each sign-in
    governance.accounts.group_claims gives the person what their groups map to.

    A group may be mapped twice, once to a role and once to a unit; never twice to the
    same thing. Claim values match whatever their case (Entra ID sends group object
    ids, GUIDs, or names where it is set up to), so uniqueness ignores case too."""

    claim_value = models.CharField(
        "group claim value",
        max_length=256,
        help_text="Exactly as the identity provider sends it in the groups claim: the "
        "group's object id (for example 5f3c9a52-1d4e-4b0a-9c1e-7a2b3c4d5e6f) or, if "
        "Entra ID is set up to send names, its name.",
    )
    label = models.CharField(
        max_length=200,
        help_text="What the group is, for people reading this list: for example "
        "Housing Services staff.",
    )
    # A role's value is its name (common.roles), shown as it is.
    role = models.CharField(max_length=150, choices=[(r.value, r.value) for r in Role], blank=True)
    business_unit = models.ForeignKey(
        BusinessUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="group_mappings",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["label", "claim_value", "pk"]
        verbose_name = "single sign-on group mapping"
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(role="") & models.Q(business_unit__isnull=False))
                | (~models.Q(role="") & models.Q(business_unit__isnull=True)),
                name="group_mapping_gives_a_role_or_a_unit",
                violation_error_message="A group gives a role or a business unit, not both.",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=["", *Role.values]),
                name="group_mapping_role_is_a_portal_role",
                violation_error_message="Choose one of the portal's roles.",
            ),
            models.UniqueConstraint(
                Lower("claim_value"),
                "role",
                condition=models.Q(business_unit__isnull=True),
                name="group_mapping_role_once_per_group",
                violation_error_message="This group already gives this role.",
            ),
            models.UniqueConstraint(
                Lower("claim_value"),
                "business_unit",
                condition=models.Q(business_unit__isnull=False),
                name="group_mapping_unit_once_per_group",
                violation_error_message="This group already gives this business unit.",
            ),
        ]

    def __str__(self):
        return f"{self.label} ({self.claim_value}): {self.gives}"

    def get_absolute_url(self):
        return page_url("governance:group-mapping-list")

    @property
    def gives(self) -> str:
        return self.role or f"business unit {self.business_unit}"

    def clean(self):
        # Said at the fields, so the form shows each message beside its question;
        # Django then skips the database constraints these repeat.
        self.claim_value = self.claim_value.strip()
        if not self.role and self.business_unit_id is None:
            raise ValidationError({"role": "Choose the role or the business unit this group gives"})
        if self.role and self.business_unit_id is not None:
            both = "Choose a role or a business unit, not both: map the group twice to give both"
            raise ValidationError({"business_unit": both})
        same = GroupMapping.objects.filter(claim_value__iexact=self.claim_value).exclude(pk=self.pk)
        if self.role and same.filter(role=self.role).exists():
            raise ValidationError({"claim_value": f"This group already gives the {self.role} role"})
        if self.business_unit_id and same.filter(business_unit_id=self.business_unit_id).exists():
            raise ValidationError({"claim_value": "This group already gives this business unit"})


class CorporateObjective(models.Model):
    """A council-wide objective of the corporate plan that ICT work should serve."""

    title = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    is_demo = models.BooleanField("demo data", default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title


class Strategy(models.Model):
    """An ICT strategy for a period of years, as approved by a council body."""

    title = models.CharField(max_length=200, unique=True)
    start_year = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField()
    approving_body = models.CharField(max_length=200, blank=True)
    approval_date = models.DateField(null=True, blank=True)
    policy_framework = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=16, choices=StrategyStatus.choices, default=StrategyStatus.DRAFT
    )
    summary = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_year", "title"]
        verbose_name_plural = "strategies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gt=models.F("start_year")),
                name="strategy_ends_after_it_starts",
                violation_error_message="A strategy must end in a later year than it starts.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return page_url("governance:strategy-detail", self.pk)

    @property
    def breadcrumb_parent(self):
        return None

    @property
    def breadcrumb_label(self) -> str:
        return self.title

    @property
    def period(self) -> str:
        return f"{self.start_year} to {self.end_year}"


class Theme(models.Model):
    """One of a strategy's core themes for the delivery of ICT."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="themes")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["strategy", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "number"],
                name="theme_number_unique_in_strategy",
                violation_error_message="This strategy already has a theme with that number.",
            ),
        ]

    def __str__(self):
        return f"Theme {self.number}: {self.title}"

    def get_absolute_url(self):
        return page_url("governance:theme-detail", self.pk)

    @property
    def breadcrumb_parent(self):
        return self.strategy

    @property
    def breadcrumb_label(self) -> str:
        return f"Theme {self.number}"


class Principle(models.Model):
    """One of a strategy's underpinning principles."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="principles")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["strategy", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "number"],
                name="principle_number_unique_in_strategy",
                violation_error_message="This strategy already has a principle with that number.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return page_url("governance:principle-detail", self.pk)

    @property
    def breadcrumb_parent(self):
        return self.strategy

    @property
    def breadcrumb_label(self) -> str:
        return f"Principle {self.number}"


class Objective(models.Model):
    """What a theme sets out to achieve; its action plan says how."""

    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="objectives")
    number = models.PositiveSmallIntegerField(editable=False)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="objectives"
    )
    corporate_objectives = models.ManyToManyField(
        CorporateObjective, blank=True, related_name="objectives"
    )
    is_demo = models.BooleanField("demo data", default=False)
    history = HistoricalRecords(m2m_fields=[corporate_objectives])

    class Meta:
        ordering = ["theme", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["theme", "number"],
                name="objective_number_unique_in_theme",
                violation_error_message="This theme already has an objective with that number.",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def save(self, *args, **kwargs):
        if self.number is None:
            self.number = _next_number(Objective.objects.filter(theme_id=self.theme_id))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return page_url("governance:objective-detail", self.pk)

    @property
    def breadcrumb_parent(self):
        return self.theme

    @property
    def breadcrumb_label(self) -> str:
        return f"Objective {self.reference}"

    @property
    def reference(self) -> str:
        return f"{self.theme.number}.{self.number}"


class ActionPlanItem(models.Model):
    """A dated piece of work in an objective's action plan, with an owner and a RAG."""

    objective = models.ForeignKey(Objective, on_delete=models.PROTECT, related_name="action_items")
    number = models.PositiveSmallIntegerField(editable=False)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="action_items"
    )
    lead_unit = models.ForeignKey(
        BusinessUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name="lead business unit",
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    rag = models.CharField("RAG status", max_length=8, choices=RAG.choices, default=RAG.GREEN)
    progress = models.PositiveSmallIntegerField(
        "progress (%)",
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    is_demo = models.BooleanField("demo data", default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["objective", "number"]
        verbose_name = "action-plan item"
        constraints = [
            models.UniqueConstraint(
                fields=["objective", "number"],
                name="action_item_number_unique_in_objective",
                violation_error_message="This objective already has an item with that number.",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100),
                name="action_item_progress_at_most_100",
                violation_error_message="Progress cannot be more than 100%.",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=ActionStatus.COMPLETED) | models.Q(progress=100),
                name="action_item_completed_is_100_percent",
                violation_error_message="A completed item must be at 100% progress.",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="action_item_status_due")]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def save(self, *args, **kwargs):
        if self.number is None:
            self.number = _next_number(
                ActionPlanItem.objects.filter(objective_id=self.objective_id)
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return page_url("governance:action-item-detail", self.pk)

    @property
    def breadcrumb_parent(self):
        return self.objective

    @property
    def breadcrumb_label(self) -> str:
        return f"Action {self.reference}"

    @property
    def reference(self) -> str:
        return f"{self.objective.reference}.{self.number}"

    def clean(self):
        # Said here, at the field, so the form shows it beside "progress"; Django then
        # skips the matching database constraint rather than repeating it.
        if self.status == ActionStatus.COMPLETED and self.progress != 100:
            raise ValidationError({"progress": "A completed item must be at 100% progress."})

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_ACTION_STATUSES

    @property
    def is_overdue(self) -> bool:
        return action_is_overdue(self.status, self.due_date, timezone.localdate())


def action_is_overdue(status: str, due_date: datetime.date | None, today: datetime.date) -> bool:
    """Still open and past its due date (ActionPlanItem.is_overdue); apart so that rows
    read with values() ask the same rule, with one today for the whole page."""
    return bool(status not in CLOSED_ACTION_STATUSES and due_date and due_date < today)


class TermsOfReference(models.Model):
    """The Governance Group's terms of reference, as the Head of ICT sets them: the
    minimum quorum, whether the chair counts towards it, and that the Head of ICT
    attends without a vote. One row per group; its history keeps every earlier version.

    Members count towards the quorum and the Head of ICT never does (see
    governance.policies); what the terms choose is the minimum and the chair."""

    group = models.CharField(max_length=120, unique=True, default="ICT Governance Group")
    minimum_quorum = models.PositiveSmallIntegerField(
        "minimum quorum",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text="The fewest voting members present for the Group to decide anything. "
        "The chair may set a higher quorum for one meeting, never a lower one.",
    )
    chair_counts = models.BooleanField(
        "the chair counts towards the quorum",
        default=True,
        help_text="If not, the chair is present but not counted: the quorum is met by the "
        "other members present.",
    )
    head_of_ict_attends = models.BooleanField(
        "the Head of ICT attends, without a vote",
        default=True,
        help_text="The Head of ICT is then expected at each meeting and listed in "
        "attendance, never counted towards the quorum.",
    )
    remit = models.TextField(
        "purpose and remit",
        blank=True,
        help_text="What the Group is for and how it records its decisions, as agreed.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["group"]
        verbose_name_plural = "terms of reference"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minimum_quorum__gte=1),
                name="terms_minimum_quorum_at_least_one",
                violation_error_message="The minimum quorum must be at least 1.",
            ),
        ]

    def __str__(self):
        return f"Terms of reference of the {self.group}"

    def get_absolute_url(self):
        return page_url("governance:meeting-terms")

    @property
    def breadcrumb_parent(self):
        return None

    @property
    def breadcrumb_label(self) -> str:
        return "Terms of reference"


class Meeting(models.Model):
    """A meeting of the ICT Governance Group, where the chair records decisions.

    Its life is governance.meetings.STEPS. When it closes, it keeps the quorum and the
    chair rule the terms of reference then set, so a later change to the terms never
    makes a meeting already held, or its decisions, look other than they were."""

    title = models.CharField(max_length=200, default="ICT Governance Group")
    starts_at = models.DateTimeField("date and time")
    location = models.CharField(max_length=200, blank=True)
    chair = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="meetings_chaired", null=True, blank=True
    )
    quorum = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text="How many voting members must be present for decisions to be made.",
    )
    status = models.CharField(
        max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    opened_at = models.DateTimeField("opened at", null=True, blank=True)
    closed_at = models.DateTimeField("closed at", null=True, blank=True)
    chair_counts = models.BooleanField(
        "the chair counted towards the quorum",
        null=True,
        blank=True,
        help_text="As the terms of reference said when the meeting closed; "
        "empty until then, when the terms in force apply.",
    )
    notes = models.TextField("discussion and actions", blank=True)
    minutes_approved_at = models.DateTimeField("minutes approved at", null=True, blank=True)
    minutes_approved_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="minutes_approved",
        null=True,
        blank=True,
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["status", "starts_at"], name="meeting_status_starts")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quorum__gte=1),
                name="meeting_quorum_at_least_one",
                violation_error_message="The quorum must be at least 1.",
            ),
            models.CheckConstraint(
                condition=models.Q(opened_at__isnull=True)
                | models.Q(opened_at__gte=models.F("starts_at")),
                name="meeting_opened_from_its_start",
                violation_error_message="A meeting cannot be opened before its start time.",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=MeetingStatus.MINUTES_APPROVED)
                | models.Q(minutes_approved_at__isnull=False, minutes_approved_by__isnull=False),
                name="meeting_minutes_approval_recorded",
                violation_error_message="Approved minutes record who approved them and when.",
            ),
        ]

    def __str__(self):
        return f"{self.title}, {timezone.localtime(self.starts_at):%-d %B %Y}"

    def get_absolute_url(self):
        return page_url("governance:meeting-detail", self.pk)

    @property
    def breadcrumb_parent(self):
        return None

    @property
    def breadcrumb_label(self) -> str:
        return str(self)


class MeetingAttendance(models.Model):
    """Who was at a meeting: each Governance Group member present, with apologies or
    absent; anyone else (officers, the Head of ICT) in attendance, without a vote."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(User, on_delete=models.PROTECT, related_name="attendance")
    status = models.CharField(
        max_length=16, choices=AttendanceStatus.choices, default=AttendanceStatus.PRESENT
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "person__last_name", "person__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"],
                name="attendance_once_per_person",
                violation_error_message="This person's attendance is already recorded.",
            ),
        ]

    def __str__(self):
        return f"{self.person} at {self.meeting}: {self.get_status_display().lower()}"


class KPI(models.Model):
    """A key performance indicator or benchmark that measures a theme or principle."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=20, help_text="For example %, £, days or incidents.")
    direction = models.CharField(max_length=8, choices=Direction.choices)
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, null=True, blank=True, related_name="kpis"
    )
    principle = models.ForeignKey(
        Principle, on_delete=models.PROTECT, null=True, blank=True, related_name="kpis"
    )
    # A rate's values are recorded as a numerator and a denominator, and its value is
    # worked out from them (numerator / denominator x 100), never typed.
    # Each new column has a default in the database too, so the previous release's code,
    # which does not name them, can still add KPIs during a rolling upgrade.
    is_rate = models.BooleanField(
        "a rate (numerator over denominator, as a percentage)", default=False, db_default=False
    )
    numerator_label = models.CharField(
        "what the numerator counts",
        max_length=100,
        blank=True,
        default="",
        db_default="",
        help_text="For a rate. For example, incidents resolved within the SLA.",
    )
    denominator_label = models.CharField(
        "what the denominator counts",
        max_length=100,
        blank=True,
        default="",
        db_default="",
        help_text="For a rate. For example, incidents resolved.",
    )
    # The RAG thresholds, read with the direction (governance.kpis.rag): a value worse
    # than the red boundary is red; one at least as good as the green boundary is green;
    # anything between is amber.
    red_boundary = models.DecimalField(
        "red boundary",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Values worse than this are red.",
    )
    green_boundary = models.DecimalField(
        "green boundary",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Values at least this good are green; values between the two are amber.",
    )
    is_demo = models.BooleanField("demo data", default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "KPI"
        verbose_name_plural = "KPIs"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(red_boundary__isnull=True, green_boundary__isnull=True)
                | models.Q(
                    direction=Direction.HIGHER_IS_BETTER,
                    red_boundary__lte=models.F("green_boundary"),
                )
                | models.Q(
                    direction=Direction.LOWER_IS_BETTER,
                    red_boundary__gte=models.F("green_boundary"),
                ),
                name="kpi_thresholds_in_order",
                violation_error_message=(
                    "Give both RAG boundaries or neither, the green boundary no worse "
                    "than the red one."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return page_url("governance:kpi-detail", self.pk)

    @property
    def breadcrumb_parent(self):
        return None

    @property
    def breadcrumb_label(self) -> str:
        return self.name


class KPITarget(models.Model):
    """A KPI's target for one financial year."""

    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="targets")
    financial_year = models.PositiveSmallIntegerField()
    target = models.DecimalField(max_digits=14, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kpi", "financial_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "financial_year"],
                name="kpi_target_once_per_year",
                violation_error_message="This KPI already has a target for that year.",
            ),
        ]

    def __str__(self):
        return f"{self.kpi} target {self.financial_year}"


class KPIMeasurement(models.Model):
    """A KPI's value for the period ending on a date, with its commentary. A rate's
    value is worked out from its numerator and denominator. A value is published once
    approved (governance.selectors.kpi_values_visible_to is the one way to read them);
    values recorded before approval was needed were approved by the migration that
    brought it in, so have no approver."""

    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="measurements")
    period_end = models.DateField()
    value = models.DecimalField(max_digits=14, decimal_places=2)
    numerator = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    denominator = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    note = models.TextField("commentary", blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="measurements")
    # A value the previous release's code records (it knows nothing of approval) awaits
    # approval too, from the database's default.
    status = models.CharField(
        max_length=8,
        choices=KPIValueStatus.choices,
        default=KPIValueStatus.AWAITING_APPROVAL,
        db_default=KPIValueStatus.AWAITING_APPROVAL,
    )
    approved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="kpi_approvals"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kpi", "period_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "period_end"],
                name="kpi_measurement_once_per_period",
                violation_error_message="This KPI already has a value for that period.",
            ),
            models.CheckConstraint(
                condition=models.Q(numerator__isnull=True, denominator__isnull=True)
                | models.Q(numerator__isnull=False, denominator__gt=0),
                name="kpi_measurement_rate_parts",
                violation_error_message=(
                    "A rate has both a numerator and a denominator, and the denominator "
                    "is more than 0."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(status=KPIValueStatus.APPROVED)
                | models.Q(approved_by__isnull=True, approved_at__isnull=True),
                name="kpi_measurement_awaiting_unapproved",
                violation_error_message="A value awaiting approval has no approver yet.",
            ),
        ]

    def __str__(self):
        return f"{self.kpi} {self.period_end}: {self.value}"


class KPIComparator(models.Model):
    """A benchmark: another organisation's figure for a KPI in one financial year, with
    where it comes from, shown beside the council's own values for that year."""

    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="comparators")
    financial_year = models.PositiveSmallIntegerField()
    organisation = models.CharField(
        max_length=200, help_text="For example, Oxfordshire County Council."
    )
    value = models.DecimalField(max_digits=14, decimal_places=2)
    source = models.CharField(
        max_length=300,
        help_text="Where the figure comes from, for example a benchmarking club's report.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["kpi", "financial_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "financial_year"],
                name="kpi_comparator_once_per_year",
                violation_error_message="This KPI already has a comparator for that year.",
            ),
        ]

    def __str__(self):
        return f"{self.kpi} comparator {self.financial_year}: {self.organisation}"


class KPIImport(models.Model):
    """A CSV file of values imported for one KPI: who imported which file, and how many
    of its values were this KPI's. A file with several KPIs' values leaves one per KPI,
    so each KPI's history says where its values came from."""

    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="imports")
    file_name = models.CharField(max_length=255)
    values = models.PositiveIntegerField("values imported")
    imported_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="kpi_imports")
    imported_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kpi", "-imported_at", "-pk"]
        verbose_name = "KPI import"

    def __str__(self):
        return self.file_name
