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
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Direction(models.TextChoices):
    HIGHER_IS_BETTER = "higher", "Higher is better"
    LOWER_IS_BETTER = "lower", "Lower is better"


class RoleChangeKind(models.TextChoices):
    GRANTED = "granted", "Granted"
    REMOVED = "removed", "Removed"


class ChangePath(models.TextChoices):
    """Which way into the portal a change came."""

    PORTAL = "portal", "a portal page"
    ADMIN = "admin", "the Django admin"
    NO_REQUEST = "no_request", "a shell, command or background task"
