"""What the register's page shows every reader alike, as figures worked out ahead.

The owner and theme filters' choices and each category's tolerated score are the same
for everyone who may read the register, and change only with the data (and, for the
themes, the year: the current strategy is the one covering it). Reading them cost
three queries a page, one of them a CASE compiled afresh each time; here they are
worked out after each change (common.precompute) and read back as plain values, or
worked out on the page when the worker has not kept them (common.dataversion.remember).
"""

from django.utils import timezone

from common import dataversion, precompute
from governance.models import person_name
from governance.selectors import theme_numbers_current

from . import selectors
from .lists import RISK_OWNERS

FIGURES = "risk-register-shared-choices"
FIGURES_CACHE = 60 * 60  # seconds; only lets figures nobody asks for again drop out
NAME_FIELDS = ("first_name", "last_name", "username")  # all that a person's name reads


def shared_figures() -> dict:
    """{"owners": [(pk, name)], "themes": [(pk, "Theme n")], "tolerated": {category:
    score}}: the owner filter's people by name, the current strategy's themes in order,
    and selectors.tolerated_scores()."""
    return dataversion.remember(_key(), _worked_out, FIGURES_CACHE)


def figures_to_precompute() -> list[precompute.Figure]:
    return [precompute.Figure(_key(), _worked_out, FIGURES_CACHE)]


def _key() -> str:
    return f"{FIGURES}:{timezone.localdate()}"


def _worked_out() -> dict:
    return {
        "owners": [
            (pk, person_name(*names)) for pk, *names in RISK_OWNERS.values_list("pk", *NAME_FIELDS)
        ],
        "themes": [(pk, f"Theme {number}") for pk, number in theme_numbers_current()],
        "tolerated": selectors.tolerated_scores(),
    }
