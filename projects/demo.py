"""Demo proposals, scores, budgets, a decision at the meeting held and a project in
delivery, so `make run` shows a living pipeline. Loaded with the governance demo data;
never by migrate."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from common.fy import financial_year_of
from governance.catalogue import catalogue_load
from governance.choices import MeetingStatus
from governance.demo import DEMO_OFFICERS
from governance.models import BusinessUnit, Meeting, User

from . import services
from .choices import (
    ContractProcess,
    Outcome,
    ProcurementRoute,
    ProposalStatus,
    Route,
    SecurityImpact,
    Stage,
    TcopAnswer,
    YesNo,
)
from .models import (
    AgendaItem,
    Assessment,
    Budget,
    Contract,
    Criterion,
    CriterionScore,
    Decision,
    ProgressUpdate,
    Project,
    Proposal,
    ProposalEvent,
    ProposalTheme,
    ProposalYear,
    TcopPoint,
    TcopResponse,
    TransparencyPublication,
)
from .routing import RISK_QUESTIONS
from .scoring import weighted_score

# title, unit code, status, theme numbers, capital per year, savings per year, statutory,
# {assessor username: ratings for the five default criteria}
PROPOSALS = [
    ("Council tax self-service portal", "revenues", ProposalStatus.IN_ASSESSMENT, [2],
     [180000, 20000], [0, 90000], False, {"member": [5, 4, 4, 3, 4], "chair": [4, 4, 5, 3, 3]}),
    ("Planning document management to meet statutory retention", "planning",
     ProposalStatus.IN_ASSESSMENT, [5], [120000, 10000], [0, 0], True, {"member": [3, 3, 1, 4, 4]}),
    ("Mobile working for environmental health officers", "environment",
     ProposalStatus.SUBMITTED, [3], [60000, 15000], [0, 25000], False, {}),
    ("Hosted e-mail and office suite", "ict", ProposalStatus.APPROVED, [4, 1],
     [250000, 40000], [30000, 120000], False, {}),
]  # fmt: skip
# Each proposal's Technology Code of Practice self-assessment, point by point: M met,
# P partly met, N not met; and the evidence a unit would give for a point it meets.
TCOP_ANSWERS = {
    "Council tax self-service portal": "MMPMMMMMMPMPM",
    "Planning document management to meet statutory retention": "MMNMPMMPMMMNP",
    "Mobile working for environmental health officers": "MPNMMMMPMPMNP",
    "Hosted e-mail and office suite": "MMPMMMMMMMMPM",
    "Online housing register applications": "MMPMMMMPMMPMP",
    "Room booking for community centres": "MMMMMMMMPMMMP",
}
TCOP_LETTERS = {"M": TcopAnswer.MET, "P": TcopAnswer.PARTLY_MET, "N": TcopAnswer.NOT_MET}
TCOP_EVIDENCE = [
    "Demo data: user research with residents and staff, written up in the discovery report.",
    "Demo data: supplier's WCAG 2.2 AA statement; our own audit is planned before go-live.",
    "Demo data: the integration code will be published; the product itself is proprietary.",
    "Demo data: data exchanged as CSV and JSON over documented APIs.",
    "Demo data: hosted in the supplier's UK public cloud.",
    "Demo data: Cyber Essentials Plus supplier; penetration test before go-live.",
    "Demo data: DPIA drafted with the Data Protection Officer.",
    "Demo data: the same product is used by two neighbouring councils.",
    "Demo data: connects to the council's identity service and the CRM.",
    "Demo data: usage reports feed the service's performance measures.",
    "Demo data: G-Cloud call-off with a two-year break clause to avoid lock-in.",
    "Demo data: supplier's data centres report their energy use; some reporting is missing.",
    "Demo data: assessed against the Service Standard at alpha; beta assessment booked.",
]

# Schemes on business case stages: title, unit code, status, route, stage, theme,
# capital per year, revenue per year, the risk questions answered yes, and the stage
# the Governance Group has already decided (frozen) at the meeting held.
STAGED = [
    ("Online housing register applications", "housing", ProposalStatus.DEVELOPING,
     Route.THREE_STAGE, Stage.OBC, 2, [220000, 60000], [15000, 15000], ["risk_frontline"],
     Stage.SOC),
    ("Room booking for community centres", "housing", ProposalStatus.SUBMITTED, Route.BJC,
     Stage.BJC, 2, [45000, 0], [5000, 5000], [], None),
]  # fmt: skip
ANNUAL_BUDGET = Decimal(600000)
CONTRACTS_PROJECT = "Hosted e-mail and office suite"
# reference, title, supplier, company number, charity number, SME, VCSE, value, process,
# years it runs. Two are under the Transparency Code's £5,000, so stay unpublished.
CONTRACTS = [
    ("ICT-DEMO-014", "Hosted e-mail and office suite licences", "Demo Cloud Services Ltd",
     "09876543", "", False, False, "236000.00", ContractProcess.FRAMEWORK, 3),
    ("ICT-DEMO-015", "Mailbox migration services", "Example Migration Partners Ltd",
     "11223344", "", True, False, "38500.00", ContractProcess.QUOTATIONS, 1),
    ("ICT-DEMO-016", "Staff training in the new office suite", "Sample Digital Skills Trust",
     "", "1187654", False, True, "4200.00", ContractProcess.QUOTATIONS, 1),
    ("ICT-DEMO-017", "Migration tool licence", "Placeholder Tools Ltd", "12345678", "", True,
     False, "1950.00", ContractProcess.DIRECT_AWARD, 1),
]  # fmt: skip


@transaction.atomic
def demo_projects_load(**kwargs) -> None:
    strategy = catalogue_load()
    this_year = financial_year_of(timezone.localdate())
    for offset in range(5):
        Budget.objects.get_or_create(
            financial_year=this_year + offset, defaults={"amount": ANNUAL_BUDGET}
        )
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["member", "chair", "headofict", *DEMO_OFFICERS.values()]
        )
    }
    chair = users["chair"]
    held = (
        Meeting.objects.filter(status=MeetingStatus.MINUTES_APPROVED).order_by("starts_at").last()
    )
    criteria = list(Criterion.objects.filter(is_active=True))
    themes = {t.number: t for t in strategy.themes.all()}
    for title, unit_code, status, theme_numbers, capital, savings, statutory, scores in PROPOSALS:
        proposal, created = _demo_proposal(
            title=title,
            unit_code=unit_code,
            strategy=strategy,
            status=status,
            this_year=this_year,
            created_by=users[DEMO_OFFICERS[unit_code]],
            # The unit's officer manages it and reports its delivery (DOMAIN.md's roles).
            project_manager=users[DEMO_OFFICERS[unit_code]],
            case_for_change="Demo data: the current process is manual and costly.",
            is_statutory=statutory,
            statutory_basis="Demo data: statutory record-keeping duty." if statutory else "",
            preferred_option="Buy a hosted service through a framework.",
            non_cashable_benefits="Better service for residents.",
            start_date=timezone.localdate() - datetime.timedelta(days=90),
            end_date=timezone.localdate() + datetime.timedelta(days=300),
            milestones="Contract; pilot; go-live.",
            key_risks="Supplier capacity; data migration.",
            security_impact=SecurityImpact.MEDIUM,
            submitted_at=timezone.now() - datetime.timedelta(days=30),
        )
        if not created:
            continue
        for number in theme_numbers:
            _saved_by(
                proposal.created_by,
                ProposalTheme(
                    proposal=proposal,
                    theme=themes[number],
                    how="Demo data: see the case for change.",
                ),
            )
        for index, (cost, saving) in enumerate(zip(capital, savings, strict=True)):
            _saved_by(
                proposal.created_by,
                ProposalYear(
                    proposal=proposal,
                    financial_year=this_year + index,
                    capital_cost=Decimal(cost),
                    cashable_savings=Decimal(saving),
                ),
            )
        _demo_tcop(proposal)
        for username, ratings in scores.items():
            assessment = Assessment.objects.create(
                proposal=proposal,
                assessor=users[username],
                weighted_score=weighted_score(
                    (r, c.weight) for r, c in zip(ratings, criteria, strict=True)
                ),
            )
            for rating, criterion in zip(ratings, criteria, strict=True):
                CriterionScore.objects.create(
                    assessment=assessment,
                    criterion=criterion,
                    criterion_name=criterion.name,
                    weight=criterion.weight,
                    score=rating,
                )
        if status == ProposalStatus.APPROVED and held is not None:
            AgendaItem.objects.create(meeting=held, proposal=proposal, position=1)
            decision = Decision.objects.create(
                proposal=proposal,
                meeting=held,
                outcome=Outcome.APPROVED,
                rationale="Demo data: it replaces servers at the end of their life and pays "
                "back in its second year.",
                decided_by=chair,
            )
            # Decided at the meeting, not when the demo was loaded (auto_now_add is
            # applied only when the row is made).
            decision.decided_at = proposal.decided_at = held.starts_at + datetime.timedelta(
                minutes=30
            )
            decision.save(update_fields=["decided_at"])
            proposal._history_user = chair
            proposal.save(update_fields=["decided_at"])
        _demo_events(proposal, users)
        if status == ProposalStatus.APPROVED:
            last_update = timezone.localdate() - datetime.timedelta(days=45)
            project = Project.objects.create(
                proposal=proposal,
                project_manager=proposal.project_manager,
                started_on=proposal.start_date,
                last_update_on=last_update,
            )
            ProgressUpdate.objects.create(
                project=project,
                author=proposal.project_manager,
                reported_on=last_update,
                rag_overall="amber",
                rag_time="amber",
                rag_cost="green",
                rag_scope="green",
                percent_complete=40,
                narrative="Demo data: mailbox migration running two weeks late.",
                actual_spend_to_date=Decimal(110000),
            )
    _demo_contracts(users["headofict"])
    _demo_stages(strategy, users, held, this_year)


def _demo_proposal(
    *, title: str, unit_code: str, strategy, status: str, this_year: int, **fields
) -> tuple[Proposal, bool]:
    """A demo proposal found by its title, or made with what every demo proposal has in
    common (its unit's head as sponsor, bought through a framework from the ICT capital
    programme, first costed this year) and `fields`, its own. A new one is drafted by
    its `created_by`, an officer of its unit, and its history says so."""
    proposal = Proposal.objects.filter(title=title).first()
    if proposal is not None:
        return proposal, False
    unit = BusinessUnit.objects.get(code=unit_code)
    proposal = Proposal(
        title=title,
        business_unit=unit,
        strategy=strategy,
        status=status,
        options_considered="Do nothing; extend the current system; buy a service.",
        first_financial_year=this_year,
        procurement_route=ProcurementRoute.FRAMEWORK,
        funding_source="ICT capital programme",
        sponsor=f"Head of {unit.name}",
        personal_data=YesNo.YES,
        **fields,
    )
    return _saved_by(proposal.created_by, proposal), True


def _saved_by(user: User, obj):
    """Save `obj` new, with `user` on its history record, as the service that made it
    would have (common.services.save_with_history)."""
    obj._history_user = user
    obj.save()
    return obj


def _demo_stages(strategy, users, held, this_year) -> None:
    """A scheme developing its Outline Business Case, its Strategic Outline Case frozen
    with the decision on it at the meeting held; and a small scheme on one Business
    Justification Case, waiting for triage."""
    themes = {t.number: t for t in strategy.themes.all()}
    for title, unit_code, status, route, stage, theme, capital, revenue, yes, frozen in STAGED:
        proposal, created = _demo_proposal(
            title=title,
            unit_code=unit_code,
            strategy=strategy,
            status=status,
            this_year=this_year,
            created_by=users[DEMO_OFFICERS[unit_code]],
            project_manager=users[DEMO_OFFICERS[unit_code]],
            route=route,
            stage=frozen or stage,
            case_for_change="Demo data: applications and bookings arrive on paper and by "
            "phone, and are keyed in by hand.",
            preferred_option="A long list of options to narrow at the next stage.",
            non_cashable_benefits="Residents can apply and book at any time.",
            start_date=timezone.localdate() + datetime.timedelta(days=60),
            end_date=timezone.localdate() + datetime.timedelta(days=420),
            milestones="Business case; procurement; pilot; go-live.",
            key_risks="Supplier capacity; integration with the back-office system.",
            security_impact=SecurityImpact.LOW,
            **{field: YesNo.YES if field in yes else YesNo.NO for field in RISK_QUESTIONS},
            submitted_at=timezone.now() - datetime.timedelta(days=20),
        )
        if not created:
            continue
        _saved_by(
            proposal.created_by,
            ProposalTheme(
                proposal=proposal, theme=themes[theme], how="Demo data: residents apply online."
            ),
        )
        for index, (cost, running) in enumerate(zip(capital, revenue, strict=True)):
            _saved_by(
                proposal.created_by,
                ProposalYear(
                    proposal=proposal,
                    financial_year=this_year + index,
                    capital_cost=Decimal(cost),
                    revenue_cost=Decimal(running),
                ),
            )
        _demo_tcop(proposal)
        if frozen is None or held is None:
            _demo_events(proposal, users)
            continue
        AgendaItem.objects.create(meeting=held, proposal=proposal, position=2)
        decision = Decision.objects.create(
            proposal=proposal,
            meeting=held,
            outcome=Outcome.APPROVED,
            rationale="Demo data: a strong case for change; narrow the options and bring "
            "the preferred one, with its procurement strategy, as an Outline Business Case.",
            decided_by=users["chair"],
        )
        decision.decided_at = held.starts_at + datetime.timedelta(minutes=45)
        decision.save(update_fields=["decided_at"])
        proposal.decided_at = decision.decided_at
        services.case_freeze(proposal, decision, user=users["chair"])
        # The decision moves the scheme to its next stage; the unit then narrows its options.
        proposal.stage = stage
        proposal._history_user = users["chair"]
        proposal.save(update_fields=["stage", "decided_at"])
        proposal.preferred_option = (
            "Demo data: a hosted planning portal bought through G-Cloud, the best value "
            "of the three options short-listed."
        )
        proposal._history_user = proposal.created_by
        proposal.save(update_fields=["preferred_option"])
        _demo_events(proposal, users)


# The steps a demo proposal took to reach its status, so its page tells its story.
DEMO_STEPS = {
    ProposalStatus.SUBMITTED: ["submit"],
    ProposalStatus.IN_ASSESSMENT: ["submit", "accept"],
    ProposalStatus.APPROVED: ["submit", "accept", "decide"],
    ProposalStatus.DEVELOPING: ["submit", "accept", "decide"],
}


def _demo_events(proposal: Proposal, users) -> None:
    """The workflow steps behind a demo proposal's status, dated between its drafting
    and its decision, as the services would have recorded them."""
    submitted = proposal.submitted_at or timezone.now()
    if proposal.decided_at:  # submitted a fortnight or more before its decision
        submitted = min(submitted, proposal.decided_at - datetime.timedelta(days=14))
    steps = {
        # Submitted by the officer who drafted it (projects.policies.acts_for_unit).
        "submit": (ProposalStatus.DRAFT, ProposalStatus.SUBMITTED, proposal.created_by, submitted),
        "accept": (
            ProposalStatus.SUBMITTED,
            ProposalStatus.IN_ASSESSMENT,
            users["headofict"],
            submitted + datetime.timedelta(days=2),
        ),
        "decide": (
            ProposalStatus.IN_ASSESSMENT,
            proposal.status,
            users["chair"],
            proposal.decided_at or submitted + datetime.timedelta(days=14),
        ),
    }
    for action in DEMO_STEPS.get(proposal.status, []):
        from_status, to_status, actor, when = steps[action]
        event = _saved_by(
            actor,
            ProposalEvent(
                proposal=proposal,
                action=action,
                from_status=from_status,
                to_status=to_status,
                actor=actor,
            ),
        )
        # Dated when the step was taken, not when the demo was loaded (auto_now_add is
        # applied only when the row is made).
        event.created_at = when
        event.save(update_fields=["created_at"])
    proposal.submitted_at = submitted
    proposal.created_at = submitted - datetime.timedelta(days=10)
    # The demo's own dating, not a step anyone took: its history names no one.
    proposal._history_user = None
    proposal.save(update_fields=["submitted_at", "created_at"])


def _demo_tcop(proposal: Proposal) -> None:
    pattern = TCOP_ANSWERS.get(proposal.title, "")
    for point, letter in zip(TcopPoint.objects.all(), pattern, strict=False):
        answer = TCOP_LETTERS[letter]
        evidence = TCOP_EVIDENCE[(point.number - 1) % len(TCOP_EVIDENCE)]
        if answer == TcopAnswer.NOT_MET:
            evidence = "Demo data: not planned yet."
        _saved_by(
            proposal.created_by,
            TcopResponse(proposal=proposal, point=point, answer=answer, evidence=evidence),
        )


def _demo_contracts(head_of_ict: User) -> None:
    """Contracts let for the approved demo project, and the transparency dataset
    published once, so its public files answer after `make run`."""
    project = Project.objects.filter(proposal__title=CONTRACTS_PROJECT).first()
    if project is None:
        return
    for reference, title, supplier, company, charity, sme, vcse, value, process, years in CONTRACTS:
        if Contract.objects.filter(reference=reference).exists():
            continue
        Contract.objects.create(
            project=project,
            reference=reference,
            title=title,
            description=f"Demo data: {title.lower()}.",
            department="ICT",
            supplier_name=supplier,
            supplier_company_number=company,
            supplier_charity_number=charity,
            supplier_is_sme=YesNo.YES if sme else YesNo.NO,
            supplier_is_vcse=YesNo.YES if vcse else YesNo.NO,
            total_value=Decimal(value),
            start_date=project.started_on,
            end_date=project.started_on + datetime.timedelta(days=365 * years - 1),
            process=process,
        )
    if not TransparencyPublication.objects.exists():
        services.transparency_publish(user=head_of_ict)
