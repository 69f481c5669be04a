"""The parts of the strategy catalogue's objects that their history pages show."""

from common.history import Part, register_parts

from . import policies
from .models import (
    KPI,
    KPIComparator,
    KPIImport,
    KPIMeasurement,
    KPITarget,
    Meeting,
    MeetingAttendance,
)


def _kpi_value_records(user, history):
    """A value's records as it stood unapproved are seen by whom the value itself would
    be: its approvers, and whoever recorded that figure."""
    return history.filter(policies.kpi_values_seen_by(user))


def register() -> None:
    register_parts(Meeting, Part(MeetingAttendance, "meeting", "Attendance of {person}"))
    register_parts(
        KPI,
        Part(KPITarget, "kpi", "Target for {financial_year}"),
        Part(KPIComparator, "kpi", "Comparator for {financial_year}"),
        Part(
            KPIMeasurement,
            "kpi",
            "Value for the period ending {period_end}",
            records=_kpi_value_records,
        ),
        Part(KPIImport, "kpi", "Import of {file_name}"),
    )
