"""The rows of a table of action-plan items, written in one pass.

A strategy's page shows some fifty items, each in six cells; written by the template
language (a lookup, a filter and an escape per value, an include per RAG tag) they cost
the page more than everything else on it together. Every value written here is escaped
as django.utils.html.escape escapes it, without format_html's wrapping of each value."""

from django import template
from django.utils.safestring import SafeString, mark_safe

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
    return RAG_TAGS.get(rag) or RAG_TAG.format(escape(rag), escape(RAG_LABELS.get(rag, rag)))


RAG_TAGS = {rag: RAG_TAG.format(escape(rag), escape(label)) for rag, label in RAG_LABELS.items()}


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


# The markup of a table of action-plan items (once governance/_action_items_table.html)
# and of each objective (once governance/_theme_plan.html), byte for byte: a test holds
# them equal to what those templates wrote.
ITEMS_TABLE = """

<div class="council-table-region" role="region" aria-label="{caption}" tabindex="0">
<table class="govuk-table council-table--compact">
  <caption class="govuk-table__caption govuk-table__caption--s">{caption}</caption>
  <thead class="govuk-table__head">
    <tr class="govuk-table__row">
      <th scope="col" class="govuk-table__header">Action</th>
      <th scope="col" class="govuk-table__header">Owner</th>
      <th scope="col" class="govuk-table__header">Due</th>
      <th scope="col" class="govuk-table__header">Status</th>
      <th scope="col" class="govuk-table__header">RAG</th>
      <th scope="col" class="govuk-table__header govuk-table__header--numeric">Progress</th>
    </tr>
  </thead>
  <tbody class="govuk-table__body">
  {rows}
  </tbody>
</table>
</div>
"""
OBJECTIVE = (
    "\n"
    '  <div class="council-objective">\n'
    '    <h{level} class="govuk-heading-s">\n'
    '      <a class="govuk-link" href="{url}">Objective {reference}: {title}</a>\n'
    "      {demo}\n"
    "    </h{level}>\n"
    "    \n      {plan}\n    \n"
    "  </div>\n"
)
OBJECTIVE_DEMO_TAG = '<strong class="govuk-tag govuk-tag--grey">Demo</strong>'
# The objective's action plan: its table, or a line saying it has none yet.
PLAN_TABLE = "\n        \n          {table}\n        \n      "
NO_PLAN = '\n        <p class="govuk-body">No action-plan items yet.</p>\n      '


@register.simple_tag
def action_items_table(items, caption: str) -> SafeString:
    """{% action_items_table items caption %}: a table of action-plan items (model
    instances or governance.selectors.ActionItemRow rows alike) under `caption`."""
    rows = "".join([_row(item) for item in items])
    return mark_safe(ITEMS_TABLE.format(caption=escape(caption), rows=rows))  # noqa: S308 - each value escaped


def _objective(objective, level: str) -> str:
    if objective.items:
        caption = f"Action plan for objective {objective.reference}"
        plan = PLAN_TABLE.format(table=action_items_table(objective.items, caption))
    else:
        plan = NO_PLAN
    return OBJECTIVE.format(
        level=level,
        url=escape(objective.get_absolute_url()),
        reference=escape(objective.reference),
        title=escape(objective.title),
        demo=OBJECTIVE_DEMO_TAG if objective.is_demo else "",
        plan=plan,
    )


@register.simple_tag
def objective_plans(objectives, heading_level):
    """{% objective_plans theme.objectives heading_level %}: each objective of a
    governance.selectors.ThemePlan with its action plan, as governance/_theme_plan.html
    showed them one by one, its headings at `heading_level`."""
    level = escape(heading_level)
    return mark_safe("".join([_objective(o, level) for o in objectives]))  # noqa: S308 - each value escaped
