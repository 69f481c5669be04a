"""Settings shared by every environment, read from the environment where they vary.

Each environment module (local, test, production) imports this one and overrides what
differs. Defaults here are the embedded ones `make run` uses: SQLite, a cache in each
process and a Celery broker on the local filesystem, so the portal runs on a fresh
machine with no server installed. Production refuses to start on them.
"""

import contextlib
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])

COUNCIL_NAME = env("COUNCIL_NAME", default="Oxford City Council")
SERVICE_NAME = "ICT Strategy Portal"
# Links in e-mails point here.
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "common.apps.PortalAdminConfig",  # Django's admin, for superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "simple_history",
    "django_celery_beat",
    "django_celery_results",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "common",
    "governance",
    "projects",
    "risks",
    "reports",
    # The benchmark and its large-data generator: it may use every app to its left, and
    # no app uses it.
    "benchmarks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "common.security.RefusalLogMiddleware",
    "common.security.ProxyHeaderCheckMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "common.sessions.SessionRenewalMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "common.signin.factors.SecondFactorRequiredMiddleware",
    "common.dataversion.DataVersionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "common.middleware.NoStoreForSignedInMiddleware",
    "common.sessions.AbsoluteSessionAgeMiddleware",
    # Turns a sign-in the throttle refused into its 429 page, whichever view it was.
    "common.throttle.SignInThrottleMiddleware",
]

ROOT_URLCONF = "ictstrategy.urls"
WSGI_APPLICATION = "ictstrategy.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "common.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, the Celery worker and beat share one SQLite file in `make run`:
    # WAL lets readers carry on during a write, and IMMEDIATE transactions with a busy
    # timeout make writers queue instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A database host that drops packets fails a request (and the health check) in
    # seconds instead of hanging it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# What pages remember (a draft report's figures, the portfolio's recommendation), keyed
# so that it is never stale, whichever backend (common.dataversion). In memory per
# process by default; production requires one gunicorn's workers share, such as Redis
# (redis://host:6379/1).
CACHES = {"default": env.cache("DJANGO_CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # The same cache, with one client object per connection pool (common.cache).
    CACHES["default"]["BACKEND"] = "common.cache.RedisCache"
# How long a remembered page fragment is kept (common.templatetags.fragments). A change
# to the data makes it unused at once; this only lets unused ones drop out.
FRAGMENT_CACHE_SECONDS = 10 * 60
# Off, pages remember nothing and work everything out on every request, reading only the
# figures the worker works out ahead (PRECOMPUTE_FIGURES): what the benchmark's "cache
# off" column measures (PAGE_CACHE=off).
PAGE_CACHE = env.bool("PAGE_CACHE", default=True)
# Whether each committed change queues the worker to work out the costly figures for the
# new data version ahead of the first request (common.precompute).
PRECOMPUTE_FIGURES = env.bool("PRECOMPUTE_FIGURES", default=True)
# Seconds the portfolio page's recommended set may search for before it settles for the
# best set found so far; the page then says how far from the best it may be. Two seconds
# proves the best set for a few hundred proposals, and within 0.01% for a few thousand.
PRIORITISATION_TIME_LIMIT = env.float("PRIORITISATION_TIME_LIMIT", default=2.0)

# Whether load_demo_data and generate_large_data may run: they make accounts whose
# passwords are published in the README. Production does not allow them.
DEMO_ACCOUNTS_ALLOWED = True

AUTH_USER_MODEL = "governance.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Argon2id (common.hashers) for every new password; a password stored by an older
# hasher below still signs in, and is stored again with Argon2id as it does.
PASSWORD_HASHERS = [
    "common.hashers.PortalArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # First: refuses a throttled sign-in before any password is checked.
    "common.throttle.ThrottleBackend",
    # Local passwords, unless switched off (LOCAL_PASSWORDS) for all but break-glass
    # accounts; single sign-on accounts sign in through django-allauth's flow.
    "common.signin.backends.PortalBackend",
]


def _failures_per_minutes(name, default):
    """A throttle limit from the environment, written failures/minutes, e.g. 5/15."""
    failures, minutes = env.str(name, default=default).split("/")
    return int(failures), int(minutes)


# Failed sign-ins allowed, and the minutes over which they are counted, before sign-in
# pauses: see common/throttle.py.
SIGN_IN_THROTTLE = {
    # One username from one address: the 15-minute pause the lock-out page describes.
    "username_at_address": _failures_per_minutes("DJANGO_THROTTLE_USERNAME_AT_ADDRESS", "5/15"),
    # One address, whatever the usernames.
    "address": _failures_per_minutes("DJANGO_THROTTLE_ADDRESS", "20/15"),
    # One username, from every address together.
    "username": _failures_per_minutes("DJANGO_THROTTLE_USERNAME", "30/60"),
    # One password, counted in distinct usernames it failed for (spraying).
    "password": _failures_per_minutes("DJANGO_THROTTLE_PASSWORD", "10/60"),
}
# How many proxies in front of the portal append to X-Forwarded-For (0: none, the
# client connects directly). Set it to the real number, or addresses can be forged.
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)

# Scripts and styles come only from the portal's own static files: no inline script,
# no inline style, no other origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Signed-in sessions end after 30 minutes without a request, and 10 hours after
# signing in however busy (common.sessions). A session is saved to run 30 more minutes
# at most once a minute, not on every request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_ABSOLUTE_AGE = env.int("DJANGO_SESSION_ABSOLUTE_AGE", default=10 * 60 * 60)
SESSION_RENEW_AFTER = 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "/media/"
# Uploaded files and produced reports hold personal and commercial data and are only
# ever served by the portal's own views, after an access check: no other account on
# the server needs to read them, so they are the portal account's alone (not 0644 from
# the usual umask). Every process that saves one (gunicorn, the Celery worker, restore)
# reads these settings; run them all, and the backups, as that one account.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# Where those files are kept (README, "Files"): DJANGO_STORAGE names the store outright
# rather than the portal guessing from which credentials happen to be set, so a typo in
# one variable stops the start instead of quietly keeping files on one machine's disk.
#   local  the folder MEDIA_ROOT (the default: `make run`, the tests, one server)
#   azure  a private Azure Blob Storage container
#   s3     a private bucket on Amazon S3 or any S3-compatible store
# Whatever the store, the portal's own views stream every file after an access check;
# nothing links to the store. The signed URLs a store could hand out (the admin would
# show one) expire within a minute, and no file is ever public or overwritten.
STORAGE_BACKENDS = {
    "local": "django.core.files.storage.FileSystemStorage",
    "azure": "storages.backends.azure_storage.AzureStorage",
    "s3": "storages.backends.s3.S3Storage",
}


def default_storage_setting(kind: str) -> dict:
    """STORAGES["default"] for DJANGO_STORAGE=`kind`, its details read from the
    environment now (the tests of the object stores configure them through here)."""
    if kind not in STORAGE_BACKENDS:
        raise ImproperlyConfigured(
            f"DJANGO_STORAGE is {kind!r}: set it to one of {', '.join(STORAGE_BACKENDS)}."
        )
    options = {"azure": _azure_options, "s3": _s3_options}.get(kind)
    return {"BACKEND": STORAGE_BACKENDS[kind], **({"OPTIONS": options()} if options else {})}


def _required(name: str) -> str:
    if not (value := env.str(name, default="")):
        kind = env.str("DJANGO_STORAGE", default="local")
        raise ImproperlyConfigured(f"DJANGO_STORAGE is {kind}: set {name} too.")
    return value


def _azure_options() -> dict:
    """An account name and key, or a connection string; AZURE_BLOB_ENDPOINT names a
    blob endpoint other than Azure's own (Azurite, a private endpoint)."""
    options = {
        "azure_container": _required("AZURE_CONTAINER"),
        "expiration_secs": env.int("AZURE_URL_EXPIRATION_SECS", default=60),
        "overwrite_files": False,
    }
    if connection_string := env.str("AZURE_CONNECTION_STRING", default=""):
        return {**options, "connection_string": connection_string}
    name, key = _required("AZURE_ACCOUNT_NAME"), _required("AZURE_ACCOUNT_KEY")
    if endpoint := env.str("AZURE_BLOB_ENDPOINT", default=""):
        protocol = endpoint.split("://", 1)[0]
        connection_string = (
            f"DefaultEndpointsProtocol={protocol};AccountName={name};AccountKey={key};"
            f"BlobEndpoint={endpoint}"
        )
        return {**options, "connection_string": connection_string}
    return {**options, "account_name": name, "account_key": key}


def _s3_options() -> dict:
    """Without S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, boto3 finds credentials its
    usual way (an instance or task role, AWS_* variables)."""
    return {
        "bucket_name": _required("S3_BUCKET"),
        "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("S3_REGION", default="") or None,
        "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
        "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": env.int("S3_URL_EXPIRATION_SECS", default=60),
        "file_overwrite": False,
    }


DEFAULT_STORAGE = default_storage_setting(env.str("DJANGO_STORAGE", default="local"))
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="ict-strategy@localhost")

# Celery. With no CELERY_BROKER_URL the broker is a folder on disk, so `make run` needs
# no Redis; CI sets a redis:// URL, and production requires one. Results always go to
# the database (django-celery-results), where the portal's background-task page reads
# them.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
_celery_queue_dir = VAR_DIR / "celery" / "queue"
if CELERY_BROKER_URL.startswith("filesystem://"):
    # An installed release is read-only (deploy/install.sh, systemd's ProtectSystem):
    # there production, which refuses this broker with a message naming the variable,
    # must get as far as saying so.
    with contextlib.suppress(PermissionError):
        _celery_queue_dir.mkdir(parents=True, exist_ok=True)
        (VAR_DIR / "celery" / "processed").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_queue_dir),
        "data_folder_out": str(_celery_queue_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        # Where broadcasts (worker pings, remote control) are routed; kombu's default
        # is a folder named "control" in the working directory.
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
else:
    # A task is acknowledged once it has run (CELERY_TASK_ACKS_LATE), so one whose
    # worker is killed stays unacknowledged, and the broker gives it to another worker
    # this many seconds after it was taken. Longer than the longest task, so one still
    # running is not handed out again (and a report's claim makes that harmless if it
    # is: reports.services.report_generate). Every worker sweeps for such tasks at most
    # every 10 seconds.
    _visibility_timeout = env.int("CELERY_VISIBILITY_TIMEOUT", default=60 * 60)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": _visibility_timeout,
        "unacked_restore_interval": max(1, min(10, _visibility_timeout // 5)),
        "unacked_restore_throttle": 1,
    }
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TIMEZONE = TIME_ZONE
# django-celery-beat's database scheduler, sending only while it holds the one beat lease
# (common.beat): a second beat started by mistake waits and sends nothing, and takes
# over within BEAT_LEASE_SECONDS if the first stops.
CELERY_BEAT_SCHEDULER = "common.beat:LeasedDatabaseScheduler"
BEAT_LEASE_SECONDS = env.int("BEAT_LEASE_SECONDS", default=30)
# How long a worker's claim on a report it is producing holds without a sign of
# progress; a worker that dies mid-way leaves the report to another once it lapses.
REPORT_CLAIM_SECONDS = env.int("REPORT_CLAIM_SECONDS", default=5 * 60)
# Publishing must not hang a page when the broker is down: fail fast, and the outbox
# sweep below sends what was recorded once the broker is back.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
CELERY_BEAT_SCHEDULE = {
    "send-pending-emails": {
        "task": "common.tasks.send_pending_emails",
        "schedule": 60.0,
    },
    # Hourly, so a worker that was down at 7am still sends the day's reminders; each
    # owner gets one a day however often it runs.
    # Produces any report left waiting while the worker or broker was down.
    "generate-pending-reports": {
        "task": "reports.tasks.generate_pending_reports",
        "schedule": 60.0,
    },
    # Checks and imports any large spreadsheet left waiting while the worker was down.
    "run-pending-imports": {
        "task": "common.tasks.run_pending_imports",
        "schedule": 60.0,
    },
    "send-risk-reminders": {
        "task": "risks.tasks.send_risk_reminders",
        "schedule": 60.0 * 60,
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Sign-ins, failures, lock-outs and refusals: see common/security.py.
        "ictstrategy.security": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # The Azure SDK logs every request to the object store at INFO.
        "azure": {"level": "WARNING"},
    },
}

# Sign-in, through django-allauth (common/signin/): the portal's own passwords, single
# sign-on with the council's OpenID Connect provider (Microsoft Entra ID), and second
# factors (authenticator app codes, passkeys, recovery codes).
ACCOUNT_ADAPTER = "common.signin.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "common.signin.adapters.SocialAccountAdapter"
MFA_ADAPTER = "common.signin.adapters.MFAAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]  # sign-up itself is closed
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False  # sessions end as SESSION_COOKIE_AGE says
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_FORMS = {
    "login": "common.forms_auth.SignInForm",
    "reauthenticate": "common.signin.forms.ConfirmPasswordForm",
}
# Failed passwords are throttled with the rest of sign-in (AUTHENTICATION_BACKENDS);
# allauth's own limit is kept for second-factor codes: five wrong codes for one account
# in five minutes and it must wait.
ACCOUNT_RATE_LIMITS = {"login_failed": "5/5m/key", "login": None}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = f"{COUNCIL_NAME} ICT Strategy Portal"
MFA_PASSKEY_LOGIN_ENABLED = False
# Accounts are opened by the Administrator with the council's e-mail address, not
# signed up for, so allauth's check that the address was verified does not apply.
MFA_ALLOW_UNVERIFIED_EMAIL = True
MFA_FORMS = {
    "authenticate": "common.signin.forms.CodeForm",
    "reauthenticate": "common.signin.forms.ReauthenticateCodeForm",
    "activate_totp": "common.signin.forms.ActivateAuthenticatorForm",
}
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env.bool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", default=False)
# Who must use a second factor: these roles, and every superuser (the Django admin).
MFA_REQUIRED_ROLES = env.list(
    "MFA_REQUIRED_ROLES", default=["Head of ICT", "Governance Group chair", "Administrator"]
)
MFA_REQUIRED_FOR_SUPERUSERS = env.bool("MFA_REQUIRED_FOR_SUPERUSERS", default=True)
# Local passwords for everyone, or (False) only for the break-glass accounts named here,
# once single sign-on is set up.
LOCAL_PASSWORDS = env.bool("LOCAL_PASSWORDS", default=True)
BREAK_GLASS_USERNAMES = env.list("BREAK_GLASS_USERNAMES", default=[])

# Single sign-on: on when SSO_CLIENT_ID is set. SSO_SERVER_URL is the provider's issuer,
# for Microsoft Entra ID https://login.microsoftonline.com/<tenant id>/v2.0.
SSO_NAME = env("SSO_NAME", default="Microsoft Entra ID")
SSO_SERVER_URL = env("SSO_SERVER_URL", default="")
SSO_CLIENT_ID = env("SSO_CLIENT_ID", default="")
SSO_CLIENT_SECRET = env("SSO_CLIENT_SECRET", default="")
SSO_GROUPS_CLAIM = env("SSO_GROUPS_CLAIM", default="groups")
# E-mail domains whose addresses the provider is taken to have verified, so that a
# first sign-in finds the account already opened with that address. Entra ID sends no
# `email_verified`: list the council's own domains, whose mailboxes it manages.
SSO_VERIFIED_EMAIL_DOMAINS = env.list("SSO_VERIFIED_EMAIL_DOMAINS", default=[])
# Whether the provider's word that it asked for a second factor (`amr` holding "mfa")
# satisfies MFA_REQUIRED_ROLES, so a person need not set up one here too.
SSO_TRUST_PROVIDER_MFA = env.bool("SSO_TRUST_PROVIDER_MFA", default=False)
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": "council",
                "name": SSO_NAME,
                "client_id": SSO_CLIENT_ID,
                "secret": SSO_CLIENT_SECRET,
                "settings": {
                    "server_url": SSO_SERVER_URL,
                    "verified_email": SSO_VERIFIED_EMAIL_DOMAINS,
                },
            }
        ]
        if SSO_CLIENT_ID
        else [],
    }
}
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
# The provider's subject (`sub`, for Entra ID unique to the portal and never reused)
# finds a person's account. At their first sign-in it is joined to the account that has
# their e-mail address only if the provider has verified that address (`email_verified`,
# or SSO_VERIFIED_EMAIL_DOMAINS); otherwise a new account is opened for them.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True

# ----------------------------------------------------------------------- REST API
# /api/v1/ (common.api): personal tokens or the signed-in session; errors as RFC 9457
# problem details; each token (or person) throttled to API_RATE on the shared cache.
API_RATE = env("API_RATE", default="600/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "common.api_access.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["common.api_access.ReadOnlyUnlessAllowed"],
    "DEFAULT_THROTTLE_CLASSES": ["common.api_access.PerTokenThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": API_RATE},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "common.api.problem_exception_handler",
    # Money and measures as JSON numbers, not strings.
    "COERCE_DECIMAL_TO_STRING": False,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ICT Strategy Portal API",
    "DESCRIPTION": (
        "Read every main list of the portal as you see it on its page, and make the "
        "changes people automate. Authenticate with a personal API token from your "
        "account page: `Authorization: Bearer <token>`."
    ),
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["common.api_access.ReadOnlyUnlessAllowed"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RAGEnum": "governance.choices.RAG",
        "YesNoEnum": "projects.choices.YesNo",
    },
}
