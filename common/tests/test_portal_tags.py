"""The tags that build markup in Python (common.templatetags.portal) write what the
template loops they replaced wrote, escaping included."""

from decimal import Decimal

import pytest
from django import forms
from django.core.paginator import Paginator
from django.template import Context, Template
from django.test import RequestFactory
from django.utils.safestring import mark_safe

from common.figures import Money

# includes/list_filters.html before it became {% filter_form %}.
FILTERS_TEMPLATE = """<form method="get" class="council-filters" novalidate>
  {% for field in filter.form.visible_fields %}
  <div class="govuk-form-group">
    <label class="govuk-label" for="{{ field.auto_id }}">{{ field.label }}</label>
    <select class="govuk-select" id="{{ field.auto_id }}" name="{{ field.html_name }}">
      {% with chosen=field.value|stringformat:"s" %}{% for value, label in field.field.choices %}\
<option value="{{ value }}"{% if value|stringformat:"s" == chosen %} selected{% endif %}>\
{{ label }}</option>{% endfor %}{% endwith %}
    </select>
  </div>
  {% endfor %}
  {% for field in filter.form.hidden_fields %}<input type="hidden" name="{{ field.html_name }}" \
value="{{ field.value|default_if_none:'' }}">{% endfor %}
  <button type="submit" class="govuk-button govuk-button--secondary" \
data-module="govuk-button">Filter</button>
</form>"""
# The body rows of reports/annual_detail.html before they became {% figure_rows %}.
ROWS_LOOP = (
    '{% load portal %}{% for row in rows %}<tr class="govuk-table__row">{% for cell in row %}'
    '<td class="govuk-table__cell">{{ cell|figure }}</td>{% endfor %}</tr>{% endfor %}'
)


# includes/pagination.html before it became {% pagination %}.
PAGINATION_TEMPLATE = """{% if page.has_other_pages %}
<nav class="govuk-pagination" aria-label="Pagination">
  {% if page.has_previous %}
  <div class="govuk-pagination__prev">
    <a class="govuk-link govuk-pagination__link" href="?{% for k, v in request.GET.items %}{% if k != 'page' %}{{ k }}={{ v|urlencode }}&amp;{% endif %}{% endfor %}page={{ page.previous_page_number }}" rel="prev">
      <span class="govuk-pagination__link-title">Previous<span class="govuk-visually-hidden"> page</span></span>
    </a>
  </div>
  {% endif %}
  <p class="govuk-body govuk-!-margin-bottom-0">Page {{ page.number }} of {{ page.paginator.num_pages }}</p>
  {% if page.has_next %}
  <div class="govuk-pagination__next">
    <a class="govuk-link govuk-pagination__link" href="?{% for k, v in request.GET.items %}{% if k != 'page' %}{{ k }}={{ v|urlencode }}&amp;{% endif %}{% endfor %}page={{ page.next_page_number }}" rel="next">
      <span class="govuk-pagination__link-title">Next<span class="govuk-visually-hidden"> page</span></span>
    </a>
  </div>
  {% endif %}
</nav>
{% endif %}
"""


class _Filters(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "All"), ("draft", "Draft & <new>"), ("a\"b'c", "Quoted"), (3, "Three")],
        required=False,
        label="Status <now>",
    )
    year = forms.ChoiceField(choices=[("", "All years"), (2026, "2026/27")], required=False)
    ordering = forms.CharField(widget=forms.HiddenInput, required=False)


class _FilterSet:
    def __init__(self, data):
        self.form = _Filters(data)


def _render(source: str, **context) -> str:
    return Template(source).render(Context(context))


@pytest.mark.parametrize("chosen", [None, "", "draft", "a\"b'c", "3", "unknown"])
def test_the_filter_form_is_what_the_template_wrote(chosen):
    data = {} if chosen is None else {"status": chosen, "year": "2026", "ordering": "<x>"}
    filterset = _FilterSet(data)
    new = _render("{% load portal %}{% filter_form filter %}", filter=filterset)
    assert new == _render(FILTERS_TEMPLATE, filter=filterset)
    assert new.count(" selected") == (chosen in ("", "draft", "a\"b'c", "3")) + bool(data)


@pytest.mark.parametrize("number", [1, 2, 3])
@pytest.mark.parametrize("query", ["", "status=draft&q=a%20%26%20b%3Cc%3E&page=2", "x/y=1"])
def test_pagination_is_what_the_template_wrote(number, query):
    request = RequestFactory().get(f"/list/?{query}")
    page = Paginator(list(range(50)), 20).get_page(number)
    # As includes/pagination.html holds it, with its line's end.
    new = _render("{% load portal %}{% pagination page %}\n", page=page, request=request)
    assert new == _render(PAGINATION_TEMPLATE, page=page, request=request)
    assert _render("{% load portal %}{% pagination page %}", page=Paginator([1], 20).page(1)) == ""


def test_figure_rows_write_what_the_template_loop_wrote():
    rows = [
        ["A & B <unit>", 1234, Decimal("82.50"), Money(Decimal("1610.5"))],
        [None, "", True, False],
        ['it\'s "quoted"', mark_safe("<b>kept</b>"), 0, -3.25],
    ]
    new = _render("{% load portal %}{% figure_rows rows %}", rows=rows)
    assert new == _render(ROWS_LOOP, rows=rows)


def test_header_cells_write_what_the_template_loop_wrote():
    header = ["KPI", "Cost & benefit", "<Trend>"]
    loop = (
        '{% for h in header %}<th scope="col" class="govuk-table__header">{{ h }}</th>{% endfor %}'
    )
    new = _render("{% load portal %}{% header_cells header %}", header=header)
    assert new == _render(loop, header=header)


def test_rag_and_breadcrumbs_escape_their_text():
    page = _render(
        '{% load portal %}{% rag "red" label %}{% breadcrumbs parent url label "" %}',
        label="<Late>",
        parent="A & B",
        url="/a?x=1&y=2",
    )
    assert 'council-rag--red">&lt;Late&gt;</strong>' in page
    assert 'href="/a?x=1&amp;y=2">A &amp; B</a>' in page
    assert '<span aria-current="page">&lt;Late&gt;</span>' in page
