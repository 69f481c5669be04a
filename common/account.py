"""The "Your account" page's sections: each a slot section (common.slots), so multi-factor
authentication and API tokens can add theirs without touching the page."""

from django.conf import settings
from django.urls import reverse

from . import policies
from .choices import AccessTokenKind
from .forms_tokens import AccessTokenForm
from .slots import Section, Slot, register
from .tokens import tokens_of

# In the session, from the moment a token is made until the account page shows its key
# once: never in a URL, a message or a log.
NEW_KEY_SESSION = "new-token-key"


def _no_context(**kwargs):
    return {}


def _session_limits(**kwargs):
    return {
        "idle_minutes": settings.SESSION_COOKIE_AGE // 60,
        "absolute_hours": f"{settings.SESSION_ABSOLUTE_AGE / 3600:g}",
    }


def _second_factors(*, user, **kwargs):
    from .signin.factors import has_second_factor, second_factor_required

    return {
        "has_second_factor": has_second_factor(user),
        "second_factor_required": second_factor_required(user),
    }


def keep_key_to_show(request, token, raw_key: str) -> None:
    """Keeps a new token's key in the person's session until the account page shows it."""
    request.session[f"{NEW_KEY_SESSION}:{token.kind}"] = {"pk": token.pk, "key": raw_key}


def _take_key_to_show(request, kind: AccessTokenKind, tokens) -> tuple:
    """The token made last and its key, once: taken out of the session as it is read,
    so a reload of the page no longer shows it."""
    if request is None:
        return None, ""
    kept = request.session.pop(f"{NEW_KEY_SESSION}:{kind}", None)
    if not kept:
        return None, ""
    token = next((t for t in tokens if t.pk == kept["pk"]), None)
    return (token, kept["key"]) if token else (None, "")


def _api_tokens(*, user, request=None, **kwargs):
    tokens = tokens_of(user, kind=AccessTokenKind.API)
    new_token, new_key = _take_key_to_show(request, AccessTokenKind.API, tokens)
    return {"tokens": tokens, "new_token": new_token, "new_key": new_key, "form": AccessTokenForm()}


def _calendar_feed(*, user, request=None, **kwargs):
    feeds = tokens_of(user, kind=AccessTokenKind.CALENDAR)
    new_feed, new_key = _take_key_to_show(request, AccessTokenKind.CALENDAR, feeds)
    new_url = settings.PORTAL_BASE_URL + reverse("calendar-feed", args=[new_key]) if new_key else ""
    return {"feed": feeds[0] if feeds else None, "new_feed": new_feed, "new_url": new_url}


def register_account_sections():
    register(
        Slot.ACCOUNT,
        Section("Password", "common/account/password.html", _no_context, roles=None, order=10),
    )
    register(
        Slot.ACCOUNT,
        Section(
            "Second factors",
            "common/account/second_factors.html",
            _second_factors,
            roles=None,
            order=20,
        ),
    )
    register(
        Slot.ACCOUNT,
        Section(
            "API tokens",
            "common/account/api_tokens.html",
            _api_tokens,
            roles=policies.TOKEN_HOLDERS,
            order=30,
        ),
    )
    register(
        Slot.ACCOUNT,
        Section(
            "Calendar feed",
            "common/account/calendar_feed.html",
            _calendar_feed,
            roles=policies.TOKEN_HOLDERS,
            order=40,
        ),
    )
    register(
        Slot.ACCOUNT,
        Section(
            "Where you are signed in",
            "common/account/sessions.html",
            _session_limits,
            roles=None,
            order=90,
        ),
    )
