"""Attendance recorded before meetings had apologies (attended: yes or no) keeps its
meaning: present stays present, not attended becomes absent, and meetings already held
keep counting everyone present, the chair included."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("governance", "0006_administrator_role_without_admin_permissions")]
AFTER = [("governance", "0007_meetings_that_happen")]


@pytest.mark.django_db(transaction=True)
def test_attended_becomes_present_or_absent_and_held_meetings_count_the_chair():
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        user = old.get_model("governance", "User")
        meeting_model = old.get_model("governance", "Meeting")
        attendance = old.get_model("governance", "MeetingAttendance")
        came, stayed_away = (user.objects.create(username=name) for name in ("came", "away"))
        held = meeting_model.objects.create(starts_at=timezone.now(), status="held", quorum=1)
        coming = meeting_model.objects.create(starts_at=timezone.now(), quorum=1)
        attendance.objects.create(meeting=held, person=came, attended=True)
        attendance.objects.create(meeting=held, person=stayed_away, attended=False)

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        records = new.get_model("governance", "MeetingAttendance").objects
        assert dict(records.values_list("person__username", "status")) == {
            "came": "present",
            "away": "absent",
        }
        meetings = new.get_model("governance", "Meeting").objects
        assert meetings.get(pk=held.pk).chair_counts is True
        assert meetings.get(pk=coming.pk).chair_counts is None  # the terms in force apply
    finally:
        MigrationExecutor(connection).migrate(leaves)
