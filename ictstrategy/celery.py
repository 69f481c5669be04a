"""The portal's Celery app: configured from Django settings prefixed CELERY_."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ictstrategy.settings.local")

app = Celery("ictstrategy")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
