"""A meeting's minutes: who was there, the quorum, the agenda with each decision, and
the discussion; on the page, as a tagged PDF (PDF/UA, as the annual report) and as an
editable Word document.

The agenda's items come from the apps that put them there, through the
MEETING_MINUTES slot (common.slots): each section gives MinutesItems, so the minutes
know no proposal or risk. Once the chair approves them, nothing they show can change:
the agenda, attendance and decisions are fixed from the draft on (governance.policies),
and the discussion from approval."""

import io
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from docx import Document
from weasyprint import HTML

from common.slots import Slot, sections_for

from . import meetings
from .choices import AttendanceStatus, MeetingStatus
from .models import Meeting

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CONTENT_TYPES = {"pdf": "application/pdf", "docx": DOCX_TYPE}


@dataclass(frozen=True)
class MinutesItem:
    """One agenda item as minuted: its heading, then a line each for what was decided."""

    heading: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Minutes:
    meeting: Meeting
    standing: str  # draft, approved, or not yet drafted, in words
    present: list[str]
    apologies: list[str]
    absent: list[str]
    in_attendance: list[str]
    quorum: meetings.Quorum
    sections: list[dict]  # title, items (MinutesItems) and empty (said when none)

    @property
    def heading(self) -> str:
        return f"Minutes of the {self.meeting.title}"

    @property
    def when(self) -> str:
        starts = timezone.localtime(self.meeting.starts_at)
        where = f", {self.meeting.location}" if self.meeting.location else ""
        return f"{starts:%A %-d %B %Y, %H:%M}{where}"

    @property
    def quorum_line(self) -> str:
        quorate = "was quorate" if self.quorum.met else "was not quorate"
        counted = "" if self.quorum.chair_counts else " (the chair does not count)"
        return (
            f"The meeting {quorate}: {self.quorum.present} of the {self.quorum.needed} "
            f"voting members needed present{counted}."
        )

    def attendance(self) -> list[tuple[str, list[str]]]:
        return [
            ("Present", self.present),
            ("Apologies", self.apologies),
            ("Absent", self.absent),
            ("In attendance, without a vote", self.in_attendance),
        ]


def _standing(meeting: Meeting) -> str:
    if meeting.status == MeetingStatus.MINUTES_APPROVED:
        approved = timezone.localtime(meeting.minutes_approved_at)
        by = _full_name(meeting.minutes_approved_by)
        return f"Approved as a true record by {by} on {approved:%-d %B %Y}."
    if meeting.status == MeetingStatus.MINUTES_DRAFTED:
        return "Draft: not yet approved by the chair."
    if meeting.status == MeetingStatus.CANCELLED:
        return "The meeting was cancelled."
    return "Not yet drafted: the record so far."


def _full_name(person) -> str:
    return person.get_full_name() or person.username


def attendance_of(meeting: Meeting) -> dict[str, list[str]]:
    """Names by attendance status: the chair marked, others with their job title."""
    groups: dict[str, list[str]] = {status: [] for status in AttendanceStatus}
    for record in meeting.attendance.select_related("person").order_by(
        "person__last_name", "person__first_name"
    ):
        name = _full_name(record.person)
        if record.person_id == meeting.chair_id:
            name = f"{name} (chair)"
        elif record.status == AttendanceStatus.IN_ATTENDANCE and record.person.job_title:
            name = f"{name}, {record.person.job_title}"
        groups[record.status].append(name)
    return groups


def minutes_of(meeting: Meeting, *, user) -> Minutes:
    """The minutes as they stand, read for `user` (every meeting reader sees the same)."""
    groups = attendance_of(meeting)
    return Minutes(
        meeting=meeting,
        standing=_standing(meeting),
        present=groups[AttendanceStatus.PRESENT],
        apologies=groups[AttendanceStatus.APOLOGIES],
        absent=groups[AttendanceStatus.ABSENT],
        in_attendance=groups[AttendanceStatus.IN_ATTENDANCE],
        quorum=meetings.quorum_of(meeting),
        sections=sections_for(Slot.MEETING_MINUTES, user=user, meeting=meeting),
    )


def filename(meeting: Meeting, extension: str) -> str:
    """minutes-ict-governance-group-2026-06-03-approved.pdf: what, when, and whether final."""
    state = "approved" if meeting.status == MeetingStatus.MINUTES_APPROVED else "draft"
    day = timezone.localtime(meeting.starts_at)
    return f"minutes-{slugify(meeting.title)}-{day:%Y-%m-%d}-{state}.{extension}"


def pdf_bytes(minutes: Minutes, *, council_name: str) -> bytes:
    html = render_to_string(
        "governance/minutes_pdf.html", {"minutes": minutes, "council_name": council_name}
    )
    # PDF/UA makes WeasyPrint tag the structure (headings, lists) for screen readers.
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


def docx_bytes(minutes: Minutes, *, council_name: str) -> bytes:
    document = Document()
    document.core_properties.title = f"{minutes.heading}, {minutes.when}"
    document.core_properties.author = council_name
    document.add_heading(minutes.heading, level=0)
    document.add_paragraph(f"{council_name}. {minutes.when}.")
    document.add_paragraph(minutes.standing)
    document.add_heading("Attendance", level=1)
    for label, names in minutes.attendance():
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run("; ".join(names) or "None.")
    document.add_paragraph(minutes.quorum_line)
    for section in minutes.sections:
        document.add_heading(section["title"], level=1)
        if not section["items"]:
            document.add_paragraph(section["empty"])
        for item in section["items"]:
            document.add_heading(item.heading, level=2)
            for line in item.lines:
                document.add_paragraph(line)
    if minutes.meeting.notes:
        document.add_heading("Discussion and actions", level=1)
        for paragraph in minutes.meeting.notes.split("\n\n"):
            document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


BUILDERS = {"pdf": pdf_bytes, "docx": docx_bytes}
