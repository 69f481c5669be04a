"""Figures in the council's format, written once for pages, PDF, Word, CSV and Excel.

Money is whole pounds with thousands separated (£600,000), pence only when there are
some (£1,610.50), and the sign before the pound sign (-£1,610). A KPI's value carries
its unit as a reader expects it: £1,610, 97.5%, 12 days.

Pages and documents show the text (`money`, `measure`, `figure`). A table that also
goes to Excel holds `Money` and `Measure` cells instead, so the workbook can keep the
number as a number and format it (common.exports), while CSV and Word get the text.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

PENNY = Decimal("0.01")
POUND_UNIT = "£"
PERCENT_UNIT = "%"
NOTHING = "\N{EN DASH}"  # a table cell where nothing is recorded


def to_decimal(value) -> Decimal | None:
    """A Decimal from a Decimal, number or numeric string (as a finalised report's
    snapshot stores money); None for nothing or for anything that is not a number."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def has_pence(amount: Decimal) -> bool:
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP) % 1 != 0


def money(value) -> str:
    """£1,610; £1,610.50; -£1,610. Empty for no amount."""
    amount = to_decimal(value)
    if amount is None:
        return ""
    amount = amount.quantize(PENNY, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    digits = f"{abs(amount):,.2f}" if has_pence(amount) else f"{abs(amount):,.0f}"
    return f"{sign}£{digits}"


def number(value) -> str:
    """1,234.5: thousands separated, no trailing zeros (82.00 is 82)."""
    amount = to_decimal(value)
    if amount is None:
        return ""
    if amount == amount.to_integral_value():
        return f"{amount:,.0f}"
    return f"{amount.normalize():,f}"


def measure(value, unit: str) -> str:
    """A KPI's value in its unit: £1,610 (money), 97.5%, 12 days."""
    unit = (unit or "").strip()
    if to_decimal(value) is None:
        return ""
    if unit == POUND_UNIT:
        return money(value)
    if unit == PERCENT_UNIT:
        return f"{number(value)}%"
    return f"{number(value)} {unit}".rstrip()


@dataclass(frozen=True)
class Money:
    """A table cell holding an amount of money in pounds (made by `money_cell`)."""

    amount: Decimal

    def __str__(self):
        return money(self.amount)


@dataclass(frozen=True)
class Measure:
    """A table cell holding a KPI's value, or any figure, in its unit (made by
    `measure_cell`)."""

    value: Decimal
    unit: str

    def __str__(self):
        return measure(self.value, self.unit)


def money_cell(value) -> Money | None:
    """The cell for an amount; None where none is recorded (a year with no budget)."""
    amount = to_decimal(value)
    return Money(amount) if amount is not None else None


def measure_cell(value, unit: str) -> Measure | None:
    amount = to_decimal(value)
    return Measure(amount, (unit or "").strip()) if amount is not None else None


def figure(value, *, missing: str = NOTHING) -> str:
    """Any table cell as a reader sees it: money and measures in their format, counts
    with thousands separated, yes or no, and `missing` where nothing is recorded."""
    if value is None or value == "":
        return missing
    # Text and whole counts are most of a report's cells: answered first, by exact type
    # (a bool is an int, and is answered below).
    if type(value) is str:
        return value
    if type(value) is int:
        return f"{value:,}"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Money | Measure):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return number(value)
    return str(value)
