from django.db import models


class EmailStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class AccessTokenKind(models.TextChoices):
    API = "api", "API and Power BI feed key"
    CALENDAR = "calendar", "Calendar feed"
