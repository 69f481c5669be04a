"""The heat map's tables and its lists of risks that moved, written in one pass.

Two grids of twenty-five cells, each with a count, a link, a level and a score: written
by the template language (a lookup, a localisation and an escape per value, a filter per
count) they cost the heat map page more than everything else on it together. The markup
is the template's byte for byte (a test holds the two equal); every value is escaped as
the template language escapes it (common.markup.escape)."""

from django import template
from django.utils.safestring import mark_safe

from common.markup import escape, fill

register = template.Library()

TABLE = """
<div class="council-table-region" role="region" aria-label="{title}" tabindex="0">
<table class="govuk-table council-heat-map">
  <caption class="govuk-table__caption govuk-table__caption--m">{title}: impact down, likelihood across</caption>
  <thead class="govuk-table__head">
    <tr class="govuk-table__row">
      <td class="govuk-table__header"></td>
      {head}
    </tr>
  </thead>
  <tbody class="govuk-table__body">
  {rows}
  </tbody>
</table>
</div>
"""  # noqa: E501 - the template's lines, as they were
HEAD = (
    '<th scope="col" class="govuk-table__header">Likelihood {}<br>'
    '<span class="govuk-body-s">{}</span></th>'
)
ROW = """
    <tr class="govuk-table__row">
      <th scope="row" class="govuk-table__header">Impact {}<br><span class="govuk-body-s">{}</span></th>
      {}
    </tr>
  """  # noqa: E501 - the template's lines, as they were
CELL = """
        <td class="govuk-table__cell council-heat-map__cell council-level-cell--{}">
          {}
          <span class="council-heat-map__level">{} ({})</span>
        </td>
      """
COUNT = (
    '<a class="govuk-link council-heat-map__count" href="{}">{} risk{}'
    '<span class="govuk-visually-hidden"> at likelihood {}, impact {}</span></a>'
)
NONE = '<span class="council-heat-map__count">0</span>'


def _cell(cell: dict, impact: str) -> str:
    count = cell["count"]
    return CELL.format(
        escape(cell["level"]),
        COUNT.format(
            escape(cell["link"]),
            escape(count),
            "" if count == 1 else "s",
            escape(cell["likelihood"]),
            impact,
        )
        if count
        else NONE,
        escape(cell["level_label"]),
        escape(cell["score"]),
    )


def _row(row: dict) -> str:
    impact = escape(row["impact"])
    return ROW.format(
        impact, escape(row["label"]), "".join(_cell(cell, impact) for cell in row["cells"])
    )


@register.simple_tag
def heat_map_tables(grids, likelihood_labels):
    """{% heat_map_tables grids likelihood_labels %}: a table per grid ({title, rows}
    with the rows of risks.selectors.heat_map_grid, each cell given its `link`), with
    a column per (likelihood, label)."""
    head = "".join(HEAD.format(escape(n), escape(label)) for n, label in likelihood_labels)
    return mark_safe(  # noqa: S308 - each value escaped above
        "".join(
            TABLE.format(
                title=escape(grid["title"]),
                head=head,
                rows="".join(_row(row) for row in grid["rows"]),
            )
            for grid in grids
        )
    )


MOVER = '<li><a class="govuk-link" href="{}">{}</a>: {} to {}</li>'


@register.simple_tag
def mover_items(risks):
    """{% mover_items risks %}: an <li> per risk that moved (risks.movement's lines:
    url, name, score_then, residual_score)."""
    return mark_safe(  # noqa: S308 - each value escaped by fill
        "".join(
            fill(MOVER, risk["url"], risk["name"], risk["score_then"], risk["residual_score"])
            for risk in risks
        )
    )
