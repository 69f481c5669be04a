"""Sections that apps contribute to pages owned by other apps.

Dependencies run one way (common, governance, projects, risks, reports), yet some pages
show things from apps to their right: the home page shows everything waiting for a
user; a Governance Group meeting's agenda holds proposals and risks; a theme's page
lists the proposals that serve it. The owning page names a slot; apps register
sections for it in their AppConfig.ready(); the page asks the slot for its sections.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Count, QuerySet, Window

from .roles import ALL_ROLES, Role, roles_of


class Slot(StrEnum):
    HOME = "home"
    MEETING_AGENDA = "meeting agenda"
    MEETING_MINUTES = "meeting minutes"  # each section's items: governance.minutes.MinutesItem
    THEME = "theme"
    OBJECTIVE = "objective"
    ACCOUNT = "account"  # the "Your account" page: password, sessions, later MFA and API tokens


@dataclass(frozen=True)
class Section:
    title: str
    template: str
    context: Callable[..., dict]  # called with user= and the page's objects
    roles: frozenset[Role] | None = ALL_ROLES  # None: everyone signed in, with a role or not
    order: int = 100


_registry: dict[Slot, list[Section]] = defaultdict(list)


def register(slot: Slot, section: Section) -> None:
    sections = _registry[slot]
    if section not in sections:
        sections.append(section)
        sections.sort(key=lambda s: s.order)


def sections_for(slot: Slot, *, user, **objects) -> list[dict]:
    """The sections of `slot` this user may see, each with its template's context."""
    roles = roles_of(user)
    return [
        {"title": s.title, "template": s.template, **s.context(user=user, **objects)}
        for s in _registry[slot]
        if s.roles is None or s.roles & roles
    ]


def first_and_total(items: QuerySet, limit: int) -> tuple[list, int]:
    """The first `limit` of `items`, and how many there are in all, in one query: each
    row carries the count (COUNT(*) OVER ()), which the database works out before the
    limit, so a panel's "and N more" costs no second query."""
    first = list(items.annotate(listed_total=Window(Count("pk")))[:limit])
    return first, (first[0].listed_total if first else 0)
