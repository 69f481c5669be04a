"""Reference data every install needs: a first matrix, appetites and review frequencies.
Created only where missing, so the Head of ICT's settings are never overwritten."""

from django.db import transaction

from common.services import after_migrate as common_after_migrate

from .models import AppetiteThreshold, CategoryAppetite, ReviewFrequency, RiskMatrix
from .rating import (
    DEFAULT_APPETITES,
    DEFAULT_REVIEW_DAYS,
    DEFAULT_THRESHOLDS,
    default_cells,
    default_descriptors,
)


@transaction.atomic
def risk_settings_ensure() -> None:
    if not RiskMatrix.objects.exists():
        RiskMatrix.objects.create(
            version=1, cells=default_cells(), descriptors=default_descriptors(), is_current=True
        )
    for level, score in DEFAULT_THRESHOLDS.items():
        AppetiteThreshold.objects.get_or_create(level=level, defaults={"max_score": score})
    for category, level in DEFAULT_APPETITES.items():
        CategoryAppetite.objects.get_or_create(category=category, defaults={"level": level})
    for level, days in DEFAULT_REVIEW_DAYS.items():
        ReviewFrequency.objects.get_or_create(level=level, defaults={"days": days})


after_migrate = common_after_migrate(ReviewFrequency, risk_settings_ensure)
