"""Second factors: who must use one, and holding them to it on every page.

allauth asks anyone who has a second factor for it when they sign in, whichever way
they sign in. What it cannot know is who *must* have one: the roles named in
MFA_REQUIRED_ROLES (by default the Head of ICT, the chair and the Administrator) and
every superuser, since the Django admin is theirs (MFA_REQUIRED_FOR_SUPERUSERS).
Until such a person has used a second factor in this session,
SecondFactorRequiredMiddleware lets them open only the pages that set one up or ask
for one (and sign out): a person without a factor is sent to set one up, a person
with one to confirm it.

A session counts as having used a second factor when, in it, the person confirmed one
(at sign-in or since), set one up (which takes a code from it), or signed in through
the council's provider while it said it had asked for one (`amr` holding "mfa"), if
the council trusts that (SSO_TRUST_PROVIDER_MFA).
"""

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added, authenticator_used
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from common.roles import Role, roles_of

SESSION_KEY = "second_factor"
FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
# Where a person who still owes a second factor may go: the second-factor pages, sign
# out, and what every page needs.
OPEN_PREFIXES = ("/accounts/2fa/", "/accounts/reauthenticate/", "/static/", "/health/")
OPEN_URL_NAMES = ("logout", "account_logout")


def required_roles() -> frozenset[Role]:
    return frozenset(Role(name) for name in settings.MFA_REQUIRED_ROLES)


def second_factor_required(user) -> bool:
    """Whether this account must use a second factor: a holder of one of
    MFA_REQUIRED_ROLES, or a superuser (MFA_REQUIRED_FOR_SUPERUSERS)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser and settings.MFA_REQUIRED_FOR_SUPERUSERS:
        return True
    return bool(roles_of(user) & required_roles())


def has_second_factor(user) -> bool:
    return is_mfa_enabled(user, FACTORS)


def record_second_factor(request, user, how: str) -> None:
    request.session[SESSION_KEY] = {"user": user.pk, "how": how, "at": int(time.time())}


def used_second_factor(request) -> bool:
    record = request.session.get(SESSION_KEY)
    return isinstance(record, dict) and record.get("user") == request.user.pk


@receiver(authenticator_used)
def _factor_used(sender, request, user, authenticator, **kwargs):
    # At sign-in or since; a recovery code stands in for a lost factor.
    record_second_factor(request, user, authenticator.type)


@receiver(authenticator_added)
def _factor_added(sender, request, user, authenticator, **kwargs):
    # Setting up an authenticator app or a passkey takes a proof from it.
    if authenticator.type in FACTORS:
        record_second_factor(request, user, authenticator.type)


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.open_paths = None

    def __call__(self, request):
        if self._owes_second_factor(request) and not self._is_open(request.path):
            return self._send_on(request)
        return self.get_response(request)

    @staticmethod
    def _owes_second_factor(request) -> bool:
        user = getattr(request, "user", None)
        if user is None or not second_factor_required(user):
            return False
        return not used_second_factor(request)

    def _is_open(self, path: str) -> bool:
        if self.open_paths is None:
            self.open_paths = {reverse(name) for name in OPEN_URL_NAMES}
        return path.startswith(OPEN_PREFIXES) or path in self.open_paths

    @staticmethod
    def _send_on(request):
        where = "mfa_reauthenticate" if has_second_factor(request.user) else "mfa_activate_totp"
        return redirect(f"{reverse(where)}?{urlencode({'next': request.get_full_path()})}")
