"""Server-side access control for views.

Anonymous users are sent to sign in; a signed-in user without one of the view's roles
gets 403. Object scope is enforced by each view's queryset, so an object outside a
user's scope is a 404, never a 403 that confirms it exists.
"""

import logging

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied

from .roles import ALL_ROLES, Role, roles_of

logger = logging.getLogger("ictstrategy.security")


class RoleRequiredMixin(LoginRequiredMixin):
    """Allow a view only to signed-in users holding at least one of `allowed_roles`."""

    allowed_roles: frozenset[Role] = ALL_ROLES

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not roles_of(request.user) & self.allowed_roles:
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
