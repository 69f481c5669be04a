"""How a KPI is doing: against its target, its RAG thresholds and its previous value.
(Values are imported from Excel or CSV by governance.imports.)"""

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


RED, AMBER, GREEN, NO_THRESHOLDS = "Red", "Amber", "Green", "No thresholds"


def rag(value: Decimal | None, red: Decimal | None, green: Decimal | None, direction: str) -> str:
    """A value's RAG status against the KPI's boundaries, read with its direction: worse
    than the red boundary is red, at least as good as the green boundary is green, and
    anything between is amber. A value on the red boundary is amber."""
    if value is None or red is None or green is None:
        return NO_THRESHOLDS
    if direction == Direction.HIGHER_IS_BETTER:
        return RED if value < red else GREEN if value >= green else AMBER
    return RED if value > red else GREEN if value <= green else AMBER


def rate(numerator: Decimal, denominator: Decimal) -> Decimal:
    """A rate as a percentage, to the two places a value holds."""
    return (numerator * 100 / denominator).quantize(Decimal("0.01"))
