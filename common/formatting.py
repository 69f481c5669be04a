"""Figures as the council writes them."""

import datetime
from decimal import Decimal

from django.utils import timezone

# Not calendar.month_name, which follows the server's locale.
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def money(value) -> str:
    """£1,610 and £600,000: whole pounds without pence; pence only where there are some
    (£12.50); a loss as -£5."""
    amount = Decimal(value)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if amount == amount.to_integral_value():
        return f"{sign}£{amount:,.0f}"
    return f"{sign}£{amount:,.2f}"


def number(value) -> str:
    """1,610 and 12.5: thousands separated, no trailing zeros after the point."""
    text = f"{Decimal(value):,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def date(value: datetime.date) -> str:
    """6 December 2026."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


# The months as Django's date filter abbreviates them ("M").
MONTHS_SHORT = tuple(month[:3] for month in MONTHS)


def short_date(value: datetime.date | None) -> str:
    """6 Dec 2026: `value|date:"j M Y"` without its format parser, for rows written in
    one pass (common.markup); "" for no date, as the filter."""
    return f"{value.day} {MONTHS_SHORT[value.month - 1]} {value.year}" if value else ""


def local_datetime(value: datetime.datetime) -> str:
    """6 December 2026 at 3:27pm, in the council's time zone, to the minute (the
    GOV.UK style: 12-hour clock, am and pm, midday 12pm and midnight 12am)."""
    local = timezone.localtime(value)
    hour = local.hour % 12 or 12
    return f"{date(local)} at {hour}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}"


def in_sentence(label: str) -> str:
    """A label as it reads inside a sentence: "Corporate register" becomes "corporate
    register"; a first word in capitals (an acronym, as in "ICT register") stays."""
    first = label.split(" ", 1)[0]
    if not label or first.isupper():
        return label
    return label[0].lower() + label[1:]
