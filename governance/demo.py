"""Demo data: business units, one account per role and an officer for each unit with
demo proposals, an action plan, the Governance Group's terms of reference, a meeting
held with approved minutes and the next one.

Clearly labelled (is_demo, and "Demo" tags in the portal) and loaded only by `make run`
or `manage.py load_demo_data`, never by migrate. Loading twice changes nothing.
"""

import datetime
from datetime import timedelta

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from common.fy import financial_year_of
from common.roles import Role

from .catalogue import catalogue_load
from .choices import RAG, ActionStatus, AttendanceStatus, KPIValueStatus, MeetingStatus
from .models import (
    KPI,
    ActionPlanItem,
    BusinessUnit,
    CorporateObjective,
    KPIComparator,
    KPIMeasurement,
    KPITarget,
    Meeting,
    MeetingAttendance,
    Objective,
    TermsOfReference,
    User,
)

MEETING_PLACE = "Town Hall, Committee Room 2"
# The demo meeting held four weeks ago: the projects demo records its decision there.
DEMO_MEETING_HELD_DAYS_AGO = 28

BUSINESS_UNITS = [
    ("Housing Services", "housing"),
    ("Revenues and Benefits", "revenues"),
    ("Planning and Regulatory", "planning"),
    ("Environmental Development", "environment"),
    ("Customer Services", "customer"),
    ("Finance", "finance"),
    ("City ICT", "ict"),
    ("Law and Governance", "law"),
]

# username, first name, last name, job title, role, business unit code
DEMO_ACCOUNTS = [
    ("officer", "Priya", "Shah", "Housing systems officer", Role.OFFICER, "housing"),
    # An officer for each other unit with demo proposals, who drafts and submits them:
    # only an officer of a proposal's own unit may (projects.policies.acts_for_unit).
    ("officer-revenues", "Gareth", "Lloyd", "Revenues systems officer", Role.OFFICER, "revenues"),
    ("officer-planning", "Helen", "Carter", "Planning support team leader", Role.OFFICER,
     "planning"),
    ("officer-environment", "Kwame", "Mensah", "Environmental health systems officer",
     Role.OFFICER, "environment"),
    ("officer-ict", "Rachel", "Dunn", "ICT infrastructure manager", Role.OFFICER, "ict"),
    ("member", "Tom", "Hughes", "Head of Customer Services", Role.MEMBER, "customer"),
    ("member2", "Aisha", "Rahman", "Head of Planning", Role.MEMBER, "planning"),
    ("chair", "Margaret", "Ellis", "Executive Director, Corporate", Role.CHAIR, "finance"),
    ("headofict", "David", "Okafor", "Head of ICT", Role.HEAD_OF_ICT, "ict"),
    ("admin", "Sam", "Patel", "Systems administrator", Role.ADMINISTRATOR, "ict"),
]  # fmt: skip
# Each unit's demo officer, who drafts and submits its demo proposals (projects.demo).
DEMO_OFFICERS = {
    unit_code: username
    for username, _, _, _, role, unit_code in DEMO_ACCOUNTS
    if role == Role.OFFICER
}

CORPORATE_OBJECTIVES = [
    "A vibrant and sustainable economy",
    "Meeting housing needs",
    "Strong and active communities",
    "Cleaner greener city",
]

# theme number: (objective, [(action, owner, unit code, days from today, status, rag, %)])
ACTION_PLAN = {
    1: (
        "Bring the council's ICT staff together as one City ICT service",
        [
            (
                "Publish the City ICT service catalogue",
                "headofict",
                "ict",
                -400,
                ActionStatus.COMPLETED,
                RAG.GREEN,
                100,
            ),
            (
                "Run the service desk to ITIL service management practice",
                "headofict",
                "ict",
                60,
                ActionStatus.IN_PROGRESS,
                RAG.AMBER,
                55,
            ),
        ],
    ),
    2: (
        "Move high-volume customer transactions online",
        [
            (
                "Take council tax payments online",
                "member",
                "revenues",
                -20,
                ActionStatus.IN_PROGRESS,
                RAG.RED,
                70,
            ),
            (
                "Let tenants report housing repairs online",
                "officer",
                "housing",
                5,
                ActionStatus.IN_PROGRESS,
                RAG.GREEN,
                40,
            ),
        ],
    ),
    3: (
        "Equip staff for flexible and mobile working",
        [
            (
                "Give 400 staff laptops and secure remote access",
                "headofict",
                "ict",
                120,
                ActionStatus.NOT_STARTED,
                RAG.GREEN,
                0,
            ),
            (
                "Pilot shared desks for housing officers",
                "officer",
                "housing",
                -3,
                ActionStatus.ON_HOLD,
                RAG.AMBER,
                20,
            ),
        ],
    ),
    4: (
        "Make our systems ready for cloud services",
        [
            (
                "Assess each line-of-business system for cloud readiness",
                None,
                "ict",
                200,
                ActionStatus.NOT_STARTED,
                RAG.GREEN,
                0,
            ),
        ],
    ),
    5: (
        "Manage records and information as council assets",
        [
            (
                "Keep an information asset register with named owners",
                "headofict",
                "law",
                30,
                ActionStatus.IN_PROGRESS,
                RAG.GREEN,
                35,
            ),
            (
                "Agree a records retention schedule with every service",
                "officer",
                "housing",
                90,
                ActionStatus.NOT_STARTED,
                RAG.AMBER,
                0,
            ),
        ],
    ),
}


# name, unit, direction, principle number, theme number, yearly target, quarterly values,
# RAG boundaries (red, green)
KPIS = [
    (
        "Service desk calls resolved at first contact", "%", "higher", 8, 1, 75,
        [68, 71, 74, 77], (70, 75),
    ),
    ("Transactions completed online", "%", "higher", None, 2, 60, [41, 46, 52, 55], (45, 60)),
    ("Critical security incidents", "incidents", "lower", 3, None, 0, [1, 0, 2, 0], (1, 0)),
    ("ICT spend per employee", "£", "lower", 8, 4, 1500, [1720, 1680, 1650, 1610], (1700, 1500)),
]  # fmt: skip
# A comparator for the first KPI, as a benchmarking club would publish it (made up).
DEMO_COMPARATOR = {
    "organisation": "A neighbouring district council (demo)",
    "value": 72,
    "source": "Regional ICT benchmarking club, annual return (demo figure)",
}


def _demo_kpis(head: User) -> None:
    strategy = catalogue_load()
    this_year = financial_year_of(timezone.localdate())
    quarter_ends = [
        datetime.date(this_year - 1, 6, 30),
        datetime.date(this_year - 1, 9, 30),
        datetime.date(this_year - 1, 12, 31),
        datetime.date(this_year, 3, 31),
    ]
    for name, unit, direction, principle, theme, target, values, (red, green) in KPIS:
        kpi, created = KPI.objects.get_or_create(
            name=name,
            defaults={
                "unit": unit,
                "direction": direction,
                "red_boundary": red,
                "green_boundary": green,
                "is_demo": True,
                "principle": strategy.principles.get(number=principle) if principle else None,
                "theme": strategy.themes.get(number=theme) if theme else None,
            },
        )
        if not created:
            continue
        for year in (this_year - 1, this_year):
            KPITarget.objects.create(kpi=kpi, financial_year=year, target=target)
        for period_end, value in zip(quarter_ends, values, strict=True):
            KPIMeasurement.objects.create(
                kpi=kpi,
                period_end=period_end,
                value=value,
                recorded_by=head,
                status=KPIValueStatus.APPROVED,
                approved_by=head,
                approved_at=timezone.now(),
            )
        if name == KPIS[0][0]:
            KPIComparator.objects.create(kpi=kpi, financial_year=this_year - 1, **DEMO_COMPARATOR)


@transaction.atomic
def demo_data_load(*, password: str) -> list[User]:
    """Load the demo data; returns the demo accounts. Existing rows are left alone,
    except that demo accounts get `password` so the printed sign-in details work."""
    strategy = catalogue_load()
    units = {
        code: BusinessUnit.objects.get_or_create(
            code=code, defaults={"name": name, "is_demo": True}
        )[0]
        for name, code in BUSINESS_UNITS
    }
    for title in CORPORATE_OBJECTIVES:
        CorporateObjective.objects.get_or_create(title=title, defaults={"is_demo": True})

    accounts = {}
    for username, first, last, job, role, unit_code in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "job_title": job,
                "email": f"{username}@example.org",
                "business_unit": units[unit_code],
            },
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=role.value))
        accounts[username] = user

    today = timezone.localdate()
    themes = {theme.number: theme for theme in strategy.themes.all()}
    for theme_number, (objective_title, actions) in ACTION_PLAN.items():
        objective, _ = Objective.objects.get_or_create(
            theme=themes[theme_number],
            title=objective_title,
            defaults={"is_demo": True, "owner": accounts["headofict"]},
        )
        for title, owner, unit_code, days, status, rag, progress in actions:
            ActionPlanItem.objects.get_or_create(
                objective=objective,
                title=title,
                defaults={
                    "is_demo": True,
                    "owner": accounts.get(owner),
                    "lead_unit": units[unit_code],
                    "due_date": today + timedelta(days=days),
                    "status": status,
                    "rag": rag,
                    "progress": progress,
                },
            )
    _demo_kpis(accounts["headofict"])
    _demo_meetings(accounts)
    return list(accounts.values())


def _at_two(days: int) -> datetime.datetime:
    """14:00 local time, `days` from today."""
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(14)))


def _demo_meetings(accounts: dict[str, User]) -> None:
    """The terms of reference, a meeting held four weeks ago with its minutes approved,
    and the next meeting, scheduled for next week."""
    TermsOfReference.objects.get_or_create(
        group=TermsOfReference._meta.get_field("group").default,
        defaults={
            "minimum_quorum": 3,
            "remit": "Demo data: the Group assesses every ICT proposal against the strategy "
            "and corporate objectives, decides which go ahead, and oversees the risks and "
            "delivery of the ICT programme. The chair records each decision with its reason.",
        },
    )
    if Meeting.objects.exists():
        return
    chair = accounts["chair"]
    starts = _at_two(-DEMO_MEETING_HELD_DAYS_AGO)
    held = Meeting.objects.create(
        starts_at=starts,
        location=MEETING_PLACE,
        chair=chair,
        quorum=3,
        status=MeetingStatus.MINUTES_APPROVED,
        opened_at=starts,
        closed_at=starts + timedelta(hours=2),
        chair_counts=True,
        notes="Demo data: the Group reviewed the ICT programme's risks and asked the Head of "
        "ICT for a cloud exit plan by the next meeting.",
        minutes_approved_at=starts + timedelta(days=7),
        minutes_approved_by=chair,
    )
    for username in ("chair", "member", "member2"):
        MeetingAttendance.objects.create(
            meeting=held, person=accounts[username], status=AttendanceStatus.PRESENT
        )
    MeetingAttendance.objects.create(
        meeting=held, person=accounts["headofict"], status=AttendanceStatus.IN_ATTENDANCE
    )
    Meeting.objects.create(starts_at=_at_two(7), location=MEETING_PLACE, chair=chair, quorum=3)
