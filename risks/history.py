"""The parts of risks and meetings that history pages show."""

from common.history import Part, register_parts
from governance.models import Meeting

from .models import Risk, RiskAction, RiskAgendaItem, RiskControl, RiskReview


def register() -> None:
    register_parts(
        Risk,
        Part(RiskAction, "risk", "Action: {description:.60}"),
        Part(RiskControl, "risk", "Control: {description:.60}"),
        Part(RiskReview, "risk", "Review of {reviewed_on}"),
    )
    register_parts(Meeting, Part(RiskAgendaItem, "meeting", "Agenda: {risk}"))
