from django.db import models


class RiskCategory(models.TextChoices):
    STRATEGIC = "strategic", "Strategic"
    FINANCIAL = "financial", "Financial"
    OPERATIONAL = "operational", "Operational"
    INFORMATION_SECURITY = "information_security", "Information security"
    SUPPLIER = "supplier", "Supplier"
    LEGAL = "legal", "Legal and compliance"
    REPUTATIONAL = "reputational", "Reputational"
    PEOPLE = "people", "People"


class Response(models.TextChoices):
    """The Orange Book's four responses to a risk."""

    TREAT = "treat", "Treat"
    TOLERATE = "tolerate", "Tolerate"
    TRANSFER = "transfer", "Transfer"
    TERMINATE = "terminate", "Terminate"


class RiskStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Proximity(models.TextChoices):
    IMMINENT = "imminent", "Imminent (within 3 months)"
    NEAR = "near", "Near (3 to 12 months)"
    DISTANT = "distant", "Distant (over 12 months)"


class Level(models.TextChoices):
    """A matrix cell's level. Each has a fixed colour, always shown with its name."""

    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    VERY_HIGH = "very_high", "Very high"


class AppetiteLevel(models.TextChoices):
    """HM Government's risk appetite scale, from least to most willing."""

    AVERSE = "averse", "Averse"
    MINIMAL = "minimal", "Minimal"
    CAUTIOUS = "cautious", "Cautious"
    OPEN = "open", "Open"
    EAGER = "eager", "Eager"


class Axis(models.TextChoices):
    LIKELIHOOD = "likelihood", "Likelihood"
    IMPACT = "impact", "Impact"


class ReviewKind(models.TextChoices):
    RAISED = "raised", "Raised and rated"
    REVIEWED = "reviewed", "Reviewed"
    RERATED = "rerated", "Re-rated"


class Register(models.TextChoices):
    """The three registers, scored on one matrix, from the lowest up. A risk rises a
    register by escalation, which raises a new entry above linked to its source."""

    PROJECT = "project", "Project register"
    ICT = "ict", "ICT register"
    CORPORATE = "corporate", "Corporate register"
