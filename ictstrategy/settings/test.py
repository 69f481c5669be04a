"""Settings for the test suite: PostgreSQL and Redis when their URLs are set (CI),
SQLite and the filesystem broker otherwise; mail is kept in memory."""

from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR

SECRET_KEY = "test-only-not-a-secret"  # noqa: S105 - never used outside the test suite
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so the live server and Celery worker threads share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

# Second factors are asked of no role by default here, so a test signs in as any role
# with force_login; the tests of second factors set the roles they need.
MFA_REQUIRED_ROLES = []
MFA_REQUIRED_FOR_SUPERUSERS = False

# The walks over every URL read the API far faster than any person or program would;
# tests/test_api.py sets a low rate where it tests the throttle itself.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api": "1000000/minute"}}  # noqa: F405
# Tests change the data thousands of times; the tests of working figures out ahead
# turn it on (a worker started by a test would otherwise inherit the backlog).
PRECOMPUTE_FIGURES = False
# A session is renewed at sign-in and then not again within a test, so a test that
# counts a page's queries counts the same for its first request and its tenth whatever
# the time between them; common/tests/test_security.py sets the minute it tests.
SESSION_RENEW_AFTER = 24 * 60 * 60
