"""The portal's roles. Each is a Django group of the same name; a user may hold several."""

from django.db import models


class Role(models.TextChoices):
    OFFICER = "Business unit officer"
    MEMBER = "Governance Group member"
    CHAIR = "Governance Group chair"
    HEAD_OF_ICT = "Head of ICT"
    ADMINISTRATOR = "Administrator"


ALL_ROLES = frozenset(Role)
GOVERNANCE_GROUP = frozenset({Role.MEMBER, Role.CHAIR})


def roles_of(user) -> frozenset[Role]:
    """The roles a user holds, read once per user object (so once per request)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(role for role in Role if role.value in names)
        user._portal_roles = cached
    return cached


def has_role(user, *roles: Role) -> bool:
    return bool(roles_of(user) & set(roles))


def ensure_role_groups(**kwargs):
    """Create any missing role group; safe to run any number of times."""
    from django.contrib.auth.models import Group

    for role in Role:
        Group.objects.get_or_create(name=role.value)
