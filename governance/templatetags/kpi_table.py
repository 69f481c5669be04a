"""The rows of the KPI list, and a KPI's RAG tag and comparator, written in one pass.

The KPI list shows each KPI in eight cells; written by the template language (a lookup,
a filter and an escape per value, two includes per row) they cost the page more than
everything else on it together. Values are escaped as django.utils.html.escape escapes
them (governance.templatetags.action_plan.escape)."""

from django import template
from django.utils.safestring import mark_safe

from common.addresses import page_urls
from common.figures import measure
from common.formatting import short_date
from common.fy import financial_year_label
from common.markup import escape
from governance.choices import Direction, KPIValueStatus
from governance.kpis import OFF_TARGET, ON_TARGET

register = template.Library()

DIRECTION_LABELS = dict(Direction.choices)
RAG_TAGS = {
    "Red": '<strong class="govuk-tag govuk-tag--red">Red</strong>',
    "Amber": '<strong class="govuk-tag govuk-tag--yellow">Amber</strong>',
    "Green": '<strong class="govuk-tag govuk-tag--green">Green</strong>',
}
STATUS_COLOURS = {ON_TARGET: "govuk-tag--green", OFF_TARGET: "govuk-tag--red"}
DEMO_TAG = ' <strong class="govuk-tag govuk-tag--grey">Demo</strong>'
AWAITING_TAG = '<br><strong class="govuk-tag govuk-tag--grey">Awaiting approval</strong>'
ROW = (
    "\n"
    '    <tr class="govuk-table__row">\n'
    '      <td class="govuk-table__cell"><a class="govuk-link" href="{url}">{name}</a>{demo}'
    '<br><span class="govuk-body-s">{direction}</span></td>\n'
    '      <td class="govuk-table__cell">{measures}</td>\n'
    '      <td class="govuk-table__cell govuk-table__cell--numeric">{latest}</td>\n'
    '      <td class="govuk-table__cell govuk-table__cell--numeric">{target}</td>\n'
    '      <td class="govuk-table__cell">'
    '<strong class="govuk-tag {status_colour}">{status}</strong></td>\n'
    '      <td class="govuk-table__cell">{rag}</td>\n'
    '      <td class="govuk-table__cell">{trend}</td>\n'
    '      <td class="govuk-table__cell">{comparator}</td>\n'
    "    </tr>\n"
    "  "
)


def rag_tag(rag: str) -> str:
    """A KPI's RAG as a tag; a word other than the three (no value, no boundaries) as text."""
    tag = RAG_TAGS.get(rag) or f'<span class="govuk-body-s">{escape(str(rag))}</span>'
    return tag + "\n"


def comparator_text(comparator, unit: str) -> str:
    """How the KPI's value compares with another organisation's, and where that says so."""
    if not comparator:
        return "\N{EN DASH}\n"
    return (
        f"{escape(comparator.organisation)}, {financial_year_label(comparator.financial_year)}, "
        f"{escape(measure(comparator.value, unit))}<br>"
        f'<span class="govuk-body-s">Source: {escape(comparator.source)}</span>\n'
    )


def _measures(kpi) -> str:
    theme = f"Theme {kpi.theme.number}" if kpi.theme else ""
    if not kpi.principle:
        return theme
    return f"{theme}{'; ' if kpi.theme else ''}{escape(kpi.principle.title)}"


def _latest(kpi) -> str:
    latest = kpi.latest
    if not latest:
        return "None yet"
    awaiting = AWAITING_TAG if latest.status == KPIValueStatus.AWAITING_APPROVAL else ""
    value = escape(measure(latest.value, kpi.unit))
    return f'{value}<br><span class="govuk-body-s">{short_date(latest.period_end)}</span>{awaiting}'


def _row(kpi, url_of) -> str:
    return ROW.format(
        url=escape(url_of(kpi.pk)),
        name=escape(kpi.name),
        demo=DEMO_TAG if kpi.is_demo else "",
        direction=escape(DIRECTION_LABELS.get(kpi.direction, kpi.direction)),
        measures=_measures(kpi),
        latest=_latest(kpi),
        target=escape(measure(kpi.target, kpi.unit)) if kpi.target is not None else "Not set",
        status_colour=STATUS_COLOURS.get(kpi.status, "govuk-tag--grey"),
        status=escape(kpi.status),
        rag=rag_tag(kpi.rag),
        trend=escape(kpi.trend),
        comparator=comparator_text(kpi.comparator, kpi.unit),
    )


@register.simple_tag
def kpi_rows(kpis):
    """{% kpi_rows kpis %}: a <tr> per KPI of governance.selectors.kpis_with_latest."""
    url_of = page_urls("governance:kpi-detail")  # KPI.get_absolute_url, read once
    return mark_safe("".join([_row(kpi, url_of) for kpi in kpis]))  # noqa: S308 - each value escaped in _row


@register.simple_tag
def kpi_rag(rag):
    """{% kpi_rag row.rag %}"""
    return mark_safe(rag_tag(rag))  # noqa: S308 - escaped in rag_tag


@register.simple_tag
def kpi_comparator(comparator, unit):
    """{% kpi_comparator comparator kpi.unit %}"""
    return mark_safe(comparator_text(comparator, unit))  # noqa: S308 - escaped in comparator_text
