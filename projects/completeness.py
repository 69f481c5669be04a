"""What a proposal must hold before it can be submitted: the whole five-case business
case. Keys are the proposal form's field names, so each message lands at its field."""

from .choices import TcopAnswer
from .models import Proposal, TcopPoint
from .routing import RISK_QUESTIONS

REQUIRED_TEXT = {
    "title": "Enter the proposal's title",
    "case_for_change": "Describe the case for change",
    "options_considered": "Describe the options considered",
    "preferred_option": "Describe the preferred option",
    "procurement_route": "Select the procurement route",
    "funding_source": "Enter the funding source",
    "sponsor": "Enter the sponsor",
    "milestones": "List the main milestones",
    "key_risks": "List the key risks",
    "personal_data": "Say whether the project involves personal data",
    "security_impact": "Select the security impact",
}


def missing(proposal: Proposal) -> dict[str, str]:
    """Each field still needed, with the message to show beside it."""
    problems = {
        field: message
        for field, message in REQUIRED_TEXT.items()
        if not str(getattr(proposal, field) or "").strip()
    }
    links = list(proposal.theme_links.all())
    if not links:
        problems["themes"] = "Select at least one strategy theme the proposal serves"
    for link in links:
        if not link.how.strip():
            problems[f"how_{link.theme_id}"] = (
                f"Say how the proposal serves theme {link.theme.number}"
            )
    for field in RISK_QUESTIONS:
        if not getattr(proposal, field):
            problems[field] = "Answer each question about the scheme's risk potential"
    if proposal.is_statutory and not proposal.statutory_basis.strip():
        problems["statutory_basis"] = "Give the statutory or mandatory basis"
    if proposal.project_manager_id is None:
        problems["project_manager"] = "Select the project manager"
    if proposal.start_date is None:
        problems["start_date"] = "Enter the start date"
    if proposal.end_date is None:
        problems["end_date"] = "Enter the end date"
    if proposal.first_financial_year is None:
        problems["first_financial_year"] = "Select the first financial year of the figures"
    years = list(proposal.years.all())
    if not any(year.total_cost for year in years):
        problems["capital_0"] = "Enter the capital or revenue cost for at least one year"
    has_savings = any(year.cashable_savings for year in years)
    if not has_savings and not proposal.non_cashable_benefits.strip():
        problems["non_cashable_benefits"] = (
            "Enter cashable savings for a year, or describe the non-cashable benefits"
        )
    problems.update(tcop_missing(proposal))
    return problems


def tcop_missing(proposal: Proposal) -> dict[str, str]:
    """The Technology Code of Practice self-assessment: every point answered, with
    evidence where it is met or partly met."""
    problems = {}
    responses = {r.point_id: r for r in proposal.tcop_responses.all()}
    for point in TcopPoint.objects.all():
        response = responses.get(point.pk)
        if response is None or not response.answer:
            problems[f"tcop_{point.pk}"] = (
                f"Say whether the proposal meets point {point.number} ({point.title})"
            )
        elif response.answer != TcopAnswer.NOT_MET and not response.evidence.strip():
            problems[f"tcop_evidence_{point.pk}"] = (
                f"Give the evidence for point {point.number} ({point.title})"
            )
    return problems
