"""How a KPI is doing: against its target, and against its previous value. (Values
are imported from Excel or CSV by governance.imports.)"""

from decimal import Decimal

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
