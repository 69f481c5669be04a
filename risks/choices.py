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


class AssuranceLine(models.TextChoices):
    """The Orange Book's three lines: who gives assurance that a control works."""

    FIRST = "first", "First line"
    SECOND = "second", "Second line"
    THIRD = "third", "Third line"


LINE_MEANINGS = {
    AssuranceLine.FIRST: "Management who own and run the control",
    AssuranceLine.SECOND: "Oversight functions that set policy and check",
    AssuranceLine.THIRD: "Internal audit's independent assurance",
}


class Effectiveness(models.TextChoices):
    """How well a control works, as last assessed."""

    EFFECTIVE = "effective", "Effective"
    PARTLY_EFFECTIVE = "partly_effective", "Partly effective"
    NOT_EFFECTIVE = "not_effective", "Not effective"
    NOT_ASSESSED = "not_assessed", "Not yet assessed"


class AssuranceFlag(models.TextChoices):
    """The gaps in a risk's controls and assurance that risks.policies flags."""

    NOT_ASSURED = "not_assured", "Controls not assured"
    NOT_BORNE_OUT = "not_borne_out", "Current rating not borne out by controls"
    NO_THIRD_LINE = "no_third_line", "No third-line assurance"


class ExemptParagraph(models.IntegerChoices):
    """The descriptions of exempt information in Part 1 of Schedule 12A to the Local
    Government Act 1972: a committee may consider a risk holding such information in
    private, so its paper leaves it out of the part it publishes."""

    INDIVIDUAL = 1, "1: information relating to any individual"
    IDENTITY = 2, "2: information likely to reveal the identity of an individual"
    FINANCIAL = (
        3,
        (
            "3: information relating to the financial or business affairs of any particular "
            "person (including the authority holding that information)"
        ),
    )
    LABOUR_RELATIONS = (
        4,
        (
            "4: information relating to consultations or negotiations on a labour relations "
            "matter between the authority and its employees"
        ),
    )
    LEGAL_PRIVILEGE = (
        5,
        (
            "5: information in respect of which a claim to legal professional privilege could "
            "be maintained in legal proceedings"
        ),
    )
    NOTICES = (
        6,
        (
            "6: information revealing that the authority proposes to give a notice imposing "
            "requirements on a person, or to make an order or direction"
        ),
    )
    CRIME = (
        7,
        (
            "7: information relating to action taken or to be taken in connection with the "
            "prevention, investigation or prosecution of crime"
        ),
    )
