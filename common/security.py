"""The security log: every sign-in, failed sign-in, lock-out, sign-out and refusal (403),
and every page a signed-in person asked for and was not found (404), and every grant or
removal of a role or a privilege.

Records go to the `ictstrategy.security` logger, one line each, with the user or the
username tried and the client's address; never a password. Operators ship the log with
the rest of the server's output.
"""

import logging

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from simple_history.models import HistoricalRecords

log = logging.getLogger("ictstrategy.security")


def _forwarded_for(request):
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return [part for part in (p.strip() for p in header.split(",")) if part]


def client_ip(request):
    """The client's address. Behind TRUSTED_PROXY_COUNT proxies that each append to
    X-Forwarded-For, it is that many entries from the right; anything further left was
    written by the client and cannot be trusted."""
    if request is None:
        return ""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = _forwarded_for(request)
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def current_request():
    """The request this thread is serving, if any: django-simple-history's
    HistoryRequestMiddleware keeps it, so a change made deep in a model signal can still
    say who made it and from where. None in a shell, a command or a Celery task."""
    return getattr(HistoricalRecords.context, "request", None)


def _name(user) -> str:
    return user.get_username() if user is not None else "(no one signed in)"


def log_role_change(
    *, granted: bool, role: str, person, actor, path: str, request=None, by: str | None = None
):
    """A role given to or taken from an account, by whatever path. `by` names who
    acted where no account did (single sign-on), instead of "no one signed in"."""
    log.info(
        "role %s role=%r user=%s by=%s via=%r ip=%s",
        "granted" if granted else "removed",
        role,
        person.get_username(),
        by or _name(actor),
        path,
        client_ip(request),
    )


def log_privilege_change(*, change: str, holder: str, actor, path: str, request=None):
    """A change to what an account or group may do beyond the portal's roles: superuser
    or staff status, or a model permission. Only superusers (in the Django admin, a
    shell or a command) can make one, so each is worth a warning."""
    log.warning(
        "privilege changed: %s for %s by=%s via=%r ip=%s",
        change,
        holder,
        _name(actor),
        path,
        client_ip(request),
    )


def log_second_factor_change(*, change: str, factor: str, person, actor, request=None):
    """A second factor set up, removed or renewed by its holder, or all of an account's
    reset by an administrator."""
    log.warning(
        "second factor %s factor=%s user=%s by=%s ip=%s",
        change,
        factor,
        person.get_username(),
        _name(actor),
        client_ip(request),
    )


def log_group_claims(*, change: str, person, source: str, request=None, warning=False):
    """A change a single sign-on made to an account from the provider's group claims
    (its business unit), or why it made none it might have (a warning)."""
    (log.warning if warning else log.info)(
        "group claims: %s user=%s via=%r ip=%s",
        change,
        person.get_username(),
        source,
        client_ip(request),
    )


def log_group_mapping(*, change: str, mapping, actor, request=None):
    """A single sign-on group mapping added, changed or removed: what a group gives
    decides who gets which role at sign-in, so each change is worth a warning."""
    log.warning(
        "group mapping %s claim=%r gives=%r by=%s ip=%s",
        change,
        mapping.claim_value,
        mapping.gives,
        _name(actor),
        client_ip(request),
    )


def log_token_change(*, change: str, token, actor, request=None):
    """A personal access token created or revoked: what it is (kind, name and the
    start of its key, which people see to tell tokens apart) and whose; never the key."""
    log.info(
        "access token %s kind=%s name=%r prefix=%s user=%s by=%s ip=%s",
        change,
        token.kind,
        token.name,
        token.prefix,
        token.user.get_username(),
        _name(actor),
        client_ip(request),
    )


def _is_signed_in(request):
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


def _who(request):
    return request.user.get_username() if _is_signed_in(request) else "anonymous"


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    log.info("sign-in succeeded user=%s ip=%s", user.get_username(), client_ip(request))


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in `credentials`; only the username is used.
    log.warning(
        "sign-in failed username=%r ip=%s", credentials.get("username", ""), client_ip(request)
    )


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        log.info("signed out user=%s ip=%s", user.get_username(), client_ip(request))


class RefusalLogMiddleware:
    """Logs every 403, whichever layer refused: a role check, an object outside the
    user's scope, or a missing CSRF token. Logs a signed-in person's 404s too: an object
    outside their scope answers 404, so that it does not even show it exists, and a
    person working through ids they may not see shows only there. (An anonymous 404 is
    a scanner's noise; it names nobody.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            self._log("access refused", request)
        elif response.status_code == 404 and _is_signed_in(request):
            self._log("not found", request)
        return response

    @staticmethod
    def _log(what, request):
        log.warning(
            "%s user=%s ip=%s %s %s",
            what,
            _who(request),
            client_ip(request),
            request.method,
            request.path,
        )


class ProxyHeaderCheckMiddleware:
    """Warns, once per process, when X-Forwarded-For does not match
    TRUSTED_PROXY_COUNT: present with a count of 0 (a proxy the portal was not told
    about, so every client seems to be that proxy and shares its throttle), or with
    fewer entries than the count (fewer proxies than configured, so the address read is
    one the client wrote and could forge)."""

    warned: set[str] = set()  # per process: which mismatches have been reported

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "HTTP_X_FORWARDED_FOR" in request.META:
            self._check(request)
        return self.get_response(request)

    def _check(self, request):
        proxies = settings.TRUSTED_PROXY_COUNT
        entries = len(_forwarded_for(request))
        if proxies == 0:
            problem = "X-Forwarded-For received but DJANGO_TRUSTED_PROXY_COUNT is 0"
        elif entries < proxies:
            problem = (
                f"X-Forwarded-For has {entries} entries, fewer than "
                f"DJANGO_TRUSTED_PROXY_COUNT={proxies}"
            )
        else:
            return
        kind = "unexpected" if proxies == 0 else "short"
        if kind not in self.warned:
            self.warned.add(kind)
            log.warning(
                "proxy misconfigured: %s; client addresses (sign-in throttling, this log) "
                "are read as %s ip=%s",
                problem,
                "the proxy's" if proxies == 0 else "REMOTE_ADDR",
                client_ip(request),
            )
