"""A Governance Group meeting that happens, in real Chromium with every page checked by
axe: the Head of ICT sets the terms of reference; the chair cannot set a quorum below
them, cannot record a decision before the meeting starts or while it is inquorate (and
is told why, with what they typed kept); then the meeting is opened, quorate, the
decision recorded, the meeting closed, its minutes drafted, approved and downloaded as
PDF and Word."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from playwright.sync_api import expect
from pypdf import PdfReader

from governance import services as governance_services
from governance.models import Meeting
from projects.models import Decision, Proposal

from .conftest import menu_link, sign_in

pytestmark = pytest.mark.browser

REASON = "Residents pay online at any hour; it pays back in year 2."
CONDITIONS = "Complete the DPIA before go-live."


def _open_meeting_page(page, live_server, meeting):
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_have_text(str(meeting))


def _record_attendance(page, **statuses):
    page.get_by_role("link", name="Record attendance").click()
    for name, status in statuses.items():
        page.get_by_role("group", name=name, exact=True).get_by_label(status).check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_role("alert")).to_contain_text("Attendance saved")


def test_a_meeting_from_terms_of_reference_to_approved_minutes(
    browser, live_server, demo, axe, tmp_path
):
    meeting = Meeting.objects.filter(status="scheduled").order_by("starts_at").first()
    proposal = Proposal.objects.get(title="Council tax self-service portal")

    # The Head of ICT sets the terms of reference, on a page of their own.
    head = browser.new_context(locale="en-GB").new_page()
    sign_in(head, live_server, "headofict")
    menu_link(head, "Meetings").click()
    head.get_by_role("link", name="The Group's terms of reference").click()
    expect(head.get_by_role("heading", level=1)).to_have_text("Terms of reference")
    axe.check(head)
    head.get_by_role("link", name="Change the terms of reference").click()
    head.get_by_label("Minimum quorum").fill("3")
    head.get_by_role("group", name="Does the chair count towards the quorum?").get_by_label(
        "Yes, the chair counts like any member"
    ).check()
    axe.check(head)
    head.get_by_role("button", name="Save the terms of reference").click()
    expect(head.get_by_role("alert")).to_contain_text("Terms of reference saved")
    expect(head.get_by_text("3 voting members present.")).to_be_visible()
    axe.check(head)

    # The chair cannot set the meeting's quorum below the terms' minimum.
    chair_context = browser.new_context(locale="en-GB")
    chair = chair_context.new_page()
    chair.set_default_timeout(15_000)
    sign_in(chair, live_server, "chair")
    _open_meeting_page(chair, live_server, meeting)
    chair.get_by_role("link", name="Edit the meeting").click()
    chair.get_by_label("Quorum").fill("1")
    chair.get_by_role("button", name="Save meeting").click()
    expect(chair.get_by_role("alert")).to_contain_text(
        "Enter a quorum of 3 or more: the terms of reference set the minimum at 3"
    )
    axe.check(chair)
    _open_meeting_page(chair, live_server, meeting)

    # Before the meeting starts: the proposal goes on the agenda, but no decision.
    chair.get_by_role("link", name="Add a proposal to the agenda").click()
    chair.get_by_label("Proposal").select_option(label=str(proposal))
    chair.get_by_role("button", name="Add to the agenda").click()
    expect(chair.get_by_text("The meeting has not started").first).to_be_visible()
    expect(chair.get_by_role("link", name=re.compile("^Record decision"))).to_have_count(0)
    expect(chair.get_by_role("button", name="Open the meeting")).to_have_count(0)
    axe.check(chair)
    item = meeting.proposal_items.get()
    chair.goto(f"{live_server.url}{reverse('projects:decide', args=[item.pk])}")
    expect(chair.get_by_text("A decision cannot be recorded now.")).to_contain_text(
        "The meeting has not started"
    )
    expect(chair.get_by_role("button", name="Record the decision")).to_have_count(0)
    axe.check(chair)

    # The day comes: the chair opens the meeting. Two of the three members are there.
    meeting = governance_services.meeting_save(
        user=meeting.chair,
        meeting=meeting,
        fields={"starts_at": timezone.now() - datetime.timedelta(minutes=1)},
    )
    _open_meeting_page(chair, live_server, meeting)
    chair.get_by_role("button", name="Open the meeting").click()
    expect(chair.get_by_role("alert")).to_contain_text("The meeting is open")
    _record_attendance(
        chair, **{"Margaret Ellis": "Present", "Tom Hughes": "Present", "Aisha Rahman": "Apologies"}
    )
    axe.check(chair)
    expect(chair.get_by_text("Not quorate", exact=True)).to_be_visible()
    expect(
        chair.get_by_text("2 of the 3 voting members needed are present").first
    ).to_be_visible()
    expect(chair.get_by_text("David Okafor, Head of ICT")).to_be_visible()  # without a vote
    expect(chair.get_by_role("link", name=re.compile("^Record decision"))).to_have_count(0)

    # Aisha arrives; the chair starts typing the decision; Aisha has to leave before
    # the chair presses the button. The decision is refused, and nothing typed is lost.
    _record_attendance(chair, **{"Aisha Rahman": "Present"})
    expect(chair.get_by_text("Quorate", exact=True)).to_be_visible()
    chair.get_by_role("link", name=f"Record decision on {proposal.reference}").click()
    chair.get_by_label("Approve with conditions").check()
    chair.get_by_label("Reason for the decision").fill(REASON)
    chair.get_by_label("Conditions", exact=True).fill(CONDITIONS)
    axe.check(chair)
    other_tab = chair_context.new_page()
    _open_meeting_page(other_tab, live_server, meeting)
    _record_attendance(other_tab, **{"Aisha Rahman": "Absent"})
    chair.get_by_role("button", name="Record the decision").click()
    summary = chair.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text(
        "The meeting is not quorate: 2 of the 3 voting members needed are present."
    )
    expect(chair.get_by_label("Reason for the decision")).to_have_value(REASON)
    expect(chair.get_by_label("Conditions", exact=True)).to_have_value(CONDITIONS)
    axe.check(chair)
    assert not Decision.objects.filter(proposal=proposal).exists()

    # She comes back; the chair records the decision as typed.
    _record_attendance(other_tab, **{"Aisha Rahman": "Present"})
    chair.get_by_role("button", name="Record the decision").click()
    expect(chair.get_by_role("alert")).to_contain_text("Decision recorded")
    assert Decision.objects.get(proposal=proposal).conditions == CONDITIONS

    # The chair closes the meeting; the Head of ICT drafts the minutes.
    chair.get_by_role("button", name="Close the meeting").click()
    expect(chair.get_by_role("alert")).to_contain_text("The meeting is closed")
    axe.check(chair)
    _open_meeting_page(head, live_server, meeting)
    head.get_by_role("link", name="Draft the minutes").click()
    head.get_by_label("Discussion and actions").fill("The Head of ICT will report in March.")
    axe.check(head)
    head.get_by_role("button", name="Save the draft minutes").click()
    expect(head.get_by_role("alert")).to_contain_text("The draft minutes are saved")
    expect(head.get_by_text("Draft: not yet approved by the chair.")).to_be_visible()
    axe.check(head)

    # The chair approves them; they download, and say what was decided.
    _open_meeting_page(chair, live_server, meeting)
    expect(chair.get_by_role("link", name="Add a proposal to the agenda")).to_have_count(0)
    chair.get_by_role("button", name="Approve the minutes").click()
    expect(chair.get_by_role("alert")).to_contain_text("The minutes are approved")
    axe.check(chair)
    chair.get_by_role("link", name="Minutes", exact=True).click()
    expect(chair.get_by_text("Approved as a true record by Margaret Ellis")).to_be_visible()
    axe.check(chair)
    files = {}
    for kind in ("PDF", "Word"):
        with chair.expect_download() as download:
            chair.get_by_role("link", name=f"Download the minutes as {kind}").click()
        files[kind] = tmp_path / download.value.suggested_filename
        download.value.save_as(files[kind])
    day = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d")
    assert [path.name for path in files.values()] == [
        f"minutes-ict-governance-group-{day}-approved.pdf",
        f"minutes-ict-governance-group-{day}-approved.docx",
    ]
    pdf_text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(files["PDF"]).pages
    )
    word = Document(io.BytesIO(files["Word"].read_bytes()))
    word_text = "\n".join(paragraph.text for paragraph in word.paragraphs)
    for text in (pdf_text, word_text):
        assert "Approved as a true record by Margaret Ellis" in text
        assert "Margaret Ellis (chair)" in text and "Aisha Rahman" in text
        assert "David Okafor, Head of ICT" in text
        assert "The meeting was quorate: 3 of the 3 voting members needed present." in text
        assert f"{proposal.reference} {proposal.title}" in text
        assert "Decision: Approve with conditions." in text
        assert f"Reason: {REASON}" in text
        assert f"Conditions: {CONDITIONS}" in text
        assert "The Head of ICT will report in March." in text
