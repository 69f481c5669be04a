"""The home page's panels write their lines, already written as markup (common.markup.fill),
with the join filter rather than a loop: the output must be what the loop wrote,
whatever the lines hold (markup marked safe, text not, none at all)."""

import re

import pytest
from django.template import Context, Engine, loader
from django.utils.safestring import mark_safe

PANELS = [
    "projects/panels/ready.html",
    "projects/panels/to_score.html",
    "projects/panels/triage.html",
    "projects/panels/unit_proposals.html",
    "projects/panels/updates_due.html",
    "risks/panels/oversight.html",
    "risks/panels/owned.html",
]
JOINED = re.compile(r'\{\{ (panel\.\w+)\|join:"" \}\}')
LINES = [
    mark_safe('<li><a class="govuk-link" href="/p/1/">P-1 Tenant &lt;portal&gt;</a></li>'),
    "<li>not marked safe: & escaped</li>",
    mark_safe("<li>Caf\u00e9 \u2013 'quoted' \"twice\"</li>"),
]


def _as_the_loop_wrote_it(source: str) -> str:
    """The template as it was: each joined list written by a loop of its lines."""
    return JOINED.sub(r"{% for line in \1 %}{{ line }}{% endfor %}", source)


@pytest.mark.parametrize("name", PANELS)
@pytest.mark.parametrize("lines", [LINES, LINES[:1], []], ids=["mixed", "one", "none"])
def test_a_panels_joined_lines_are_what_its_loop_wrote(name, lines):
    template = loader.get_template(name)
    source = template.template.source
    assert JOINED.search(source), name  # the panel still joins its lines
    old = Engine.get_default().from_string(_as_the_loop_wrote_it(source))
    panel = {
        key: lines
        for key in ("proposals", "recent", "projects", "outside", "overdue", "risks", "actions")
    }
    panel["unit"] = 1
    assert template.render({"panel": panel}) == old.render(Context({"panel": panel}))
