"""The "Your account" page's sections: each a slot section (common.slots), so multi-factor
authentication and API tokens can add theirs without touching the page."""

from django.conf import settings

from .slots import Section, Slot, register


def _no_context(**kwargs):
    return {}


def _session_limits(**kwargs):
    return {
        "idle_minutes": settings.SESSION_COOKIE_AGE // 60,
        "absolute_hours": f"{settings.SESSION_ABSOLUTE_AGE / 3600:g}",
    }


def register_account_sections():
    register(
        Slot.ACCOUNT,
        Section("Password", "common/account/password.html", _no_context, roles=None, order=10),
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
