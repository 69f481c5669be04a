"""The parts of the strategy catalogue's objects that their history pages show."""

from django.db.models import Q

from common.history import Part, register_parts

from . import policies
from .choices import KPIValueStatus
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
    be (policies.may_see_kpi_value): its approvers, and whoever recorded that figure."""
    if policies.may_approve_kpi_values(user):
        return history
    return history.filter(Q(status=KPIValueStatus.APPROVED) | Q(recorded_by_id=user.pk))


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
