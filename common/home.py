"""Panels on the home page, registered by each app.

The home page shows each user what is waiting for them, and that spans every app. To
keep dependencies running one way (an app never imports those to its right), apps
register their panels here in their AppConfig.ready(), and the home view asks each.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .roles import Role, roles_of


@dataclass(frozen=True)
class HomePanel:
    title: str
    template: str
    roles: frozenset[Role]
    context: Callable[..., dict]
    order: int = 100


_panels: list[HomePanel] = []


def register_panel(panel: HomePanel) -> None:
    if panel not in _panels:
        _panels.append(panel)
        _panels.sort(key=lambda p: p.order)


def panels_for(user) -> list[dict]:
    """The rendered-ready panels a user sees, each with its own context."""
    roles = roles_of(user)
    return [
        {"title": panel.title, "template": panel.template, **panel.context(user=user)}
        for panel in _panels
        if panel.roles & roles
    ]
