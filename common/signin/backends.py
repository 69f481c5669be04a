"""Local passwords, and who may still use one once single sign-on is on."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend


def local_password_allowed(username: str) -> bool:
    """Every account may sign in with a password unless the council has switched local
    passwords off (LOCAL_PASSWORDS); then only its break-glass accounts may, for when
    the provider is down."""
    return settings.LOCAL_PASSWORDS or username in settings.BREAK_GLASS_USERNAMES


class PortalBackend(ModelBackend):
    """Django's password check, refused for an account that must use single sign-on.
    It also loads the signed-in person on each request, however they signed in."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is not None and not local_password_allowed(username):
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
