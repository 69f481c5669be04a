"""Where a scheme goes and why (projects.routing), at the edges of each threshold,
and where a decision at each business case stage leads (projects.workflow)."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from projects import routing
from projects.choices import DecidingBody, Outcome, RiskPotential, Route, Stage
from projects.choices import ProposalStatus as S
from projects.workflow import ROUTE_STAGES, TRANSITIONS, decided, first_stage, next_stage


@dataclass
class Limits:
    bjc_limit: Decimal = Decimal(100000)
    key_decision_limit: Decimal = Decimal(500000)
    council_limit: Decimal | None = None


NO = dict.fromkeys(routing.RISK_QUESTIONS, "no")


def _answers(*yes):
    return NO | dict.fromkeys(yes, "yes")


def _potential(cost, *yes, limits=None):
    return routing.risk_potential(
        _answers(*yes), cost=Decimal(cost), thresholds=limits or Limits()
    ).potential


def _route(cost, potential, limits=None):
    return routing.route(cost=Decimal(cost), potential=potential, thresholds=limits or Limits())


# ---------------------------------------------------------------------- risk potential


def test_no_risk_factor_is_low_up_to_the_key_decision_limit():
    assert _potential(0) == RiskPotential.LOW
    assert _potential(500000) == RiskPotential.LOW
    assert _potential("500000.01") == RiskPotential.MEDIUM


def test_one_risk_factor_is_medium_and_high_above_the_key_decision_limit():
    assert _potential(50000, "risk_novel") == RiskPotential.MEDIUM
    assert _potential(500000, "risk_frontline") == RiskPotential.MEDIUM
    assert _potential("500000.01", "risk_frontline") == RiskPotential.HIGH


def test_two_risk_factors_are_high_whatever_the_cost():
    assert _potential(1, "risk_novel", "risk_immature_market") == RiskPotential.HIGH


def test_risk_potential_is_not_assessed_until_every_question_is_answered():
    answers = NO | {"risk_frontline": ""}
    assessment = routing.risk_potential(answers, cost=Decimal(1), thresholds=Limits())
    assert assessment.potential is None
    assert "not assessed yet" in assessment.reason


def test_risk_potential_says_why_and_what_assurance_it_needs():
    assessment = routing.risk_potential(
        _answers("risk_novel", "risk_personal_data_at_scale"),
        cost=Decimal(85000),
        thresholds=Limits(),
    )
    assert assessment.reason == (
        "Its risk potential is high: 2 risk factors and a whole-life cost of £85,000."
    )
    assert "independent assurance review before the Full Business Case gate" in (
        assessment.assurance
    )


# ------------------------------------------------------------------------------ route


def test_a_low_risk_scheme_at_the_bjc_limit_takes_one_business_justification_case():
    routed = _route(100000, RiskPotential.LOW)
    assert routed.route == Route.BJC
    assert routed.route_reason == (
        "This scheme takes one Business Justification Case: its whole-life cost, "
        "£100,000, is at or below the £100,000 limit and its risk potential is low."
    )


def test_a_penny_over_the_bjc_limit_goes_through_three_stages():
    routed = _route("100000.01", RiskPotential.LOW)
    assert routed.route == Route.THREE_STAGE
    assert "above the £100,000 Business Justification Case limit" in routed.route_reason


def test_a_small_scheme_with_medium_risk_goes_through_three_stages():
    routed = _route(85000, RiskPotential.MEDIUM)
    assert routed.route == Route.THREE_STAGE
    assert routed.route_reason.endswith("its risk potential is medium.")


def test_no_route_until_risk_potential_is_assessed():
    assert _route(1, None).route is None


def test_at_the_key_decision_limit_the_group_decides_above_it_cabinet():
    assert _route(500000, RiskPotential.LOW).body == DecidingBody.GROUP
    routed = _route(1200000, RiskPotential.MEDIUM)
    assert routed.body == DecidingBody.CABINET
    assert routed.body_reason == (
        "This is a key decision: its whole-life cost, £1,200,000, is above the "
        "key-decision limit of £500,000, so after the Governance Group recommends it, "
        "Cabinet decides."
    )


def test_above_the_council_limit_full_council_decides():
    limits = Limits(council_limit=Decimal(2000000))
    assert _route(2000000, RiskPotential.LOW, limits).body == DecidingBody.CABINET
    assert _route("2000000.01", RiskPotential.LOW, limits).body == DecidingBody.COUNCIL


def test_the_thresholds_the_head_of_ict_sets_move_the_boundaries():
    limits = Limits(bjc_limit=Decimal(250000), key_decision_limit=Decimal(250000))
    assert _route(250000, RiskPotential.LOW, limits).route == Route.BJC
    assert _route(250001, RiskPotential.LOW, limits).body == DecidingBody.CABINET


def test_whole_life_cost_sums_capital_and_revenue_over_every_year():
    @dataclass
    class Year:
        capital_cost: Decimal
        revenue_cost: Decimal

    years = [Year(Decimal(40000), Decimal(5000)), Year(Decimal(0), Decimal(5000))]
    assert routing.whole_life_cost(years) == Decimal(50000)


# ----------------------------------------------------------------------------- stages


def test_each_route_starts_at_its_first_gate():
    assert first_stage(Route.THREE_STAGE) == Stage.SOC
    assert first_stage(Route.BJC) == Stage.BJC
    assert ROUTE_STAGES[Route.THREE_STAGE] == (Stage.SOC, Stage.OBC, Stage.FBC)


def test_the_stages_follow_one_another_and_the_last_gate_has_none_after_it():
    assert [next_stage(s) for s in (Stage.SOC, Stage.OBC, Stage.FBC, Stage.BJC, "")] == [
        Stage.OBC,
        Stage.FBC,
        None,
        None,
        None,
    ]


@pytest.mark.parametrize("outcome", [Outcome.APPROVED, Outcome.APPROVED_WITH_CONDITIONS])
def test_approving_a_gate_before_the_last_hands_the_case_back_to_develop(outcome):
    assert decided(Stage.SOC, outcome) == (S.DEVELOPING, Stage.OBC)
    assert decided(Stage.OBC, outcome) == (S.DEVELOPING, Stage.FBC)


@pytest.mark.parametrize("stage", [Stage.FBC, Stage.BJC, ""])
def test_approving_the_last_gate_approves_the_project(stage):
    assert decided(stage, Outcome.APPROVED) == (S.APPROVED, stage)


@pytest.mark.parametrize("stage", [Stage.SOC, Stage.OBC, Stage.FBC, Stage.BJC])
@pytest.mark.parametrize("outcome", [Outcome.DEFERRED, Outcome.REJECTED])
def test_defer_and_reject_behave_alike_at_every_gate(stage, outcome):
    assert decided(stage, outcome) == (S(outcome), stage)


def test_a_case_being_developed_is_submitted_or_withdrawn_along_the_table():
    assert S.DEVELOPING in TRANSITIONS["submit"].sources
    assert S.DEVELOPING in TRANSITIONS["withdraw"].sources


def test_the_thresholds_in_force_are_the_current_ones(db):
    """selectors.thresholds_in_force (plain SQL) gives what thresholds_current gives: the
    defaults (unsaved) before the Head of ICT sets any, then the saved row as a row read
    from the database, every field the same."""
    from projects import selectors
    from projects.models import RoutingThresholds

    def fields(thresholds):
        return [
            getattr(thresholds, field.attname) for field in RoutingThresholds._meta.concrete_fields
        ]

    RoutingThresholds.objects.all().delete()
    for saved in (None, Decimal("12345.67")):
        if saved is not None:
            RoutingThresholds.objects.create(
                bjc_limit=saved, key_decision_limit=Decimal("700000"), council_limit=None
            )
            RoutingThresholds.objects.create(
                bjc_limit=Decimal(1), key_decision_limit=Decimal(2), council_limit=Decimal(3)
            )
        in_force, current = selectors.thresholds_in_force(), selectors.thresholds_current()
        assert fields(in_force) == fields(current)
        assert in_force._state.adding is current._state.adding
        assert in_force._state.db == current._state.db
    assert in_force.bjc_limit == saved
