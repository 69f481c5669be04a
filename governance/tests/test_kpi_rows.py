"""The KPI list's rows, and a KPI's RAG tag and comparator, as written in Python are what
the template language wrote (kpi_list.html's loop and its two partials, kept here as they
were)."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template import Context, Engine

from governance.templatetags.kpi_table import comparator_text, kpi_rows, rag_tag

ENGINE = Engine(
    libraries={"portal": "common.templatetags.portal"},
    loaders=[
        (
            "django.template.loaders.locmem.Loader",
            {
                "governance/_kpi_rag.html": """{% if rag == "Red" %}<strong class="govuk-tag govuk-tag--red">Red</strong>{% elif rag == "Amber" %}<strong class="govuk-tag govuk-tag--yellow">Amber</strong>{% elif rag == "Green" %}<strong class="govuk-tag govuk-tag--green">Green</strong>{% else %}<span class="govuk-body-s">{{ rag }}</span>{% endif %}\n""",
                "governance/_kpi_comparator.html": """{% load portal %}{% if comparator %}{{ comparator.organisation }}, {{ comparator.financial_year|fy }}, {{ comparator.value|measure:kpi.unit }}<br><span class="govuk-body-s">Source: {{ comparator.source }}</span>{% else %}–{% endif %}\n""",  # noqa: RUF001 - the partial's en dash
                "rows.html": """{% load portal %}{% for kpi in kpis %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell"><a class="govuk-link" href="{{ kpi.get_absolute_url }}">{{ kpi.name }}</a>{% if kpi.is_demo %} <strong class="govuk-tag govuk-tag--grey">Demo</strong>{% endif %}<br><span class="govuk-body-s">{{ kpi.get_direction_display }}</span></td>
      <td class="govuk-table__cell">{% if kpi.theme %}Theme {{ kpi.theme.number }}{% endif %}{% if kpi.principle %}{% if kpi.theme %}; {% endif %}{{ kpi.principle.title }}{% endif %}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{% if kpi.latest %}{{ kpi.latest.value|measure:kpi.unit }}<br><span class="govuk-body-s">{{ kpi.latest.period_end|date:"j M Y" }}</span>{% if kpi.latest.status == "awaiting" %}<br><strong class="govuk-tag govuk-tag--grey">Awaiting approval</strong>{% endif %}{% else %}None yet{% endif %}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{% if kpi.target is not None %}{{ kpi.target|measure:kpi.unit }}{% else %}Not set{% endif %}</td>
      <td class="govuk-table__cell"><strong class="govuk-tag {% if kpi.status == 'On target' %}govuk-tag--green{% elif kpi.status == 'Off target' %}govuk-tag--red{% else %}govuk-tag--grey{% endif %}">{{ kpi.status }}</strong></td>
      <td class="govuk-table__cell">{% include "governance/_kpi_rag.html" with rag=kpi.rag %}</td>
      <td class="govuk-table__cell">{{ kpi.trend }}</td>
      <td class="govuk-table__cell">{% include "governance/_kpi_comparator.html" with comparator=kpi.comparator %}</td>
    </tr>
  {% endfor %}""",
            },
        )
    ],
)  # fmt: skip


def _kpi(**fields):
    kpi = {
        "pk": 7,
        "name": "Calls resolved <first> & 'fast'",
        "is_demo": False,
        "direction": "higher",
        "get_direction_display": "Higher is better",
        "theme": SimpleNamespace(number=2),
        "principle": SimpleNamespace(title='Use "open" standards'),
        "unit": "%",
        "latest": SimpleNamespace(
            value=Decimal("78.50"), period_end=datetime.date(2026, 9, 30), status="approved"
        ),
        "target": Decimal("75"),
        "status": "On target",
        "rag": "Green",
        "trend": "Improving",
        "comparator": None,
        **fields,
    }
    return SimpleNamespace(get_absolute_url=lambda: f"/kpis/{kpi['pk']}/", **kpi)


KPIS = [
    _kpi(),
    _kpi(
        is_demo=True,
        direction="lower",
        get_direction_display="Lower is better",
        theme=None,
        unit="£",
        latest=SimpleNamespace(
            value=Decimal("1610"), period_end=datetime.date(2027, 1, 5), status="awaiting"
        ),
        target=None,
        status="No target",
        rag="Amber",
        trend="Not enough data",
        comparator=SimpleNamespace(
            organisation="Oxford & <Cherwell>",
            financial_year=2026,
            value=Decimal("12.5"),
            source="SOCITM 'benchmark'",
        ),
    ),
    _kpi(principle=None, latest=None, status="Off target", rag="Red", unit="days"),
    _kpi(theme=None, principle=None, rag="No boundaries", status="Off target", unit=""),
]


def test_kpi_rows_are_written_as_the_template_wrote_them():
    written = ENGINE.get_template("rows.html").render(Context({"kpis": KPIS}))
    assert kpi_rows(KPIS) == written


@pytest.mark.parametrize("rag", ["Red", "Amber", "Green", "No <boundaries>"])
def test_kpi_rag_tag_is_the_partials(rag):
    partial = ENGINE.get_template("governance/_kpi_rag.html")
    assert rag_tag(rag) == partial.render(Context({"rag": rag}))


@pytest.mark.parametrize("kpi", KPIS)
def test_kpi_comparator_is_the_partials(kpi):
    partial = ENGINE.get_template("governance/_kpi_comparator.html")
    expected = partial.render(Context({"comparator": kpi.comparator, "kpi": kpi}))
    assert comparator_text(kpi.comparator, kpi.unit) == expected
