"""The portal's answers to django-allauth's questions."""

import base64
import hashlib
import time

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from cryptography.fernet import Fernet
from django.conf import settings

from common.security import client_ip

BACKEND = "common.signin.backends.PortalBackend"


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_password_mismatch": (
            "Enter a correct username and password. Both are case-sensitive"
        ),
        "account_inactive": "This account is switched off. Ask an administrator to switch it on",
        "incorrect_password": "Your password is not right. Enter it again",
        "too_many_login_attempts": (
            "Too many wrong codes or passwords for this account. Wait 5 minutes and try again"
        ),
    }

    def is_open_for_signup(self, request):
        # The Administrator opens accounts (governance.accounts); single sign-on opens
        # its own (SocialAccountAdapter). Nobody signs themselves up.
        return False

    def pre_authenticate(self, request, **credentials):
        # Wrong passwords are throttled by the authentication backends, whichever page
        # signs in (settings.AUTHENTICATION_BACKENDS); allauth's own limit is left to
        # second-factor codes (ACCOUNT_RATE_LIMITS).
        self._login_failed_rl_usage = None

    def is_reauthentication_required(self, *, app, **kwargs):
        """allauth asks for the password again before a second factor is set up or
        removed, unless the person has just confirmed it; signing in counts too, so
        that a person sent to set one up straight after signing in is not asked twice."""
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        request = context.request
        records = get_authentication_records(request, request.user)
        timeout = allauth_settings.REAUTHENTICATION_TIMEOUT
        return not records or time.time() - records[-1]["at"] >= timeout

    def get_client_ip(self, request):
        # The same address the security log and the sign-in throttle use.
        return client_ip(request)

    def login(self, request, user):
        if not hasattr(user, "backend"):
            user.backend = BACKEND
        super().login(request, user)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """A person signing in through the council's provider for the first time gets an
    account, unless one already has the e-mail address the provider has verified for
    them (then that account is theirs from now on). Their name comes from the
    provider's claims; their roles and business unit from its group claims, at every
    sign-in (common.signin.sso)."""

    def is_open_for_signup(self, request, sociallogin):
        return True

    def pre_social_login(self, request, sociallogin):
        # Whatever allauth saves of their account as they sign in (joining it to the
        # provider, taking away the password of an account joined by e-mail address),
        # history names them.
        if sociallogin.user is not None and sociallogin.user.pk:
            sociallogin.user._history_user = sociallogin.user

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        # Left blank, allauth makes a username no other account has, from the name and
        # e-mail address; the provider's preferred_username may already be taken here.
        user.username = ""
        return user

    def save_user(self, request, sociallogin, form=None):
        # History names the person as having opened their own account.
        sociallogin.user._history_user = sociallogin.user
        return super().save_user(request, sociallogin, form)


class MFAAdapter(DefaultMFAAdapter):
    """Authenticator app secrets are kept encrypted (allauth keeps them as given), with
    a key derived from DJANGO_SECRET_KEY: a copy of the database alone does not give
    anyone the codes. Changing the secret key means everyone sets up their app again."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": (
            "The code is not right. Enter the code your authenticator app shows now, or "
            "a recovery code you have not used"
        ),
        "rate_limited": "Too many wrong codes. Wait 5 minutes and try again",
        "cannot_delete_authenticator": (
            "Your role needs a second factor. Add a passkey or security key before you "
            "remove the authenticator app"
        ),
    }

    def can_delete_authenticator(self, authenticator):
        """Not the last authenticator app or passkey of someone whose role needs one:
        they would be held to set one up again at once."""
        from .factors import FACTORS, second_factor_required

        user = authenticator.user
        if authenticator.type not in FACTORS or not second_factor_required(user):
            return True
        others = user.authenticator_set.filter(type__in=FACTORS).exclude(pk=authenticator.pk)
        return others.exists()

    def _fernet(self) -> Fernet:
        digest = hashlib.sha256(f"mfa-totp:{settings.SECRET_KEY}".encode()).digest()
        return Fernet(base64.urlsafe_b64encode(digest))

    def encrypt(self, text: str) -> str:
        return self._fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return self._fernet().decrypt(encrypted_text.encode()).decode()
