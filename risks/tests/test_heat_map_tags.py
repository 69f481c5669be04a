"""The heat map's tables and lists of risks that moved, as the tags write them in one
pass, are what the template language wrote from the same values."""

import pytest
from django.template import Context, Template

from risks import selectors
from risks.templatetags.heat_map import heat_map_tables, mover_items

# The tables as risks/heat_map.html wrote them before the tag: the reference they must
# still equal.
TEMPLATE_TABLES = Template(
    """{% for grid in grids %}
<div class="council-table-region" role="region" aria-label="{{ grid.title }}" tabindex="0">
<table class="govuk-table council-heat-map">
  <caption class="govuk-table__caption govuk-table__caption--m">{{ grid.title }}: impact down, likelihood across</caption>
  <thead class="govuk-table__head">
    <tr class="govuk-table__row">
      <td class="govuk-table__header"></td>
      {% for n, label in likelihood_labels %}<th scope="col" class="govuk-table__header">Likelihood {{ n }}<br><span class="govuk-body-s">{{ label }}</span></th>{% endfor %}
    </tr>
  </thead>
  <tbody class="govuk-table__body">
  {% for row in grid.rows %}
    <tr class="govuk-table__row">
      <th scope="row" class="govuk-table__header">Impact {{ row.impact }}<br><span class="govuk-body-s">{{ row.label }}</span></th>
      {% for cell in row.cells %}
        <td class="govuk-table__cell council-heat-map__cell council-level-cell--{{ cell.level }}">
          {% if cell.count %}<a class="govuk-link council-heat-map__count" href="{{ cell.link }}">{{ cell.count }} risk{{ cell.count|pluralize }}<span class="govuk-visually-hidden"> at likelihood {{ cell.likelihood }}, impact {{ row.impact }}</span></a>{% else %}<span class="council-heat-map__count">0</span>{% endif %}
          <span class="council-heat-map__level">{{ cell.level_label }} ({{ cell.score }})</span>
        </td>
      {% endfor %}
    </tr>
  {% endfor %}
  </tbody>
</table>
</div>
{% endfor %}"""
)  # fmt: skip


@pytest.mark.django_db
def test_tables_are_written_as_the_template_wrote_them():
    matrix = selectors.current_matrix()
    counts = {
        (likelihood, impact): [0, 1, 2, 17, 1234][(likelihood * impact) % 5]
        for likelihood in range(1, 6)
        for impact in range(1, 6)
    }
    grids = []
    for rating, title in (
        ("residual", "Residual <with> \"controls\" & 'more'"),
        ("inherent", "Inherent"),
    ):
        rows = selectors.heat_map_grid(counts, matrix)
        for row in rows:
            for cell in row["cells"]:
                cell["link"] = (
                    f"/risks/?likelihood={cell['likelihood']}&impact={row['impact']}"
                    f"&rating={rating}&register=<'x'>"
                )
        grids.append({"rating": rating, "title": title, "rows": rows})
    labels = [(n, matrix.label("likelihood", n)) for n in range(1, 6)]
    labels[2] = (3, 'Even <odds> & "so"')

    written = heat_map_tables(grids, labels)

    assert written == TEMPLATE_TABLES.render(Context({"grids": grids, "likelihood_labels": labels}))
    assert written.count("council-heat-map__cell") == 50 and "1234 risks" in written
    assert "&lt;odds&gt;" in written and "1 risk<span" in written


def test_no_grids_write_nothing():
    assert heat_map_tables([], []) == ""


# The list's items as risks/heat_map.html wrote them before the tag.
TEMPLATE_MOVERS = Template(
    """{% for risk in movers %}<li><a class="govuk-link" href="{{ risk.url }}">{{ risk.name }}</a>: {{ risk.score_then }} to {{ risk.residual_score }}</li>{% endfor %}"""
)  # fmt: skip


def test_movers_are_written_as_the_template_wrote_them():
    movers = [
        {"url": "/risks/7/", "name": "R-007 Data <centre> & 'cooling'", "score_then": 4,
         "residual_score": 16},
        {"url": "/risks/12/?a=1&b=\"2\"", "name": "R-012 Plain", "score_then": 25,
         "residual_score": 1},
    ]  # fmt: skip

    written = mover_items(movers)

    assert written == TEMPLATE_MOVERS.render(Context({"movers": movers}))
    assert "&lt;centre&gt; &amp; &#x27;cooling&#x27;</a>: 4 to 16</li>" in written
    assert mover_items([]) == ""
