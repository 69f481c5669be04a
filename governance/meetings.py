"""The arithmetic of a Governance Group meeting's quorum.

The terms of reference set the minimum quorum and whether the chair counts; a meeting
may ask for more, never less. While a meeting is not yet held the terms in force
apply; when it closes it keeps the quorum and chair rule it was held under
(services.meeting_close), so changing the terms later changes nothing already held."""

from dataclasses import dataclass

from . import selectors
from .choices import AttendanceStatus


@dataclass(frozen=True)
class Quorum:
    present: int  # voting members present who count towards the quorum
    needed: int
    chair_counts: bool

    @property
    def met(self) -> bool:
        return self.present >= self.needed

    def __str__(self):
        verb = "is" if self.present == 1 else "are"
        return f"{self.present} of the {self.needed} voting members needed {verb} present"


def rule_of(meeting) -> tuple[int, bool]:
    """The quorum a meeting needs and whether its chair counts towards it."""
    if meeting.chair_counts is not None:  # held: the rule it was held under
        return meeting.quorum, meeting.chair_counts
    terms = selectors.terms_of_reference()
    return max(meeting.quorum, terms.minimum_quorum), terms.chair_counts


def quorum_of(meeting) -> Quorum:
    """Who counts: members recorded present (only members can be; the Head of ICT and
    officers are in attendance, without a vote), less the chair if the chair does not
    count. Reads the meeting's attendance once (prefetched, if it was)."""
    needed, chair_counts = rule_of(meeting)
    present = {
        record.person_id
        for record in meeting.attendance.all()
        if record.status == AttendanceStatus.PRESENT
    }
    if not chair_counts:
        present.discard(meeting.chair_id)
    return Quorum(present=len(present), needed=needed, chair_counts=chair_counts)


def quorum_error(quorum: int | None) -> str | None:
    """What is wrong with a quorum asked for one meeting, or None: never below the
    terms of reference's minimum."""
    minimum = selectors.terms_of_reference().minimum_quorum
    if quorum is not None and quorum < minimum:
        return (
            f"Enter a quorum of {minimum} or more: the terms of reference set the "
            f"minimum at {minimum}"
        )
    return None
