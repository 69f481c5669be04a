"""The portfolio's ranked rows written in one pass (portfolio_rows) are what a template
loop over the same rows writes, awkward text and every kind of row included."""

from decimal import Decimal
from types import SimpleNamespace

from django.template import Context, Template

from projects.lists import CONFLICT_HIDDEN, SCORE_HIDDEN
from projects.selectors import RankedProposal
from projects.templatetags.portfolio_rows import portfolio_rows

# The rows as a template loop writes them from a page of PortfolioList.worked_out's
# rows: the reference the tag must equal.
TEMPLATE_ROWS = Template(
    """{% load portal %}{% for row in page %}
    {% with p=row.proposal %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell govuk-table__cell--numeric">{% if row.rank %}{{ row.rank }}{% else %}<span aria-hidden="true">–</span><span class="govuk-visually-hidden">Not ranked</span>{% endif %}</td>
      <td class="govuk-table__cell"><a class="govuk-link" href="{{ p.get_absolute_url }}">{{ p.reference }} {{ p.title }}</a><br><span class="govuk-body-s">{{ p.business_unit }}{% for number in p.theme_numbers %} · Theme {{ number }}{% endfor %}</span>{% if p.is_statutory %} <strong class="govuk-tag govuk-tag--purple">Statutory</strong>{% endif %}</td>
      <td class="govuk-table__cell">{{ p.get_status_display }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{% if not p.scores_visible %}{{ row.hidden_because }}{% elif p.score is None %}Not scored{% else %}{{ p.score|floatformat:1 }}<br><span class="govuk-body-s">{{ p.score_count }} score{{ p.score_count|pluralize }}, spread {{ p.score_low|floatformat:1 }} to {{ p.score_high|floatformat:1 }}</span>{% endif %}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ p.total_cost|money }}</td>
      {% if year %}<td class="govuk-table__cell govuk-table__cell--numeric">{{ row.cumulative|money }}</td>{% endif %}
      {% if recommendation %}<td class="govuk-table__cell"><strong class="govuk-tag {% if row.choice.selected %}govuk-tag--green{% else %}govuk-tag--grey{% endif %}">{% if row.choice.selected %}In{% else %}Out{% endif %}</strong> {{ row.choice.reason }}</td>{% endif %}
    </tr>
    {% endwith %}
  {% endfor %}"""  # noqa: RUF001 - the en dash is the template's
)  # fmt: skip


def _proposal(pk, **fields):
    values = {
        "title": "Move <the> \"mail\" & 'files'",
        "status": "in_assessment",
        "is_statutory": False,
        "business_unit": "Parks & <Open> Spaces",
        "scores_visible": True,
        "score": Decimal("3.25"),
        "total_cost": Decimal("1610.50"),
        "theme_numbers": [1, 3],
        "score_low": Decimal("2.05"),
        "score_high": Decimal("4.45"),
        "score_count": 2,
    } | fields
    return RankedProposal(pk=pk, **values)


def _page():
    return [
        {"rank": 1, "proposal": _proposal(7, is_statutory=True),
         "choice": SimpleNamespace(selected=True, reason="Fits <2026/27> & scores well"),
         "cumulative": Decimal("1610.50")},
        {"rank": 2, "proposal": _proposal(12345, score_count=1, score_low=Decimal("3.25"),
                                          score_high=Decimal("3.25"), theme_numbers=[]),
         "choice": SimpleNamespace(selected=False, reason="Over budget"), "cumulative": None},
        {"rank": 3, "proposal": _proposal(8, score=None, status="submitted", total_cost=0),
         "choice": None, "cumulative": Decimal("-20")},
        {"rank": None, "proposal": _proposal(9, scores_visible=False, score=None, status="in_triage"),
         "choice": None, "cumulative": None, "hidden_because": SCORE_HIDDEN},
        {"rank": None, "proposal": _proposal(10, scores_visible=False, score=None, title=""),
         "choice": None, "cumulative": None, "hidden_because": CONFLICT_HIDDEN},
    ]  # fmt: skip


def test_portfolio_rows_are_the_templates_for_every_kind_of_row():
    page = _page()
    for year in (None, 2026):
        for recommendation in (None, object()):
            context = {"page": page, "year": year, "recommendation": recommendation}
            written = TEMPLATE_ROWS.render(Context(context))
            assert portfolio_rows(page, year, recommendation) == written
    assert "&lt;the&gt; &quot;mail&quot; &amp; &#x27;files&#x27;" in written
    assert "Parks &amp; &lt;Open&gt; Spaces · Theme 1 · Theme 3" in written
    assert portfolio_rows([], 2026, None) == ""


def test_page_address_is_the_url_tag():
    for name in ("projects:project-list", "projects:budgets", "projects:criterion-list",
                 "projects:thresholds", "projects:scenario-list"):  # fmt: skip
        url = Template("{% url name %}").render(Context({"name": name}))
        address = Template("{% load portfolio_rows %}{% page_address name %}")
        assert address.render(Context({"name": name})) == url
