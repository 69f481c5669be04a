from django.db import models


class StrategyStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    SUPERSEDED = "superseded", "Superseded"


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    ON_HOLD = "on_hold", "On hold"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


CLOSED_ACTION_STATUSES = frozenset({ActionStatus.COMPLETED, ActionStatus.CANCELLED})


class RAG(models.TextChoices):
    """Delivery confidence. Always shown with its word, never by colour alone."""

    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class MeetingStatus(models.TextChoices):
    """A meeting's life (governance.meetings.STEPS moves it along): scheduled, in session
    once the chair opens it at its start time, held once they close it, then its
    minutes drafted and approved. It may be cancelled before it starts."""

    SCHEDULED = "scheduled", "Scheduled"
    IN_SESSION = "in_session", "In session"
    HELD = "held", "Held"
    MINUTES_DRAFTED = "minutes_drafted", "Held, minutes drafted"
    MINUTES_APPROVED = "minutes_approved", "Held, minutes approved"
    CANCELLED = "cancelled", "Cancelled"


# A meeting whose minutes are drafted is a record: its agenda, attendance and
# decisions no longer change (and once approved, nor do the minutes).
MINUTES_STATUSES = frozenset({MeetingStatus.MINUTES_DRAFTED, MeetingStatus.MINUTES_APPROVED})
# Held, whatever became of its minutes since.
HELD_STATUSES = MINUTES_STATUSES | {MeetingStatus.HELD}


class AttendanceStatus(models.TextChoices):
    """Each Governance Group member is present, sent apologies, or absent; anyone else
    at the meeting (officers, the Head of ICT) is in attendance, without a vote."""

    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Apologies"
    ABSENT = "absent", "Absent"
    IN_ATTENDANCE = "in_attendance", "In attendance"


MEMBER_ATTENDANCE = (AttendanceStatus.PRESENT, AttendanceStatus.APOLOGIES, AttendanceStatus.ABSENT)


class Direction(models.TextChoices):
    HIGHER_IS_BETTER = "higher", "Higher is better"
    LOWER_IS_BETTER = "lower", "Lower is better"


class RoleChangeKind(models.TextChoices):
    GRANTED = "granted", "Granted"
    REMOVED = "removed", "Removed"


class SecondFactorChangeKind(models.TextChoices):
    ADDED = "added", "Set up"
    REMOVED = "removed", "Removed"
    RENEWED = "renewed", "New recovery codes made"
    RESET = "reset", "All reset by an administrator, to be set up again"


class ChangePath(models.TextChoices):
    """Which way into the portal a change came."""

    PORTAL = "portal", "a portal page"
    ADMIN = "admin", "the Django admin"
    NO_REQUEST = "no_request", "a shell, command or background task"
    # At someone's sign-in, from the groups the identity provider says they are in
    # (governance.accounts.group_claims): the portal acts, no one is choosing.
    SINGLE_SIGN_ON = "single_sign_on", "single sign-on group claims"


class KPIValueStatus(models.TextChoices):
    """A KPI value is published only once the Head of ICT approves it
    (governance.policies.kpi_value_approval_refusal); until then only its recorder and
    those who may approve it see it."""

    AWAITING_APPROVAL = "awaiting", "Awaiting approval"
    APPROVED = "approved", "Approved"
