"""The portal's outbox: every e-mail is recorded first, then sent by Celery."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from .choices import EmailStatus
from .models import OutboundEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# The sweep leaves fresh e-mails to the task queued for them on commit.
SWEEP_GRACE = timedelta(minutes=1)


class EmailDeliveryError(Exception):
    """The mail server refused or could not be reached; the e-mail stays pending."""


def email_queue(*, to: str, subject: str, body: str) -> OutboundEmail:
    """Record an e-mail and queue its sending for after the current transaction commits."""
    email = OutboundEmail.objects.create(recipient=to, subject=subject, body=body)
    transaction.on_commit(lambda: _publish(email.pk))
    return email


def _publish(email_id: int) -> None:
    from .tasks import send_email

    try:
        send_email.delay(email_id)
    except Exception:
        # Broker down: the request that caused the e-mail must still succeed. The e-mail
        # is already in the outbox, and send_pending_emails picks it up later.
        logger.warning("Could not queue e-mail %s; the outbox sweep will send it", email_id)


def email_send(*, email_id: int) -> bool:
    """Send one pending e-mail. Returns False if it was already sent (or never existed),
    so running it twice sends once. Raises EmailDeliveryError for a retry later."""
    error = None
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update()
            .filter(pk=email_id, status=EmailStatus.PENDING)
            .first()
        )
        if email is None:
            return False
        try:
            EmailMessage(
                subject=email.subject,
                body=email.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[email.recipient],
            ).send()
        except OSError as exc:
            error = exc
            email.attempts += 1
            email.last_error = str(exc)[:2000]
            if email.attempts >= MAX_ATTEMPTS:
                email.status = EmailStatus.FAILED
            email.save(update_fields=["attempts", "last_error", "status"])
        else:
            email.status = EmailStatus.SENT
            email.sent_at = timezone.now()
            email.attempts += 1
            email.save(update_fields=["status", "sent_at", "attempts"])
    if error is not None:
        raise EmailDeliveryError(str(error)) from error
    return True


def emails_send_pending() -> int:
    """Send every e-mail left pending past the grace period; returns how many were sent."""
    cutoff = timezone.now() - SWEEP_GRACE
    pending = OutboundEmail.objects.filter(
        status=EmailStatus.PENDING, created_at__lte=cutoff
    ).values_list("pk", flat=True)
    sent = 0
    for email_id in list(pending):
        try:
            sent += email_send(email_id=email_id)
        except EmailDeliveryError:
            logger.warning("E-mail %s could not be sent; will try again", email_id)
    return sent
