from django.db import models


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    IN_TRIAGE = "in_triage", "In triage"
    RETURNED = "returned", "Returned for more information"
    # A gate before the last was passed: the unit develops the next, fuller business case.
    DEVELOPING = "developing", "Developing the next business case"
    IN_ASSESSMENT = "in_assessment", "In assessment"
    APPROVED = "approved", "Approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions", "Approved with conditions"
    DEFERRED = "deferred", "Deferred"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


# The unit may change its proposal only while it holds the pen.
EDITABLE_STATUSES = frozenset(
    {ProposalStatus.DRAFT, ProposalStatus.RETURNED, ProposalStatus.DEVELOPING}
)
AWAITING_DECISION = frozenset(
    {ProposalStatus.SUBMITTED, ProposalStatus.IN_TRIAGE, ProposalStatus.IN_ASSESSMENT}
)
APPROVED_STATUSES = frozenset({ProposalStatus.APPROVED, ProposalStatus.APPROVED_WITH_CONDITIONS})


class Outcome(models.TextChoices):
    """What the chair can record at a meeting."""

    APPROVED = "approved", "Approve"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions", "Approve with conditions"
    DEFERRED = "deferred", "Defer"
    REJECTED = "rejected", "Reject"


class Stage(models.TextChoices):
    """A business case's stage (HM Treasury's Better Business Cases); each is a gate
    the Governance Group decides. Blank: a proposal from before stages, or not yet
    routed (a draft), which one decision settles, as it always did."""

    SOC = "soc", "Strategic Outline Case"
    OBC = "obc", "Outline Business Case"
    FBC = "fbc", "Full Business Case"
    BJC = "bjc", "Business Justification Case"


class Route(models.TextChoices):
    THREE_STAGE = "three_stage", "Three stages (SOC, OBC, FBC)"
    BJC = "bjc", "One Business Justification Case"


class RiskPotential(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class DecidingBody(models.TextChoices):
    GROUP = "group", "the ICT Governance Group"
    CABINET = "cabinet", "Cabinet"
    COUNCIL = "council", "full Council"


class ProcurementRoute(models.TextChoices):
    EXISTING_CONTRACT = "existing_contract", "Existing contract or licence"
    FRAMEWORK = "framework", "Call-off from a public sector framework (for example G-Cloud)"
    OPEN_TENDER = "open_tender", "Open or competitive tender"
    QUOTATIONS = "quotations", "Quotations (below tender threshold)"
    SHARED_SERVICE = "shared_service", "Shared service with another public body"
    IN_HOUSE = "in_house", "Built or delivered in house"


class YesNo(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"


class SecurityImpact(models.TextChoices):
    NONE = "none", "None"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class TcopAnswer(models.TextChoices):
    """How far a proposal meets one point of the Technology Code of Practice."""

    MET = "met", "Met"
    PARTLY_MET = "partly_met", "Partly met"
    NOT_MET = "not_met", "Not met"


class ProjectStatus(models.TextChoices):
    IN_DELIVERY = "in_delivery", "In delivery"
    CLOSED = "closed", "Closed"


class ContractProcess(models.TextChoices):
    """How a contract was let, as the Transparency Code asks ("whether or not the
    contract was the result of an invitation to quote or a published invitation to
    tender"). Not ProcurementRoute: that is a business case's plan, and includes
    routes that let no contract (in house, an existing contract) and no direct award."""

    OPEN_TENDER = "open_tender", "Published invitation to tender (open or restricted)"
    FRAMEWORK = "framework", "Call-off from a framework"
    QUOTATIONS = "quotations", "Invitation to quote"
    DIRECT_AWARD = "direct_award", "Direct award without competition"


# The Local Government Transparency Code 2015 asks for every contract over £5,000.
TRANSPARENCY_THRESHOLD = 5000
