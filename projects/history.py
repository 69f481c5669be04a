"""The parts of proposals, projects and meetings that history pages show, and how the
money in them reads. Scores are shown only to those who may see them."""

from common.history import Part, register_parts, register_reading, register_scope
from governance.models import Meeting

from . import policies, selectors
from .models import (
    AgendaItem,
    Assessment,
    Attachment,
    BenefitRealised,
    Budget,
    BusinessCaseVersion,
    Contract,
    CriterionScore,
    Decision,
    ProgressUpdate,
    Project,
    Proposal,
    ProposalEvent,
    ProposalTheme,
    ProposalYear,
    RoutingThresholds,
    ScenarioPaper,
    TcopResponse,
)


def register() -> None:
    register_parts(
        Proposal,
        Part(ProposalYear, "proposal", "Costs and savings for {financial_year}"),
        Part(ProposalTheme, "proposal", "Serves {theme}"),
        Part(Attachment, "proposal", "Document {original_name}"),
        Part(TcopResponse, "proposal", "Technology Code of Practice point {point}"),
        Part(ProposalEvent, "proposal", "Moved from {from_status} to {to_status}"),
        Part(Assessment, "proposal", "Assessment by {assessor}", policies.may_see_scores),
        Part(CriterionScore, "assessment", "{parent}, {criterion}"),
        Part(Decision, "proposal", "Decision at {meeting}"),
        Part(BusinessCaseVersion, "proposal", "{stage} frozen at its gate"),
    )
    register_parts(
        Project,
        Part(ProgressUpdate, "project", "Progress update for {reported_on}"),
        Part(BenefitRealised, "project", "Savings realised in {financial_year}"),
        Part(Contract, "project", "Contract {reference}"),
    )
    register_parts(
        Meeting,
        Part(AgendaItem, "meeting", "Agenda: {proposal}"),
        Part(Decision, "meeting", "Decision on {proposal}"),
        # A scenario stays shared with the Group once it is a paper (projects.scenarios),
        # so everyone who reads the meeting may read its name.
        Part(ScenarioPaper, "meeting", "Paper: {scenario}"),
    )
    register_reading(ProposalYear, money=["capital_cost", "revenue_cost", "cashable_savings"])
    register_reading(ProgressUpdate, money=["actual_spend_to_date"])
    register_reading(BenefitRealised, money=["cashable_savings"])
    register_reading(Budget, money=["amount"])
    # The frozen case and costs read in full in the proposal's "Business case stages".
    register_reading(BusinessCaseVersion, money=["whole_life_cost"], hidden=["case", "years"])
    register_reading(RoutingThresholds, money=["bjc_limit", "key_decision_limit", "council_limit"])
    register_reading(Contract, money=["total_value", "irrecoverable_vat"])
    # Where the file is kept and how the server knows its type mean nothing to a reader.
    register_reading(Attachment, hidden=["file", "content_type", "size"])
    # The label says both; the action's code name is the same step again.
    register_reading(ProposalEvent, hidden=["action", "from_status", "to_status"])
    # A copy of the criterion's name, kept for when the criterion is renamed.
    register_reading(CriterionScore, hidden=["criterion_name"])
    register_scope(Proposal, selectors.proposals_visible_to)
    register_scope(Project, selectors.projects_visible_to)
