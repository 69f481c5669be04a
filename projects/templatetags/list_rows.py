"""The proposals and projects lists' rows, rendered in one pass.

Each of a page's 25 rows shows half a dozen values, each looked up, filtered and
escaped by the template language: together they cost more than the rest of the page.
Here each row is one piece of markup filled in with values escaped as the template
escapes them (common.markup.escape); the markup is the templates', byte for byte, and
the tests hold the two equal."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from common.addresses import page_urls
from common.figures import money
from common.formatting import short_date
from common.markup import ESCAPES, escape

from ..models import Project, Proposal, reference_of

register = template.Library()

TENTH = Decimal("0.1")
STATUTORY = ' <strong class="govuk-tag govuk-tag--purple">Statutory</strong>'
OVERDUE = ' <strong class="govuk-tag govuk-tag--red">Update overdue</strong>'
# One row as the template's loop wrote it, with the whitespace its `{% for %}` left
# around each row; the status cell keeps the line breaks its include gave.
PROPOSAL_ROW = (
    "\n"
    '    <tr class="govuk-table__row">\n'
    '      <td class="govuk-table__cell"><a class="govuk-link" href="{}">{} {}</a>{}</td>\n'
    '      <td class="govuk-table__cell">{}</td>\n'
    '      <td class="govuk-table__cell">\n'
    '<strong class="govuk-tag council-status council-status--{}">{}</strong>\n'
    "</td>\n"
    '      <td class="govuk-table__cell">{}</td>\n'
    '      <td class="govuk-table__cell govuk-table__cell--numeric">{}</td>\n'
    '      <td class="govuk-table__cell govuk-table__cell--numeric">{}</td>\n'
    '      <td class="govuk-table__cell">{}</td>\n'
    "    </tr>\n"
    "  "
)
PROJECT_ROW = (
    "\n"
    '    <tr class="govuk-table__row">\n'
    '      <td class="govuk-table__cell"><a class="govuk-link" href="{}">{}</a></td>\n'
    '      <td class="govuk-table__cell">{}</td>\n'
    '      <td class="govuk-table__cell">{}</td>\n'
    '      <td class="govuk-table__cell">{}</td>\n'
    '      <td class="govuk-table__cell">{}{}</td>\n'
    "    </tr>\n"
    "  "
)


def _labels(model, field_name: str) -> dict:
    """A choice field's labels by value, as get_FOO_display reads them."""
    return dict(model._meta.get_field(field_name).flatchoices)


class _Display:
    """get_FOO_display() of a field without its per-call set-up: the label of a value,
    the value itself where it has none, None for None."""

    def __init__(self, model, field_name: str):
        self.model, self.field_name = model, field_name

    def __call__(self, value):
        labels = self.__dict__.get("labels")
        if labels is None:  # read once, when first asked (the models are loaded by then)
            labels = self.__dict__["labels"] = _labels(self.model, self.field_name)
        label = labels.get(value, value)
        return label if label is None else str(label)


_proposal_status = _Display(Proposal, "status")
_proposal_stage = _Display(Proposal, "stage")
_project_status = _Display(Project, "status")


def _score(score) -> str:
    """The score as `floatformat:1` shows it (the same rounding, half up), or why none."""
    if score is None:
        return "Not scored"
    return str(Decimal(score).quantize(TENTH, rounding=ROUND_HALF_UP))


def _proposal_row(row: dict, url, zone) -> str:
    # The row's text is plain str read from the database, and the labels str() of
    # theirs (never markup already safe), so escape(value) is value.translate(ESCAPES).
    return PROPOSAL_ROW.format(
        escape(url(row["pk"])),  # the proposal's get_absolute_url()
        reference_of(row["pk"]).translate(ESCAPES),
        row["title"].translate(ESCAPES),
        STATUTORY if row["is_statutory"] else "",
        row["business_unit__name"].translate(ESCAPES),  # str() of the business unit
        row["status"].translate(ESCAPES),
        _proposal_status(row["status"]).translate(ESCAPES),
        (_proposal_stage(row["stage"]) or "None").translate(ESCAPES),
        money(row["total_cost"]),  # digits, commas, "£", "." and "-": none to escape
        _score(row["score"]),
        short_date(timezone.localtime(row["updated_at"], zone) if row["updated_at"] else None),
    )


def _project_row(project, url) -> str:
    return PROJECT_ROW.format(
        escape(url(project.pk)),  # project.get_absolute_url()
        escape(project),
        escape(project.proposal.business_unit),
        escape(project.project_manager),
        escape(_project_status(project.status)),
        short_date(project.last_update_on) or "None yet",
        OVERDUE if project.update_overdue else "",
    )


@register.simple_tag
def proposal_rows(proposals) -> SafeString:
    """The rows of one page of the proposals list, read as values
    (selectors.proposal_list_rows)."""
    url, zone = page_urls("projects:proposal-detail"), timezone.get_current_timezone()
    # Safe: the markup is fixed and every value in it escaped above.
    return mark_safe("".join(_proposal_row(p, url, zone) for p in proposals))  # noqa: S308


@register.simple_tag
def project_rows(projects) -> SafeString:
    """The rows of one page of the projects list (selectors.projects_listed)."""
    url = page_urls("projects:project-detail")
    # Safe: the markup is fixed and every value in it escaped above.
    return mark_safe("".join(_project_row(p, url) for p in projects))  # noqa: S308
