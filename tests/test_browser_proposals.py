"""Journeys 1 to 3 in real Chromium: a proposal from first draft to a project in
delivery, with every page checked by axe."""

import datetime
import re

import pytest
from django.db.models import F
from django.utils import timezone
from playwright.sync_api import expect

from common.models import OutboundEmail
from governance import services as governance_services
from governance.models import Meeting, Principle, User
from projects import services as projects_services
from projects.models import ProgressUpdate, Proposal

from .conftest import answer_risk_questions, answer_tcop, menu_link, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def as_user(browser, live_server, demo):
    """as_user("chair") gives a fresh, signed-in page for that demo account."""
    contexts = []

    def open_as(username):
        context = browser.new_context(locale="en-GB")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, live_server, username)
        return page

    yield open_as
    for context in contexts:
        context.close()


def _open_proposal(page, live_server, proposal):
    page.goto(f"{live_server.url}{proposal.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_have_text(proposal.title)


def test_a_proposal_from_first_draft_to_a_project_in_delivery(as_user, live_server, axe):
    title = "Online housing repairs reporting"

    # 1. The officer drafts over two visits, then submits.
    officer = as_user("officer")
    axe.check(officer)
    officer.get_by_role("link", name="Start a new proposal").first.click()
    axe.check(officer)
    officer.get_by_label("What is the proposal called?").fill(title)
    officer.get_by_role("button", name="Start the proposal").click()
    expect(officer.get_by_role("heading", level=1)).to_contain_text(title)
    officer.get_by_label("Case for change").fill("Repairs reported by phone cost £8 each.")
    axe.check(officer)
    officer.get_by_role("button", name="Save as draft").click()
    expect(officer.get_by_role("alert")).to_contain_text("Your draft is saved")
    proposal = Proposal.objects.get(title=title)
    axe.check(officer)

    menu_link(officer, "Home").click()
    officer.get_by_role("link", name=re.compile(re.escape(title))).first.click()
    officer.get_by_role("link", name="Continue the business case").click()
    expect(officer.get_by_label("Case for change")).to_have_value(
        "Repairs reported by phone cost £8 each."
    )
    # Submitting too early shows what is missing, at the fields and in a summary.
    officer.get_by_role("button", name="Submit to the Head of ICT").click()
    expect(officer.get_by_role("alert")).to_contain_text("Select the procurement route")
    axe.check(officer)

    officer.check("#id_themes_2")
    officer.get_by_label("How does it serve theme 2?").fill("Residents report online, any time.")
    officer.get_by_label("Options considered").fill("Do nothing; extend the CRM; buy a portal.")
    officer.get_by_label("Preferred option").fill("Buy a portal through G-Cloud.")
    officer.get_by_label("Non cashable benefits").fill("Fewer missed appointments.")
    officer.get_by_label("Procurement route").select_option("framework")
    officer.get_by_label("Funding source").fill("Housing Revenue Account")
    officer.get_by_label("First financial year of the figures").select_option("2026")
    officer.fill("#id_capital_0", "40000")
    officer.fill("#id_revenue_1", "5000")
    officer.fill("#id_savings_1", "20000")
    officer.get_by_label("Sponsor").fill("Director of Housing")
    officer.get_by_label("Project manager").select_option(label="Priya Shah")
    for prefix, (day, month, year) in (("start_date", (1, 6, 2026)), ("end_date", (31, 3, 2027))):
        officer.fill(f"#id_{prefix}_0", str(day))
        officer.fill(f"#id_{prefix}_1", str(month))
        officer.fill(f"#id_{prefix}_2", str(year))
    officer.get_by_label("Milestones").fill("Contract July; live December.")
    officer.get_by_label("Key risks").fill("Integration with the housing system.")
    officer.check("#id_personal_data_1")
    officer.check("#id_security_impact_3")
    answer_risk_questions(officer, yes=())
    answer_tcop(officer)
    officer.get_by_role("button", name="Submit to the Head of ICT").click()
    expect(officer.get_by_role("alert")).to_contain_text("has been submitted")
    axe.check(officer)

    # 2. The Head of ICT returns it for more information.
    head = as_user("headofict")
    expect(head.get_by_role("heading", name="Proposals waiting for triage")).to_be_visible()
    head.get_by_role("link", name=re.compile(re.escape(title))).first.click()
    axe.check(head)
    head.get_by_role("link", name="Return for more information").click()
    axe.check(head)
    head.get_by_label("The more information needed").fill("Please itemise the revenue costs.")
    head.get_by_role("button", name="Return for more information").click()
    expect(head.get_by_text("Returned for more information").first).to_be_visible()

    # The officer answers and resubmits.
    _open_proposal(officer, live_server, proposal)
    officer.get_by_role("link", name="Answer and resubmit").click()
    expect(officer.get_by_text("Please itemise the revenue costs.")).to_be_visible()
    officer.get_by_label("Your answer to the request for more information").fill(
        "Revenue is the hosting fee: £5,000 a year."
    )
    officer.get_by_role("button", name="Submit to the Head of ICT").click()
    expect(officer.get_by_role("alert")).to_contain_text("has been submitted")

    # The Head of ICT triages it and sends it for assessment.
    _open_proposal(head, live_server, proposal)
    head.get_by_role("button", name="Start triage").click()
    head.get_by_role("button", name="Send for assessment").click()
    expect(head.get_by_text("In assessment").first).to_be_visible()

    # 3. Three members score it independently.
    for username, rating in (("member", "4"), ("member2", "3"), ("chair", "5")):
        scorer = as_user(username)
        expect(
            scorer.get_by_role("heading", name="Proposals waiting for your score")
        ).to_be_visible()
        _open_proposal(scorer, live_server, proposal)
        if username != "member":
            expect(scorer.get_by_text("once you have submitted yours")).to_be_visible()
        scorer.get_by_role("link", name="Score this proposal").click()
        for group in scorer.get_by_role("group").all():
            group.get_by_label(rating, exact=True).check()
        axe.check(scorer)
        scorer.get_by_role("button", name="Submit my scores").click()
        expect(scorer.get_by_role("alert")).to_contain_text("Your scores are recorded")
        expect(scorer.get_by_role("heading", name="Scores")).to_be_visible()
        axe.check(scorer)
        if username == "chair":
            chair = scorer

    # 4. The day of the next meeting comes; the chair opens it, records attendance, puts
    # the proposal on the agenda and approves it with a condition.
    meeting = Meeting.objects.filter(status="scheduled").order_by("starts_at").first()
    governance_services.meeting_save(
        user=meeting.chair,
        meeting=meeting,
        fields={"starts_at": timezone.now() - datetime.timedelta(minutes=1)},
    )
    menu_link(chair, "Meetings").click()
    axe.check(chair)
    chair.get_by_role("link", name=re.compile("^ICT Governance Group, ")).first.click()
    chair.get_by_role("button", name="Open the meeting").click()
    expect(chair.get_by_role("alert")).to_contain_text("The meeting is open")
    chair.get_by_role("link", name="Record attendance").click()
    for name in ("Margaret Ellis", "Tom Hughes", "Aisha Rahman"):
        chair.get_by_role("group", name=name, exact=True).get_by_label("Present").check()
    axe.check(chair)
    chair.get_by_role("button", name="Save attendance").click()
    expect(chair.get_by_text("Quorate", exact=True)).to_be_visible()
    chair.get_by_role("link", name="Add a proposal to the agenda").click()
    chair.get_by_label("Proposal").select_option(label=str(proposal))
    axe.check(chair)
    chair.get_by_role("button", name="Add to the agenda").click()
    axe.check(chair)
    chair.get_by_role("link", name=f"Record decision on {proposal.reference}").click()
    chair.get_by_label("Approve with conditions").check()
    chair.get_by_label("Reason for the decision").fill(
        "Strong fit with theme 2; pays back in year 2."
    )
    chair.get_by_label("Conditions", exact=True).fill("Complete the DPIA before go-live.")
    axe.check(chair)
    chair.get_by_role("button", name="Record the decision").click()
    expect(chair.get_by_role("alert")).to_contain_text("Decision recorded")
    chair.get_by_role("link", name="Minutes").click()
    expect(chair.get_by_text("Decision: Approve with conditions.")).to_be_visible()
    axe.check(chair)

    # The officer sees the decision, and an e-mail to them is in the outbox.
    _open_proposal(officer, live_server, proposal)
    expect(officer.get_by_text("Approve with conditions").first).to_be_visible()
    expect(officer.get_by_text("Complete the DPIA before go-live.").first).to_be_visible()
    axe.check(officer)
    email = OutboundEmail.objects.get(
        recipient="officer@example.org", subject__startswith="Decision on proposal"
    )
    assert "Complete the DPIA before go-live." in email.body

    # 5. The project manager posts the first progress update.
    officer.get_by_role("link", name="Go to the project in delivery").click()
    axe.check(officer)
    officer.get_by_role("link", name="Post a progress update").click()
    today = datetime.date.today()
    officer.fill("#id_reported_on_0", str(today.day))
    officer.fill("#id_reported_on_1", str(today.month))
    officer.fill("#id_reported_on_2", str(today.year))
    for field, colour in (
        ("overall", "Amber"),
        ("time", "Amber"),
        ("cost", "Green"),
        ("scope", "Green"),
    ):
        officer.get_by_role("group", name=f"{field.capitalize()} RAG").get_by_label(colour).check()
    officer.get_by_label("Percent complete").fill("10")
    officer.get_by_label("Actual spend to date (£)").fill("4000")
    officer.get_by_label("Progress and issues").fill("Supplier chosen; contract being signed.")
    axe.check(officer)
    officer.get_by_role("button", name="Post the update").click()
    expect(officer.get_by_role("alert")).to_contain_text("Progress update posted")
    axe.check(officer)
    assert ProgressUpdate.objects.get(project__proposal=proposal).percent_complete == 10

    # The Head of ICT sees the approved project among the projects.
    menu_link(head, "Projects").click()
    expect(head.get_by_role("link", name=re.compile(re.escape(title)))).to_be_visible()
    axe.check(head)


def test_a_proposals_history_says_which_links_were_added_and_removed(as_user, live_server, axe):
    officer_account = User.objects.get(username="officer")
    proposal = projects_services.proposal_create(user=officer_account, title="Paperless planning")
    first, second, third = Principle.objects.filter(strategy=proposal.strategy)[:3]
    for principles in ([first, second], [first, third]):
        # Each save minutes after the one before, as a person's edits are: history
        # reads records written within a moment of each other as one save.
        proposal.history.update(history_date=F("history_date") - datetime.timedelta(minutes=5))
        projects_services.proposal_save_draft(
            proposal=proposal, user=officer_account, fields={}, principles=principles
        )

    officer = as_user("officer")
    _open_proposal(officer, live_server, proposal)
    officer.get_by_role("link", name="Full history of changes").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("History")
    change = officer.get_by_role("row", name=re.compile("^Principles"))
    expect(change.first).to_contain_text(f"Added: {third}; removed: {second}")
    expect(officer.get_by_role("heading", name="Changed by Priya Shah")).to_have_count(2)
    expect(officer.get_by_text(re.compile(r"\d{1,2}:\d\d[ap]m$")).first).to_be_visible()
    axe.check(officer)
