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


def _second_factors(*, user, **kwargs):
    from .signin.factors import has_second_factor, second_factor_required

    return {
        "has_second_factor": has_second_factor(user),
        "second_factor_required": second_factor_required(user),
    }


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
            "Where you are signed in",
            "common/account/sessions.html",
            _session_limits,
            roles=None,
            order=90,
        ),
    )
