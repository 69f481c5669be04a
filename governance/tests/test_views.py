import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from governance.choices import ActionStatus
from governance.models import ActionPlanItem, Objective
from governance.tests.factories import ActionPlanItemFactory, ObjectiveFactory


@pytest.fixture
def item(strategy, officer):
    return ActionPlanItemFactory(
        objective=ObjectiveFactory(theme=strategy.themes.get(number=1)),
        title="Publish the service catalogue",
        progress=10,
    )


def _edit_data(**overrides):
    data = {
        "title": "Publish the service catalogue",
        "description": "",
        "owner": "",
        "lead_unit": "",
        "due_date_0": "31",
        "due_date_1": "3",
        "due_date_2": "2031",
        "status": "in_progress",
        "rag": "amber",
        "progress": "45",
    }
    return {**data, **overrides}


def test_editing_an_action_item_in_the_portal_leaves_history_with_the_editors_name(
    item, head_of_ict, client_for
):
    client = client_for(head_of_ict)
    response = client.post(reverse("governance:action-item-update", args=[item.pk]), _edit_data())
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.progress == 45

    history = client.get(reverse("governance:action-item-history", args=[item.pk]))
    page = history.content.decode()
    assert "Changed by Hannah Ives" in page
    assert "Progress (%)" in page and "10" in page and "45" in page
    assert "Amber" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "Enter the action"),
        ({"progress": "101"}, "progress", "Progress must be 100 or less"),
        ({"progress": "-1"}, "progress", "Progress must be 0 or more"),
        ({"progress": "lots"}, "progress", "Progress must be a whole number"),
        ({"due_date_0": "31", "due_date_1": "2"}, "due_date", "Due date must be a real date"),
        ({"due_date_2": str(10**40)}, "due_date", "Due date must be a real date"),
        ({"due_date_1": "March"}, "due_date", "Due date must be a real date"),
        ({"due_date_1": ""}, "due_date", "Due date must include a month"),
        ({"status": "finished"}, "status", "Select the status from the list"),
        ({"status": "completed", "progress": "80"}, "progress", "completed item must be at 100%"),
        ({"title": "x" * 301}, "title", "Action must be 300 characters or fewer"),
    ],
)
def test_bad_input_is_reported_at_the_field_and_nothing_is_saved(
    item, head_of_ict, client_for, overrides, field, message
):
    before = list(item.history.all())
    response = client_for(head_of_ict).post(
        reverse("governance:action-item-update", args=[item.pk]), _edit_data(**overrides)
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    page = response.content.decode()
    assert "There is a problem" in page  # the error summary
    assert f'href="#id_{field}' in page
    assert response.context["form"].errors
    item.refresh_from_db()
    assert item.progress == 10
    assert list(item.history.all()) == before


def test_head_of_ict_adds_an_action_item_to_an_objective(item, head_of_ict, client_for):
    response = client_for(head_of_ict).post(
        reverse("governance:action-item-create", args=[item.objective.pk]),
        _edit_data(title="Train the service desk"),
    )
    created = ActionPlanItem.objects.get(title="Train the service desk")
    assert response["Location"] == created.get_absolute_url()
    assert created.reference == "1.1.2"


def test_head_of_ict_adds_and_edits_an_objective(strategy, head_of_ict, client_for):
    client = client_for(head_of_ict)
    theme = strategy.themes.get(number=4)
    client.post(reverse("governance:objective-create", args=[theme.pk]), {"title": "Cloud first"})
    objective = Objective.objects.get(title="Cloud first")
    client.post(
        reverse("governance:objective-update", args=[objective.pk]),
        {"title": "Cloud first for new systems"},
    )
    objective.refresh_from_db()
    assert objective.title == "Cloud first for new systems"
    assert objective.history.count() == 2


def test_home_page_shows_each_role_what_is_waiting(
    strategy, officer, head_of_ict, administrator, no_role_user, client_for
):
    overdue = ActionPlanItemFactory(
        objective=ObjectiveFactory(theme=strategy.themes.get(number=2)),
        title="Take payments online",
        owner=officer,
        lead_unit=officer.business_unit,
        due_date=timezone.localdate() - datetime.timedelta(days=3),
    )

    officer_home = client_for(officer).get(reverse("home")).content.decode()
    assert "Action-plan items you own" in officer_home
    assert "Your business unit&#x27;s action-plan items" in officer_home
    assert overdue.title in officer_home and "Overdue" in officer_home

    head_home = client_for(head_of_ict).get(reverse("home")).content.decode()
    assert "Gaps and overdue work in the strategy" in head_home
    assert "Theme 1</a> has no objectives" in head_home
    assert f"Action {overdue.reference}</a> has no owner" not in head_home
    assert overdue.title in head_home
    assert "Overdue action-plan items</caption>" in head_home

    admin_home = client_for(administrator).get(reverse("home")).content.decode()
    assert "Accounts needing attention" in admin_home
    assert f"({no_role_user.username})</a> has no role" in admin_home
    assert no_role_user.get_absolute_url() in admin_home

    nobody = client_for(no_role_user).get(reverse("home")).content.decode()
    assert "does not have a role in the portal yet" in nobody


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_strategy_page_query_count_does_not_grow_with_the_action_plan(
    strategy, head_of_ict, client_for
):
    client = client_for(head_of_ict)
    url = reverse("governance:strategy-detail", args=[strategy.pk])
    ActionPlanItemFactory(objective=ObjectiveFactory(theme=strategy.themes.get(number=1)))
    small = _queries(client, url)
    for theme in strategy.themes.all():
        for _ in range(3):
            ActionPlanItemFactory.create_batch(4, objective=ObjectiveFactory(theme=theme))
    assert _queries(client, url) == small


def test_home_page_query_count_does_not_grow_with_the_action_plan(
    strategy, head_of_ict, client_for
):
    client = client_for(head_of_ict)
    objective = ObjectiveFactory(theme=strategy.themes.get(number=1))
    ActionPlanItemFactory(objective=objective, owner=head_of_ict)
    small = _queries(client, reverse("home"))
    ActionPlanItemFactory.create_batch(
        15,
        objective=objective,
        owner=head_of_ict,
        due_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    ActionPlanItemFactory.create_batch(5, objective=objective, status=ActionStatus.NOT_STARTED)
    assert _queries(client, reverse("home")) == small


def test_edit_form_shows_the_due_date_in_day_month_and_year_boxes(item, head_of_ict, client_for):
    item.due_date = datetime.date(2031, 3, 7)
    item.save()
    page = (
        client_for(head_of_ict)
        .get(reverse("governance:action-item-update", args=[item.pk]))
        .content.decode()
    )
    for name, value in [("due_date_0", "7"), ("due_date_1", "3"), ("due_date_2", "2031")]:
        assert f'name="{name}"' in page
        assert f'value="{value}"' in page
