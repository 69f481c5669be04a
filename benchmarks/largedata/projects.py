"""Generated proposals and projects at scale (see benchmarks.largedata).

Each proposal is drafted by an officer of its unit and then walks the workflow in
projects.workflow as far as the time left before the reference date allows. The
generator names where a proposal is heading (sent for assessment, say) and follows one
of the table's own routes there, chosen at random (`projects.workflow.routes`), so it
keeps no second copy of the workflow: submitted, perhaps triaged, perhaps returned for
more information and answered, sent for assessment and scored by
Governance Group members (never from its own unit), put on a meeting's agenda and
decided by the chair; deferred ones may be reopened. Approved ones become projects that
report monthly and close with the benefits realised. Older proposals are therefore
mostly decided and recent ones still in the pipeline, so every status appears.

Published as `run.made["projects"]`, a Delivery, for the risks generator."""

import bisect
import datetime
import statistics
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max

from benchmarks.largedata import GENERATED_PREFIX, Change, evolve, link, stamp
from benchmarks.largedata.governance import Population
from common.fy import financial_year_of
from common.roles import Role
from governance.choices import RAG, MeetingStatus
from governance.models import Meeting
from projects.choices import (
    APPROVED_STATUSES,
    Outcome,
    ProcurementRoute,
    ProjectStatus,
    ProposalStatus,
    SecurityImpact,
    TcopAnswer,
    YesNo,
)
from projects.models import (
    MAX_YEARS,
    AgendaItem,
    Assessment,
    BenefitRealised,
    Budget,
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
)
from projects.routing import RISK_QUESTIONS
from projects.scoring import weighted_score
from projects.tcop import rating as tcop_rating
from projects.workflow import TRANSITIONS, routes

CHUNK = 1000  # proposals simulated and inserted together, to bound memory
# Days each step on the way to assessment takes after the one before, by who takes it:
# an officer writes or answers in weeks, the Head of ICT reads in days.
STEP_DAYS = {Role.OFFICER: (2, 40), Role.HEAD_OF_ICT: (1, 8)}
DAY = datetime.timedelta(days=1)
SECOND = datetime.timedelta(seconds=1)

# What each generated unit's proposals are about, by unit code (without the prefix).
SERVICES = {
    "housing-needs": ["housing register", "homelessness casework", "housing advice"],
    "tenancy": ["tenancy management", "housing repairs", "rent accounts"],
    "revenues": ["council tax", "business rates", "sundry debt"],
    "benefits": ["housing benefit", "council tax reduction", "discretionary payments"],
    "dev-management": ["planning applications", "planning enforcement", "pre-application advice"],
    "planning-policy": ["local plan consultation", "land availability", "conservation areas"],
    "building-control": ["building regulations", "dangerous structures", "site inspections"],
    "env-health": ["food safety inspections", "noise complaints", "pest control"],
    "waste": ["bin collections", "garden waste subscriptions", "fly-tipping reports"],
    "leisure": ["leisure bookings", "parks maintenance", "allotments"],
    "parking": ["parking permits", "penalty charge notices", "car park payments"],
    "licensing": ["taxi licensing", "premises licences", "street trading"],
    "contact-centre": ["customer contact", "webchat", "telephone payments"],
    "financial": ["accounts payable", "budget monitoring", "procurement"],
    "hr": ["payroll", "recruitment", "staff training records"],
    "legal": ["legal case management", "land charges", "contract registers"],
    "democratic": ["committee papers", "electoral registration", "councillor casework"],
    "property": ["asset management", "facilities bookings", "energy monitoring"],
    "regeneration": ["business grants", "market trading", "inward investment enquiries"],
    "ict": ["service desk", "network", "server estate"],
}
# Title patterns per strategy theme; {service} is one of the unit's services.
TITLES = {
    1: [
        "Replace the {service} system",
        "Upgrade the {service} system to a supported version",
        "Integrate {service} with the corporate service desk",
        "Consolidate {service} servers",
        "Single sign-on for {service}",
    ],
    2: [
        "Online {service} for residents",
        "Self-service {service} portal",
        "Webchat for {service}",
        "Mobile app for {service}",
        "Online payments for {service}",
    ],
    3: [
        "Mobile working for {service} officers",
        "Tablets for {service} visits",
        "Electronic workflow for {service}",
        "Remote access for {service} staff",
        "Scanning the {service} paper files",
    ],
    4: [
        "Move {service} to a hosted service",
        "Cloud backup for {service}",
        "Software as a service for {service}",
        "Hosted {service} through G-Cloud",
        "Retire the on-premises {service} server",
    ],
    5: [
        "Document management for {service}",
        "Records retention for {service}",
        "Data sharing agreement tooling for {service}",
        "Data quality clean-up of {service}",
        "Information asset register for {service}",
    ],
}
RETURN_REASONS = [
    "Give the whole-life revenue costs, not only the first year's.",
    "Say which framework you will buy through, and why.",
    "Attach the data protection impact assessment screening.",
    "Explain how the cashable savings were calculated.",
    "Name the project manager and the sponsor.",
]
ANSWERS = [
    "Revenue costs for all five years are now in the financial case.",
    "We will call off from G-Cloud; the reasons are in the commercial case.",
    "The DPIA screening is done: a full DPIA is needed and is planned.",
    "Savings come from two posts not replaced; the workings are in the case.",
    "The project manager and sponsor are now named.",
]
CONDITIONS = [
    "Report progress to the Group every quarter.",
    "Complete a full data protection impact assessment before go-live.",
    "Hold the second year's spend until the pilot has been evaluated.",
    "Buy through a public sector framework.",
    "Return with a benefits realisation plan within three months.",
]
RATIONALES = {
    Outcome.APPROVED: "Strong fit with the strategy, affordable within the budget, and "
    "clear savings.",
    Outcome.APPROVED_WITH_CONDITIONS: "A good fit with the strategy; the conditions manage "
    "the delivery risks the members raised.",
    Outcome.DEFERRED: "Worth doing, but not affordable this year; to be revisited when the "
    "budget is set.",
    Outcome.REJECTED: "Weak fit with the strategy and no clear savings or transformation.",
}
CONFLICT_NOTES = ["My team is a supplier to this project.", "I line-manage the sponsor."]
FUNDING = [
    "ICT capital programme",
    "Service revenue budget",
    "Invest to save fund",
    "Government grant",
    "Transformation reserve",
]


@dataclass(frozen=True)
class Delivery:
    """What the projects generator made, for the risks generator: proposals (once
    submitted) and projects, each with when it appeared, in time order, so a risk
    links only to work that existed when it was raised."""

    proposals: list[tuple[datetime.datetime, int]]
    projects: list[tuple[datetime.datetime, int]]


@dataclass
class _Made:
    """One proposal and everything that hangs off it."""

    proposal: Proposal
    status: str = ProposalStatus.DRAFT  # where it ends up
    submitted_at: datetime.datetime | None = None  # when it was first submitted
    themes: list = field(default_factory=list)
    years: list = field(default_factory=list)
    tcop: list = field(default_factory=list)
    events: list = field(default_factory=list)
    assessments: list = field(default_factory=list)
    scores: list = field(default_factory=list)
    agenda: list = field(default_factory=list)
    decisions: list = field(default_factory=list)
    project: Project | None = None
    updates: list = field(default_factory=list)
    benefits: list = field(default_factory=list)


def generate_projects(run) -> None:
    population: Population = run.made["governance"]
    criteria = list(Criterion.objects.filter(is_active=True))
    if not criteria:
        raise ValueError("No scoring criteria are in use: run migrate, which sets the defaults.")
    simulator = _Simulator(run, population, criteria)
    first = Proposal.objects.count() if run.append else 0
    proposals, projects = [], []
    for start in range(first, first + run.scale.proposals, CHUNK):
        made = [
            simulator.proposal(i)
            for i in range(start, min(start + CHUNK, first + run.scale.proposals))
        ]
        _insert(run, made)
        for m in made:
            if m.submitted_at:
                proposals.append((m.submitted_at, m.proposal.pk))
            if m.project:
                projects.append((m.project._history_date, m.project.pk))
    _budgets(run, population, simulator.committed)
    run.made["projects"] = Delivery(proposals=sorted(proposals), projects=sorted(projects))


def _insert(run, made: list[_Made]) -> None:
    def every(name):
        return [row for m in made for row in getattr(m, name)]

    run.insert(Proposal, [m.proposal for m in made])
    run.insert(ProposalTheme, every("themes"))
    run.insert(ProposalYear, every("years"))
    run.insert(TcopResponse, every("tcop"))
    run.insert(ProposalEvent, every("events"))
    run.insert(Assessment, every("assessments"))
    run.insert(CriterionScore, every("scores"))
    run.insert(AgendaItem, every("agenda"))
    run.insert(Decision, every("decisions"))
    run.insert(Project, [m.project for m in made if m.project])
    run.insert(ProgressUpdate, every("updates"))
    run.insert(BenefitRealised, every("benefits"))


def _budgets(run, population: Population, committed: dict[int, Decimal]) -> None:
    """A budget for every year generated and the two after, set by the Head of ICT in
    March before the year starts: what approved work commits, with headroom."""
    rng = run.rng("budgets")
    years = range(run.first_year, run.last_year + 3)
    typical = statistics.median([committed.get(y, Decimal(0)) for y in years]) or Decimal(10**6)
    existing = set(Budget.objects.values_list("financial_year", flat=True))
    budgets = []
    for year in years:
        if year in existing:
            continue
        amount = max(committed.get(year, Decimal(0)), typical) * Decimal(rng.uniform(1.05, 1.25))
        set_on = min(run.at(datetime.date(year, 3, 1), 10), run.cutoff - DAY)
        budgets.append(
            stamp(
                Budget(financial_year=year, amount=Decimal(int(round(amount, -4)))),
                who=population.head,
                when=set_on,
            )
        )
    run.insert(Budget, budgets)


class _Workflow:
    """A proposal's moves through the state machine in projects.workflow: each is
    allowed only from the transition's source states and taken by the person holding
    the transition's role, and leaves its event and a history record."""

    def __init__(self, made: _Made, actors: dict[Role, object]):
        self.made = made
        self.actors = actors
        self.status = ProposalStatus.DRAFT

    def move(self, action: str, when, *, target=None, comment: str = "", **fields) -> None:
        transition = TRANSITIONS[action]
        if self.status not in transition.sources:
            raise AssertionError(f"Cannot {action} a proposal that is {self.status}")
        actor = self.actors[transition.role]
        to_status = target or transition.target
        if to_status == ProposalStatus.SUBMITTED:
            fields["submitted_at"] = when
        self.made.events.append(
            stamp(
                ProposalEvent(
                    proposal=self.made.proposal,
                    action=action,
                    from_status=self.status,
                    to_status=to_status,
                    actor=actor,
                    comment=comment,
                    created_at=when,
                ),
                who=actor,
                when=when,
            )
        )
        evolve(self.made.proposal, Change(when, actor, {"status": to_status, **fields}))
        self.status = self.made.status = to_status
        if to_status == ProposalStatus.SUBMITTED and self.made.submitted_at is None:
            self.made.submitted_at = when

    def step_to(self, status: str, when, **fields) -> None:
        """Move straight to `status`, by the table's one transition there from here."""
        shortest = next(iter(routes(self.status, status)), ())
        if len(shortest) != 1:
            raise AssertionError(f"No single step from {self.status} to {status}")
        self.move(shortest[0].action, when, **fields)


class _Simulator:
    def __init__(self, run, population: Population, criteria: list[Criterion]):
        self.run = run
        self.population = population
        self.criteria = criteria
        self.tcop_points = list(TcopPoint.objects.all())
        self.meetings = [m for m in population.meetings if m.status != MeetingStatus.CANCELLED]
        self.meeting_starts = [m.starts_at for m in self.meetings]
        self.positions = dict(
            AgendaItem.objects.filter(meeting__in=self.meetings)
            .values("meeting")
            .annotate(n=Max("position"))
            .values_list("meeting", "n")
        )
        self.objectives = {
            theme.pk: [o for o in population.objectives if o.theme_id == theme.pk]
            for theme in population.themes
        }
        self.committed: dict[int, Decimal] = {}  # approved cost per financial year

    # ----------------------------------------------------------------- helpers

    def later(self, moment, rng, low: int, high: int) -> datetime.datetime:
        """A working moment `low` to `high` days after `moment`'s day."""
        return self.run.working_moment(moment.date() + rng.randint(low, high) * DAY, rng)

    def meeting_after(self, moment) -> Meeting | None:
        index = bisect.bisect_left(self.meeting_starts, moment)
        return self.meetings[index] if index < len(self.meetings) else None

    # ---------------------------------------------------------------- proposal

    def proposal(self, index: int) -> _Made:
        run, population = self.run, self.population
        rng = run.rng(f"proposal:{index}")
        unit = rng.choice(population.units)
        officer = rng.choice(population.officers[unit.pk])
        primary = rng.choice(population.themes)
        others = [t for t in population.themes if t != primary]
        themes = [primary, *rng.sample(others, rng.choice([0, 0, 1, 1, 2]))]
        created = run.working_moment(run.start + rng.randrange(max(run.days, 1)) * DAY, rng)
        start_date = created.date() + rng.randint(45, 200) * DAY
        statutory = rng.random() < 0.08
        code = unit.code.removeprefix(GENERATED_PREFIX)
        service = rng.choice(SERVICES.get(code, [unit.name.lower()]))
        proposal = Proposal(
            title=rng.choice(TITLES.get(primary.number, TITLES[1])).format(service=service),
            business_unit=unit,
            strategy=population.strategy,
            created_by=officer,
            status=ProposalStatus.DRAFT,
            created_at=created,
            updated_at=created,
            case_for_change=f"Generated data: {service} relies on manual steps and an ageing "
            "system; residents wait and staff re-key data.",
            is_statutory=statutory,
            statutory_basis="Generated data: a statutory duty the service must meet."
            if statutory
            else "",
            options_considered="Do nothing; extend the current system; buy a hosted service.",
            preferred_option=rng.choice(
                [
                    "Buy a hosted service through a framework.",
                    "Extend the current system.",
                    "Build in house.",
                ]
            ),
            non_cashable_benefits=f"Quicker, more reliable {service} for residents.",
            first_financial_year=financial_year_of(start_date),
            procurement_route=rng.choice(ProcurementRoute.values),
            suppliers=rng.choice(["", "Incumbent supplier", "Several on G-Cloud"]),
            funding_source=rng.choice(FUNDING),
            sponsor=f"Head of {unit.name}",
            project_manager=officer
            if rng.random() < 0.6
            else rng.choice(population.officers[unit.pk]),
            start_date=start_date,
            end_date=start_date + rng.randint(90, 600) * DAY,
            milestones="Business case; procurement; build and test; go-live; benefits review.",
            key_risks="Supplier capacity; data migration; staff adoption.",
            dependencies=rng.choice(["", "Network upgrade at the depot.", "Single sign-on."]),
            personal_data=rng.choice(YesNo.values),
            security_impact=rng.choice(SecurityImpact.values),
        )
        # The intake's risk questions, from a stream of their own so the rest of the
        # data is as it was. Generated proposals predate business case stages (no route
        # or stage): one decision settles each, as it did.
        answers = run.rng(f"risk:{index}")
        for question in RISK_QUESTIONS:
            setattr(proposal, question, YesNo.YES if answers.random() < 0.2 else YesNo.NO)
        stamp(proposal, who=officer, when=created)
        objectives = [o for t in themes for o in self.objectives[t.pk]]
        link(
            proposal,
            "objectives",
            [o.pk for o in rng.sample(objectives, min(len(objectives), rng.randint(0, 2)))],
        )
        link(
            proposal,
            "principles",
            [p.pk for p in rng.sample(population.principles, rng.randint(1, 2))],
        )
        link(
            proposal,
            "corporate_objectives",
            [c.pk for c in rng.sample(population.corporate_objectives, rng.randint(0, 1))],
        )

        made = _Made(proposal=proposal)
        drafted = created + datetime.timedelta(minutes=20)
        made.themes = [
            stamp(
                ProposalTheme(
                    proposal=proposal,
                    theme=theme,
                    how=f"Generated data: it serves theme {theme.number}.",
                ),
                who=officer,
                when=drafted,
            )
            for theme in themes
        ]
        made.years = self._years(rng, proposal, officer, drafted)
        # Its own stream, so the self-assessment leaves the rest of the data as it was.
        made.tcop = self._tcop(run.rng(f"tcop:{index}"), proposal, officer, drafted)
        workflow = _Workflow(
            made,
            {
                Role.OFFICER: officer,
                Role.HEAD_OF_ICT: population.head,
                Role.CHAIR: population.chair,
            },
        )
        accepted = self._to_assessment(rng, workflow, created)
        if accepted:
            # Most proposals that reach the Group are sound; a few are weak.
            self._assess_and_decide(rng, workflow, accepted, quality=rng.betavariate(3, 2))
        if workflow.status == ProposalStatus.DRAFT:
            # A draft is still being written: leave some of the case blank.
            for name in rng.sample(
                [
                    "milestones",
                    "key_risks",
                    "suppliers",
                    "dependencies",
                    "sponsor",
                    "options_considered",
                ],
                rng.randint(0, 4),
            ):
                setattr(proposal, name, "")
        if made.status in APPROVED_STATUSES:
            for year in made.years:
                self.committed[year.financial_year] = (
                    self.committed.get(year.financial_year, Decimal(0)) + year.total_cost
                )
        return made

    def _tcop(self, rng, proposal: Proposal, officer, when) -> list[TcopResponse]:
        """The Technology Code of Practice self-assessment: most points met."""
        responses = []
        for point in self.tcop_points:
            answer = rng.choices(TcopAnswer.values, [70, 20, 10])[0]
            evidence = (
                ""
                if answer == TcopAnswer.NOT_MET
                else f"Generated data: see the {point.title} section of the business case."
            )
            responses.append(
                stamp(
                    TcopResponse(proposal=proposal, point=point, answer=answer, evidence=evidence),
                    who=officer,
                    when=when,
                )
            )
        return responses

    def _years(self, rng, proposal: Proposal, officer, when) -> list[ProposalYear]:
        count = rng.choices(range(1, MAX_YEARS + 1), [20, 30, 25, 15, 10])[0]
        capital = min(max(rng.lognormvariate(11.0, 0.9), 5000), 900_000)
        saves = rng.random() < 0.6
        years = []
        for k in range(count):
            capital_k = (
                capital if k == 0 else (capital * rng.uniform(0, 0.3) if rng.random() < 0.3 else 0)
            )
            revenue = capital * rng.uniform(0.05, 0.25) if rng.random() < 0.7 else 0
            savings = capital * rng.uniform(0.1, 0.6) if saves and (k > 0 or count == 1) else 0
            years.append(
                stamp(
                    ProposalYear(
                        proposal=proposal,
                        financial_year=proposal.first_financial_year + k,
                        capital_cost=_pounds(capital_k),
                        revenue_cost=_pounds(revenue),
                        cashable_savings=_pounds(savings),
                    ),
                    who=officer,
                    when=when,
                )
            )
        return years

    def _to_assessment(self, rng, workflow: _Workflow, created):
        """Submitted, perhaps returned once for more information and answered, and sent
        for assessment, each along a route of the table. Returns when it was sent for
        assessment, or None if it got no further."""
        run = self.run
        if rng.random() < 0.05:  # abandoned: some withdrawn, the rest left as drafts
            gone = self.later(created, rng, 30, 150)
            if run.happened(gone) and rng.random() < 0.5:
                workflow.step_to(ProposalStatus.WITHDRAWN, gone, comment="No longer needed.")
            return None
        since = created
        if rng.random() < 0.12:
            since = self._walk(rng, workflow, ProposalStatus.RETURNED, since)
            if since is None:
                return None
            if rng.random() >= 0.8:  # never answered
                gone = self.later(since, rng, 45, 120)
                if rng.random() < 0.5 and run.happened(gone):
                    workflow.step_to(
                        ProposalStatus.WITHDRAWN,
                        gone,
                        comment="We will come back with a new proposal.",
                    )
                return None
        return self._walk(rng, workflow, ProposalStatus.IN_ASSESSMENT, since)

    def _walk(self, rng, workflow: _Workflow, goal: str, since):
        """Move the proposal to `goal` along one of the table's routes there, chosen at
        random, each step some days after the one before (STEP_DAYS), as far as the
        reference date allows. Returns when it got there, or None if time ran out."""
        when = since
        for transition in rng.choice(routes(workflow.status, goal)):
            when = self.later(when, rng, *STEP_DAYS[transition.role])
            if not self.run.happened(when):
                return None
            comment = ""
            if transition.target == ProposalStatus.RETURNED:
                comment = rng.choice(RETURN_REASONS)
            elif workflow.status == ProposalStatus.RETURNED:
                comment = rng.choice(ANSWERS)
            workflow.move(transition.action, when, comment=comment)
        return when

    def _assess_and_decide(self, rng, workflow: _Workflow, accepted, *, quality: float) -> None:
        run, made = self.run, workflow.made
        meeting = self.meeting_after(accepted + 14 * DAY)
        withdrawn = self.later(accepted, rng, 5, 12) if rng.random() < 0.02 else None
        # Members score before the meeting; without one in sight, within three weeks.
        until = meeting.starts_at - DAY if meeting else accepted + 20 * DAY
        if withdrawn:
            until = min(until, withdrawn)
        eligible = [
            m
            for m in self.population.governance_group
            if m.business_unit_id != made.proposal.business_unit_id
        ]
        for assessor in rng.sample(eligible, min(len(eligible), rng.randint(3, 5))):
            when = self.later(accepted, rng, 1, max((until - accepted).days, 1))
            if run.happened(when) and when < until:
                self._assess(rng, made, assessor, when, quality)
        if withdrawn and run.happened(withdrawn):
            workflow.step_to(
                ProposalStatus.WITHDRAWN, withdrawn, comment="Overtaken by a corporate programme."
            )
            return
        decision = self._decide_at(rng, workflow, meeting, accepted, quality, reopened=False)
        if decision is None or decision.outcome != Outcome.DEFERRED:
            return
        revisit = decision.revisit_date
        chance = rng.random()
        if run.happened(revisit) and chance < 0.55:
            reopened = run.working_moment(revisit, rng)
            workflow.step_to(ProposalStatus.IN_ASSESSMENT, reopened, revisit_date=None)
            self._decide_at(
                rng,
                workflow,
                self.meeting_after(reopened + 7 * DAY),
                reopened,
                quality,
                reopened=True,
            )
        elif run.happened(revisit) and chance < 0.7:
            workflow.step_to(
                ProposalStatus.WITHDRAWN,
                run.working_moment(revisit, rng),
                comment="Funded from the service's own budget instead.",
            )

    def _assess(self, rng, made: _Made, assessor, when, quality: float) -> None:
        assessment = Assessment(proposal=made.proposal, assessor=assessor, submitted_at=when)
        stamp(assessment, who=assessor, when=when)
        made.assessments.append(assessment)
        if rng.random() < 0.04:
            assessment.conflict_declared = True
            assessment.conflict_note = rng.choice(CONFLICT_NOTES)
            return
        ratings = [min(5, max(0, round(quality * 5 + rng.gauss(0, 0.9)))) for _ in self.criteria]
        # The criterion scored from the self-assessment takes the rating worked out from it.
        worked_out = tcop_rating([r.answer for r in made.tcop], len(self.tcop_points))
        ratings = [
            worked_out if c.from_tcop else rating
            for rating, c in zip(ratings, self.criteria, strict=True)
        ]
        assessment.weighted_score = weighted_score(
            (rating, c.weight) for rating, c in zip(ratings, self.criteria, strict=True)
        )
        made.scores.extend(
            stamp(
                CriterionScore(
                    assessment=assessment,
                    criterion=c,
                    criterion_name=c.name,
                    weight=c.weight,
                    score=rating,
                    from_tcop=c.from_tcop,
                ),
                who=assessor,
                when=when,
            )
            for rating, c in zip(ratings, self.criteria, strict=True)
        )

    def _decide_at(self, rng, workflow: _Workflow, meeting, since, quality, *, reopened):
        """Put the proposal on the meeting's agenda and, if the meeting has been held,
        record the decision. Returns the decision, if any."""
        run, made, chair = self.run, workflow.made, self.population.chair
        if meeting is None:
            return None
        added = run.working_moment(
            max(since.date() + DAY, meeting.starts_at.date() - 10 * DAY), rng
        )
        if not run.happened(added):
            return None
        position = self.positions.get(meeting.pk, 0) + 1
        self.positions[meeting.pk] = position
        made.agenda.append(
            stamp(
                AgendaItem(meeting=meeting, proposal=made.proposal, position=position),
                who=chair,
                when=added,
            )
        )
        if not run.happened(meeting.starts_at):
            return None
        when = meeting.starts_at + datetime.timedelta(minutes=3 * min(position, 150))
        outcome = self._outcome(rng, made, quality, reopened=reopened)
        revisit = (
            meeting.starts_at.date() + rng.randint(56, 120) * DAY
            if outcome == Outcome.DEFERRED
            else None
        )
        decision = Decision(
            proposal=made.proposal,
            meeting=meeting,
            outcome=outcome,
            rationale=RATIONALES[outcome],
            decided_by=chair,
            decided_at=when,
            revisit_date=revisit,
            conditions=rng.choice(CONDITIONS)
            if outcome == Outcome.APPROVED_WITH_CONDITIONS
            else "",
        )
        made.decisions.append(stamp(decision, who=chair, when=when))
        workflow.move(
            "decide", when, target=ProposalStatus(outcome), decided_at=when, revisit_date=revisit
        )
        if outcome in (Outcome.APPROVED, Outcome.APPROVED_WITH_CONDITIONS):
            self._deliver(rng, made, when)
        return decision

    def _outcome(self, rng, made: _Made, quality: float, *, reopened: bool) -> Outcome:
        proposal = made.proposal
        if proposal.is_statutory:
            return rng.choices([Outcome.APPROVED, Outcome.APPROVED_WITH_CONDITIONS], [3, 2])[0]
        scores = [a.weighted_score for a in made.assessments if not a.conflict_declared]
        mean = float(sum(scores) / len(scores)) if scores else quality * 100
        outcomes = [
            Outcome.APPROVED,
            Outcome.APPROVED_WITH_CONDITIONS,
            Outcome.DEFERRED,
            Outcome.REJECTED,
        ]
        if mean >= 65:
            weights = [60, 25, 10, 5]
        elif mean >= 45:
            weights = [30, 25, 25, 20]
        else:
            weights = [5, 10, 25, 60]
        if reopened:  # the Group does not defer the same proposal twice
            weights[2] = 0
        return rng.choices(outcomes, weights)[0]

    # ---------------------------------------------------------------- delivery

    def _deliver(self, rng, made: _Made, decided) -> None:
        """The project the decision starts (as proposal_decide does), its monthly
        updates from its manager, and its closure with the benefits realised."""
        run, proposal = self.run, made.proposal
        manager = proposal.project_manager or proposal.created_by
        project = Project(
            proposal=proposal, project_manager=manager, started_on=proposal.start_date
        )
        made.project = stamp(project, who=self.population.chair, when=decided + SECOND)
        begin = max(proposal.start_date, decided.date())
        planned_days = max((proposal.end_date - begin).days, 30)
        cost = sum((y.total_cost for y in made.years), Decimal(0))
        overspend = rng.uniform(0.85, 1.25)
        trouble = rng.random()
        # Some managers stop reporting (the portal flags them); most projects close a
        # little after their planned end; the rest run late.
        lapses_on = run.as_of - rng.randint(40, 120) * DAY if rng.random() < 0.12 else None
        closes = None
        if lapses_on is None and rng.random() < 0.85:
            closes = proposal.end_date + rng.randint(0, 90) * DAY
        day, percent, rag = begin + rng.randint(27, 31) * DAY, 0, RAG.GREEN
        while run.happened(day) and day < (closes or lapses_on or run.as_of):
            planned = round(100 * (day - begin).days / planned_days + rng.gauss(0, 5))
            percent = max(percent, min(95, planned))
            rag = self._rag(rng, rag, trouble)
            spend = cost * Decimal(min(percent / 100 * overspend, 1.3))
            self._update(rng, made, manager, day, percent, rag, spend)
            day += rng.randint(27, 31) * DAY
        if closes and run.happened(closes):
            last = self._update(
                rng, made, manager, closes, 100, RAG.GREEN, cost * Decimal(overspend)
            )
            self._close(rng, made, manager, closes, last + datetime.timedelta(hours=1))

    def _close(self, rng, made: _Made, manager, day, when) -> None:
        """Close the project with its benefits review, as project_close does: savings
        realised in each year of the plan up to the year it closes."""
        evolve(made.project, Change(when, manager, {
            "status": ProjectStatus.CLOSED,
            "closed_on": day,
            "closure_summary": "Generated data: delivered; benefits reviewed at closure.",
            "non_cashable_realised": made.proposal.non_cashable_benefits,
        }))  # fmt: skip
        made.benefits = [
            stamp(
                BenefitRealised(
                    project=made.project,
                    financial_year=year.financial_year,
                    cashable_savings=_pounds(float(year.cashable_savings) * rng.uniform(0.4, 1.15)),
                ),
                who=manager,
                when=when,
            )
            for year in made.years
            if year.cashable_savings and year.financial_year <= financial_year_of(day)
        ]

    def _rag(self, rng, previous: str, trouble: float) -> str:
        if rng.random() < 0.6:
            return previous  # delivery confidence tends to persist month to month
        return rng.choices(
            [RAG.GREEN, RAG.AMBER, RAG.RED],
            [1 - trouble * 0.6, 0.15 + trouble * 0.3, 0.05 + trouble * 0.3],
        )[0]

    def _update(self, rng, made: _Made, manager, day, percent, rag, spend) -> datetime.datetime:
        """A progress update, as progress_update_add records it (and the project's
        last_update_on with it); returns when it was made."""
        when = self.run.working_moment(day, rng)
        others = [rag, rag, rng.choice(RAG.values)]
        if rag == RAG.GREEN:
            narrative = f"Generated data: {percent}% complete; milestones on track."
        else:
            narrative = f"Generated data: {percent}% complete; the supplier is behind plan."
        update = ProgressUpdate(
            project=made.project,
            author=manager,
            reported_on=day,
            rag_overall=rag,
            rag_time=rng.choice(others),
            rag_cost=rng.choice(others),
            rag_scope=rng.choice(others),
            percent_complete=percent,
            actual_spend_to_date=_pounds(float(spend)),
            narrative=narrative,
            milestones_met="Contract signed." if percent > 20 else "",
            created_at=when,
        )
        made.updates.append(stamp(update, who=manager, when=when))
        evolve(made.project, Change(when, manager, {"last_update_on": day}))
        return when


def _pounds(amount: float) -> Decimal:
    """To the nearest £100, as councils budget."""
    return Decimal(int(round(amount, -2)))
