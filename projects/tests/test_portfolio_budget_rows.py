"""The portfolio's budget table written in one pass (portfolio_budget_rows) is what the
template's loop wrote."""

from decimal import Decimal

from django.template import Context, Template

from projects.templatetags.portfolio_rows import portfolio_budget_rows

# The rows as projects/portfolio.html wrote them before they were written in Python:
# the reference they must still equal.
TEMPLATE_ROWS = Template(
    """{% load portal %}{% for row in summary %}
    <tr class="govuk-table__row">
      <th scope="row" class="govuk-table__header">{{ row.year|fy }}</th>
      <td class="govuk-table__cell govuk-table__cell--numeric">{% if row.budget is not None %}{{ row.budget|money }}{% else %}Not set{% endif %}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ row.committed|money }}</td>
      {% if recommendation %}<td class="govuk-table__cell govuk-table__cell--numeric">{{ row.recommended|money }}</td>{% endif %}
      <td class="govuk-table__cell govuk-table__cell--numeric">{% if row.left is not None %}{{ row.left|money }}{% if row.left < 0 %} <strong class="govuk-tag govuk-tag--red">Over budget</strong>{% endif %}{% else %}–{% endif %}</td>
    </tr>
  {% endfor %}"""  # noqa: RUF001 - the en dash is the template's
)  # fmt: skip


def _summary():
    rows = [
        {"year": 2025, "budget": Decimal("1000000.00"), "committed": Decimal("250000.50"),
         "recommended": Decimal("600000")},
        {"year": 2026, "budget": Decimal("100000"), "committed": 0,
         "recommended": Decimal("150000.25")},
        {"year": 2027, "budget": None, "committed": Decimal("5000"), "recommended": 0},
        {"year": 2028, "budget": Decimal("0"), "committed": 0, "recommended": 0},
    ]  # fmt: skip
    for row in rows:  # as PortfolioList.worked_out leaves them
        if row["budget"] is not None:
            row["left"] = row["budget"] - row["committed"] - row["recommended"]
    return rows


def test_budget_rows_are_the_templates_with_and_without_a_recommendation():
    summary = _summary()
    for recommendation in (None, object()):
        written = TEMPLATE_ROWS.render(
            Context({"summary": summary, "recommendation": recommendation})
        )
        assert portfolio_budget_rows(summary, recommendation) == written
    assert "Over budget" in written and "Not set" in written and "\N{EN DASH}" in written
    assert portfolio_budget_rows([], None) == TEMPLATE_ROWS.render(Context({"summary": []}))
