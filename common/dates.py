"""Dates checked against today and against each other, worded once in the GOV.UK style.

Forms and services both ask these, so a bad date is refused however it arrives, with
the same words. `what` names the date as a sentence starts it ("The date of the
update"); each `*_refusal` returns the message, or None when the date is allowed.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone


def long_date(day: datetime.date) -> str:
    """1 April 2027."""
    return f"{day.day} {day:%B %Y}"


def in_future_refusal(day: datetime.date | None, what: str) -> str | None:
    if day and day > timezone.localdate():
        return f"{what} must be today or in the past"
    return None


def in_past_refusal(day: datetime.date | None, what: str) -> str | None:
    if day and day < timezone.localdate():
        return f"{what} must be today or in the future"
    return None


def set_in_past_refusal(
    day: datetime.date | None, what: str, *, was: datetime.date | None = None
) -> str | None:
    """A date set, or changed, to before today. A date left as it was (`was`) may have
    passed since: saving the rest of the object must not be refused for it."""
    return None if day == was else in_past_refusal(day, what)


def before_refusal(
    day: datetime.date | None, earliest: datetime.date, what: str, why: str = ""
) -> str | None:
    """`why` says what `earliest` is, for example "when the project started"."""
    if day and day < earliest:
        return f"{what} must be on or after {long_date(earliest)}" + (f", {why}" if why else "")
    return None


def not_after_refusal(
    day: datetime.date | None, limit: datetime.date, what: str, why: str = ""
) -> str | None:
    if day and day <= limit:
        return f"{what} must be after {long_date(limit)}" + (f", {why}" if why else "")
    return None


def refuse(refusals: dict[str, str | None]) -> None:
    """Raise one ValidationError with every refusal at its field, if there are any."""
    errors = {field: message for field, message in refusals.items() if message}
    if errors:
        raise ValidationError(errors)
