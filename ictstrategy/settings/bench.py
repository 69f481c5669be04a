"""Settings for `make bench`: production's, served by gunicorn over plain HTTP on the
loopback address, with the bare comparison page and a query count on each response.

Like production's, they refuse to start without DATABASE_URL, DJANGO_CACHE_URL and
CELERY_BROKER_URL: `manage.py bench` passes its server all three."""

from .production import *  # noqa: F403
from .production import DEFAULT_STORAGE, MIDDLEWARE

# The benchmark talks HTTP to 127.0.0.1; there is no TLS proxy in front.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# A __Host- cookie must be Secure: over plain HTTP, the usual names.
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"
# No static files are fetched; the manifest from collectstatic is not needed.
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ROOT_URLCONF = "benchmarks.urls"
# No static files are served either (whitenoise would warn that none were collected).
MIDDLEWARE = [
    "benchmarks.urls.QueryCountMiddleware",
    *(name for name in MIDDLEWARE if not name.startswith("whitenoise.")),
]
# The generated accounts have no second factor: the benchmark times pages and a sign-in
# by password, and a role that had to set one up first would time only redirects.
MFA_REQUIRED_ROLES = []
MFA_REQUIRED_FOR_SUPERUSERS = False
