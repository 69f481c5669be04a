"""Personal access tokens: keys a person gives a program (Power BI, a Teams bot, their
calendar) so that it acts as them, within what their roles let them see.

A key is `ictp_` and 256 random bits (`secrets.token_urlsafe(32)`). It is shown once,
when it is made, and never kept: the portal keeps its SHA-256 (common.models.AccessToken
says why a fast hash is right) and its first characters, so people can tell their
tokens apart. The `ictp_` start lets secret scanners (GitHub's, say) spot a key pasted
where it should not be. Making and revoking a token is written to the security log.
"""

import datetime
import hashlib
import hmac
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from . import policies
from .choices import AccessTokenKind
from .models import AccessToken
from .security import current_request, log_token_change

KEY_MARKER = "ictp_"
# The marker and 8 characters of the random part: enough to tell tokens apart, and
# far too few (48 of 256 bits) to help anyone guess the rest.
PREFIX_LENGTH = len(KEY_MARKER) + 8
KEY_MAX_LENGTH = 64  # longer than any key made here; anything longer is not one
# last_used_at is written at most this often per token, not on every request.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)
CALENDAR_FEED_NAME = "Calendar feed"


def _digest(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode("ascii")).hexdigest()


def token_create(
    *, user, name: str, kind: AccessTokenKind, can_write: bool = False
) -> tuple[AccessToken, str]:
    """Makes a token for `user` and returns it with its key, which the caller shows
    once and must never store or log. A new calendar feed replaces the person's old
    one: a person has one feed URL at a time."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Enter a name for the token"})
    if kind == AccessTokenKind.CALENDAR and can_write:
        raise ValidationError("A calendar feed only reads.")
    if not policies.may_hold_tokens(user):
        raise PermissionDenied("Your role does not allow you to have access tokens.")
    raw_key = KEY_MARKER + secrets.token_urlsafe(32)
    replaced = []
    with transaction.atomic():
        # The person's row is locked, so two clicks at once on "Create a calendar feed"
        # make one feed after the other rather than fail on the one-feed constraint.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        if kind == AccessTokenKind.CALENDAR:
            replaced = list(
                AccessToken.objects.filter(
                    user=user, kind=AccessTokenKind.CALENDAR, revoked_at__isnull=True
                )
            )
            for old in replaced:
                old.revoked_at = timezone.now()
                old.save(update_fields=["revoked_at"])
        token = AccessToken.objects.create(
            user=user,
            name=name,
            kind=kind,
            can_write=can_write,
            key_hash=_digest(raw_key),
            prefix=raw_key[:PREFIX_LENGTH],
        )
    request = current_request()
    for old in replaced:
        log_token_change(change="revoked (replaced)", token=old, actor=user, request=request)
    log_token_change(change="created", token=token, actor=user, request=request)
    return token, raw_key


def token_revoke(*, user, token: AccessToken) -> None:
    """Stops `token` working at once. Its holder may, and an administrator. Revoking a
    token already revoked changes nothing."""
    if refusal := policies.token_revoke_refusal(user, token):
        raise PermissionDenied(refusal)
    with transaction.atomic():
        locked = AccessToken.objects.select_for_update().select_related("user").get(pk=token.pk)
        if locked.revoked_at is not None:
            return
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
    token.revoked_at = locked.revoked_at
    log_token_change(change="revoked", token=locked, actor=user, request=current_request())


def token_authenticate(raw_key: str, *, kind: AccessTokenKind) -> AccessToken | None:
    """The live token of `kind` whose key this is, with its user, or None: a wrong or
    malformed key, a revoked token, another kind, or a deactivated account (so an
    administrator deactivating someone stops their tokens too).

    The lookup is by the key's SHA-256, so how long the database takes to find (or not
    find) a row depends on the hash of what was sent, which tells the sender nothing
    about any real key's hash; the final comparison is constant-time all the same."""
    if not isinstance(raw_key, str) or not raw_key.startswith(KEY_MARKER):
        return None
    if len(raw_key) > KEY_MAX_LENGTH or not raw_key.isascii():
        return None
    digest = _digest(raw_key)
    token = (
        AccessToken.objects.select_related("user")
        .filter(key_hash=digest, kind=kind, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.key_hash, digest):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        # A direct update of one column: a token is a credential, not one of the
        # portal's audited records (no history), and this runs on every API request.
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def tokens_of(user, *, kind: AccessTokenKind) -> list[AccessToken]:
    """The person's live tokens of `kind`, newest first."""
    return list(AccessToken.objects.filter(user=user, kind=kind, revoked_at__isnull=True))
