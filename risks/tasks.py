from celery import shared_task
from django.utils import timezone

from .services import reminders_send


@shared_task(autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def send_risk_reminders() -> int:
    return reminders_send(today=timezone.localdate())
