"""Where a proposal goes and why: its risk potential, its route through the business
case stages (HM Treasury's Better Business Cases) and the body that decides it.

Pure functions of a proposal's answers, its whole-life cost and the thresholds the
Head of ICT sets (projects.models.RoutingThresholds, or anything with the same three
attributes), so the boundaries can be tested without a database. Every answer comes
with the sentence the portal shows, so the page says where a scheme goes and why.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from common.figures import money

from .choices import DecidingBody, RiskPotential, Route, YesNo

# The questions asked at intake, by the proposal field that holds each answer. A "yes"
# to any raises the scheme's risk potential.
RISK_QUESTIONS = {
    "risk_novel": "Is it novel or contentious (new to the council, or likely to draw "
    "public or political attention)?",
    "risk_personal_data_at_scale": "Does it handle personal data at scale (thousands of "
    "residents or staff, or special category data)?",
    "risk_frontline": "Does it change how a frontline service is delivered to residents?",
    "risk_immature_market": "Is the supplier market immature (few suppliers, or an "
    "unproven product)?",
}


class Thresholds(Protocol):
    bjc_limit: Decimal
    key_decision_limit: Decimal
    council_limit: Decimal | None


@dataclass(frozen=True)
class Assessment:
    """A proposal's risk potential and the words that explain it."""

    potential: RiskPotential | None
    reason: str
    assurance: str


@dataclass(frozen=True)
class Routing:
    route: Route | None
    body: DecidingBody
    route_reason: str
    body_reason: str


def whole_life_cost(years: Iterable) -> Decimal:
    """Capital and revenue costs over every year of the business case."""
    return sum((y.capital_cost + y.revenue_cost for y in years), Decimal(0))


def risk_potential(
    answers: Mapping[str, str], *, cost: Decimal, thresholds: Thresholds
) -> Assessment:
    """Low, medium or high, from the intake answers and the cost band:
    high: two or more risk factors, or one on a scheme above the key-decision limit;
    medium: one risk factor, or a scheme above the key-decision limit;
    low: no risk factor and a cost at or below the key-decision limit.
    None until every question is answered."""
    if any(answers.get(field) not in YesNo.values for field in RISK_QUESTIONS):
        return Assessment(
            None,
            "Its risk potential is not assessed yet: answer the risk questions.",
            "",
        )
    factors = [field for field in RISK_QUESTIONS if answers[field] == YesNo.YES]
    large = cost > thresholds.key_decision_limit
    if len(factors) >= 2 or (factors and large):
        potential = RiskPotential.HIGH
    elif factors or large:
        potential = RiskPotential.MEDIUM
    else:
        potential = RiskPotential.LOW
    count = {0: "no risk factor", 1: "one risk factor"}.get(
        len(factors), f"{len(factors)} risk factors"
    )
    band = (
        f"a whole-life cost, {money(cost)}, above the key-decision limit of "
        f"{money(thresholds.key_decision_limit)}"
        if large
        else f"a whole-life cost of {money(cost)}"
    )
    reason = f"Its risk potential is {potential.label.lower()}: {count} and {band}."
    return Assessment(potential, reason, ASSURANCE[potential])


ASSURANCE = {
    RiskPotential.LOW: "Low risk potential needs the least assurance: a scheme at or below "
    "the Business Justification Case limit may take one Business Justification Case.",
    RiskPotential.MEDIUM: "Medium risk potential needs the three stages: a Strategic Outline "
    "Case, an Outline Business Case and a Full Business Case, each decided at a gate.",
    RiskPotential.HIGH: "High risk potential needs the three stages and an independent "
    "assurance review before the Full Business Case gate.",
}


def route(*, cost: Decimal, potential: RiskPotential | None, thresholds: Thresholds) -> Routing:
    """The stages a scheme goes through, and who decides it at the end."""
    if potential is None:
        chosen = None
        route_reason = "Its route is set once the risk questions are answered."
    elif potential == RiskPotential.LOW and cost <= thresholds.bjc_limit:
        chosen = Route.BJC
        route_reason = (
            f"This scheme takes one Business Justification Case: its whole-life cost, "
            f"{money(cost)}, is at or below the {money(thresholds.bjc_limit)} limit and its "
            "risk potential is low."
        )
    else:
        chosen = Route.THREE_STAGE
        why = []
        if cost > thresholds.bjc_limit:
            why.append(
                f"its whole-life cost, {money(cost)}, is above the "
                f"{money(thresholds.bjc_limit)} Business Justification Case limit"
            )
        if potential != RiskPotential.LOW:
            why.append(f"its risk potential is {potential.label.lower()}")
        route_reason = (
            "This scheme goes through three stages, a Strategic Outline Case, an Outline "
            f"Business Case and a Full Business Case: {' and '.join(why)}."
        )
    council = thresholds.council_limit
    if council is not None and cost > council:
        body = DecidingBody.COUNCIL
        body_reason = (
            f"Full Council decides: its whole-life cost, {money(cost)}, is above the "
            f"{money(council)} limit for Council decisions, so after the Governance Group "
            "recommends it, Cabinet considers it and full Council decides."
        )
    elif cost > thresholds.key_decision_limit:
        body = DecidingBody.CABINET
        body_reason = (
            f"This is a key decision: its whole-life cost, {money(cost)}, is above the "
            f"key-decision limit of {money(thresholds.key_decision_limit)}, so after the "
            "Governance Group recommends it, Cabinet decides."
        )
    else:
        body = DecidingBody.GROUP
        body_reason = (
            f"The ICT Governance Group decides: its whole-life cost, {money(cost)}, is at "
            f"or below the key-decision limit of {money(thresholds.key_decision_limit)}."
        )
    return Routing(chosen, body, route_reason, body_reason)
