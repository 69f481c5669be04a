"""Business case stages in real Chromium: a scheme through the Strategic Outline,
Outline and Full Business Case gates, and a small scheme through one Business
Justification Case, with every page checked by axe."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from governance import services as governance_services
from governance.models import User
from projects.models import Proposal

from .conftest import answer_risk_questions, answer_tcop
from .test_browser_proposals import _open_proposal, as_user  # noqa: F401 - a fixture

pytestmark = pytest.mark.browser


def _draft_and_submit(officer, live_server, axe, *, title, capital, risks=()):
    """The officer writes the whole business case in one visit and submits it."""
    officer.goto(f"{live_server.url}{reverse('projects:proposal-start')}")
    officer.get_by_label("What is the proposal called?").fill(title)
    officer.get_by_role("button", name="Start the proposal").click()
    officer.get_by_label("Case for change").fill("Paper applications take 12 days to register.")
    officer.check("#id_themes_2")
    officer.get_by_label("How does it serve theme 2?").fill("Applicants apply online.")
    officer.get_by_label("Options considered").fill("Do nothing; extend the CRM; buy a portal.")
    officer.get_by_label("Preferred option").fill("A long list of three options, to narrow.")
    officer.get_by_label("Non cashable benefits").fill("Quicker registration.")
    officer.get_by_label("Procurement route").select_option("framework")
    officer.get_by_label("Funding source").fill("ICT capital programme")
    officer.get_by_label("First financial year of the figures").select_option("2026")
    officer.fill("#id_capital_0", capital)
    officer.get_by_label("Sponsor").fill("Director of Planning")
    officer.get_by_label("Project manager").select_option(label="Priya Shah")
    for prefix, (day, month, year) in (("start_date", (1, 6, 2026)), ("end_date", (31, 3, 2027))):
        officer.fill(f"#id_{prefix}_0", str(day))
        officer.fill(f"#id_{prefix}_1", str(month))
        officer.fill(f"#id_{prefix}_2", str(year))
    officer.get_by_label("Milestones").fill("Contract July; live December.")
    officer.get_by_label("Key risks").fill("Integration with the planning system.")
    officer.check("#id_personal_data_1")
    officer.check("#id_security_impact_3")
    answer_risk_questions(officer, yes=risks)
    answer_tcop(officer)
    axe.check(officer)
    officer.get_by_role("button", name="Submit to the Head of ICT").click()
    expect(officer.get_by_role("alert")).to_contain_text("has been submitted")
    axe.check(officer)
    return Proposal.objects.get(title=title)


def _send_for_assessment(head, live_server, proposal):
    _open_proposal(head, live_server, proposal)
    head.get_by_role("button", name="Start triage").click()
    head.get_by_role("button", name="Send for assessment").click()
    expect(head.get_by_text("In assessment").first).to_be_visible()


def _meeting_in_session():
    """Today's Governance Group meeting, opened with its members present (the meeting
    journey has its own tests)."""
    chair, member, member2 = (User.objects.get(username=u) for u in ("chair", "member", "member2"))
    meeting = governance_services.meeting_save(
        user=chair,
        fields={
            "starts_at": timezone.now() - datetime.timedelta(minutes=1),
            "location": "Committee Room 2",
            "chair": chair,
            "quorum": 3,
        },
    )
    meeting = governance_services.meeting_open(meeting=meeting, user=chair)
    governance_services.attendance_record(
        meeting=meeting, user=chair, present=[chair, member, member2]
    )
    return meeting


def _decide(chair, live_server, axe, proposal, *, gate):
    """The chair puts the proposal on a meeting's agenda and approves it at `gate`."""
    meeting = _meeting_in_session()
    chair.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    chair.get_by_role("link", name="Add a proposal to the agenda").click()
    chair.get_by_label("Proposal").select_option(label=str(proposal))
    chair.get_by_role("button", name="Add to the agenda").click()
    chair.get_by_role("link", name=f"Record decision on {proposal.reference}").click()
    expect(chair.get_by_text(gate).first).to_be_visible()
    chair.get_by_label("Approve", exact=True).check()
    chair.get_by_label("Reason for the decision").fill(f"The {gate} makes its case.")
    axe.check(chair)
    chair.get_by_role("button", name="Record the decision").click()
    expect(chair.get_by_role("alert")).to_contain_text("Decision recorded")


def _stage_card(page, heading):
    return page.locator(".govuk-summary-card").filter(
        has=page.get_by_role("heading", name=heading, exact=True)
    )


def test_a_proposal_passes_the_soc_obc_and_fbc_gates(as_user, live_server, axe):  # noqa: F811
    officer = as_user("officer")
    proposal = _draft_and_submit(
        officer, live_server, axe, title="Online planning applications", capital="250000"
    )
    expect(officer.get_by_text("This scheme goes through three stages")).to_be_visible()
    expect(officer.get_by_text("Strategic Outline Case").first).to_be_visible()

    head = as_user("headofict")
    _send_for_assessment(head, live_server, proposal)
    axe.check(head)
    scorer = as_user("member")
    _open_proposal(scorer, live_server, proposal)
    scorer.get_by_role("link", name="Score this proposal").click()
    for group in scorer.get_by_role("group").all():
        group.get_by_label("4", exact=True).check()
    scorer.get_by_role("button", name="Submit my scores").click()
    expect(scorer.get_by_role("alert")).to_contain_text("Your scores are recorded")
    axe.check(scorer)

    chair = as_user("chair")
    preferred = {"Strategic Outline Case": "A long list of three options, to narrow."}
    for gate, following in (
        ("Strategic Outline Case", "Outline Business Case"),
        ("Outline Business Case", "Full Business Case"),
    ):
        _decide(chair, live_server, axe, proposal, gate=gate)
        # Back to the officer, who develops the next, fuller case and submits it.
        _open_proposal(officer, live_server, proposal)
        expect(officer.get_by_text("Developing the next business case").first).to_be_visible()
        axe.check(officer)
        officer.get_by_role("link", name=f"Develop the {following}").click()
        preferred[following] = f"The preferred option, as the {following} sets it out."
        officer.get_by_label("Preferred option").fill(preferred[following])
        officer.get_by_role("button", name="Submit to the Head of ICT").click()
        expect(officer.get_by_role("alert")).to_contain_text("has been submitted")
        _send_for_assessment(head, live_server, proposal)
    _decide(chair, live_server, axe, proposal, gate="Full Business Case")

    _open_proposal(officer, live_server, proposal)
    expect(officer.get_by_text("Approved", exact=True).first).to_be_visible()
    for gate, text in preferred.items():
        card = _stage_card(officer, f"{gate}: approved")
        expect(card).to_contain_text(f"The {gate} makes its case.")
        card.get_by_text(f"The {gate} as decided").click()
        expect(card).to_contain_text(text)
    axe.check(officer)
    assert re.search(r"Go to the project in delivery", officer.content())


def test_a_small_scheme_goes_through_one_business_justification_case(
    as_user,  # noqa: F811
    live_server,
    axe,
):
    officer = as_user("officer")
    proposal = _draft_and_submit(
        officer, live_server, axe, title="Room booking kiosks", capital="85000"
    )
    expect(
        officer.get_by_text(
            "This scheme takes one Business Justification Case: its whole-life cost, "
            "£85,000, is at or below the £100,000 limit and its risk potential is low."
        )
    ).to_be_visible()

    head = as_user("headofict")
    # The limit the officer was told of is the one the Head of ICT has set.
    head.goto(f"{live_server.url}{reverse('projects:portfolio')}")
    head.get_by_role("link", name="Business case thresholds").click()
    expect(head.get_by_label("Business Justification Case limit (£)")).to_have_value("100000")
    axe.check(head)
    _send_for_assessment(head, live_server, proposal)
    chair = as_user("chair")
    _decide(chair, live_server, axe, proposal, gate="Business Justification Case")

    _open_proposal(officer, live_server, proposal)
    expect(officer.get_by_text("Approved", exact=True).first).to_be_visible()
    expect(_stage_card(officer, "Business Justification Case: approved")).to_be_visible()
    expect(officer.locator(".govuk-summary-card")).to_have_count(1)
    axe.check(officer)
