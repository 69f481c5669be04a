"""The register's rows, rendered in one pass.

Each of a page's twenty-five rows shows a dozen values, each looked up, tested and
escaped in turn by the template language: more work than the rest of the page. Here
each row is one piece of markup filled in with values escaped as the template escapes
them (common.markup.escape); the markup is the template's, byte for byte, and the
tag's test holds the two equal."""

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from common.addresses import page_urls
from common.formatting import short_date
from common.markup import escape
from risks import policies, selectors
from risks.choices import Level, Register, RiskCategory, RiskStatus
from risks.models import is_review_overdue
from risks.templatetags.risk_tags import LEVEL, OUTSIDE, WITHIN

register = template.Library()

DEMO = ' <strong class="govuk-tag govuk-tag--grey">Demo</strong>'
CLOSED = ' <strong class="govuk-tag govuk-tag--grey">Closed</strong>'
MISMATCH = ' <strong class="govuk-tag govuk-tag--orange">Scores differ between registers</strong>'
OVERDUE = ' <strong class="govuk-tag govuk-tag--red">Overdue</strong>'
ESCALATED_FROM = '<br><span class="govuk-body-s">from {}</span>'
ESCALATED_TO = '<br><span class="govuk-body-s">escalated to {}</span>'
FLAG = ' <strong class="govuk-tag {}">{}</strong>'
# What get_register_display() and the others say of each value: the choices the fields
# declare, looked up once here rather than made into a dictionary for each row.
REGISTERS = dict(Register.choices)
CATEGORIES = dict(RiskCategory.choices)
LEVELS = dict(Level.choices)
# One row as the template's loop wrote it, with the whitespace its `{% for %}` left
# around each row.
ROW = (
    "\n"
    '    <tr class="govuk-table__row">\n'
    '      <td class="govuk-table__cell"><a class="govuk-link" href="{}">{} {}</a>{}</td>\n'
    '      <td class="govuk-table__cell">{}{}</td>\n'
    '      <td class="govuk-table__cell">{}</td>\n'
    '      <td class="govuk-table__cell">{}</td>\n'
    '      <td class="govuk-table__cell govuk-table__cell--numeric">{}</td>\n'
    '      <td class="govuk-table__cell govuk-table__cell--numeric">{} {}</td>\n'
    '      <td class="govuk-table__cell govuk-table__cell--numeric">{}</td>\n'
    '      <td class="govuk-table__cell">{} control{}{}</td>\n'
    '      <td class="govuk-table__cell">{}</td>\n'
    '      <td class="govuk-table__cell">{}{}</td>\n'
    "    </tr>\n"
    "  "
)


def _row(risk, address, today) -> str:
    tags = (
        (DEMO if risk.is_demo else "")
        + (CLOSED if risk.status == RiskStatus.CLOSED else "")
        + (MISMATCH if risk.score_mismatch else "")
    )
    escalation = ""
    if risk.escalated_from_id:
        escalation += ESCALATED_FROM.format(escape(risk.escalated_from_reference))
    if risk.escalated_to_id:
        escalation += ESCALATED_TO.format(escape(risk.escalated_to_reference))
    flags = "".join(
        FLAG.format(escape(words.tag_class), escape(words.label))
        for words in (policies.FLAG_WORDS[flag] for flag in selectors.flags_of(risk))
    )
    recorded = risk.controls_recorded
    return ROW.format(
        escape(address(risk.pk)),
        escape(risk.reference),
        escape(risk.title),
        tags,
        escape(REGISTERS.get(risk.register, risk.register)),
        escalation,
        escape(CATEGORIES.get(risk.category, risk.category)),
        escape(risk.owner),
        escape(risk.inherent_score),
        escape(risk.residual_score),
        LEVEL.format(
            escape(risk.residual_level),
            escape(LEVELS.get(risk.residual_level, risk.residual_level)),
        ),
        escape(risk.target_score),
        escape(recorded),
        "" if recorded == 1 else "s",
        flags,
        OUTSIDE if risk.outside_appetite else WITHIN,
        short_date(risk.next_review_date),
        OVERDUE if is_review_overdue(risk.status, risk.next_review_date, today) else "",
    )


@register.simple_tag
def register_rows(risks) -> SafeString:
    """The register's rows for `risks` (a page of selectors.register, with the counts
    of their controls), as its table writes them. A risk's address (its
    get_absolute_url) and whether its review is overdue (its review_overdue) are worked
    out with the URLconf and the date read once for the page."""
    address, today = page_urls("risks:risk-detail"), timezone.localdate()
    rows = "".join(_row(risk, address, today) for risk in risks)
    return mark_safe(rows)  # noqa: S308 - escaped in _row
