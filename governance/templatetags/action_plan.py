"""The rows of a table of action-plan items, written in one pass.

A strategy's page shows some fifty items, each in six cells; written by the template
language (a lookup, a filter and an escape per value, an include per RAG tag) they cost
the page more than everything else on it together. Every value written here is escaped
as django.utils.html.escape escapes it, without format_html's wrapping of each value."""

from django import template
from django.utils.safestring import mark_safe

from common.formatting import short_date
from common.markup import escape
from governance.choices import RAG, ActionStatus

register = template.Library()

STATUS_LABELS = dict(ActionStatus.choices)
RAG_LABELS = dict(RAG.choices)

# The markup of includes/rag.html (the {% rag %} tag), byte for byte: a test holds the two
# equal for every RAG.
RAG_TAG = '\n<strong class="govuk-tag council-rag council-rag--{}">{}</strong>\n'
DEMO_TAG = ' <strong class="govuk-tag govuk-tag--grey">Demo</strong>'
OVERDUE_TAG = ' <strong class="govuk-tag govuk-tag--red">Overdue</strong>'
ROW = """
    <tr class="govuk-table__row">
      <td class="govuk-table__cell"><a class="govuk-link" href="{}">{} {}</a>{}</td>
      <td class="govuk-table__cell">{}</td>
      <td class="govuk-table__cell">{}{}</td>
      <td class="govuk-table__cell">{}</td>
      <td class="govuk-table__cell">{}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{}%</td>
    </tr>
  """


def rag_tag(rag: str) -> str:
    return RAG_TAG.format(escape(rag), escape(RAG_LABELS.get(rag, rag)))


def _row(item) -> str:
    return ROW.format(
        escape(item.get_absolute_url()),
        escape(item.reference),
        escape(item.title),
        DEMO_TAG if item.is_demo else "",
        escape(str(item.owner)) if item.owner else "No owner",
        short_date(item.due_date) if item.due_date else "No date",
        OVERDUE_TAG if item.is_overdue else "",
        escape(STATUS_LABELS.get(item.status, item.status)),
        rag_tag(item.rag),
        item.progress,
    )


@register.simple_tag
def action_item_rows(items):
    """{% action_item_rows items %}: a <tr> per item, for action-plan items or
    governance.selectors.ActionItemRow rows alike."""
    return mark_safe("".join(_row(item) for item in items))  # noqa: S308 - each value escaped in _row
