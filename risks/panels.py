"""Risks' sections on other apps' pages: home, a meeting's agenda, a theme."""

import datetime

from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from common import dataversion, precompute, slots
from common.addresses import page_urls
from common.formatting import short_date
from common.markup import fill
from common.slots import Section, Slot
from governance.minutes import MinutesItem
from projects.policies import OVERSIGHT

from . import policies, selectors
from .choices import RiskStatus
from .models import RiskAgendaItem, reference_of

LIMIT = 10

# Only the fields the oversight panel shows: a risk row is mostly long text (cause,
# event, consequence, controls) that the panels never read.
RISK_LINE = ("title", "status", "next_review_date", "residual_score")
OWNER_NAME = ("owner__username", "owner__first_name", "owner__last_name")


# The panels' lines, written in one pass rather than a lookup, filter and escape per
# value in the template (common.markup.fill).
OVERDUE_TAG = mark_safe('<strong class="govuk-tag govuk-tag--red">Overdue</strong>')
REVIEW_DUE = '<li><a class="govuk-link" href="{}">{}</a>: review {} {}</li>'
ACTION_OVERDUE = '<li>Action on <a class="govuk-link" href="{}">{}</a>: {} {}</li>'
OUTSIDE_APPETITE = (
    '<li><a class="govuk-link" href="{}">{}</a>: residual {} '
    '<strong class="govuk-tag govuk-tag--red">Outside appetite</strong></li>'
)
REVIEW_OVERDUE = '<li><a class="govuk-link" href="{}">{}</a>: due {}, owner {}</li>'


def _truncated(text: str, length: int) -> str:
    """The truncatechars filter's answer (Truncator.chars), which counts each character
    in Python: plain ASCII text no longer than `length` is already its own answer."""
    if text.isascii() and len(text) <= length:
        return text
    return Truncator(text).chars(length)


def _risk_name(pk: int, title: str) -> str:
    """str(risk), from a row read as values: its reference is its key."""
    return f"{reference_of(pk)} {title}"


def _owned(*, user):
    # From the first of every owner's, worked out ahead (_owned_worked_out), rather than
    # queried for each owner: a line of text needs no model instance.
    risk_url = page_urls("risks:risk-detail")  # the pattern read once for every line
    today = timezone.localdate()
    owned = dataversion.remember(_owned_key(), _owned_worked_out, SHARED_PANEL_CACHE)
    return {
        "risks": [
            fill(
                REVIEW_DUE,
                risk_url(pk),
                _risk_name(pk, title),
                # The selector's risks are open, so a review is overdue once its date has
                # passed (Risk.review_overdue).
                OVERDUE_TAG if review < today else "due",
                short_date(review),
            )
            for pk, title, review in owned["reviews"].get(user.pk, [])
        ],
        "actions": [
            fill(
                ACTION_OVERDUE,
                risk_url(risk_pk),
                reference_of(risk_pk),
                _truncated(description, 80),
                OVERDUE_TAG,
            )
            for risk_pk, description in owned["actions"].get(user.pk, [])
        ],
    }


# Each owner's risks due for review within a week and overdue actions: the same whoever
# asks, and changed only by the data and the date, so worked out after each change
# (common.precompute) for every owner at once rather than queried on each owner's page.
# Not from the register: this panel shows no appetite, so it need not be worked out.
OWNED_PANEL = "home-owned-risk-rows"


def _owned_key() -> str:
    return f"{OWNED_PANEL}:{timezone.localdate()}"


def _owned_worked_out() -> dict[str, dict[int, list[tuple]]]:
    """By owner's key, the first of reviews_due_by(owner, a week from today) as (pk,
    title, next review) and of actions_overdue() they own as (risk's pk, description),
    each in its selector's order."""
    soon = timezone.localdate() + datetime.timedelta(days=7)
    reviews = selectors.reviews_due(soon).values_list("owner_id", "pk", "title", "next_review_date")
    actions = selectors.actions_overdue().values_list("owner_id", "risk_id", "description")
    return {"reviews": _first_by_owner(reviews), "actions": _first_by_owner(actions)}


def _first_by_owner(rows) -> dict[int, list[tuple]]:
    """The first LIMIT of `rows` (owner's key, then the values) of each owner, in the
    rows' order."""
    first: dict[int, list[tuple]] = {}
    for owner, *values in rows:
        listed = first.setdefault(owner, [])
        if len(listed) < LIMIT:
            listed.append(tuple(values))
    return first


# The same for everyone with oversight, and changed only by the data and the date
# (what is overdue): worked out after each change (common.precompute), not on a page.
# Named for its shape (lines of text): a worker of older code may have kept
# model instances under the old name for the same data version.
OVERSIGHT_PANEL = "home-risk-oversight-lines"
SHARED_PANEL_CACHE = 60 * 60  # seconds; only lets figures nobody asks for again drop out


def _oversight_key() -> str:
    return f"{OVERSIGHT_PANEL}:{timezone.localdate()}"


def _oversight(*, user):
    kept = dataversion.remember(_oversight_key(), _oversight_worked_out, SHARED_PANEL_CACHE)
    return {
        "outside": [
            fill(OUTSIDE_APPETITE, risk["url"], risk["name"], risk["residual_score"])
            for risk in kept["outside"]
        ],
        "overdue": [
            fill(REVIEW_OVERDUE, risk["url"], risk["name"], risk["review"], risk["owner"])
            for risk in kept["overdue"]
        ],
    }


def figures_to_precompute() -> list[precompute.Figure]:
    return [
        precompute.Figure(_oversight_key(), _oversight_worked_out, SHARED_PANEL_CACHE),
        precompute.Figure(_owned_key(), _owned_worked_out, SHARED_PANEL_CACHE),
    ]


def _oversight_worked_out():
    """The panel's risks as the text of their lines: what the page reads back is plain
    values, not model instances to rebuild and format on every page (and not markup:
    the page writes the lines)."""
    outside = selectors.register(appetite="outside").select_related(None).only(*RISK_LINE)
    overdue = selectors.reviews_overdue().only(*RISK_LINE, *OWNER_NAME)
    return {
        "outside": [
            {
                "url": risk.get_absolute_url(),
                "name": str(risk),
                "residual_score": str(risk.residual_score),
            }
            for risk in outside[:LIMIT]
        ],
        "overdue": [
            {
                "url": risk.get_absolute_url(),
                "name": str(risk),
                "review": short_date(risk.next_review_date),
                "owner": str(risk.owner),
            }
            for risk in overdue[:LIMIT]
        ],
    }


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
