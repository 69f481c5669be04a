import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from common.models import OutboundEmail
from common.roles import Role
from governance import services
from governance.choices import ActionStatus
from governance.models import ActionPlanItem
from governance.tests.factories import ActionPlanItemFactory, ObjectiveFactory, UserFactory


@pytest.fixture
def objective(strategy):
    return ObjectiveFactory(theme=strategy.themes.get(number=2))


def test_head_of_ict_adds_objectives_numbered_within_the_theme(strategy, head_of_ict):
    theme = strategy.themes.get(number=3)
    first = services.objective_create(user=head_of_ict, theme=theme, title="First")
    second = services.objective_create(user=head_of_ict, theme=theme, title="Second")
    assert (first.reference, second.reference) == ("3.1", "3.2")
    assert first.history.get().history_user == head_of_ict


@pytest.mark.parametrize("role", [Role.OFFICER, Role.MEMBER, Role.CHAIR, Role.ADMINISTRATOR])
def test_only_the_head_of_ict_changes_the_action_plan(role, objective):
    user = UserFactory(roles=[role])
    with pytest.raises(PermissionDenied):
        services.action_item_create(user=user, objective=objective, fields={"title": "No"})
    with pytest.raises(PermissionDenied):
        services.objective_create(user=user, theme=objective.theme, title="No")
    assert not ActionPlanItem.objects.exists()


def test_action_item_update_records_the_editor_and_old_and_new_values(objective, head_of_ict):
    item = ActionPlanItemFactory(objective=objective, progress=25)
    services.action_item_update(
        user=head_of_ict, item=item, changes={"progress": 60, "rag": "amber"}
    )
    latest, previous = item.history.order_by("-history_date", "-history_id")[:2]
    assert latest.history_user == head_of_ict
    delta = {c.field: (c.old, c.new) for c in latest.diff_against(previous).changes}
    assert delta == {"progress": (25, 60), "rag": ("green", "amber")}


def test_completing_an_item_below_100_percent_is_refused_at_the_progress_field(
    objective, head_of_ict
):
    item = ActionPlanItemFactory(objective=objective, progress=40)
    with pytest.raises(ValidationError) as error:
        services.action_item_update(
            user=head_of_ict, item=item, changes={"status": ActionStatus.COMPLETED}
        )
    assert "progress" in error.value.message_dict
    item.refresh_from_db()
    assert item.status == ActionStatus.IN_PROGRESS


def test_new_owner_is_emailed_after_commit_only(
    objective, head_of_ict, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        item = services.action_item_create(
            user=head_of_ict,
            objective=objective,
            fields={"title": "Publish the service catalogue", "owner": member},
        )
    email = OutboundEmail.objects.get()
    assert email.recipient == member.email
    assert item.reference in email.subject
    assert len(callbacks) == 1  # the send is queued for after commit, not before


def test_changing_other_fields_does_not_email_the_owner_again(objective, head_of_ict, member):
    item = ActionPlanItemFactory(objective=objective, owner=member)
    services.action_item_update(
        user=head_of_ict, item=item, changes={"due_date": datetime.date(2031, 1, 31)}
    )
    assert not OutboundEmail.objects.exists()
    assert mail.outbox == []


def test_unknown_fields_are_refused(objective, head_of_ict):
    item = ActionPlanItemFactory(objective=objective)
    with pytest.raises(ValueError):
        services.action_item_update(user=head_of_ict, item=item, changes={"objective": None})


def test_an_update_that_changes_nothing_writes_no_history(objective, head_of_ict):
    item = ActionPlanItemFactory(
        objective=objective, progress=25, due_date=datetime.date(2027, 1, 5)
    )
    services.action_item_update(user=head_of_ict, item=item, changes={"progress": 30})
    services.action_item_update(
        user=head_of_ict,
        item=item,
        changes={"progress": 30, "due_date": datetime.date(2027, 1, 5), "title": item.title},
    )
    assert [h.progress for h in item.history.all()] == [30, 25]
