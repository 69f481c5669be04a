"""Who may see the portal's own machinery (see projects/policies.py for how rules are
written in this portal)."""

from .roles import Role

# Background task results and the outbox: the people who keep the portal running.
OPERATORS = frozenset({Role.ADMINISTRATOR})
