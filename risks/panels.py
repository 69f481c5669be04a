"""Risks' sections on other apps' pages: home, a meeting's agenda, a theme."""

import datetime

from django.utils import timezone

from common import dataversion, precompute, slots
from common.slots import Section, Slot
from governance.minutes import MinutesItem
from projects.policies import OVERSIGHT

from . import policies, selectors
from .choices import RiskStatus
from .models import RiskAgendaItem

LIMIT = 10

# Only the fields the home panels show: a risk row is mostly long text (cause, event,
# consequence, controls) that the panels never read.
RISK_LINE = ("title", "status", "next_review_date", "residual_score")
OWNER_NAME = ("owner__username", "owner__first_name", "owner__last_name")


def _owned(*, user):
    # Not from the register: this panel shows no appetite, so it need not be worked out
    # (the oversight panel is then the only one on the page that does).
    soon = timezone.localdate() + datetime.timedelta(days=7)
    risks = selectors.reviews_due_by(user, soon).only(*RISK_LINE)
    actions = (
        selectors.actions_overdue()
        .filter(owner=user)
        .select_related(None)
        .select_related("risk")
        .only("description", "risk__id")
    )
    return {"risks": list(risks[:LIMIT]), "actions": list(actions[:LIMIT])}


# The same for everyone with oversight, and changed only by the data and the date
# (what is overdue): worked out after each change (common.precompute), not on a page.
OVERSIGHT_PANEL = "home-risk-oversight"
SHARED_PANEL_CACHE = 60 * 60  # seconds; only lets figures nobody asks for again drop out


def _oversight_key() -> str:
    return f"{OVERSIGHT_PANEL}:{timezone.localdate()}"


def _oversight(*, user):
    return dataversion.remember(_oversight_key(), _oversight_worked_out, SHARED_PANEL_CACHE)


def figures_to_precompute() -> list[precompute.Figure]:
    return [precompute.Figure(_oversight_key(), _oversight_worked_out, SHARED_PANEL_CACHE)]


def _oversight_worked_out():
    outside = selectors.register(appetite="outside").select_related(None).only(*RISK_LINE)
    overdue = selectors.reviews_overdue().only(*RISK_LINE, *OWNER_NAME)
    return {"outside": list(outside[:LIMIT]), "overdue": list(overdue[:LIMIT])}


def _agenda(*, user, meeting):
    items = (
        RiskAgendaItem.objects.filter(meeting=meeting)
        .select_related("risk__owner")
        .order_by("added_at", "pk")
    )
    return {"items": list(items)}


def _minutes(*, user, meeting):
    items = [
        MinutesItem(heading=str(item.risk), lines=(f"{item.reason}.",))
        for item in RiskAgendaItem.objects.filter(meeting=meeting)
        .select_related("risk")
        .order_by("added_at", "pk")
    ]
    return {"items": items, "empty": "No risks were on the agenda."}


def _theme(*, user, theme):
    risks = selectors.register(theme=theme.pk, status=RiskStatus.OPEN)
    return {"risks": list(risks[:50])}


def register() -> None:
    slots.register(
        Slot.HOME,
        Section(
            title="Risks you own that are due for review",
            template="risks/panels/owned.html",
            context=_owned,
            roles=policies.REGISTER_READERS,
            order=40,
        ),
    )
    slots.register(
        Slot.HOME,
        Section(
            title="Risks outside appetite and overdue reviews",
            template="risks/panels/oversight.html",
            context=_oversight,
            roles=OVERSIGHT,
            order=8,
        ),
    )
    slots.register(
        Slot.MEETING_AGENDA,
        Section(
            title="Risks outside appetite",
            template="risks/agenda_section.html",
            roles=policies.REGISTER_READERS,
            context=_agenda,
            order=20,
        ),
    )
    slots.register(
        Slot.MEETING_MINUTES,
        Section(
            title="Risks outside appetite",
            template="governance/_minutes_section.html",
            roles=policies.REGISTER_READERS,
            context=_minutes,
            order=20,
        ),
    )
    slots.register(
        Slot.THEME,
        Section(
            title="Open risks threatening this theme",
            template="risks/theme_section.html",
            roles=policies.REGISTER_READERS,
            context=_theme,
            order=20,
        ),
    )
