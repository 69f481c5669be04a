"""The home page's risk panels read their lines as values (or as text the worker worked
out ahead): each line must read as the risk's own page names and links it."""

import datetime

from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from risks.panels import _truncated
from risks.tests.factories import RiskFactory


def test_owned_panel_lines_link_name_and_date_each_risk(risk_owner, client_for, strategy):
    today = timezone.localdate()
    overdue = RiskFactory(
        owner=risk_owner, title="Cooling <fails>", next_review_date=today - datetime.timedelta(2)
    )
    due = RiskFactory(owner=risk_owner, next_review_date=today + datetime.timedelta(days=3))
    home = client_for(risk_owner).get(reverse("home")).content.decode()
    overdue_tag = '<strong class="govuk-tag govuk-tag--red">Overdue</strong>'
    for risk, when in ((overdue, overdue_tag), (due, "due")):
        link = f'<a class="govuk-link" href="{risk.get_absolute_url()}">'
        name = escape(f"{risk.reference} {risk.title}")
        review = date_filter(risk.next_review_date, "j M Y")
        assert f"{link}{name}</a>: review {when} {review}</li>" in home


def test_action_descriptions_are_cut_as_the_truncatechars_filter_cuts_them():
    for text in ("Short", "x" * 80, "x" * 81, "Café " * 20, "e\u0301" * 85, ""):
        assert _truncated(text, 80) == truncatechars(text, 80)


def test_owned_panel_figure_holds_what_each_owners_own_queries_list(risk_owner, strategy):
    """The "risks you own" panel reads every owner's first risks and actions from one
    figure worked out ahead: for each owner, what reviews_due_by and actions_overdue
    narrowed to them list, in their order, the first LIMIT of them."""
    from governance.choices import ActionStatus
    from governance.tests.factories import UserFactory
    from risks import selectors
    from risks.choices import RiskStatus
    from risks.models import RiskAction
    from risks.panels import LIMIT, _owned, _owned_worked_out

    today = timezone.localdate()
    other, idle = UserFactory(), UserFactory()
    for days in range(-3, LIMIT):  # more than a panel shows, some overdue
        RiskFactory(owner=risk_owner, next_review_date=today + datetime.timedelta(days=days))
    RiskFactory(owner=other, title="Cooling <fails>", next_review_date=today)
    RiskFactory(owner=other, next_review_date=today + datetime.timedelta(days=8))  # not due
    RiskFactory(owner=idle, next_review_date=today, status=RiskStatus.CLOSED, closed_reason="Gone")
    risk = RiskFactory(owner=other, next_review_date=today + datetime.timedelta(days=30))
    for days, owner, status in (
        (-1, risk_owner, ActionStatus.IN_PROGRESS),
        (-9, risk_owner, ActionStatus.NOT_STARTED),
        (-2, other, ActionStatus.ON_HOLD),
        (-2, idle, ActionStatus.COMPLETED),  # closed: not overdue
        (0, other, ActionStatus.IN_PROGRESS),  # due today: not overdue
    ):
        RiskAction.objects.create(
            risk=risk, description=f"Act <{days}> & 'see'", owner=owner, status=status,
            due_date=today + datetime.timedelta(days=days),
        )  # fmt: skip

    figure = _owned_worked_out()

    soon = today + datetime.timedelta(days=7)
    for user in (risk_owner, other, idle):
        reviews = selectors.reviews_due_by(user, soon).values_list(
            "pk", "title", "next_review_date"
        )
        actions = selectors.actions_overdue().filter(owner=user)
        assert figure["reviews"].get(user.pk, []) == list(reviews[:LIMIT])
        assert figure["actions"].get(user.pk, []) == list(
            actions.values_list("risk_id", "description")[:LIMIT]
        )
    assert len(figure["reviews"][risk_owner.pk]) == LIMIT
    assert idle.pk not in figure["reviews"] and idle.pk not in figure["actions"]
    assert _owned(user=idle) == {"risks": [], "actions": []}
