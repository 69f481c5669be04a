import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.urls import reverse

from common.roles import Role, roles_of
from common.signin.factors import second_factor_required
from governance.models import ActionPlanItem, BusinessUnit, User
from projects.models import Project, Proposal, ProposalEvent
from projects.policies import acts_for_unit


def test_demo_data_gives_one_account_per_role_that_can_sign_in(db):
    call_command("load_demo_data", password="a-demo-password-1")
    roles = {}
    sign_in = RequestFactory().post("/sign-in/")
    for user in User.objects.all():
        assert authenticate(sign_in, username=user.username, password="a-demo-password-1") == user
        roles[user.username] = roles_of(user)
    assert {r for held in roles.values() for r in held} == set(Role)
    assert User.objects.get(username="officer").business_unit is not None


def test_loading_demo_data_twice_adds_nothing(db):
    call_command("load_demo_data", password="a-demo-password-1")
    models = [User, BusinessUnit, ActionPlanItem, Proposal, ProposalEvent, Project]
    counts = [model.objects.count() for model in models]
    call_command("load_demo_data", password="a-demo-password-1")
    assert [model.objects.count() for model in models] == counts
    assert Proposal.objects.exists() and Project.objects.exists()
    officers = User.objects.filter(username__startswith="officer")
    assert sorted(officers.values_list("username", flat=True)) == [
        "officer",
        "officer-environment",
        "officer-ict",
        "officer-planning",
        "officer-revenues",
    ]


def test_every_demo_proposal_is_drafted_and_submitted_by_an_officer_of_its_unit(db, client_for):
    call_command("load_demo_data", password="a-demo-password-1", stdout=io.StringIO())
    head = User.objects.get(username="headofict")
    submitted = Proposal.objects.filter(submitted_at__isnull=False).select_related(
        "business_unit", "created_by__business_unit"
    )
    assert {p.business_unit.code for p in submitted} == {
        "housing",
        "revenues",
        "planning",
        "environment",
        "ict",
    }
    for proposal in submitted:
        drafter = proposal.created_by
        assert drafter.business_unit == proposal.business_unit, proposal.title
        assert acts_for_unit(drafter, proposal), proposal.title
        assert proposal.events.get(action="submit").actor == drafter, proposal.title
        name = drafter.get_full_name()
        page = client_for(head).get(reverse("projects:proposal-detail", args=[proposal.pk]))
        assert f"<strong>Submitted</strong> by {name}" in page.content.decode(), proposal.title
        history = client_for(head).get(reverse("projects:proposal-history", args=[proposal.pk]))
        text = " ".join(history.content.decode().split())
        assert f"Created by {name}" in text, proposal.title
        assert f"Moved from Draft to Submitted: added by {name}" in text, proposal.title


def test_the_demo_project_is_managed_and_reported_on_by_an_officer_of_its_unit(db, client_for):
    """The business unit officer reports delivery progress (DOMAIN.md's roles): the
    demo's project in delivery is managed by its unit's officer, who wrote its update
    and finds it due another on their home page."""
    call_command("load_demo_data", password="a-demo-password-1", stdout=io.StringIO())
    projects = Project.objects.select_related("proposal", "project_manager")
    assert projects.exists()
    for project in projects:
        manager = project.project_manager
        assert acts_for_unit(manager, project.proposal), project.proposal.title
        assert project.proposal.project_manager == manager
        assert {u.author for u in project.updates.all()} == {manager}
        home = client_for(manager).get(reverse("home")).content.decode()
        assert "Your projects due a progress update" in home
        assert project.proposal.title in home


def test_demo_officers_need_no_second_factor_where_production_asks_for_one(db, settings):
    """Production asks these roles for a second factor; --authenticator-secret sets one
    up for every demo account that needs it, and the officers need none."""
    settings.MFA_REQUIRED_ROLES = ["Head of ICT", "Governance Group chair", "Administrator"]
    call_command("load_demo_data", password="a-demo-password-1", stdout=io.StringIO())
    needing = [u.username for u in User.objects.order_by("username") if second_factor_required(u)]
    assert needing == ["admin", "chair", "headofict"]


def test_demo_action_plan_is_labelled_as_demo(db):
    call_command("load_demo_data", password="a-demo-password-1")
    assert ActionPlanItem.objects.exists()
    assert not ActionPlanItem.objects.filter(is_demo=False).exists()
    assert not BusinessUnit.objects.filter(is_demo=False).exists()


def test_demo_meetings_one_held_with_approved_minutes_and_the_next_scheduled(db):
    from django.utils import timezone

    from governance import meetings
    from governance.choices import MeetingStatus
    from governance.models import Meeting

    call_command("load_demo_data", password="a-demo-password-1")
    held = Meeting.objects.get(starts_at__lt=timezone.now())
    assert held.status == MeetingStatus.MINUTES_APPROVED
    assert meetings.quorum_of(held).met
    # A project approved, and a scheme's Strategic Outline Case approved (projects.demo).
    assert {d.proposal.title for d in held.decisions.all()} == {
        "Hosted e-mail and office suite",
        "Online housing register applications",
    }
    upcoming = Meeting.objects.get(starts_at__gt=timezone.now())
    assert upcoming.status == MeetingStatus.SCHEDULED


def test_demo_accounts_have_no_second_factor_unless_asked(db):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    call_command("load_demo_data", password="a-demo-password-1", stdout=io.StringIO())
    assert not Authenticator.objects.exists()

    secret = "JBSWY3DPEHPK3PXP"
    call_command(
        "load_demo_data",
        password="a-demo-password-1",
        authenticator_secret=secret,
        stdout=io.StringIO(),
    )
    apps = Authenticator.objects.filter(type=Authenticator.Type.TOTP).select_related("user")
    assert sorted(app.user.username for app in apps) == ["admin", "chair", "headofict"]
    # Stored encrypted, and a code from that secret is accepted.
    assert all(secret not in str(app.data) for app in apps)
    code = _code(secret)
    assert all(TOTP(app).validate_code(code) for app in apps)

    with pytest.raises(CommandError, match="base32"):
        call_command("load_demo_data", authenticator_secret="not base32!", stdout=io.StringIO())


def _code(secret: str) -> str:
    import base64
    import hashlib
    import hmac
    import struct
    import time

    key = base64.b32decode(secret)
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"
