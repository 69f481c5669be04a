"""The heat map's movement since last quarter, as figures worked out ahead.

Counting how every open risk's residual score moved since a quarter ago reads each
risk's rating of then, thousands of them, three times over (risks.selectors.movement):
the slowest of the page's queries. What the page is opened with (the open risks of
one register or of all) is the same for everyone who may read the register and
changes only with the data and the date, so it is worked out after each change
(common.precompute) and read back as plain values; any other filter works it out on
the page, as before."""

from django.utils import timezone

from common import dataversion, precompute

from . import selectors
from .choices import Register, RiskStatus

# Named for its shape (lines of plain values, not model instances).
MOVEMENT = "heat-map-movement-lines"
MOVEMENT_CACHE = 60 * 60  # seconds; only lets figures nobody asks for again drop out
# The filters other than the register that the page is opened with: those of a register
# reader who has chosen nothing (risks.lists.RiskFilter).
OPENED_WITH = {
    "category": None,
    "owner": None,
    "theme": None,
    "status": RiskStatus.OPEN,
    "assurance": None,
}


def since_last_quarter(filters: dict) -> dict:
    """selectors.movement of the risks `filters` give (the register selector's
    arguments but the heat map's own: likelihood, impact, rating, appetite, level),
    each risk that moved as its address, name and scores then and now."""
    register = filters["register"]
    if {key: value for key, value in filters.items() if key != "register"} == OPENED_WITH:
        return dataversion.remember(
            _movement_key(register), lambda: _movement_worked_out(register), MOVEMENT_CACHE
        )
    return _worked_out(filters)


def figures_to_precompute() -> list[precompute.Figure]:
    return [
        precompute.Figure(
            _movement_key(register),
            lambda register=register: _movement_worked_out(register),
            MOVEMENT_CACHE,
        )
        for register in (None, *Register.values)
    ]


def _movement_key(register: str | None) -> str:
    return f"{MOVEMENT}:{register or 'all'}:{timezone.localdate()}"


def _movement_worked_out(register: str | None) -> dict:
    return _worked_out({**OPENED_WITH, "register": register})


def _worked_out(filters: dict) -> dict:
    moved = selectors.movement(selectors.filtered(**filters))
    return {
        "up": moved["up"],
        "down": moved["down"],
        "same": moved["same"],
        "worse": [_line(risk) for risk in moved["worse"]],
        "better": [_line(risk) for risk in moved["better"]],
    }


def _line(risk) -> dict:
    return {
        "url": risk.get_absolute_url(),
        "name": str(risk),
        "score_then": risk.score_then,
        "residual_score": risk.residual_score,
    }
