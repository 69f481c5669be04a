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


@shared_task(acks_late=True)
def check_import(run_id: int) -> bool:
    from .imports import import_check

    return import_check(run_id=run_id)


@shared_task(acks_late=True)
def apply_import(run_id: int) -> bool:
    from .imports import import_apply

    return import_apply(run_id=run_id)


@shared_task
def run_pending_imports() -> int:
    from .imports import imports_run_pending

    return imports_run_pending()


@shared_task(acks_late=True)
def precompute_figures() -> int:
    from .precompute import figures_precompute

    return figures_precompute()
