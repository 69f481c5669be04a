"""Thin Celery tasks: they take ids and call a service."""

from celery import shared_task

from .emails import EmailDeliveryError, email_send, emails_send_pending


@shared_task(
    autoretry_for=(EmailDeliveryError,),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    max_retries=5,
)
def send_email(email_id: int) -> bool:
    return email_send(email_id=email_id)


@shared_task
def send_pending_emails() -> int:
    return emails_send_pending()
