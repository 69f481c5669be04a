"""Who may see and change the strategy catalogue, KPIs and Governance Group meetings:
each rule once, asked by views, services, templates and panels alike (see
projects/policies.py for why these are plain functions).

A meeting's own rules are here too: the steps of its life (STEPS, which services take
under a row lock, as projects.workflow does for proposals), who votes, and when its
agenda, attendance and decisions may change. A `..._refusal` answers why not in words
the page shows; None means go ahead."""

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from common.roles import ALL_ROLES, GOVERNANCE_GROUP, Role, roles_of

from . import meetings
from .choices import MINUTES_STATUSES, KPIValueStatus
from .choices import MeetingStatus as S
from .models import User

# Everyone with a role reads the strategy, its action plan and KPIs: the golden thread.
CATALOGUE_READERS = ALL_ROLES
STRATEGY_OWNERS = frozenset({Role.HEAD_OF_ICT})  # objectives, action plan, KPIs
MEETING_READERS = GOVERNANCE_GROUP | {Role.HEAD_OF_ICT}
# Schedule, reschedule and cancel meetings, and draft their minutes (the Head of ICT
# clerks the Group).
MEETING_ORGANISERS = frozenset({Role.CHAIR, Role.HEAD_OF_ICT})
# Run the meeting: open and close it, take attendance, approve the minutes.
MEETING_CHAIRS = frozenset({Role.CHAIR})
ATTENDANCE_KEEPERS = MEETING_CHAIRS
TERMS_SETTERS = frozenset({Role.HEAD_OF_ICT})
# The terms of reference: members vote (and count towards the quorum); the Head of ICT
# attends without a vote, whatever other role they hold.
VOTING_ROLES = GOVERNANCE_GROUP
NON_VOTING_ROLES = frozenset({Role.HEAD_OF_ICT})


def may_own_strategy(user) -> bool:
    return bool(roles_of(user) & STRATEGY_OWNERS)


# ------------------------------------------------------------- KPI values, approved
#
# The Head of ICT owns the KPIs (DOMAIN.md), so records their values (by the form,
# an import or the API) and approves them for publication. A value is unpublished
# until approved: only its recorder and those who may approve it see it, on every
# path out (governance.selectors.kpi_values_visible_to). Four eyes: nobody approves a
# value they recorded while another active Head of ICT could approve it instead; a
# council with one Head of ICT has nobody else to ask, so theirs approves their own
# (the history shows who recorded and who approved). Changing an approved value's
# number (or a rate's numerator or denominator) puts it back to awaiting approval;
# changing only its commentary does not, since only approvers may make that change.

KPI_RECORDERS = STRATEGY_OWNERS
KPI_APPROVERS = STRATEGY_OWNERS


def may_record_kpi_values(user) -> bool:
    return bool(roles_of(user) & KPI_RECORDERS)


def may_approve_kpi_values(user) -> bool:
    """May approve KPI values, and so sees those awaiting approval."""
    return bool(roles_of(user) & KPI_APPROVERS)


def kpi_values_seen_by(user) -> Q:
    """Which KPI values (or their history records) `user` sees: every one if they may
    approve values; else the approved ones and those they recorded. No user (a
    published document, such as the annual report) sees the approved ones only."""
    if user is not None and may_approve_kpi_values(user):
        return Q()
    published = Q(status=KPIValueStatus.APPROVED)
    if user is None or not user.is_authenticated:
        return published
    return published | Q(recorded_by=user.pk)


def kpi_value_approval_refusal(user, value) -> str | None:
    """Why `user` may not approve this KPI value now, or None."""
    if not may_approve_kpi_values(user):
        return f"{_only(KPI_APPROVERS)} approves KPI values."
    if value.status == KPIValueStatus.APPROVED:
        return "This value is already approved."
    if value.recorded_by_id == user.pk and _other_kpi_approvers(user).exists():
        return (
            "You recorded this value, so another Head of ICT approves it: a second pair "
            "of eyes on every published figure."
        )
    return None


def _other_kpi_approvers(user):
    return User.objects.filter(
        is_active=True, groups__name__in=[r.value for r in KPI_APPROVERS]
    ).exclude(pk=user.pk)


def kpi_value_approvers_to_ask(value):
    """Who is asked to approve a value awaiting approval: every active approver but its
    recorder (who, if they are the only one, approves their own without being asked)."""
    return _other_kpi_approvers(value.recorded_by).distinct()


def kpi_values_awaiting(user) -> Q:
    """The values awaiting approval that `user` may approve: none unless they approve
    values; their own only while nobody else could (the four eyes above)."""
    if not may_approve_kpi_values(user):
        return Q(pk__in=[])
    awaiting = Q(status=KPIValueStatus.AWAITING_APPROVAL)
    if _other_kpi_approvers(user).exists():
        return awaiting & ~Q(recorded_by=user.pk)
    return awaiting


def kpi_value_reopens_approval(value, *, number_changed: bool) -> bool:
    """Whether a change to an approved value puts it back to awaiting approval: a new
    number does; new commentary alone does not."""
    return value.status == KPIValueStatus.APPROVED and number_changed


def may_read_meetings(user) -> bool:
    return bool(roles_of(user) & MEETING_READERS)


def may_organise_meetings(user) -> bool:
    return bool(roles_of(user) & MEETING_ORGANISERS)


def may_keep_attendance(user) -> bool:
    return bool(roles_of(user) & ATTENDANCE_KEEPERS)


def may_set_terms(user) -> bool:
    return bool(roles_of(user) & TERMS_SETTERS)


def votes(user) -> bool:
    """A voting member of the Governance Group, as the terms of reference say."""
    roles = roles_of(user)
    return bool(roles & VOTING_ROLES) and not roles & NON_VOTING_ROLES


# ------------------------------------------------------------------ a meeting's life


@dataclass(frozen=True)
class Step:
    action: str
    label: str  # its button
    sources: frozenset[S]
    target: S
    roles: frozenset[Role]
    done: str  # what the person is told once it is taken


STEPS = {
    step.action: step
    for step in [
        Step(
            "open",
            "Open the meeting",
            frozenset({S.SCHEDULED}),
            S.IN_SESSION,
            MEETING_CHAIRS,
            "The meeting is open. Decisions can be recorded while it is quorate.",
        ),
        Step(
            "close",
            "Close the meeting",
            frozenset({S.IN_SESSION}),
            S.HELD,
            MEETING_CHAIRS,
            "The meeting is closed. Its minutes can be drafted now.",
        ),
        Step(
            "draft_minutes",
            "Save the draft minutes",
            frozenset({S.HELD, S.MINUTES_DRAFTED}),
            S.MINUTES_DRAFTED,
            MEETING_ORGANISERS,
            "The draft minutes are saved. The chair approves them as a true record.",
        ),
        Step(
            "approve_minutes",
            "Approve the minutes",
            frozenset({S.MINUTES_DRAFTED}),
            S.MINUTES_APPROVED,
            MEETING_CHAIRS,
            "The minutes are approved as a true record. They can no longer change.",
        ),
        Step(
            "cancel",
            "Cancel the meeting",
            frozenset({S.SCHEDULED}),
            S.CANCELLED,
            MEETING_ORGANISERS,
            "The meeting is cancelled.",
        ),
    ]
}


def _only(roles: frozenset[Role]) -> str:
    return "Only the " + " or the ".join(sorted(role.value for role in roles))


def _starts(meeting) -> str:
    return f"{timezone.localtime(meeting.starts_at):%H:%M on %A %-d %B %Y}"


def _not_started(meeting) -> bool:
    return timezone.now() < meeting.starts_at


def step_refusal(user, meeting, action: str) -> str | None:
    """Why this user may not take this step of the meeting's life now, or None. The
    chair opens a meeting only from its start time."""
    step = STEPS[action]
    verb = step.label[0].lower() + step.label[1:]
    if not roles_of(user) & step.roles:
        return f"{_only(step.roles)} can {verb}."
    if meeting.status not in step.sources:
        return f"This meeting is {meeting.get_status_display().lower()}, so you cannot {verb}."
    if action == "open" and _not_started(meeting):
        return f"The meeting starts at {_starts(meeting)}. It can be opened from then."
    return None


def meeting_change_refusal(user, meeting) -> str | None:
    """A meeting's date, place, chair and quorum change only while it is scheduled."""
    if not may_organise_meetings(user):
        return f"{_only(MEETING_ORGANISERS)} can change a meeting."
    if meeting.status != S.SCHEDULED:
        return (
            f"This meeting is {meeting.get_status_display().lower()}, so its details "
            "can no longer change."
        )
    return None


def attendance_refusal(user, meeting) -> str | None:
    """Attendance is taken from before the meeting (apologies) until its minutes are
    drafted; then it is part of the record."""
    if not may_keep_attendance(user):
        return f"{_only(ATTENDANCE_KEEPERS)} records attendance."
    if meeting.status == S.CANCELLED:
        return "This meeting was cancelled, so it has no attendance."
    if meeting.status in MINUTES_STATUSES:
        return "The minutes of this meeting are drafted, so its attendance can no longer change."
    return None


def agenda_change_refusal(meeting) -> str | None:
    """Why nothing may be added to, moved on or taken off this meeting's agenda, or
    None: the agenda changes only until the minutes are drafted."""
    if meeting.status == S.CANCELLED:
        return "This meeting was cancelled, so its agenda can no longer change."
    if meeting.status in MINUTES_STATUSES:
        return "The minutes of this meeting are drafted, so its agenda can no longer change."
    return None


def decisions_refusal(meeting) -> str | None:
    """Why no decision may be recorded at this meeting now, or None: only from its start
    time, once the chair has opened it, while it is in session or held (until its
    minutes are drafted), and only while enough voting members are present."""
    if _not_started(meeting):
        return (
            f"The meeting has not started: it starts at {_starts(meeting)}. Decisions can "
            "be recorded once the chair has opened it."
        )
    if meeting.status == S.SCHEDULED:
        return "The chair has not opened the meeting yet. Decisions can be recorded once they do."
    if meeting.status == S.CANCELLED:
        return "This meeting was cancelled, so no decisions can be recorded at it."
    if meeting.status in MINUTES_STATUSES:
        return "The minutes of this meeting are drafted, so no more decisions can be recorded."
    quorum = meetings.quorum_of(meeting)
    if not quorum.met:
        return f"The meeting is not quorate: {quorum}. Record who is present first."
    return None


def minutes_refusal(meeting) -> str | None:
    """Why this meeting's minutes cannot be downloaded yet, or None."""
    if meeting.status not in MINUTES_STATUSES:
        return "The minutes of this meeting have not been drafted yet."
    return None


# -------------------------------------------------------- accounts, roles and units
#
# The Administrator manages accounts, roles and business units in the portal's own
# pages, never in the Django admin (common.admin: superusers only). What keeps that
# from becoming a way to more power: the pages offer only the portal's five roles
# (no superuser or staff status, no model permissions); nobody changes their own
# roles or deactivates themselves; superusers' accounts are the technical, break-glass
# accounts of the council's IT operators, out of the Administrator's reach.

ACCOUNT_ADMINISTRATORS = frozenset({Role.ADMINISTRATOR})


def may_administer_accounts(user) -> bool:
    """Lists, reads and opens accounts, and keeps the business units."""
    return bool(roles_of(user) & ACCOUNT_ADMINISTRATORS)


def administration_refusal(user) -> str | None:
    if not may_administer_accounts(user):
        return "Only administrators manage accounts and business units."
    return None


def account_edit_refusal(actor, person) -> str | None:
    """Why `actor` may not change `person`'s account, or None if they may."""
    if refusal := administration_refusal(actor):
        return refusal
    if person.is_superuser:
        return (
            "This is a technical account with full access (a superuser). Only the "
            "council's IT operators manage it, outside the portal."
        )
    return None


def may_edit_account(actor, person) -> bool:
    return account_edit_refusal(actor, person) is None


def role_change_refusal(actor, person, role) -> str | None:
    """Why `actor` may not grant `role` to `person`, or take it away, or None if they
    may. `person` is None for an account not yet created."""
    if refusal := (
        account_edit_refusal(actor, person) if person is not None else administration_refusal(actor)
    ):
        return refusal
    if role not in Role.values:
        return "Choose one of the portal's roles."
    if person is not None and person.pk == actor.pk:
        return "You cannot change your own roles. Ask another administrator."
    return None


def deactivation_refusal(actor, person) -> str | None:
    """Why `actor` may not deactivate `person`'s account, or None if they may."""
    if refusal := account_edit_refusal(actor, person):
        return refusal
    if person.pk == actor.pk:
        return "You cannot deactivate your own account. Ask another administrator."
    return None


def second_factor_reset_refusal(actor, person) -> str | None:
    """Why `actor` may not reset `person`'s second factors (so that they set up new
    ones at their next sign-in), or None if they may. Never one's own: a person who
    has lost theirs asks another administrator, who can check who is asking."""
    if refusal := account_edit_refusal(actor, person):
        return refusal
    if person.pk == actor.pk:
        return "You cannot reset your own second factors. Ask another administrator."
    return None


def officer_unit_refusal(roles, business_unit) -> str | None:
    """A business unit officer proposes for a business unit, so needs one."""
    if Role.OFFICER in roles and business_unit is None:
        return "Choose the business unit this officer works for"
    return None


def password_link_refusal(actor, person) -> str | None:
    """Why `actor` may not send `person` a link to set their password, or None. Only
    for an account never signed in to: a link to an account in use would let whoever
    reads the mailbox it goes to (the administrator chose it) take the account over."""
    if refusal := account_edit_refusal(actor, person):
        return refusal
    if person.last_login is not None:
        return "They have signed in before, so they change their own password."
    if not person.is_active:
        return "The account is deactivated."
    if not person.email:
        return "Add their e-mail address first."
    return None


def unit_deactivation_refusal(unit) -> str | None:
    """A unit is deactivated (no longer offered for new work) only once no active
    officer works for it: each officer needs a business unit to propose for."""
    officers = unit.members.filter(is_active=True, groups__name=Role.OFFICER.value).count()
    if officers:
        return (
            f"{officers} active officer{'s work' if officers != 1 else ' works'} for this "
            "business unit. Move them to another unit before you deactivate it."
        )
    return None


# ------------------------------------------------- single sign-on: groups to roles
#
# The Administrator maps the identity provider's groups to roles and business units
# (governance.models.GroupMapping); at each single sign-on the person is given what
# their groups map to (governance.accounts.group_claims).

GROUP_MAPPERS = ACCOUNT_ADMINISTRATORS


def may_map_groups(user) -> bool:
    """Lists, adds, changes and removes the single sign-on group mappings."""
    return bool(roles_of(user) & GROUP_MAPPERS)


def group_mapping_refusal(actor, role: str = "") -> str | None:
    """Why `actor` may not add, change or remove a mapping that gives `role` (blank: a
    business unit), or None. A mapping gives its role to whoever is in the group, so
    it obeys the rule for granting that role by hand to an account not yet opened
    (role_change_refusal with no person): administrators only, only the portal's
    roles. That rule lets an administrator grant the Administrator role to someone
    else, so a group may be mapped to it too. The rule that nobody changes their own
    roles names a person, and a mapping names a group, whose members the identity
    provider decides; so every change a mapping makes is recorded as made by single
    sign-on, and every change to a mapping is a warning in the security log."""
    if not may_map_groups(actor):
        return "Only administrators map single sign-on groups to roles and business units."
    if role:
        return role_change_refusal(actor, None, role)
    return None


def group_claims_refusal(person) -> str | None:
    """Why the groups a person signs in with may not change their account, or None.
    A deactivated account stays as it is (claims never switch it on, nor change what
    it holds unused), and a superuser's account is out of the mappings' reach as it is
    out of the Administrator's, who keeps the mappings."""
    if not person.is_active:
        return "the account is deactivated"
    if person.is_superuser:
        return "the account is a technical (superuser) account"
    return None
