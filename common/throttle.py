"""Sign-in throttling: every limit on failed sign-ins, in this one module.

Failures are counted four ways, each with its own limit and window (settings
SIGN_IN_THROTTLE, from the environment):

- one username from one address (5 in 15 minutes): someone guessing one person's
  password. Other addresses are not affected, so nobody can lock a colleague out from
  elsewhere; a successful sign-in clears this count.
- one address (20 in 15 minutes), whatever the usernames: one machine guessing many.
- one username from every address (30 in an hour): many machines guessing one person's
  password, each staying under the first limit.
- one password across usernames (10 usernames in an hour): password spraying, the same
  likely password tried on account after account. Only an HMAC of the password, keyed
  with SECRET_KEY, is kept, and only for the hour.

While any limit is reached, every sign-in it covers is refused with a 429 page that
says why and when to try again, even with the right password, and the security log
says so. A refused attempt is not counted again, so the pause ends on time.

Why here, and why in PostgreSQL:

- At the authentication layer, not in a sign-in view. `ThrottleBackend` is the first
  authentication backend, so `django.contrib.auth.authenticate()` asks it before any
  password is checked, whichever view calls it (Django's sign-in form, the admin's,
  django-allauth's); failures are counted from the `user_login_failed` signal, which
  every caller of `authenticate()` sends. `SignInThrottleMiddleware` turns a refused
  attempt into the 429 page.
- One mechanism for every count, replacing django-axes: axes has one failure limit
  and one cool-off for all its combinations, so it cannot hold 5 per username in 15
  minutes beside 20 per address and 10 usernames per password in an hour, and has no
  notion of a password tried across accounts.
- Counts live in the database every web node already shares (`SignInFailure`), not in
  the cache: a cache is an optimisation here, never a source of truth (QUALITY.md), and
  a throttle held in Redis would either stop every sign-in or stop throttling whenever
  Redis is down or flushed. Sign-in needs the database anyway. The cost is one indexed
  query per attempt and one insert per failure; rows older than the longest window are
  deleted as failures are recorded. Two nodes checking at the same instant may each let
  one more attempt through, which no limit here is sensitive to.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import SignInFailure
from .security import client_ip

log = logging.getLogger("ictstrategy.security")

USERNAME_AT_ADDRESS = "username_at_address"
ADDRESS = "address"
USERNAME = "username"
PASSWORD = "password"  # noqa: S105 - the name of a rule, not a password


@dataclass(frozen=True)
class Limit:
    failures: int
    window: datetime.timedelta


@dataclass(frozen=True)
class Attempt:
    """One sign-in attempt, as the throttle knows it: never the password itself."""

    username: str
    address: str
    password_digest: str

    @classmethod
    def of(cls, request, credentials):
        username = credentials.get("username") or credentials.get("email") or ""
        password = credentials.get("password") or ""
        return cls(
            # Counted case-blind, so Olivia and olivia are one count whichever of them
            # the sign-in accepts.
            username=str(username).strip().lower()[: SignInFailure.USERNAME_LENGTH],
            address=client_ip(request),
            password_digest=_digest(password) if password else "",
        )

    def covers(self, rule):
        """The rows a rule counts for this attempt (spraying: the distinct usernames)."""
        return {
            USERNAME_AT_ADDRESS: Q(username=self.username, address=self.address),
            ADDRESS: Q(address=self.address),
            USERNAME: Q(username=self.username),
            PASSWORD: Q(password_digest=self.password_digest) if self.password_digest else None,
        }[rule]


@dataclass(frozen=True)
class Pause:
    """A limit reached: which, and when an attempt it covers may be made again."""

    rule: str
    limit: Limit
    until: datetime.datetime


def _digest(password):
    return salted_hmac("common.throttle.password", password, algorithm="sha256").hexdigest()


def limits() -> dict[str, Limit]:
    return {
        rule: Limit(failures=failures, window=datetime.timedelta(minutes=minutes))
        for rule, (failures, minutes) in settings.SIGN_IN_THROTTLE.items()
    }


def pause_for(attempt: Attempt, *, now=None) -> Pause | None:
    """The pause this attempt falls under, if any (the longest, if several): one query
    counts every rule."""
    now = now or timezone.now()
    rules = {rule: limit for rule, limit in limits().items() if attempt.covers(rule)}
    if not rules:
        return None
    counts = SignInFailure.objects.filter(
        _any(attempt.covers(rule) for rule in rules),
        at__gte=now - max(limit.window for limit in rules.values()),
    ).aggregate(
        **{
            f"failures_{rule}": Count(
                "username" if rule == PASSWORD else "pk",
                distinct=rule == PASSWORD,
                filter=attempt.covers(rule) & Q(at__gte=now - limit.window),
            )
            for rule, limit in rules.items()
        }
    )
    reached = [
        rule for rule, limit in rules.items() if counts[f"failures_{rule}"] >= limit.failures
    ]
    pauses = [_pause(attempt, rule, rules[rule], now) for rule in reached]
    return max(pauses, key=lambda pause: pause.until, default=None)


def _any(conditions):
    combined = Q()
    for condition in conditions:
        combined |= condition
    return combined


def _pause(attempt, rule, limit, now):
    """The pause ends when the failure that reached the limit leaves the window."""
    failures = SignInFailure.objects.filter(
        attempt.covers(rule), at__gte=now - limit.window
    ).order_by("-at")
    if rule == PASSWORD:
        latest_per_username = {}
        for username, at in failures.values_list("username", "at"):
            latest_per_username.setdefault(username, at)
        times = sorted(latest_per_username.values(), reverse=True)
    else:
        times = list(failures.values_list("at", flat=True)[: limit.failures])
    return Pause(rule=rule, limit=limit, until=times[limit.failures - 1] + limit.window)


def record_failure(attempt: Attempt, *, now=None) -> None:
    now = now or timezone.now()
    SignInFailure.objects.create(
        at=now,
        username=attempt.username,
        address=attempt.address,
        password_digest=attempt.password_digest,
    )
    longest = max(limit.window for limit in limits().values())
    SignInFailure.objects.filter(at__lt=now - longest).delete()


class ThrottleBackend:
    """First of AUTHENTICATION_BACKENDS: refuses (PermissionDenied, so Django asks no
    other backend) every attempt a pause covers, before any password is checked. It
    never signs anyone in itself, so it has no get_user(), and force_login() and
    sessions pass it by."""

    def authenticate(self, request, **credentials):
        if request is None:  # a shell or a command: no address to count
            return None
        attempt = Attempt.of(request, credentials)
        request.sign_in_attempt = attempt
        if pause := pause_for(attempt):
            request.sign_in_pause = pause
            log.warning(
                "sign-in refused while throttled rule=%s username=%r ip=%s until=%s",
                pause.rule,
                attempt.username,
                attempt.address,
                pause.until.isoformat(timespec="seconds"),
            )
            raise PermissionDenied
        return None


@receiver(user_login_failed)
def _count_failure(sender, credentials, request=None, **kwargs):
    attempt = getattr(request, "sign_in_attempt", None)
    if attempt is None or getattr(request, "sign_in_pause", None):
        return
    record_failure(attempt)
    if pause := pause_for(attempt):
        # This failure reached a limit: say so now, not at the next attempt.
        request.sign_in_pause = pause
        log.warning(
            "sign-in throttled rule=%s username=%r ip=%s until=%s",
            pause.rule,
            attempt.username,
            attempt.address,
            pause.until.isoformat(timespec="seconds"),
        )


@receiver(user_logged_in)
def _clear_failures(sender, request, user, **kwargs):
    """The person got their password right: their own mistakes from this address no
    longer count. (Counts by address, by username elsewhere and by password stay, so an
    attacker cannot clear them by signing in to an account of their own.)"""
    attempt = getattr(request, "sign_in_attempt", None)
    if attempt is not None:
        SignInFailure.objects.filter(
            username=attempt.username, address=attempt.address
        ).delete()


class SignInThrottleMiddleware:
    """Answers a sign-in the throttle refused, or whose failure reached a limit, with
    the 429 page, whatever the sign-in view would have shown."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if pause := getattr(request, "sign_in_pause", None):
            return paused_page(request, pause)
        return response


def paused_page(request, pause: Pause):
    remaining = max(pause.until - timezone.now(), datetime.timedelta(0))
    context = {
        "rule": pause.rule,
        "username": request.sign_in_attempt.username,
        "failure_limit": pause.limit.failures,
        "window_minutes": int(pause.limit.window.total_seconds() // 60),
        "until": pause.until,
        "minutes_left": max(1, -(-int(remaining.total_seconds()) // 60)),
    }
    response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(int(remaining.total_seconds()) + 1)
    return response
