"""Generated risks at scale (see benchmarks.largedata): each raised by the Head of ICT and
rated on the current matrix, reviewed by its owner when its review falls due (some
reviews lapse, so some are overdue), escalated to the next Governance Group meeting
whenever a rating is outside appetite, given mitigating actions, and some closed.

Ratings, levels, appetite and review dates come from the matrix and from risks.rating,
as risks.services computes them."""

import bisect
import datetime

from benchmarks.largedata import Change, evolve, link, stamp
from benchmarks.largedata.governance import Population
from benchmarks.largedata.projects import Delivery
from governance.choices import ActionStatus, MeetingStatus
from risks import selectors
from risks.choices import Proximity, Response, ReviewKind, RiskCategory, RiskStatus
from risks.models import Risk, RiskAction, RiskAgendaItem, RiskMatrix, RiskReview
from risks.rating import is_outside_appetite, next_review

CHUNK = 1000
DAY = datetime.timedelta(days=1)

# Per category: (title, cause, event, consequence) patterns; {thing} is filled in.
RISKS = {
    RiskCategory.STRATEGIC: [
        (
            "{thing} does not deliver the strategy's outcomes",
            "Priorities change faster than the programme",
            "Projects deliver systems, not change",
            "The strategy's themes are not achieved",
        ),
        (
            "Services do not adopt {thing}",
            "Managers keep existing processes",
            "New tools go unused",
            "Planned savings and improvements are lost",
        ),
    ],
    RiskCategory.FINANCIAL: [
        (
            "Savings from {thing} are not realised",
            "Benefits are planned but not tracked",
            "Cashable savings do not reach the budget",
            "A gap opens in the medium-term plan",
        ),
        (
            "{thing} costs more than budgeted",
            "Estimates were made before procurement",
            "Tenders come in over budget",
            "Other work must be cut to pay for it",
        ),
    ],
    RiskCategory.OPERATIONAL: [
        (
            "Unplanned outage of {thing}",
            "Ageing hardware and single points of failure",
            "The system is unavailable for more than a day",
            "Residents cannot be served",
        ),
        (
            "Data migration for {thing} fails",
            "Legacy data is of poor quality",
            "Records are lost or wrong after go-live",
            "Casework stalls and errors reach residents",
        ),
    ],
    RiskCategory.INFORMATION_SECURITY: [
        (
            "Ransomware attack on {thing}",
            "Unpatched systems and phishing",
            "Data is encrypted by attackers",
            "Services stop and data may be published",
        ),
        (
            "Personal data breach from {thing}",
            "Weak access controls",
            "Residents' personal data is disclosed",
            "ICO enforcement and loss of trust",
        ),
    ],
    RiskCategory.SUPPLIER: [
        (
            "Supplier of {thing} fails or withdraws",
            "A small supplier in a narrow market",
            "Support ends at short notice",
            "An unsupported system must be replaced in a hurry",
        ),
        (
            "Lock-in to the supplier of {thing}",
            "Proprietary formats and long contracts",
            "The council cannot move at contract end",
            "Higher prices and weaker service",
        ),
    ],
    RiskCategory.LEGAL: [
        (
            "{thing} breaches data protection law",
            "No DPIA before processing began",
            "Processing is found unlawful",
            "Fines and orders to stop processing",
        ),
        (
            "Procurement challenge over {thing}",
            "A contract let outside the rules",
            "An unsuccessful bidder challenges the award",
            "Delay and legal costs",
        ),
    ],
    RiskCategory.REPUTATIONAL: [
        (
            "Public failure of {thing}",
            "A launch without enough testing",
            "Residents cannot use the new service",
            "Local press coverage and complaints",
        ),
    ],
    RiskCategory.PEOPLE: [
        (
            "Loss of key skills for {thing}",
            "One person holds the system knowledge",
            "That person leaves",
            "Support and changes stop",
        ),
        (
            "Staff resist changes from {thing}",
            "Changes to roles and working patterns",
            "Low adoption and grievances",
            "Benefits are delayed",
        ),
    ],
}
THINGS = [
    "the council tax system",
    "the housing management system",
    "the planning portal",
    "the payroll system",
    "the website",
    "the telephone system",
    "the CRM",
    "the document management system",
    "the network",
    "hosted e-mail",
    "mobile working",
    "the data centre",
    "the finance system",
    "the electoral register",
    "the GIS",
    "the customer account",
    "the service desk",
    "backup arrangements",
    "the revenues portal",
    "the waste round software",
]
CONTROLS = [
    "Quarterly supplier reviews.",
    "Monthly patching and annual penetration test.",
    "Benefits reviewed at project closure.",
    "Tested disaster recovery plan.",
    "Training programme and change champions.",
    "Contract exit clauses.",
]
NOTES = [
    "No change: controls working as expected.",
    "Supplier performance improved this quarter.",
    "New incidents reported elsewhere in the sector.",
    "Mitigating action completed.",
    "Delivery slipped; exposure higher until the new date.",
    "Reviewed at the Governance Group.",
]
ACTIONS = [
    "Agree an exit plan with the supplier.",
    "Test the restore of backups.",
    "Train a second administrator.",
    "Complete the DPIA.",
    "Add the risk to the supplier review.",
    "Run a phishing simulation.",
    "Document the system's configuration.",
    "Report savings to the Governance Group quarterly.",
]
CLOSE_REASONS = [
    "The project has closed and the risk no longer applies.",
    "Controls have held the risk within appetite for a year.",
    "The system concerned has been retired.",
]


def generate_risks(run) -> None:
    population: Population = run.made["governance"]
    delivery: Delivery = run.made["projects"]
    simulator = _Simulator(run, population, delivery)
    first = Risk.objects.count() if run.append else 0
    for start in range(first, first + run.scale.risks, CHUNK):
        made = [
            simulator.risk(i) for i in range(start, min(start + CHUNK, first + run.scale.risks))
        ]
        run.insert(Risk, [m.risk for m in made])
        run.insert(RiskReview, [r for m in made for r in m.reviews])
        run.insert(RiskAgendaItem, [a for m in made for a in m.escalations])
        run.insert(RiskAction, [a for m in made for a in m.actions])


class _Made:
    def __init__(self, risk: Risk):
        self.risk = risk
        self.reviews: list[RiskReview] = []
        self.escalations: list[RiskAgendaItem] = []
        self.actions: list[RiskAction] = []


class _Simulator:
    def __init__(self, run, population: Population, delivery: Delivery):
        self.run = run
        self.population = population
        self.delivery = delivery
        self.matrix: RiskMatrix = selectors.current_matrix()
        self.tolerated = selectors.tolerated_scores()
        self.review_days = selectors.review_days_by_level()
        self.meetings = [m for m in population.meetings if m.status != MeetingStatus.CANCELLED]
        self.meeting_starts = [m.starts_at for m in self.meetings]
        self.proposal_times = [when for when, _ in delivery.proposals]
        self.project_times = [when for when, _ in delivery.projects]
        self.owners = [population.head, *population.governance_group]
        self.people = population.portal_users

    def risk(self, index: int) -> _Made:
        run, population, matrix = self.run, self.population, self.matrix
        rng = run.rng(f"risk:{index}")
        head = population.head
        category = rng.choice(RiskCategory.values)
        title, cause, event, consequence = rng.choice(RISKS[RiskCategory(category)])
        thing = rng.choice(THINGS)
        raised = run.working_moment(run.start + rng.randrange(max(run.days, 1)) * DAY, rng)
        # Owners are mostly the Head of ICT and the Governance Group; some officers.
        owner = rng.choice(self.owners) if rng.random() < 0.8 else rng.choice(self.people)
        inherent = (rng.randint(2, 5), rng.randint(2, 5))
        residual = (rng.randint(1, inherent[0]), rng.randint(max(1, inherent[1] - 1), inherent[1]))
        target = (rng.randint(1, residual[0]), rng.randint(1, residual[1]))
        title = title.format(thing=thing)
        risk = Risk(
            title=title[0].upper() + title[1:],
            cause=f"{cause}.",
            event=f"{event}.",
            consequence=f"{consequence}.",
            category=category,
            owner=owner,
            strategy=population.strategy,
            inherent_likelihood=inherent[0],
            inherent_impact=inherent[1],
            residual_likelihood=residual[0],
            residual_impact=residual[1],
            target_likelihood=target[0],
            target_impact=target[1],
            existing_controls=rng.choice(CONTROLS),
            target_date=raised.date() + rng.randint(180, 540) * DAY,
            response=rng.choices(Response.values, [60, 25, 10, 5])[0],
            proximity=rng.choice(["", *Proximity.values]),
            review_every_days=rng.choice([30, 60, 90]) if rng.random() < 0.15 else None,
            is_demo=True,
            created_at=raised,
        )
        rating = {
            **self._rated(residual),
            "inherent_score": matrix.score(*inherent),
            "target_score": matrix.score(*target),
        }
        for name, value in rating.items():
            setattr(risk, name, value)
        stamp(risk, who=head, when=raised)
        link(risk, "themes", [t.pk for t in rng.sample(population.themes, rng.randint(1, 2))])
        link(
            risk, "principles", [p.pk for p in rng.sample(population.principles, rng.randint(0, 1))]
        )
        link(
            risk,
            "proposals",
            self._earlier(rng, self.proposal_times, self.delivery.proposals, raised),
        )
        link(
            risk, "projects", self._earlier(rng, self.project_times, self.delivery.projects, raised)
        )

        made = _Made(risk)
        self._review(made, residual, ReviewKind.RAISED, head, raised, note="Raised.")
        self._reviews(rng, made, raised)
        self._actions(rng, made, raised)
        return made

    def _earlier(self, rng, times, pairs, moment) -> list[int]:
        """Perhaps one of the proposals or projects that existed at `moment`."""
        available = bisect.bisect_left(times, moment)
        if not available or rng.random() < 0.6:
            return []
        return [pairs[rng.randrange(available)][1]]

    def _review(self, made: _Made, residual, kind, reviewer, when, *, note):
        """A rating of the risk, as risks.services records one: its review record with
        the next review date, and an escalation to the next meeting if the rating is
        outside appetite. Returns the next review date."""
        risk = made.risk
        score, level = self.matrix.score(*residual), self.matrix.level(*residual)
        due = next_review(
            from_date=when.date(),
            level=level,
            override_days=risk.review_every_days,
            by_level=self.review_days,
        )
        outside = is_outside_appetite(score, self.tolerated.get(risk.category))
        made.reviews.append(
            stamp(
                RiskReview(
                    risk=risk,
                    kind=kind,
                    reviewer=reviewer,
                    reviewed_on=when.date(),
                    matrix=self.matrix,
                    residual_likelihood=residual[0],
                    residual_impact=residual[1],
                    residual_score=score,
                    residual_level=level,
                    outside_appetite=outside,
                    note=note,
                    next_review_date=due,
                ),
                who=reviewer,
                when=when,
            )
        )
        if outside:
            index = bisect.bisect_right(self.meeting_starts, when)
            meeting = self.meetings[index] if index < len(self.meetings) else None
            if meeting and all(e.meeting_id != meeting.pk for e in made.escalations):
                made.escalations.append(
                    stamp(
                        RiskAgendaItem(
                            meeting=meeting,
                            risk=made.risk,
                            reason="Outside appetite",
                            added_at=when,
                        ),
                        who=reviewer,
                        when=when,
                    )
                )
        return due

    def _reviews(self, rng, made: _Made, raised) -> None:
        """Reviews when each falls due, give or take a week, until the reference date;
        some risks are closed at a review, and some owners stop reviewing (so the risk
        is overdue)."""
        run, risk, head = self.run, made.risk, self.population.head
        risk.next_review_date = due = made.reviews[-1].next_review_date
        residual, last = (risk.residual_likelihood, risk.residual_impact), raised
        lapses = rng.random() < 0.12
        while True:
            when = run.working_moment(max(due + rng.randint(-7, 10) * DAY, last.date() + DAY), rng)
            if not run.happened(when) or (lapses and rng.random() < 0.3):
                return
            reviewer = risk.owner if rng.random() < 0.7 else head
            if rng.random() < 0.04:
                reason = rng.choice(CLOSE_REASONS)
                evolve(
                    risk,
                    Change(when, reviewer, {"status": RiskStatus.CLOSED, "closed_reason": reason}),
                )
                return
            residual = self._drift(rng, residual, risk)
            rerated = reviewer != risk.owner and rng.random() < 0.5
            kind = ReviewKind.RERATED if rerated else ReviewKind.REVIEWED
            due = self._review(made, residual, kind, reviewer, when, note=rng.choice(NOTES))
            evolve(risk, Change(when, reviewer, {**self._rated(residual), "next_review_date": due}))
            last = when

    def _rated(self, residual: tuple[int, int]) -> dict:
        """A residual rating's fields, scored on the current matrix as risks.services
        scores them."""
        return {
            "matrix": self.matrix,
            "residual_likelihood": residual[0],
            "residual_impact": residual[1],
            "residual_score": self.matrix.score(*residual),
            "residual_level": self.matrix.level(*residual),
        }

    def _drift(self, rng, residual, risk: Risk) -> tuple[int, int]:
        """Mostly unchanged; sometimes a point better or worse, within the inherent rating."""
        likelihood, impact = residual
        roll = rng.random()
        if roll < 0.25:
            if likelihood > 1 and (impact == 1 or rng.random() < 0.5):
                likelihood -= 1
            elif impact > 1:
                impact -= 1
        elif roll < 0.4:
            if likelihood < risk.inherent_likelihood and rng.random() < 0.5:
                likelihood += 1
            elif impact < risk.inherent_impact:
                impact += 1
        return likelihood, impact

    def _actions(self, rng, made: _Made, raised) -> None:
        run, risk, head = self.run, made.risk, self.population.head
        for _ in range(rng.choices([0, 1, 2, 3], [20, 40, 25, 15])[0]):
            created = run.working_moment(raised.date() + rng.randint(1, 60) * DAY, rng)
            if not run.happened(created):
                continue
            owner = risk.owner if rng.random() < 0.6 else rng.choice(self.people)
            due = created.date() + rng.randint(30, 300) * DAY
            action = RiskAction(
                risk=risk, description=rng.choice(ACTIONS), owner=owner, due_date=due
            )
            stamp(action, who=head if rng.random() < 0.5 else risk.owner, when=created)
            started = run.working_moment(created.date() + rng.randint(1, 30) * DAY, rng)
            if run.happened(started) and rng.random() < 0.8:
                evolve(action, Change(started, owner, {"status": ActionStatus.IN_PROGRESS}))
                done = run.working_moment(due - rng.randint(-20, 40) * DAY, rng)
                done = max(done, started + DAY)
                if run.happened(done) and rng.random() < 0.85:
                    status = (
                        ActionStatus.COMPLETED if rng.random() < 0.9 else ActionStatus.CANCELLED
                    )
                    evolve(action, Change(done, owner, {"status": status}))
            made.actions.append(action)
