"""Generated governance data at scale (see benchmarks.largedata): business units, people in
their roles, the strategy's objectives and action plan, KPIs with targets and values,
and the Governance Group's terms of reference and meetings, with attendance and
minutes.

Published as `run.made["governance"]`, a Population, for the apps to the right."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.contrib.auth.models import Group
from django.db.models import Max

from benchmarks.largedata import (
    BENCH_USERS,
    GENERATED_PREFIX,
    Change,
    GeneratedDataPresent,
    current,
    evolve,
    is_generated,
    link,
    stamp,
)
from common.roles import Role
from governance.catalogue import catalogue_load
from governance.choices import (
    HELD_STATUSES,
    RAG,
    ActionStatus,
    AttendanceStatus,
    ChangePath,
    Direction,
    KPIValueStatus,
    MeetingStatus,
    RoleChangeKind,
)
from governance.models import (
    KPI,
    ActionPlanItem,
    BusinessUnit,
    CorporateObjective,
    KPIMeasurement,
    KPITarget,
    Meeting,
    MeetingAttendance,
    Objective,
    Principle,
    RoleChange,
    Strategy,
    TermsOfReference,
    Theme,
    User,
)

# The well-known account for each role (by benchmarks.largedata.BENCH_USERS's keys):
# first name, last name, job title, role, and the code of their unit. The chair and the
# member sit in units other than the officer's, so they may score its proposals.
BENCH_ACCOUNTS = {
    "officer": ("Olivia", "Benson", "Housing systems officer", Role.OFFICER, "housing-needs"),
    "member": ("Marcus", "Bell", "Head of Customer Contact", Role.MEMBER, "contact-centre"),
    "chair": ("Charlotte", "Bramley", "Executive Director, Corporate", Role.CHAIR, "financial"),
    "headofict": ("Hamid", "Bashir", "Head of ICT", Role.HEAD_OF_ICT, "ict"),
    "admin": ("Alex", "Brennan", "Systems administrator", Role.ADMINISTRATOR, None),
}

# A district council's service areas (names unlike the demo data's, which may be loaded
# in the same database): name, code.
UNITS = [
    ("Housing Needs", "housing-needs"),
    ("Tenancy Management", "tenancy"),
    ("Revenues", "revenues"),
    ("Benefits Service", "benefits"),
    ("Development Management", "dev-management"),
    ("Planning Policy", "planning-policy"),
    ("Building Control", "building-control"),
    ("Environmental Health", "env-health"),
    ("Waste and Recycling", "waste"),
    ("Parks and Leisure", "leisure"),
    ("Parking Services", "parking"),
    ("Licensing", "licensing"),
    ("Customer Contact Centre", "contact-centre"),
    ("Financial Services", "financial"),
    ("Human Resources", "hr"),
    ("Legal Services", "legal"),
    ("Democratic and Electoral Services", "democratic"),
    ("Property and Estates", "property"),
    ("Regeneration and Economy", "regeneration"),
    ("ICT Service Delivery", "ict"),
]
OFFICERS_PER_UNIT = (2, 4)
MEMBERS = 7  # besides bench-member and the chair

FIRST_NAMES = [
    "Amelia",
    "Ben",
    "Chloe",
    "Daniel",
    "Eleanor",
    "Farhan",
    "Grace",
    "Harry",
    "Imogen",
    "Jack",
    "Kiran",
    "Laura",
    "Mohammed",
    "Nadia",
    "Oliver",
    "Priya",
    "Rachel",
    "Samuel",
    "Tariq",
    "Uma",
    "Victoria",
    "William",
    "Yasmin",
    "Zoe",
    "Adam",
    "Bethany",
    "Callum",
    "Deborah",
    "Ethan",
    "Fiona",
    "George",
    "Hannah",
    "Isaac",
    "Joanne",
    "Liam",
    "Megan",
    "Nathan",
    "Olga",
    "Peter",
    "Rosie",
    "Stephen",
    "Tom",
    "Wendy",
]
LAST_NAMES = [
    "Ahmed",
    "Baker",
    "Clarke",
    "Davies",
    "Evans",
    "Fletcher",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Nash",
    "O'Brien",
    "Patel",
    "Quinn",
    "Roberts",
    "Singh",
    "Taylor",
    "Underwood",
    "Walker",
    "Young",
    "Allen",
    "Brown",
    "Cooper",
    "Dixon",
    "Ellis",
    "Foster",
    "Gill",
    "Harris",
    "Jackson",
    "Kelly",
    "Mason",
    "Norris",
    "Owen",
    "Price",
    "Reid",
    "Shaw",
    "Turner",
    "Ward",
    "Wood",
    "Wright",
]

CORPORATE_OBJECTIVES = [
    "A vibrant and sustainable economy",
    "Meeting housing needs",
    "Strong and active communities",
    "Cleaner greener city",
    "An efficient and effective council",
]

# theme number: objectives, each with its action plan
OBJECTIVES = {
    1: [
        (
            "Run one City ICT service to ITIL practice",
            [
                "Publish the service catalogue",
                "Replace the service desk tool",
                "Agree service levels with every service area",
                "Report monthly service performance",
            ],
        ),
        (
            "Consolidate the council's data centres",
            [
                "Virtualise the remaining physical servers",
                "Close the Town Hall server room",
                "Test disaster recovery twice a year",
            ],
        ),
        (
            "Build ICT skills in the new service",
            [
                "Train the service desk in ITIL Foundation",
                "Agree a skills matrix for City ICT",
                "Share specialist staff with a neighbouring council",
            ],
        ),
    ],
    2: [
        (
            "Move high-volume transactions online",
            [
                "Take council tax payments online",
                "Let tenants report repairs online",
                "Launch online applications for parking permits",
                "Publish planning documents online",
            ],
        ),
        (
            "Give residents one account for council services",
            [
                "Choose a customer account platform",
                "Link the account to the CRM",
                "Move garden waste subscriptions to the account",
            ],
        ),
        (
            "Answer more contacts at first point",
            [
                "Extend webchat to evenings",
                "Give advisers a single view of the customer",
                "Introduce automated telephone payments",
            ],
        ),
    ],
    3: [
        (
            "Equip staff for flexible and mobile working",
            [
                "Give field staff tablets with offline forms",
                "Roll out laptops to office staff",
                "Provide secure remote access for all staff",
                "Pilot shared desks in St Aldate's",
            ],
        ),
        (
            "Replace paper processes with workflow",
            [
                "Move HR forms to electronic workflow",
                "Digitise housing tenancy files",
                "Introduce e-signatures for contracts",
            ],
        ),
        (
            "Modernise telephony and collaboration",
            [
                "Replace the telephone system with unified communications",
                "Equip meeting rooms for video conferencing",
                "Retire fax lines",
            ],
        ),
    ],
    4: [
        (
            "Make our systems ready for cloud services",
            [
                "Assess each line-of-business system for cloud readiness",
                "Move e-mail to a hosted service",
                "Agree a cloud security standard",
            ],
        ),
        (
            "Buy services through public sector frameworks",
            [
                "Use G-Cloud for hosted services",
                "Join the regional network framework",
                "Review contracts due for renewal against cloud options",
            ],
        ),
        (
            "Cut the cost of running infrastructure",
            [
                "Move backups to a cloud service",
                "Retire unsupported servers",
                "Measure the energy use of ICT equipment",
            ],
        ),
    ],
    5: [
        (
            "Manage records and information as council assets",
            [
                "Keep an information asset register with named owners",
                "Agree a records retention schedule with every service",
                "Deploy electronic document management",
                "Train information asset owners",
            ],
        ),
        (
            "Share data safely with partners",
            [
                "Sign information sharing agreements with the police and health",
                "Publish open data on spending and planning",
                "Join the local data hub",
            ],
        ),
        (
            "Keep data secure and lawful",
            [
                "Complete the annual PSN compliance submission",
                "Run phishing awareness training",
                "Keep a register of DPIAs",
            ],
        ),
    ],
}

UP, DOWN = Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER
# name, unit, direction, theme number, principle number, value at the start of the
# first year, value aimed for by the end of the last
KPIS = [
    ("Calls resolved at first contact by the service desk", "%", UP, 1, 4, 62, 80),
    ("Service desk tickets resolved within target time", "%", UP, 1, 4, 78, 92),
    ("Unplanned outages of critical systems", "incidents", DOWN, 1, None, 14, 4),
    ("Council transactions completed online", "%", UP, 2, None, 35, 70),
    ("Cost per customer contact", "£", DOWN, 2, 8, 6.4, 3.9),
    ("Website visitors satisfied with their visit", "%", UP, 2, None, 58, 75),
    ("Staff able to work flexibly", "%", UP, 3, None, 22, 65),
    ("Paper forms in use", "forms", DOWN, 3, 5, 410, 120),
    ("Systems hosted in the cloud", "%", UP, 4, None, 8, 55),
    ("ICT spend per employee", "£", DOWN, 4, 8, 1850, 1400),
    ("Records with a named information asset owner", "%", UP, 5, None, 30, 95),
    ("Subject access requests answered within a month", "%", UP, 5, 3, 71, 98),
    ("Critical security incidents", "incidents", DOWN, None, 3, 5, 0),
    ("Staff completing security training", "%", UP, None, 7, 45, 95),
    ("Projects delivered with shared-service partners", "projects", UP, None, 2, 1, 6),
    ("ICT carbon emissions", "tonnes CO2e", DOWN, None, 5, 420, 260),
]

DAY = datetime.timedelta(days=1)
MEETING_EVERY = 14 * DAY
MEETING_ROOMS = [
    "Town Hall, Committee Room 1",
    "Town Hall, Committee Room 2",
    "St Aldate's Chambers, Room 3",
]
UPCOMING_MEETINGS = 3
QUORUM = 3


@dataclass(frozen=True)
class Population:
    """What the governance generator made (or found, when appending), in a stable order."""

    strategy: Strategy
    themes: list[Theme]
    principles: list[Principle]
    objectives: list[Objective]
    corporate_objectives: list[CorporateObjective]
    units: list[BusinessUnit]
    officers: dict[int, list[User]]  # by business unit id
    governance_group: list[User]  # members and the chair, who score and attend
    chair: User
    head: User
    admin: User
    meetings: list[Meeting]  # by start time; past ones held or cancelled, later ones scheduled

    @property
    def portal_users(self) -> list[User]:
        """Everyone who can own a risk or an action."""
        officers = [person for unit in self.units for person in self.officers[unit.pk]]
        return [self.head, *self.governance_group, *officers]


def generate_governance(run) -> None:
    present = (
        is_generated() or BusinessUnit.objects.filter(code__startswith=GENERATED_PREFIX).exists()
    )
    if present and not run.append:
        raise GeneratedDataPresent(
            "Generated data is already in this database. Use --append to add more proposals "
            "and risks to it, or generate into a fresh database."
        )
    strategy = catalogue_load()
    if present:
        run.made["governance"] = _existing_population(strategy)
    else:
        run.made["governance"] = _new_population(run, strategy)
    for key, (*_, role, _unit) in BENCH_ACCOUNTS.items():
        run.accounts.append((BENCH_USERS[key], role.value))


# ------------------------------------------------------------------------ population


def _new_population(run, strategy: Strategy) -> Population:
    rng = run.rng("governance")
    themes = list(strategy.themes.order_by("number"))
    principles = list(strategy.principles.order_by("number"))
    founded = run.at(run.start - 60 * DAY, 9)
    # Hashing is slow by design: hash the password once for all the bench accounts.
    password = make_password(run.password)
    admin = _bench_user("admin", password=password, unit=None, when=founded)
    run.insert(User, [stamp(admin, who=admin, when=founded)])

    taken = set(BusinessUnit.objects.values_list("name", flat=True))
    units = [
        stamp(
            BusinessUnit(name=name, code=f"{GENERATED_PREFIX}{code}", is_demo=True),
            who=admin,
            when=founded + datetime.timedelta(minutes=5 + index),
        )
        for index, (name, code) in enumerate(UNITS)
        if name not in taken
    ]
    run.insert(BusinessUnit, units)
    by_code = {unit.code.removeprefix(GENERATED_PREFIX): unit for unit in units}

    joined = founded + datetime.timedelta(hours=1)
    bench = {
        # If a unit of that name was there already, the first generated unit instead.
        key: _bench_user(key, password=password, unit=by_code.get(code, units[0]), when=joined)
        for key, (*_, code) in BENCH_ACCOUNTS.items()
        if key != "admin"
    }
    officers: dict[int, list[User]] = {}
    for unit in units:
        short = unit.code.removeprefix(GENERATED_PREFIX)
        officers[unit.pk] = [
            _person(rng, f"{short}-{n}", unit=unit, job=f"{unit.name} officer", when=joined)
            for n in range(1, rng.randint(*OFFICERS_PER_UNIT) + 1)
        ]
    members = [
        _person(rng, f"member-{n}", unit=unit, job=f"Head of {unit.name}", when=joined)
        for n, unit in enumerate(rng.sample(units, MEMBERS), start=1)
    ]
    generated = [person for unit in units for person in officers[unit.pk]] + members
    run.insert(
        User, [stamp(person, who=admin, when=joined) for person in [*bench.values(), *generated]]
    )
    officers[bench["officer"].business_unit_id].insert(0, bench["officer"])
    # The first administrator is given the role when the portal is set up (by a
    # superuser, or a command); they give everyone else theirs.
    _grant([(admin, Role.ADMINISTRATOR)], by=None, when=founded)
    _grant(
        [(person, BENCH_ACCOUNTS[key][3]) for key, person in bench.items()]
        + [(person, Role.OFFICER) for person in generated if person not in members]
        + [(person, Role.MEMBER) for person in members],
        by=admin,
        when=joined,
    )

    head, chair = bench["headofict"], bench["chair"]
    governance_group = [chair, bench["member"], *members]
    corporate = _corporate_objectives(run, head, founded)
    objectives = _objectives(run, rng, themes, corporate, units, officers, head, governance_group)
    _kpis(run, rng, themes, principles, head)
    _terms_of_reference(run, head, founded + datetime.timedelta(hours=2))
    meetings = _meetings(run, rng, chair, head, governance_group)
    return Population(
        strategy=strategy,
        themes=themes,
        principles=principles,
        objectives=objectives,
        corporate_objectives=corporate,
        units=units,
        officers=officers,
        governance_group=governance_group,
        chair=chair,
        head=head,
        admin=admin,
        meetings=meetings,
    )


def _existing_population(strategy: Strategy) -> Population:
    """The generated people, units and meetings already there, for --append."""
    units = list(BusinessUnit.objects.filter(code__startswith=GENERATED_PREFIX).order_by("code"))
    bench = {
        key: User.objects.filter(username=username).first() for key, username in BENCH_USERS.items()
    }
    if None in bench.values() or not units:
        raise GeneratedDataPresent(
            "Only part of a generated population is in this database, so nothing can be "
            "appended to it. Generate into a fresh database."
        )
    generated = list(User.objects.filter(username__startswith=GENERATED_PREFIX))
    roles = dict(
        User.groups.through.objects.filter(user__in=generated).values_list("user_id", "group__name")
    )
    officers = {unit.pk: [] for unit in units}
    officers.setdefault(bench["officer"].business_unit_id, []).append(bench["officer"])
    members = []
    for person in sorted(generated, key=lambda u: u.username):
        if roles.get(person.pk) == Role.OFFICER and person.business_unit_id in officers:
            officers[person.business_unit_id].append(person)
        elif roles.get(person.pk) == Role.MEMBER:
            members.append(person)
    chair = bench["chair"]
    return Population(
        strategy=strategy,
        themes=list(strategy.themes.order_by("number")),
        principles=list(strategy.principles.order_by("number")),
        objectives=list(
            Objective.objects.filter(theme__strategy=strategy).order_by("theme__number", "number")
        ),
        corporate_objectives=list(
            CorporateObjective.objects.filter(title__in=CORPORATE_OBJECTIVES).order_by("title")
        ),
        units=units,
        officers=officers,
        governance_group=[chair, bench["member"], *members],
        chair=chair,
        head=bench["headofict"],
        admin=bench["admin"],
        meetings=list(Meeting.objects.filter(chair=chair).order_by("starts_at", "pk")),
    )


def _bench_user(key: str, *, password: str, unit, when) -> User:
    first, last, job, *_ = BENCH_ACCOUNTS[key]
    username = BENCH_USERS[key]
    return User(
        username=username,
        first_name=first,
        last_name=last,
        job_title=job,
        email=f"{username}@example.org",
        business_unit=unit,
        date_joined=when,
        password=password,
    )


def _person(rng, name: str, *, unit, job: str, when) -> User:
    username = f"{GENERATED_PREFIX}{name}"
    return User(
        username=username,
        first_name=rng.choice(FIRST_NAMES),
        last_name=rng.choice(LAST_NAMES),
        job_title=job,
        email=f"{username}@example.org",
        business_unit=unit,
        date_joined=when,
        # Generated people cannot sign in; the bench accounts can.
        password=f"{UNUSABLE_PASSWORD_PREFIX}generated",
    )


def _grant(grants: list[tuple[User, Role]], *, by: User | None, when: datetime.datetime) -> None:
    """Put people in their role groups, each grant recorded as a RoleChange by `by` in
    the portal, or by no one (set-up). The bulk insert of links sends no signal, so
    governance.accounts.role_changes, which records all other grants, does not."""
    groups = {group.name: group.pk for group in Group.objects.filter(name__in=Role.values)}
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=user.pk, group_id=groups[role.value]) for user, role in grants]
    )
    RoleChange.objects.bulk_create(
        RoleChange(
            person=user,
            role=role.value,
            kind=RoleChangeKind.GRANTED,
            actor=by,
            path=ChangePath.PORTAL if by else ChangePath.NO_REQUEST,
            at=when,
        )
        for user, role in grants
    )


def _corporate_objectives(run, head, founded) -> list[CorporateObjective]:
    existing = set(
        CorporateObjective.objects.filter(title__in=CORPORATE_OBJECTIVES).values_list(
            "title", flat=True
        )
    )
    run.insert(
        CorporateObjective,
        [
            stamp(CorporateObjective(title=title, is_demo=True), who=head, when=founded)
            for title in CORPORATE_OBJECTIVES
            if title not in existing
        ],
    )
    return list(CorporateObjective.objects.filter(title__in=CORPORATE_OBJECTIVES).order_by("title"))


def _objectives(run, rng, themes, corporate, units, officers, head, group) -> list[Objective]:
    planned = run.at(run.start - datetime.timedelta(days=30), 10)
    numbers = dict(
        Objective.objects.filter(theme__in=themes)
        .values("theme")
        .annotate(n=Max("number"))
        .values_list("theme", "n")
    )
    objectives, plans = [], []
    for theme in themes:
        for offset, (title, actions) in enumerate(OBJECTIVES.get(theme.number, []), start=1):
            objective = Objective(
                theme=theme,
                number=numbers.get(theme.pk, 0) + offset,
                title=title,
                description=f"Generated data: how theme {theme.number} is delivered.",
                owner=rng.choice([head, *group[:3]]),
                is_demo=True,
            )
            link(objective, "corporate_objectives", [c.pk for c in rng.sample(corporate, 2)])
            objectives.append(stamp(objective, who=head, when=planned))
            plans.append(actions)
    run.insert(Objective, objectives)

    items = []
    span = run.days + 365
    for objective, actions in zip(objectives, plans, strict=True):
        for number, title in enumerate(actions, start=1):
            unit = rng.choice(units)
            due = run.start + datetime.timedelta(days=rng.randrange(60, span))
            item = ActionPlanItem(
                objective=objective,
                number=number,
                title=title,
                owner=rng.choice([head, *officers[unit.pk]]) if rng.random() < 0.9 else None,
                lead_unit=unit,
                due_date=due,
                is_demo=True,
            )
            items.append(stamp(item, who=head, when=planned))
            _progress_action_item(run, rng, item, head)
    run.insert(ActionPlanItem, items)
    return objectives


def _progress_action_item(run, rng, item: ActionPlanItem, head) -> None:
    """An item starts not started; the Head of ICT records its progress over time."""
    started = run.start + datetime.timedelta(days=rng.randrange(0, max(run.days // 2, 1)))
    if not run.happened(started):
        return
    finished = max(
        item.due_date - datetime.timedelta(days=rng.randrange(-30, 60)),
        started + datetime.timedelta(days=1),
    )
    late = rng.random() < 0.25
    if run.happened(finished) and not late:
        outcome = rng.choices([ActionStatus.COMPLETED, ActionStatus.CANCELLED], [9, 1])[0]
        evolve(
            item,
            Change(
                run.working_moment(started, rng),
                head,
                {"status": ActionStatus.IN_PROGRESS, "progress": 20},
            ),
        )
        evolve(
            item,
            Change(
                run.working_moment(finished, rng),
                head,
                {
                    "status": outcome,
                    "progress": 100 if outcome == ActionStatus.COMPLETED else 40,
                    "rag": RAG.GREEN,
                },
            ),
        )
        return
    status = rng.choices([ActionStatus.IN_PROGRESS, ActionStatus.ON_HOLD], [8, 1])[0]
    rag = RAG.RED if late and item.due_date < run.as_of else rng.choice([RAG.GREEN, RAG.AMBER])
    evolve(
        item,
        Change(
            run.working_moment(started, rng),
            head,
            {"status": status, "progress": rng.randrange(5, 95, 5), "rag": rag},
        ),
    )


def _kpis(run, rng, themes, principles, head) -> None:
    existing = set(KPI.objects.values_list("name", flat=True))
    defined = run.at(run.start - datetime.timedelta(days=20), 11)
    kpis, paths = [], []
    for name, unit, direction, theme, principle, first, aim in KPIS:
        if name in existing:
            continue
        kpi = KPI(
            name=name,
            unit=unit,
            direction=direction,
            is_demo=True,
            description=f"Generated data: measured quarterly, reported in {unit}.",
            theme=themes[theme - 1] if theme else None,
            principle=principles[principle - 1] if principle else None,
        )
        kpis.append(stamp(kpi, who=head, when=defined))
        paths.append((first, aim))
    run.insert(KPI, kpis)

    years = list(range(run.first_year, run.last_year + 2))
    targets, measurements = [], []
    for kpi, (first, aim) in zip(kpis, paths, strict=True):
        for index, year in enumerate(years):
            share = Decimal(index + 1) / len(years)
            value = Decimal(str(first)) + (Decimal(str(aim)) - Decimal(str(first))) * share
            set_on = run.at(datetime.date(year, 3, 1), 10)
            targets.append(
                stamp(
                    KPITarget(kpi=kpi, financial_year=year, target=round(value, 2)),
                    who=head,
                    when=min(set_on, run.cutoff - datetime.timedelta(days=1)),
                )
            )
        quarter = 0
        for year in years:
            for month, day in ((6, 30), (9, 30), (12, 31), (3, 31)):
                period_end = datetime.date(year + (month == 3), month, day)
                recorded = period_end + datetime.timedelta(days=rng.randrange(5, 25))
                if not run.happened(recorded):
                    continue
                progress = Decimal(quarter) / (4 * len(years))
                trend = Decimal(str(first)) + (Decimal(str(aim)) - Decimal(str(first))) * progress
                noise = Decimal(rng.gauss(0, 0.04)) * abs(Decimal(str(first)) - Decimal(str(aim)))
                when = run.working_moment(recorded, rng)
                measurements.append(
                    stamp(
                        KPIMeasurement(
                            kpi=kpi,
                            period_end=period_end,
                            recorded_by=head,
                            value=max(round(trend + noise, 2), Decimal(0)),
                            # Five years of published figures: approved as recorded.
                            status=KPIValueStatus.APPROVED,
                            approved_by=head,
                            approved_at=when,
                        ),
                        who=head,
                        when=when,
                    )
                )
                quarter += 1
    run.insert(KPITarget, targets)
    run.insert(KPIMeasurement, measurements)


def _terms_of_reference(run, head, when) -> None:
    """The Group's terms of reference, as the Head of ICT set them, unless a council's
    own (or the demo's) are already there."""
    group = TermsOfReference._meta.get_field("group").default
    if not TermsOfReference.objects.filter(group=group).exists():
        terms = TermsOfReference(group=group, minimum_quorum=QUORUM, chair_counts=True)
        run.insert(TermsOfReference, [stamp(terms, who=head, when=when)])


def _meetings(run, rng, chair, head, group) -> list[Meeting]:
    """Fortnightly meetings from the first year's start to a few weeks after the
    reference date. Past ones were opened at their start and closed three hours later
    (a few cancelled instead); their minutes drafted two days later and approved at
    the next meeting, when those days have come. Later ones are scheduled."""
    day = run.start + datetime.timedelta(days=(1 - run.start.weekday()) % 7)  # a Tuesday
    meetings, upcoming = [], 0
    while upcoming < UPCOMING_MEETINGS:
        starts = run.at(day, 14)
        meeting = Meeting(
            starts_at=starts, location=rng.choice(MEETING_ROOMS), chair=chair, quorum=QUORUM
        )
        planned = min(
            starts - datetime.timedelta(days=42), run.cutoff - datetime.timedelta(hours=1)
        )
        stamp(meeting, who=chair, when=planned)
        if run.happened(starts):
            if rng.random() < 0.03:
                cancelled = max(
                    starts - datetime.timedelta(days=3), planned + datetime.timedelta(hours=1)
                )
                evolve(meeting, Change(cancelled, chair, {"status": MeetingStatus.CANCELLED}))
            else:
                _hold(run, meeting, chair=chair, head=head)
        else:
            upcoming += 1
        meetings.append(meeting)
        day += MEETING_EVERY
    run.insert(Meeting, meetings)

    attendance = []
    for meeting in meetings:
        if current(meeting).status not in HELD_STATUSES:
            continue
        present = [rng.random() < 0.85 for _ in group]
        for index in rng.sample(range(len(group)), len(group)):
            if sum(present) >= QUORUM:
                break
            present[index] = True
        taken = meeting.starts_at + datetime.timedelta(minutes=5)
        for person, here in zip(group, present, strict=True):
            status = (
                AttendanceStatus.PRESENT
                if here
                else rng.choice([AttendanceStatus.APOLOGIES, AttendanceStatus.ABSENT])
            )
            attendance.append(
                stamp(
                    MeetingAttendance(meeting=meeting, person=person, status=status),
                    who=chair,
                    when=taken,
                )
            )
        attendance.append(
            stamp(
                MeetingAttendance(
                    meeting=meeting, person=head, status=AttendanceStatus.IN_ATTENDANCE
                ),
                who=chair,
                when=taken,
            )
        )
    run.insert(MeetingAttendance, attendance)
    return [current(meeting) for meeting in meetings]


def _hold(run, meeting: Meeting, *, chair, head) -> None:
    """The meeting's life, step by step, as far as the reference date has come."""
    opened = meeting.starts_at
    closed = opened + datetime.timedelta(hours=3)
    steps = [
        Change(opened, chair, {"status": MeetingStatus.IN_SESSION, "opened_at": opened}),
        Change(
            closed,
            chair,
            {"status": MeetingStatus.HELD, "closed_at": closed, "chair_counts": True},
        ),
        Change(
            run.at(opened.date() + 2 * DAY, 10),
            head,
            {
                "status": MeetingStatus.MINUTES_DRAFTED,
                "notes": "Generated data: the decisions below were recorded at the meeting.",
            },
        ),
    ]
    approved = opened + MEETING_EVERY + datetime.timedelta(minutes=15)
    steps.append(
        Change(
            approved,
            chair,
            {
                "status": MeetingStatus.MINUTES_APPROVED,
                "minutes_approved_at": approved,
                "minutes_approved_by": chair,
            },
        )
    )
    for step in steps:
        if run.happened(step.when):
            evolve(meeting, step)
