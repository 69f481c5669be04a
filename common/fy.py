"""UK financial years, which run from 1 April to 31 March and are named by both years."""

import datetime


def financial_year_of(day: datetime.date) -> int:
    """The start year of the financial year containing `day`: 2027-03-31 is in 2026/27."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_label(start_year: int) -> str:
    """2026 -> "2026/27"."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def financial_year_choices(*, around: int, before: int = 2, after: int = 6) -> list[tuple]:
    return [
        (year, financial_year_label(year)) for year in range(around - before, around + after + 1)
    ]
