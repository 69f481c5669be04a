"""How a KPI is doing: against its target, and against its previous value; and
reading values from a CSV file."""

import csv
import datetime
from decimal import Decimal, InvalidOperation

from common.dates import in_future_refusal

from .choices import Direction

ON_TARGET, OFF_TARGET, NO_TARGET = "On target", "Off target", "No target"
IMPROVING, WORSENING, STEADY, TOO_FEW = "Improving", "Worsening", "Steady", "Not enough data"


def status(value: Decimal | None, target: Decimal | None, direction: str) -> str:
    """Meeting the target exactly counts as on target."""
    if value is None or target is None:
        return NO_TARGET
    if direction == Direction.HIGHER_IS_BETTER:
        return ON_TARGET if value >= target else OFF_TARGET
    return ON_TARGET if value <= target else OFF_TARGET


def trend(previous: Decimal | None, latest: Decimal | None, direction: str) -> str:
    if previous is None or latest is None:
        return TOO_FEW
    if latest == previous:
        return STEADY
    better = latest > previous if direction == Direction.HIGHER_IS_BETTER else latest < previous
    return IMPROVING if better else WORSENING


def parse_measurements_csv(text: str, known: dict[str, object]) -> tuple[list[dict], list[str]]:
    """Rows of `kpi,period_end,value[,note]` to measurements, and a message for each
    bad row. `known` maps KPI names (any case) to KPIs. Dates as 2027-03-31 or
    31/03/2027."""
    rows, errors = [], []
    reader = csv.DictReader(text.splitlines())
    missing = {"kpi", "period_end", "value"} - set(reader.fieldnames or [])
    if missing:
        missing_text = ", ".join(sorted(missing))
        return [], [
            f"The file needs the columns kpi, period_end and value (missing: {missing_text})"
        ]
    for number, row in enumerate(reader, start=2):
        name = (row.get("kpi") or "").strip()
        kpi = known.get(name.lower())
        if kpi is None:
            errors.append(f"Row {number}: there is no KPI called “{name}”")
            continue
        raw_date = (row.get("period_end") or "").strip()
        period_end = None
        for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                period_end = datetime.datetime.strptime(raw_date, pattern).date()
                break
            except ValueError:
                continue
        if period_end is None:
            errors.append(f"Row {number}: “{raw_date}” is not a date like 2027-03-31")
            continue
        refusal = in_future_refusal(period_end, "the end of the period")
        if refusal:
            errors.append(f"Row {number}: {refusal}")
            continue
        try:
            value = Decimal((row.get("value") or "").strip().replace(",", ""))
        except InvalidOperation:
            errors.append(f"Row {number}: “{row.get('value')}” is not a number")
            continue
        if not value.is_finite() or abs(value) >= Decimal("1e12"):
            errors.append(f"Row {number}: the value is out of range")
            continue
        rows.append(
            {"kpi": kpi, "period_end": period_end, "value": value,
             "note": (row.get("note") or "").strip()[:2000]}
        )  # fmt: skip
    return rows, errors
