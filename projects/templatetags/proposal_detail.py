"""A proposal page's longest tables, their rows rendered in one pass.

The self-assessment's thirteen points and each member's scores are rows of four values,
each through the template language's lookups, filters and escapes: here each row is one
piece of markup filled in with values escaped as the template escapes them
(common.markup.escape); the markup is the template's, byte for byte, with the
whitespace its `{% for %}` left around each row."""

from django import template
from django.conf import settings
from django.template.defaultfilters import date
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import normalize_newlines
from django.utils.timezone import template_localtime

from common import figures
from common.markup import escape

register = template.Library()

TCOP_ROW = (
    "\n"
    '    <tr class="govuk-table__row">\n'
    '      <th scope="row" class="govuk-table__header">{}</th>\n'
    '      <td class="govuk-table__cell"><strong class="govuk-tag {}">{}</strong></td>\n'
    '      <td class="govuk-table__cell">{}</td>\n'
    "    </tr>\n"
    "  "
)
SCORE_ROW = (
    "\n"
    '      <tr class="govuk-table__row"><td class="govuk-table__cell">{}{}</td>'
    '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td>'
    '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td>'
    '<td class="govuk-table__cell">{}</td></tr>\n'
    "    "
)
FROM_TCOP = (
    '<br><span class="govuk-body-s">Worked out from the <a class="govuk-link" href="#tcop">'
    "Technology Code of Practice self-assessment</a>, not scored by the member</span>"
)


def _number(value) -> str:
    """`{{ value }}` for a score or weight, escaped: a whole number as Python writes it
    (what localize gives one when thousands are not separated, without its dozens of
    calls), anything else localized."""
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)
    return escape(localize(value))


def _lines(text) -> str:
    """`text|linebreaksbr`: escaped, each line break a <br>."""
    return escape(normalize_newlines(str(text))).replace("\n", "<br>")


@register.simple_tag
def tcop_rows(rows) -> SafeString:
    """The self-assessment's rows (projects.tcop.Row), as projects/_tcop.html's loop
    wrote them."""
    return mark_safe(  # noqa: S308 - every value escaped
        "".join(
            TCOP_ROW.format(
                escape(row.point),
                escape(row.tag_class),
                escape(row.answer_label),
                _lines(row.evidence) or "None given",
            )
            for row in rows
        )
    )


@register.simple_tag
def score_rows(rows) -> SafeString:
    """A member's criterion scores (selectors.assessments_for_detail's `score_rows`), as
    the proposal page's loop wrote them."""
    return mark_safe(  # noqa: S308 - every value escaped
        "".join(
            SCORE_ROW.format(
                escape(row["criterion_name"]),
                FROM_TCOP if row["from_tcop"] else "",
                _number(row["weight"]),
                _number(row["score"]),
                escape(localize(row["comment"])),
            )
            for row in rows
        )
    )


THEME_LINK = (
    '<p class="govuk-body"><a class="govuk-link" href="{}">Theme {}: {}</a><br>{}</p>'
)
OBJECTIVE_LINK = '<a class="govuk-link" href="{}">Objective {}: {}</a><br>'


@register.simple_tag
def theme_links(links) -> SafeString:
    """The strategy themes a proposal serves (ProposalTheme, with its theme), each with
    how, as the strategic case's loop wrote them."""
    lines = [
        THEME_LINK.format(
            escape(link.theme.get_absolute_url()),
            escape(localize(link.theme.number)),
            escape(link.theme.title),
            escape(link.how) if link.how else "How: not given yet",
        )
        for link in links
    ]
    return mark_safe("".join(lines) if lines else "None selected yet")  # noqa: S308 - escaped


@register.simple_tag
def objective_links(objectives) -> SafeString:
    """The objectives a proposal delivers, as the strategic case's loop wrote them."""
    lines = [
        OBJECTIVE_LINK.format(
            escape(objective.get_absolute_url()),
            escape(objective.reference),
            escape(objective.title),
        )
        for objective in objectives
    ]
    return mark_safe("".join(lines) if lines else "None selected")  # noqa: S308 - escaped


EVENT = "\n    <li><strong>{}</strong> by {}, {}{}</li>\n  "
EVENT_COMMENT = '<br><span class="council-quote">{}</span>'


@register.simple_tag
def event_lines(events) -> SafeString:
    """What has happened to a proposal (ProposalEvent, with its actor), as the page's
    timeline loop wrote it."""
    return mark_safe(  # noqa: S308 - every value escaped
        "".join(
            EVENT.format(
                escape(event.get_to_status_display()),
                escape(event.actor),
                escape(date(template_localtime(event.created_at), "j F Y H:i")),
                EVENT_COMMENT.format(_lines(event.comment)) if event.comment else "",
            )
            for event in events
        )
    )


YEAR_ROW = (
    "\n"
    '    <tr class="govuk-table__row"><th scope="row" class="govuk-table__header">{}</th>'
    '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td>'
    '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td>'
    '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td></tr>\n'
    "  "
)


@register.simple_tag
def year_rows(years) -> SafeString:
    """The financial case's years (ProposalYear), each with its costs and savings as
    money, as the page's loop wrote them."""
    return mark_safe(  # noqa: S308 - every value escaped
        "".join(
            YEAR_ROW.format(
                escape(year.label),
                escape(figures.money(year.capital_cost)),
                escape(figures.money(year.revenue_cost)),
                escape(figures.money(year.cashable_savings)),
            )
            for year in years
        )
    )
