"""A Technology Code of Practice self-assessment feeds a score, in real Chromium: the
Head of ICT marks a criterion as scored from the self-assessment; an officer answers
the thirteen points on a proposal and submits it; a Governance Group member opening
the scoring page sees the summary beside the scores and the criterion's score worked
out from it, and the weighted score counts it. axe checks every page."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from governance.models import User
from projects import services
from projects.models import Assessment, Proposal
from projects.tests.factories import ProposalFactory

from .conftest import answer_tcop, menu_link, sign_in

pytestmark = pytest.mark.browser

CRITERION = "Technology Code of Practice"


def test_a_tcop_self_assessment_feeds_the_score_a_member_gives(
    page, browser, live_server, demo, axe
):
    # The Head of ICT adds a criterion scored from the self-assessment.
    sign_in(page, live_server, "headofict")
    menu_link(page, "Portfolio").click()
    page.get_by_role("link", name="Scoring criteria").first.click()
    axe.check(page)
    page.get_by_role("link", name="Add a criterion").click()
    page.get_by_label("Name").fill(CRITERION)
    page.get_by_label("Weight").fill("20")
    page.get_by_label(re.compile("Score this criterion from the Technology Code")).check()
    expect(page.get_by_text("partly met counts a half").first).to_be_visible()
    axe.check(page)
    page.get_by_role("button", name="Save criterion").click()
    row = page.get_by_role("row", name=re.compile(CRITERION))
    expect(row).to_contain_text("Scored from the TCoP self-assessment")
    axe.check(page)

    # The officer answers the self-assessment on their unit's draft and submits it.
    officer_account = User.objects.get(username="officer")
    proposal = ProposalFactory(
        complete=True,
        tcop=False,
        business_unit=officer_account.business_unit,
        created_by=officer_account,
        title="Online housing repairs reporting",
    )
    officer = browser.new_context(locale="en-GB").new_page()
    sign_in(officer, live_server, "officer")
    officer.goto(f"{live_server.url}{proposal.get_absolute_url()}")
    officer.get_by_role("link", name="Continue the business case").click()
    # Met needs evidence: submitting without it says so at the point.
    officer.get_by_role("group", name="1. Define user needs", exact=True).get_by_label(
        "Met", exact=True
    ).check()
    officer.get_by_role("button", name="Submit to the Head of ICT").click()
    expect(officer.get_by_role("alert")).to_contain_text(
        "Give the evidence for point 1 (Define user needs)"
    )
    axe.check(officer)
    answer_tcop(officer, {4: "Partly met", 12: "Partly met", 3: "Not met"})
    officer.get_by_role("button", name="Submit to the Head of ICT").click()
    expect(officer.get_by_role("alert")).to_contain_text("has been submitted")
    expect(officer.get_by_text("10 of 13 met, 2 partly met, 1 not met")).to_be_visible()
    expect(officer.get_by_role("row", name=re.compile("^3. Be open"))).to_contain_text("Not met")
    axe.check(officer)

    head_account = User.objects.get(username="headofict")
    proposal = Proposal.objects.get(pk=proposal.pk)
    services.proposal_start_triage(proposal=proposal, user=head_account)
    services.proposal_accept(proposal=proposal, user=head_account)

    # A member sees the summary beside the scores and the criterion worked out from it:
    # 10 + 2 x 0.5 = 11 of 13, times 5 = 4.2, so 4 out of 5.
    member = browser.new_context(locale="en-GB").new_page()
    sign_in(member, live_server, "member")
    member.goto(f"{live_server.url}{proposal.get_absolute_url()}")
    member.get_by_role("link", name="Score this proposal").click()
    expect(member.get_by_text("10 of 13 met, 2 partly met, 1 not met")).to_be_visible()
    expect(member.get_by_role("row", name=re.compile("^12. Make your technology"))).to_contain_text(
        "Partly met"
    )
    expect(member.get_by_text(re.compile("self-assessment: 4 out of 5"))).to_be_visible()
    axe.check(member)
    for group in member.get_by_role("group").all():
        group.get_by_label("3", exact=True).check()
    member.get_by_role("button", name="Submit my scores").click()
    expect(member.get_by_role("alert")).to_contain_text("Your scores are recorded")
    # Five criteria at 3 (weights 100) and this one at 4 (weight 20):
    # (300 + 80) / (5 x 120) x 100 = 63.3.
    scores = member.get_by_role("table", name=re.compile("Tom Hughes"))
    expect(scores.get_by_role("row", name=re.compile(CRITERION))).to_contain_text("4")
    expect(scores).to_contain_text("63.3 out of 100")
    axe.check(member)
    assessment = Assessment.objects.get(proposal=proposal, assessor__username="member")
    assert assessment.weighted_score == Decimal("63.3")
