"""A KPI's and a meeting's history: their values, targets, imports and attendance,
read as a person would; and how dates, times and money read."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common import formatting
from common.testing import upload_import
from governance import services
from governance.models import KPIImport
from projects.tests.factories import MeetingFactory


def _text(response) -> str:
    assert response.status_code == 200
    # Entities read, as a reader meets them: O'Neill, not O&#x27;Neill.
    page = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return re.sub(r"\s+", " ", page)


@pytest.fixture
def kpi(head_of_ict, strategy):
    return services.kpi_save(
        user=head_of_ict,
        fields={
            "name": "Calls resolved at first contact",
            "unit": "%",
            "direction": "higher",
            "principle": strategy.principles.get(number=8),
        },
    )


@pytest.mark.parametrize(
    ("moment", "reads"),
    [
        (datetime.datetime(2026, 12, 6, 15, 27, 59, 999999, tzinfo=datetime.UTC),
         "6 December 2026 at 3:27pm"),
        (datetime.datetime(2026, 7, 6, 23, 5, tzinfo=datetime.UTC), "7 July 2026 at 12:05am"),
        (datetime.datetime(2026, 7, 6, 11, 0, tzinfo=datetime.UTC), "6 July 2026 at 12:00pm"),
        (datetime.datetime(2027, 1, 1, 9, 30, tzinfo=datetime.UTC), "1 January 2027 at 9:30am"),
    ],
)  # fmt: skip
def test_times_read_in_london_on_a_twelve_hour_clock(moment, reads):
    assert formatting.local_datetime(moment) == reads


@pytest.mark.parametrize(
    ("amount", "reads"),
    [(Decimal("1610.00"), "£1,610"), (600000, "£600,000"), (Decimal("12.5"), "£12.50"),
     (Decimal("-5"), "-£5"), (Decimal("0.00"), "£0")],
)  # fmt: skip
def test_money_reads_in_whole_pounds_unless_there_are_pence(amount, reads):
    assert formatting.money(amount) == reads


def test_a_kpis_history_shows_its_targets_values_and_imports(kpi, head_of_ict, client_for):
    client = client_for(head_of_ict)
    services.kpi_target_set(user=head_of_ict, kpi=kpi, financial_year=2026, target=Decimal(75))
    csv = f"kpi,period_end,value\n{kpi.name},2026-06-30,1610\n{kpi.name},2026-09-30,72.5\n"
    run = upload_import(client, "kpi-values", "q1-figures.csv", csv.encode(), confirm=True)
    assert run.status == "done"
    services.kpi_measurement_record(
        user=head_of_ict, kpi=kpi, period_end=datetime.date(2026, 9, 30), value=Decimal(74)
    )

    text = _text(client.get(reverse("governance:kpi-history", args=[kpi.pk])))

    assert "Target for 2026/27: added by Hannah Ives" in text and "Target 75" in text
    assert "Value for the period ending 30 June 2026: added by Hannah Ives" in text
    assert "Value 1,610" in text
    assert "Value for the period ending 30 September 2026: changed by Hannah Ives" in text
    assert "Value 72.5 74" in text
    assert "Import of q1-figures.csv: added by Hannah Ives" in text
    assert "Values imported 2" in text


def test_an_import_records_who_imported_which_file_for_each_kpi(kpi, head_of_ict):
    services.kpi_imports_record(user=head_of_ict, values_by_kpi={kpi.pk: 1}, file_name="june.csv")

    record = KPIImport.objects.get()
    assert (record.kpi, record.file_name, record.values, record.imported_by) == (
        kpi, "june.csv", 1, head_of_ict,
    )  # fmt: skip
    assert record.history.get().history_user == head_of_ict


def test_a_meetings_history_shows_who_attended(chair, member, client_for):
    meeting = MeetingFactory(chair=chair)
    services.attendance_record(meeting=meeting, user=chair, present=[chair, member])
    services.attendance_record(meeting=meeting, user=chair, present=[chair])

    text = _text(client_for(chair).get(reverse("governance:meeting-history", args=[meeting.pk])))

    assert f"Attendance of {member}: added by {chair}" in text
    assert f"Attendance of {member}: changed by {chair}" in text and "Status Present Absent" in text


def test_a_kpis_history_reads_in_queries_that_do_not_grow_with_its_values(
    kpi, head_of_ict, client_for
):
    client = client_for(head_of_ict)
    url = reverse("governance:kpi-history", args=[kpi.pk])

    def record_values(months):
        for month in months:
            services.kpi_measurement_record(
                user=head_of_ict, kpi=kpi, period_end=datetime.date(2026, month, 1),
                value=Decimal(month),
            )  # fmt: skip
            services.kpi_target_set(
                user=head_of_ict, kpi=kpi, financial_year=2020 + month, target=Decimal(month)
            )

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    record_values([1])
    client.get(url)  # the session and the user's roles, read once
    few = queries()
    record_values(range(2, 13))

    assert queries() == few
