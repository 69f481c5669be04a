import datetime
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from common.models import OutboundEmail
from common.roles import Role
from governance.tests.factories import UserFactory
from ictstrategy.celery import app as celery_app
from risks.models import RiskAction
from risks.selectors import reminders_due
from risks.services import reminders_send
from risks.tasks import send_risk_reminders
from risks.tests.factories import RiskFactory

TODAY = datetime.date(2026, 11, 27)  # a Friday


def _day(offset):
    return TODAY + datetime.timedelta(days=offset)


@pytest.fixture
def owners(db):
    ann, bob, cat = (UserFactory(username=n) for n in ("ann", "bob", "cat"))
    RiskFactory(owner=ann, title="Ann overdue", next_review_date=_day(-3))
    RiskFactory(owner=ann, title="Ann in a week", next_review_date=_day(7))
    RiskFactory(owner=ann, title="Ann in eight days", next_review_date=_day(8))
    RiskFactory(owner=ann, title="Ann closed", next_review_date=_day(-1), status="closed",
                closed_reason="Done")  # fmt: skip
    later = RiskFactory(owner=cat, title="Cat later", next_review_date=_day(60))
    RiskAction.objects.create(risk=later, description="Bob's action", owner=bob, due_date=_day(2))
    RiskAction.objects.create(
        risk=later,
        description="Bob's done action",
        owner=bob,
        due_date=_day(-5),
        status="completed",
    )
    RiskAction.objects.create(
        risk=later, description="Cat's far action", owner=cat, due_date=_day(30)
    )
    return ann, bob, cat


def test_reminder_selection_by_hand(owners):
    ann, bob, _ = owners
    due = reminders_due(TODAY)
    assert set(due) == {ann.pk, bob.pk}
    assert [r.title for r in due[ann.pk]["reviews"]] == ["Ann overdue", "Ann in a week"]
    assert [a.description for a in due[bob.pk]["actions"]] == ["Bob's action"]
    assert due[bob.pk]["reviews"] == []


def test_running_the_reminders_twice_in_a_day_sends_each_owner_one_email(owners, head_of_ict):
    ann, bob, _ = owners
    assert reminders_send(today=TODAY) == 3  # ann, bob, and the Head of ICT's digest
    assert reminders_send(today=TODAY) == 0
    recipients = sorted(OutboundEmail.objects.values_list("recipient", flat=True))
    assert recipients == sorted([ann.email, bob.email, head_of_ict.email])
    ann_mail = OutboundEmail.objects.get(recipient=ann.email)
    assert "Ann overdue" in ann_mail.body and "overdue" in ann_mail.body
    assert "Ann in eight days" not in ann_mail.body
    # The next day the owners hear again; the weekly digest waits for Monday.
    assert reminders_send(today=_day(1)) == 2
    assert reminders_send(today=_day(3)) == 3


@pytest.mark.django_db(transaction=True)
def test_reminder_task_run_twice_by_a_real_worker_sends_each_owner_one_email():
    owner = UserFactory(username="owen")
    RiskFactory(owner=owner, next_review_date=datetime.date.today() - datetime.timedelta(days=1))
    UserFactory(username="head", roles=[Role.HEAD_OF_ICT])
    celery_app.control.purge()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        first = send_risk_reminders.delay()
        second = send_risk_reminders.delay()
        results = [first.get(timeout=30), second.get(timeout=30)]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and OutboundEmail.objects.filter(status="pending"):
            time.sleep(0.2)
    assert sorted(results) == [0, 2]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["owen@example.org", "head@example.org"])
