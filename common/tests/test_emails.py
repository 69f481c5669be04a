import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_celery_results.models import TaskResult

from common.choices import EmailStatus
from common.emails import email_queue, email_send
from common.models import OutboundEmail
from common.tasks import send_pending_emails
from ictstrategy.celery import app as celery_app


def _pending(**kwargs):
    return OutboundEmail.objects.create(
        recipient="owner@example.org", subject="Reminder", body="Due soon", **kwargs
    )


def test_sending_twice_sends_once(db):
    email = _pending()
    assert email_send(email_id=email.pk) is True
    assert email_send(email_id=email.pk) is False
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT and email.sent_at is not None


def test_the_sweep_sends_mail_left_pending_while_the_worker_was_down(db):
    stranded = _pending()
    OutboundEmail.objects.filter(pk=stranded.pk).update(
        created_at=timezone.now() - timedelta(minutes=5)
    )
    fresh = _pending()  # its own task, queued on commit, is still on its way

    assert send_pending_emails() == 1
    assert send_pending_emails() == 0
    assert [m.subject for m in mail.outbox] == ["Reminder"]
    stranded.refresh_from_db()
    fresh.refresh_from_db()
    assert (stranded.status, fresh.status) == (EmailStatus.SENT, EmailStatus.PENDING)


def test_queueing_records_the_email_before_anything_is_sent(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        email_queue(to="someone@example.org", subject="Hello", body="Body")
    assert OutboundEmail.objects.get().status == EmailStatus.PENDING
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_test_email_from_the_portal_is_sent_by_a_real_celery_worker(administrator, client_for):
    client = client_for(administrator)
    # Other tests may have queued e-mails that no longer exist; start from an empty queue.
    celery_app.control.purge()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        response = client.post(reverse("send-test-email"))
        assert response.status_code == 302
        email = OutboundEmail.objects.get()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            email.refresh_from_db()
            if email.status == EmailStatus.SENT:
                break
            time.sleep(0.2)
    assert email.status == EmailStatus.SENT
    assert [m.to for m in mail.outbox] == [[administrator.email]]
    result = TaskResult.objects.get(
        task_name="common.tasks.send_email", task_args__contains=f"({email.pk},)"
    )
    assert result.status == "SUCCESS"

    page = client.get(reverse("background-tasks")).content.decode()
    assert "common.tasks.send_email" in page
    assert "Test e-mail from the ICT Strategy Portal" in page
