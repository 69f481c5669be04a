"""The action plan's rows as the strategy and theme pages write them (in Python, from
rows read with values()) are what the template language wrote from model instances."""

import datetime

import pytest
from django.template import Context, Engine, Template, loader
from django.utils import timezone

from governance import selectors
from governance.choices import RAG, ActionStatus
from governance.models import ActionPlanItem
from governance.templatetags.action_plan import action_item_rows, rag_tag

from .factories import (
    ActionPlanItemFactory,
    BusinessUnitFactory,
    ObjectiveFactory,
    ThemeFactory,
    UserFactory,
)

# The rows as governance/_action_items_table.html wrote them before they were written in
# Python: the reference they must still equal.
TEMPLATE_ROWS = Template(
    """{% load portal %}{% for item in items %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell"><a class="govuk-link" href="{{ item.get_absolute_url }}">{{ item.reference }} {{ item.title }}</a>{% if item.is_demo %} <strong class="govuk-tag govuk-tag--grey">Demo</strong>{% endif %}</td>
      <td class="govuk-table__cell">{{ item.owner|default:"No owner" }}</td>
      <td class="govuk-table__cell">{{ item.due_date|date:"j M Y"|default:"No date" }}{% if item.is_overdue %} <strong class="govuk-tag govuk-tag--red">Overdue</strong>{% endif %}</td>
      <td class="govuk-table__cell">{{ item.get_status_display }}</td>
      <td class="govuk-table__cell">{% rag item.rag item.get_rag_display %}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ item.progress }}%</td>
    </tr>
  {% endfor %}"""
)  # fmt: skip


@pytest.mark.parametrize("rag", RAG.values)
def test_rag_cell_is_the_rag_tags_markup(rag):
    tag = Template("{% load portal %}{% rag rag label %}")
    assert rag_tag(rag) == tag.render(Context({"rag": rag, "label": RAG(rag).label}))


@pytest.mark.django_db
def test_rows_read_as_values_are_written_as_the_template_wrote_the_items():
    today = timezone.localdate()
    theme = ThemeFactory(number=3)
    first, empty, second = (ObjectiveFactory(theme=theme) for _ in range(3))
    unnamed = UserFactory(username="jsmith", first_name="", last_name="")
    ActionPlanItemFactory(objective=first, title="Move <the> \"mail\" & 'files'", is_demo=True)
    ActionPlanItemFactory(objective=first, owner=UserFactory(), due_date=None, rag=RAG.AMBER)
    ActionPlanItemFactory(
        objective=second, owner=unnamed, due_date=today - datetime.timedelta(days=1), rag=RAG.RED
    )
    ActionPlanItemFactory(
        objective=second,
        due_date=today - datetime.timedelta(days=1),
        status=ActionStatus.COMPLETED,
        progress=100,
    )

    (plan,) = selectors.action_plan_of(theme.strategy.themes.all())

    assert [o.reference for o in plan.objectives] == [
        first.reference,
        empty.reference,
        second.reference,
    ]
    assert plan.objectives[1].items == []
    for objective in (first, second):
        items = list(selectors.action_items_with_context().filter(objective=objective))
        rows = next(o.items for o in plan.objectives if o.pk == objective.pk)
        written = TEMPLATE_ROWS.render(Context({"items": items}))
        assert action_item_rows(rows) == written
        assert action_item_rows(items) == written
    assert ActionPlanItem.objects.count() == 4


# The table of action-plan items that pages included (governance/_action_items_table.html)
# before the action_items_table tag wrote it: the reference the tag must still equal.
OLD_ITEMS_TABLE = """{# A table of action-plan items; expects `items` and `caption`. #}
{% load action_plan %}
<div class="council-table-region" role="region" aria-label="{{ caption }}" tabindex="0">
<table class="govuk-table council-table--compact">
  <caption class="govuk-table__caption govuk-table__caption--s">{{ caption }}</caption>
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
  {% action_item_rows items %}
  </tbody>
</table>
</div>
"""  # fmt: skip
OLD_INCLUDE = Engine(
    libraries={"action_plan": "governance.templatetags.action_plan"},
    loaders=[
        (
            "django.template.loaders.locmem.Loader",
            {"governance/_action_items_table.html": OLD_ITEMS_TABLE},
        )
    ],
)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "caption",
    [
        '"Action-plan items"',  # a literal, which the template language marks safe
        '"Open items led by "|add:unit',  # with a name, which it does not
    ],
)
def test_the_table_tag_writes_what_the_included_table_wrote(caption):
    """Each page that included the table now calls the tag with the same arguments:
    items as model instances or rows, none at all, and a caption marked safe or not."""
    owner = UserFactory(first_name="Ann", last_name="O'Neil <Ops>")
    ActionPlanItemFactory(owner=owner, title="Move <the> \"mail\" & 'files'", is_demo=True)
    ActionPlanItemFactory(due_date=None, rag=RAG.AMBER)
    items = list(selectors.action_items_open().order_by("pk"))
    rows, _ = selectors.action_item_rows(selectors.action_items_open().order_by("pk"), 10)
    unit = 'Roads & <Bridges> "North"'
    new = Template(f"{{% load action_plan %}}{{% action_items_table items {caption} %}}")
    old = OLD_INCLUDE.from_string(
        f"{{% with caption={caption} %}}"
        '{% include "governance/_action_items_table.html" %}{% endwith %}'
    )
    for listed in (items, rows, []):
        context = {"items": listed, "unit": unit}
        written = new.render(Context(context))
        assert written == old.render(Context(context))
        assert ("&amp; &lt;Bridges&gt;" in written) == ("unit" in caption)


# The objectives of a theme as governance/_theme_plan.html wrote them one by one before
# they were written in Python (objective_plans), with the table it included.
OLD_THEME_PLAN = Engine(
    libraries={
        "portal": "common.templatetags.portal",
        "action_plan": "governance.templatetags.action_plan",
    },
    loaders=[
        (
            "django.template.loaders.locmem.Loader",
            {
                "governance/_theme_plan.html": """{# A theme's objectives with their action plans; expects `theme` (a governance.selectors.ThemePlan) and `heading_level`. #}
{% load portal %}
{% for objective in theme.objectives %}
  <div class="council-objective">
    <h{{ heading_level }} class="govuk-heading-s">
      <a class="govuk-link" href="{{ objective.get_absolute_url }}">Objective {{ objective.reference }}: {{ objective.title }}</a>
      {% if objective.is_demo %}<strong class="govuk-tag govuk-tag--grey">Demo</strong>{% endif %}
    </h{{ heading_level }}>
    {% with items=objective.items %}
      {% if items %}
        {% with caption="Action plan for objective "|add:objective.reference %}
          {% include "governance/_action_items_table.html" %}
        {% endwith %}
      {% else %}
        <p class="govuk-body">No action-plan items yet.</p>
      {% endif %}
    {% endwith %}
  </div>
{% empty %}
  <p class="govuk-body">This theme has no objectives yet{% may_open "governance:objective-create" as can_own %}{% if can_own %}: <a class="govuk-link" href="{% url 'governance:objective-create' theme.pk %}">add one</a>{% endif %}.</p>
{% endfor %}
""",
                "governance/_action_items_table.html": OLD_ITEMS_TABLE,
            },
        )
    ],
)  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("heading_level", [3, 4])
def test_objectives_written_in_python_are_what_the_template_wrote(heading_level):
    theme = ThemeFactory(number=2)
    first = ObjectiveFactory(theme=theme, title='Share <data> & "records"', is_demo=True)
    ObjectiveFactory(theme=theme)  # no action plan yet
    second = ObjectiveFactory(theme=theme)
    ActionPlanItemFactory(objective=first, title="Move <the> \"mail\" & 'files'", is_demo=True)
    ActionPlanItemFactory(objective=first, owner=UserFactory(), due_date=None, rag=RAG.AMBER)
    ActionPlanItemFactory(objective=second, status=ActionStatus.COMPLETED, progress=100)
    (plan,) = selectors.action_plan_of(theme.strategy.themes.all())
    context = {"theme": plan, "heading_level": heading_level}

    written = loader.get_template("governance/_theme_plan.html").render(context)

    assert "Share &lt;data&gt; &amp; &quot;records&quot;" in written
    assert written == OLD_THEME_PLAN.get_template("governance/_theme_plan.html").render(
        Context(context)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("limit", [2, 10])
def test_a_panels_rows_and_total_are_the_items_and_count_it_read_before(limit):
    """The home page's action-plan panels: their rows read as values (action_item_rows)
    write what the first items read as model instances wrote, with the same total."""
    from common.slots import first_and_total

    today = timezone.localdate()
    owner = UserFactory(first_name="Ann", last_name="O'Neil <Ops>")
    other = UserFactory()
    ActionPlanItemFactory(owner=owner, title="Move <the> \"mail\" & 'files'", is_demo=True)
    ActionPlanItemFactory(owner=owner, due_date=None, rag=RAG.AMBER)
    ActionPlanItemFactory(owner=owner, due_date=today - datetime.timedelta(days=1), rag=RAG.RED)
    ActionPlanItemFactory(
        owner=owner, status=ActionStatus.COMPLETED, progress=100
    )  # closed: not listed
    ActionPlanItemFactory(owner=other)

    items = selectors.action_items_owned_by(owner)
    before, before_total = first_and_total(items, limit)
    rows, total = selectors.action_item_rows(items, limit)

    assert total == before_total == 3
    assert len(rows) == len(before) == min(limit, 3)
    assert action_item_rows(rows) == TEMPLATE_ROWS.render(Context({"items": before}))
    assert selectors.action_item_rows(selectors.action_items_owned_by(UserFactory()), 10) == (
        [],
        0,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("limit", [2, 10])
def test_open_items_by_owner_and_unit_are_what_each_owners_and_units_query_lists(limit):
    """The home page's figure of every open item (open_action_items_by_owner_and_unit)
    holds for each owner and each lead unit the rows and total its own query gave:
    the same items, in the same order, the same first `limit`."""
    today = timezone.localdate()
    owner, other, idle = UserFactory(), UserFactory(first_name="", last_name=""), UserFactory()
    unit, other_unit = BusinessUnitFactory(), BusinessUnitFactory()
    ActionPlanItemFactory(owner=owner, lead_unit=unit, title="Move <the> \"mail\" & 'files'")
    ActionPlanItemFactory(owner=owner, due_date=None, rag=RAG.AMBER, is_demo=True)
    ActionPlanItemFactory(owner=owner, lead_unit=other_unit, due_date=today, rag=RAG.RED)
    ActionPlanItemFactory(owner=owner, due_date=today - datetime.timedelta(days=3))
    ActionPlanItemFactory(owner=other, lead_unit=unit, due_date=today - datetime.timedelta(days=1))
    ActionPlanItemFactory(lead_unit=unit)  # no owner
    ActionPlanItemFactory(
        owner=idle, lead_unit=unit, status=ActionStatus.COMPLETED, progress=100
    )  # closed: not listed

    grouped = selectors.open_action_items_by_owner_and_unit(limit)

    def rows_and_total(found):
        return selectors.action_item_rows_of(found.values), found.total

    for user in (owner, other):
        expected = selectors.action_item_rows(selectors.action_items_owned_by(user), limit)
        assert rows_and_total(grouped["owner"][user.pk]) == expected
    for lead in (unit, other_unit):
        expected = selectors.action_item_rows(selectors.action_items_led_by_unit(lead), limit)
        assert rows_and_total(grouped["unit"][lead.pk]) == expected
    assert grouped["owner"][owner.pk].total == 4
    assert idle.pk not in grouped["owner"]
    assert set(grouped["unit"]) == {unit.pk, other_unit.pk}
