"""The rules of rating, as pure functions: the default matrix, appetite, review dates."""

import datetime

from .choices import AppetiteLevel, Level, RiskCategory

LIKELIHOOD = {
    1: ("Rare", "Less than 5% chance in the next year"),
    2: ("Unlikely", "5% to 25% chance"),
    3: ("Possible", "25% to 50% chance"),
    4: ("Likely", "50% to 80% chance"),
    5: ("Almost certain", "More than 80% chance"),
}
IMPACT = {
    1: ("Minimal", "Under £10,000; no noticeable effect on services"),
    2: ("Minor", "£10,000 to £50,000; brief disruption to one service"),
    3: ("Moderate", "£50,000 to £250,000; disruption to several services or local press"),
    4: ("Major", "£250,000 to £1m; a service fails or regulators intervene"),
    5: ("Severe", "Over £1m; council-wide failure, national press or legal action"),
}
DEFAULT_THRESHOLDS = {
    AppetiteLevel.AVERSE: 3,
    AppetiteLevel.MINIMAL: 6,
    AppetiteLevel.CAUTIOUS: 10,
    AppetiteLevel.OPEN: 15,
    AppetiteLevel.EAGER: 20,
}
DEFAULT_APPETITES = {
    RiskCategory.STRATEGIC: AppetiteLevel.OPEN,
    RiskCategory.FINANCIAL: AppetiteLevel.CAUTIOUS,
    RiskCategory.OPERATIONAL: AppetiteLevel.CAUTIOUS,
    RiskCategory.INFORMATION_SECURITY: AppetiteLevel.MINIMAL,
    RiskCategory.SUPPLIER: AppetiteLevel.CAUTIOUS,
    RiskCategory.LEGAL: AppetiteLevel.MINIMAL,
    RiskCategory.REPUTATIONAL: AppetiteLevel.CAUTIOUS,
    RiskCategory.PEOPLE: AppetiteLevel.CAUTIOUS,
}
DEFAULT_REVIEW_DAYS = {Level.VERY_HIGH: 30, Level.HIGH: 60, Level.MEDIUM: 90, Level.LOW: 180}
LEVEL_ORDER = [Level.LOW, Level.MEDIUM, Level.HIGH, Level.VERY_HIGH]


def default_level(score: int) -> Level:
    if score <= 3:
        return Level.LOW
    if score <= 6:
        return Level.MEDIUM
    if score <= 12:
        return Level.HIGH
    return Level.VERY_HIGH


def default_cells() -> dict:
    """Likelihood times impact, banded into levels: the common starting point."""
    return {
        f"{likelihood},{impact}": {
            "score": likelihood * impact,
            "level": default_level(likelihood * impact).value,
        }
        for likelihood in range(1, 6)
        for impact in range(1, 6)
    }


def default_descriptors() -> dict:
    return {
        "likelihood": {str(k): list(v) for k, v in LIKELIHOOD.items()},
        "impact": {str(k): list(v) for k, v in IMPACT.items()},
    }


def is_outside_appetite(residual_score: int, tolerated: int | None) -> bool:
    """Above the highest residual score the category's appetite tolerates. A category
    with no appetite set tolerates nothing unrated: it is flagged until one is set."""
    return tolerated is None or residual_score > tolerated


def next_review(
    *, from_date: datetime.date, level: str, override_days: int | None, by_level: dict
) -> datetime.date:
    """The risk's own frequency if it has one, else its level's."""
    days = override_days or by_level.get(level) or DEFAULT_REVIEW_DAYS[Level(level)]
    return from_date + datetime.timedelta(days=days)
