"""A proposal page's longest tables, their rows rendered in one pass.

The self-assessment's thirteen points and each member's scores are rows of four values,
each through the template language's lookups, filters and escapes: here each row is one
piece of markup filled in with values escaped as the template escapes them
(common.markup.escape); the markup is the template's, byte for byte, with the
whitespace its `{% for %}` left around each row."""

from django import template
from django.conf import settings
from django.template.defaultfilters import date, floatformat
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import normalize_newlines
from django.utils.timezone import template_localtime

from common import figures
from common.markup import escape

from ..choices import Outcome, ProposalStatus
from .proposals import status_tag

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


CONFLICT = (
    "\n  \n"
    '    <p class="govuk-body">{} declared a conflict of interest: {}</p>\n'
    "  \n"
)
SCORE_TABLE = (
    "\n  \n"
    '  <div class="council-table-region" role="region" aria-label="Scores from {}" tabindex="0">\n'
    '  <table class="govuk-table council-table--compact">\n'
    '    <caption class="govuk-table__caption govuk-table__caption--s">'
    "{}: {} out of 100</caption>\n"
    '    <thead class="govuk-table__head"><tr class="govuk-table__row">\n'
    '      <th scope="col" class="govuk-table__header">Criterion</th>\n'
    '      <th scope="col" class="govuk-table__header govuk-table__header--numeric">Weight</th>\n'
    '      <th scope="col" class="govuk-table__header govuk-table__header--numeric">'
    "Score (0 to 5)</th>\n"
    '      <th scope="col" class="govuk-table__header">Comment</th>\n'
    "    </tr></thead>\n"
    '    <tbody class="govuk-table__body">\n'
    "    {}\n"
    "    </tbody>\n"
    "  </table>\n"
    "  </div>\n"
    "  \n"
)
NO_SCORES = '\n  <p class="govuk-body">No scores yet.</p>\n'


@register.simple_tag
def assessment_tables(assessments) -> SafeString:
    """Each member's scores (selectors.assessments_for_detail) as a table, or their
    declared conflict, as the proposal page's loop wrote them."""
    parts = []
    for assessment in assessments:
        assessor = escape(assessment.assessor)
        if assessment.conflict_declared:
            parts.append(CONFLICT.format(assessor, escape(assessment.conflict_note)))
        else:
            parts.append(
                SCORE_TABLE.format(
                    assessor,
                    assessor,
                    escape(floatformat(assessment.weighted_score, 1)),
                    score_rows(assessment.score_rows),
                )
            )
    return mark_safe("".join(parts) or NO_SCORES)  # noqa: S308 - every value escaped


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


HEADING = (
    '<span class="govuk-caption-l">{} \u00b7 {}</span>\n'
    '<h1 class="govuk-heading-l">{}</h1>\n'
    '<p class="govuk-body">\n'
    "  \n{}\n\n"
    "  {}\n"
    "  {}\n"
    "  {}\n"
    "</p>\n\n"
)
STAGE_TAG = '<strong class="govuk-tag govuk-tag--blue">{}</strong>'
STATUTORY_TAG = '<strong class="govuk-tag govuk-tag--purple">Statutory or mandatory</strong>'
DPIA_TAG = '<strong class="govuk-tag govuk-tag--yellow">DPIA needed</strong>'
DECISION = (
    "\n  \n"
    '  <div class="govuk-panel govuk-panel--confirmation council-decision">\n'
    "    {}\n"
    "  </div>\n"
    '  <dl class="govuk-summary-list">\n'
    '    <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Reason</dt>'
    '<dd class="govuk-summary-list__value">{}</dd></div>\n'
    "    {}\n"
    "    {}\n"
    '    <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Recorded by'
    '</dt><dd class="govuk-summary-list__value">{}, {}</dd></div>\n'
    "  </dl>\n"
    "  \n"
)
STAGE_APPROVED = (
    '\n    <h2 class="govuk-panel__title">{} approved{}</h2>\n'
    '    <div class="govuk-panel__body">Decided at {}. The unit is now developing the {}.</div>\n'
    "    "
)
DECIDED = (
    '\n    <h2 class="govuk-panel__title">{}</h2>\n'
    '    <div class="govuk-panel__body">Decided at {}</div>\n'
    "    "
)
CONDITIONS = (
    '<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Conditions</dt>'
    '<dd class="govuk-summary-list__value">{}</dd></div>'
)
REVISIT = (
    '<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Revisit on</dt>'
    '<dd class="govuk-summary-list__value">{}</dd></div>'
)
PROJECT_LINK = (
    '\n  <p class="govuk-body"><a class="govuk-link" href="{}">'
    "Go to the project in delivery</a></p>\n"
)


@register.simple_tag
def proposal_heading(proposal, decisions, project) -> SafeString:
    """The proposal page's heading: its reference, unit, title and tags, the latest
    decision (selectors.decisions_for_detail, newest first) and the link to its project
    in delivery, as the page's template wrote them."""
    heading = HEADING.format(
        escape(proposal.reference),
        escape(proposal.business_unit),
        escape(proposal.title),
        status_tag(proposal.status, proposal.get_status_display()),
        STAGE_TAG.format(escape(proposal.get_stage_display())) if proposal.stage else "",
        STATUTORY_TAG if proposal.is_statutory else "",
        DPIA_TAG if proposal.dpia_needed else "",
    )
    link = PROJECT_LINK.format(escape(project.get_absolute_url())) if project else ""
    return mark_safe(  # noqa: S308 - every value escaped
        heading + (_decision_panel(proposal, decisions[0]) if decisions else "") + "\n" + link
    )


def _decision_panel(proposal, decision) -> str:
    meeting = escape(decision.meeting)
    version = getattr(decision, "case_version", None)
    if proposal.status == ProposalStatus.DEVELOPING and version:
        conditional = decision.outcome == Outcome.APPROVED_WITH_CONDITIONS
        title = STAGE_APPROVED.format(
            escape(version.get_stage_display()),
            " with conditions" if conditional else "",
            meeting,
            escape(proposal.get_stage_display()),
        )
    else:
        title = DECIDED.format(escape(decision.get_outcome_display()), meeting)
    return DECISION.format(
        title,
        _lines(decision.rationale),
        CONDITIONS.format(_lines(decision.conditions)) if decision.conditions else "",
        REVISIT.format(escape(date(decision.revisit_date, "j F Y")))
        if decision.revisit_date
        else "",
        escape(decision.decided_by),
        escape(date(template_localtime(decision.decided_at), "j F Y")),
    )
