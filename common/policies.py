"""Who may see the portal's own machinery, and personal access tokens (see
projects/policies.py for how rules are written in this portal)."""

from django.db.models import Q

from .roles import ALL_ROLES, Role, roles_of

# Background task results and the outbox: the people who keep the portal running.
OPERATORS = frozenset({Role.ADMINISTRATOR})

# Personal access tokens (common.tokens): anyone with a role keeps their own, since a
# token sees only what its holder's roles let them see (without one, nothing). An
# administrator may also revoke anyone's (a key leaked, someone left); nobody sees
# another person's key, which is never kept.
TOKEN_HOLDERS = ALL_ROLES
TOKEN_REVOKERS = frozenset({Role.ADMINISTRATOR})


def may_hold_tokens(user) -> bool:
    return bool(roles_of(user) & TOKEN_HOLDERS)


def tokens_revocable(user) -> Q:
    """The tokens this user may revoke, as a filter on AccessToken."""
    if roles_of(user) & TOKEN_REVOKERS:
        return Q()
    return Q(user_id=user.pk)


def token_revoke_refusal(user, token) -> str | None:
    """Why `user` may not revoke `token`, or None: its holder may, and administrators."""
    if token.user_id == user.pk or roles_of(user) & TOKEN_REVOKERS:
        return None
    return "Only the token's holder or an administrator can revoke it."
