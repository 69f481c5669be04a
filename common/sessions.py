"""Sessions: the idle timeout kept without a write on every request, an absolute
lifetime on top of it, and signing out everywhere.

A session ends after SESSION_COOKIE_AGE (30 minutes) without a request, and, however
busy, SESSION_ABSOLUTE_AGE (10 hours) after its sign-in, so a session taken from a
shared or stolen device does not live for ever. Signing out everywhere raises the
account's session generation (common.models.SessionGenerationMixin); Django checks the
hash it mixes into on every request, so every older session, on any device, ends.

Each request would start the 30 minutes again if Django saved the session on every
request (SESSION_SAVE_EVERY_REQUEST), a write to the database for every page anyone
opens. Instead SessionRenewalMiddleware saves it, and sends its cookie again, at most
once every SESSION_RENEW_AFTER seconds (a minute): a session then ends between 29 and
30 minutes after its last request, and a page that changes nothing in the session
writes nothing.
"""

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.db.models import F
from django.dispatch import receiver
from django.utils import timezone

from .security import client_ip

log = logging.getLogger("ictstrategy.security")

SIGNED_IN_AT = "signed_in_at"  # in the session: when its holder signed in (epoch seconds)
RENEWED_AT = "renewed_at"  # in the session: when it was last saved to run 30 more minutes


class SessionRenewalMiddleware:
    """Starts a session's idle timeout again, by saving it and sending its cookie, if
    SESSION_RENEW_AFTER seconds have passed since it was last renewed. Just after
    SessionMiddleware, which saves a session marked modified on the way out. A request
    with no session, or whose cookie named one that has ended (an empty session), is
    left alone: nothing is saved and no session is started for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # keys() first: it reads the session, which forgets the key of one that ended.
        if session is None or not session.keys() or not session.session_key:
            return response
        now = time.time()
        if now - session.get(RENEWED_AT, 0) >= settings.SESSION_RENEW_AFTER:
            session[RENEWED_AT] = now
        return response


@receiver(user_logged_in)
def _note_sign_in_time(sender, request, user, **kwargs):
    # Signing in saves the session, which starts its 30 minutes: a renewal.
    if getattr(request, "session", None) is not None:
        request.session[SIGNED_IN_AT] = request.session[RENEWED_AT] = time.time()


class AbsoluteSessionAgeMiddleware:
    """Signs out a session SESSION_ABSOLUTE_AGE after its sign-in, with a message on the
    sign-in page. After MessageMiddleware, which it adds the message through."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            signed_in_at = request.session.setdefault(SIGNED_IN_AT, now)
            if now - signed_in_at > settings.SESSION_ABSOLUTE_AGE:
                return self._sign_out(request)
        return self.get_response(request)

    @staticmethod
    def _sign_out(request):
        user = request.user
        log.info(
            "session ended at its absolute age user=%s ip=%s",
            user.get_username(),
            client_ip(request),
        )
        logout(request)
        hours = settings.SESSION_ABSOLUTE_AGE / 3600
        messages.info(
            request,
            f"You have been signed out because you signed in more than {hours:g} hours ago. "
            "Sign in again to carry on.",
        )
        return redirect_to_login(request.get_full_path())


def sign_out_everywhere(*, user, request) -> None:
    """Ends every session of this person, on every device, this one included."""
    with transaction.atomic():
        # session_generation is left out of the account's history: the security log
        # records this instead.
        get_user_model().objects.filter(pk=user.pk).update(
            session_generation=F("session_generation") + 1
        )
    log.info("signed out everywhere user=%s ip=%s", user.get_username(), client_ip(request))
    logout(request)
