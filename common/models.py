import secrets

from django.conf import settings
from django.db import models
from django.utils.crypto import salted_hmac
from simple_history.models import HistoricalRecords

from .addresses import page_url
from .choices import AccessTokenKind, EmailStatus


class OutboundEmail(models.Model):
    """An e-mail the portal has promised to send.

    It is written in the same transaction as the change that causes it and sent by a
    Celery task queued after commit, so a broker or worker outage delays mail but never
    loses it: the periodic sweep sends whatever is still pending.
    """

    recipient = models.EmailField()
    subject = models.CharField(max_length=255)
    body = models.TextField()
    status = models.CharField(
        max_length=16, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "outbound e-mail"
        indexes = [
            models.Index(fields=["status", "created_at"], name="outboundemail_status_created")
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=EmailStatus.SENT) | models.Q(sent_at__isnull=False),
                name="outboundemail_sent_has_sent_at",
                violation_error_message="A sent e-mail must record when it was sent.",
            ),
        ]

    def __str__(self):
        return f"{self.subject} to {self.recipient}"


def new_epoch() -> str:
    """A token no database has held before (common.dataversion)."""
    return secrets.token_hex(8)


class DataVersion(models.Model):
    """One row whose number goes up after every committed change to the portal's data
    (common.dataversion), and whose epoch changes whenever the data is replaced by a
    restore. Work derived from the data is remembered under both."""

    epoch = models.CharField(max_length=32, default=new_epoch)
    number = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "data version"

    def __str__(self):
        return f"Data version {self.number}"


class SignInFailure(models.Model):
    """One failed sign-in, kept for as long as a throttle window counts it
    (common.throttle). The password tried is kept only as an HMAC keyed with the
    secret key, to tell one password tried across accounts; never the password."""

    USERNAME_LENGTH = 254

    at = models.DateTimeField()
    username = models.CharField(max_length=USERNAME_LENGTH)  # lower-cased
    address = models.CharField(max_length=45)  # IPv4 or IPv6
    password_digest = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["username", "at"], name="signinfailure_username_at"),
            models.Index(fields=["address", "at"], name="signinfailure_address_at"),
            models.Index(fields=["password_digest", "at"], name="signinfailure_password_at"),
            models.Index(fields=["at"], name="signinfailure_at"),
        ]

    def __str__(self):
        return f"{self.username} from {self.address} at {self.at:%Y-%m-%d %H:%M:%S}"


class SessionGenerationMixin(models.Model):
    """For the user model: a count of the times its holder signed out everywhere,
    mixed into the hash Django keeps in each session, so raising it ends every session
    signed in before (common.sessions.sign_out_everywhere)."""

    session_generation = models.PositiveIntegerField(
        default=0, editable=False, help_text="Raised to end every session of this account."
    )

    class Meta:
        abstract = True

    def get_session_auth_hash(self):
        return self._with_generation(super().get_session_auth_hash())

    def get_session_auth_fallback_hash(self):
        for fallback in super().get_session_auth_fallback_hash():
            yield self._with_generation(fallback)

    def _with_generation(self, session_hash):
        # Generation 0 keeps Django's own hash, so the sessions of anyone who never
        # signed out everywhere stay valid.
        if not self.session_generation:
            return session_hash
        return salted_hmac(
            "common.models.SessionGenerationMixin",
            f"{session_hash}:{self.session_generation}",
            algorithm="sha256",
        ).hexdigest()


class AccessToken(models.Model):
    """A personal access token: a key its holder gives a program (Power BI, a Teams
    bot, a calendar) to act as them, within what their roles let them see (common.tokens).

    Only the key's SHA-256 is kept. The key is `secrets.token_urlsafe(32)`, 256 random
    bits, so nobody can guess it from its hash whatever the hash's speed: a slow
    password hash (Argon2) would only make every API request slower. No history is
    kept: a token is not one of the portal's records but a credential, and its
    creation and revocation are written to the security log instead."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens"
    )
    name = models.CharField(
        max_length=100, help_text="What you call it, for example Power BI or Teams bot."
    )
    kind = models.CharField(max_length=16, choices=AccessTokenKind.choices)
    can_write = models.BooleanField(
        "can make changes",
        default=False,
        help_text="API tokens only read, unless their holder asked for one that writes.",
    )
    key_hash = models.CharField(max_length=64, unique=True)  # SHA-256, hex
    prefix = models.CharField(max_length=16)  # the key's start, to tell tokens apart
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "access token"
        indexes = [models.Index(fields=["user", "kind"], name="accesstoken_user_kind")]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(kind=AccessTokenKind.CALENDAR, revoked_at__isnull=True),
                name="accesstoken_one_live_calendar_feed",
                violation_error_message="A person has at most one calendar feed at a time.",
            ),
            models.CheckConstraint(
                condition=models.Q(kind=AccessTokenKind.API) | models.Q(can_write=False),
                name="accesstoken_calendar_read_only",
                violation_error_message="A calendar feed only reads.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None


class ImportStatus(models.TextChoices):
    WAITING_CHECK = "to_check", "Waiting to be checked"
    CHECKING = "checking", "Being checked"
    CHECKED = "checked", "Checked"
    QUEUED = "queued", "Waiting to import"
    IMPORTING = "importing", "Being imported"
    DONE = "done", "Imported"
    FAILED = "failed", "Not imported"


def _import_path(instance, filename):
    return f"imports/{filename}"


class ImportRun(models.Model):
    """One spreadsheet someone uploaded to import (common.imports): the file kept under
    a server-chosen name with its SHA-256, bound to the person who uploaded it, the
    preview its check gave, and what importing it did.

    Written before any work is queued, and moved on by status under a row lock, so a
    confirm pressed twice or a task run twice imports the file once."""

    kind = models.CharField(max_length=40)
    file = models.FileField(upload_to=_import_path, max_length=255)
    file_name = models.CharField("file name", max_length=200)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(default=0, help_text="Rows in the file, headings aside.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_runs"
    )
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.WAITING_CHECK
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done, for the page.")
    preview = models.JSONField(default=list, blank=True, help_text="One entry per row checked.")
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Progress is display state, updated many times a run: not worth a history record.
    history = HistoricalRecords(excluded_fields=["progress"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="import_run_status_created")]

    def __str__(self):
        return f"Import of {self.file_name}"

    def get_absolute_url(self):
        return page_url("import-run", self.pk)

    @property
    def breadcrumb_parent(self):
        return None

    @property
    def breadcrumb_label(self) -> str:
        return self.file_name

    @property
    def bad_rows(self) -> list[dict]:
        return [row for row in self.preview if row.get("errors")]

    @property
    def in_progress(self) -> bool:
        return self.status in (
            ImportStatus.WAITING_CHECK, ImportStatus.CHECKING,
            ImportStatus.QUEUED, ImportStatus.IMPORTING,
        )  # fmt: skip


class BeatLease(models.Model):
    """Which Celery beat may send the portal's scheduled tasks, and until when unless it
    renews (common.beat): one row, so a second beat started by mistake sends nothing."""

    holder = models.CharField(max_length=200, blank=True)
    until = models.DateTimeField()

    class Meta:
        verbose_name = "beat lease"

    def __str__(self):
        return f"Beat lease held by {self.holder or 'no one'} until {self.until:%Y-%m-%d %H:%M:%S}"
