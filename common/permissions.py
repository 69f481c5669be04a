"""Server-side access control for views.

Anonymous users are sent to sign in; a signed-in user without one of the view's roles
gets 403. Object scope is enforced by each view's queryset, so an object outside a
user's scope is a 404, never a 403 that confirms it exists.
"""

import functools
import logging

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.urls import NoReverseMatch, URLResolver, get_resolver

from .roles import ALL_ROLES, Role, roles_of

logger = logging.getLogger("ictstrategy.security")


class RoleRequiredMixin(LoginRequiredMixin):
    """Allow a view only to signed-in users holding at least one of `allowed_roles`."""

    allowed_roles: frozenset[Role] = ALL_ROLES

    @classmethod
    def allows(cls, user) -> bool:
        """The page's role rule: what dispatch enforces and links ask (may_open)."""
        return bool(roles_of(user) & cls.allowed_roles)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.allows(request.user):
            logger.warning(
                "403 for user %s on %s %s", request.user.pk, request.method, request.path
            )
            raise PermissionDenied("Your role does not give you access to this page.")
        self.load_objects()
        return super().dispatch(request, *args, **kwargs)

    def load_objects(self) -> None:
        """Fetch the objects the view works on (from self.kwargs), once access by role
        is settled, so a wrong role gets 403 whether or not the object exists."""


def require_role(user, *roles: Role) -> None:
    """For services: refuse the action unless the user holds one of the roles."""
    if not roles_of(user) & set(roles):
        raise PermissionDenied("Your role does not allow this action.")


def may_open(user, url_name: str) -> bool:
    """Whether the user's roles let them open the page named `url_name`: the answer
    of the view's own rule, so a link or button shows exactly when its page would
    open. Object scope is the caller's: it lists only objects the user may see."""
    if not user.is_authenticated:
        return False
    allows = getattr(_view_class(url_name), "allows", None)
    return allows(user) if allows else True


@functools.cache
def _view_class(url_name: str):
    *namespaces, name = url_name.split(":")
    resolver = get_resolver()
    for namespace in namespaces:
        resolver = resolver.namespace_dict[namespace][1]
    callback = _callback(resolver, name)
    if callback is None:
        raise NoReverseMatch(f"No page is named {url_name!r}.")
    return getattr(callback, "view_class", None)


def _callback(resolver, name):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace is None and (found := _callback(pattern, name)):
                return found
        elif pattern.name == name:
            return pattern.callback
    return None
