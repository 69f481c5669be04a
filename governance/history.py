"""The parts of the strategy catalogue's objects that their history pages show."""

from common.history import Part, register_parts

from .models import KPI, KPIImport, KPIMeasurement, KPITarget, Meeting, MeetingAttendance


def register() -> None:
    register_parts(Meeting, Part(MeetingAttendance, "meeting", "Attendance of {person}"))
    register_parts(
        KPI,
        Part(KPITarget, "kpi", "Target for {financial_year}"),
        Part(KPIMeasurement, "kpi", "Value for the period ending {period_end}"),
        Part(KPIImport, "kpi", "Import of {file_name}"),
    )
