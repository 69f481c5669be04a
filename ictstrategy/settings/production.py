"""Production settings: every secret and every service comes from the environment,
with no default.

Django refuses to start (ImproperlyConfigured) when DJANGO_SECRET_KEY or
DJANGO_ALLOWED_HOSTS is missing, or when DATABASE_URL, DJANGO_CACHE_URL or
CELERY_BROKER_URL is missing or names a service only one process can use. Run behind a
TLS-terminating proxy that sets X-Forwarded-Proto.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CACHES, CELERY_BROKER_URL, DEFAULT_STORAGE, MIDDLEWARE, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Like cookiecutter-django's production settings, and unlike `local` and `test`: no
# embedded services. base.py read these URLs with the embedded defaults `make run`
# uses (SQLite, a cache in each process, a broker in a folder); in production a missing
# URL is a mistake to stop at, not a cue to fall back on them. A cache or broker that
# only one process can see is refused too: gunicorn's workers would each remember their
# own pages, and a worker on another machine would never see a queued task.
PROCESS_LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache": "locmemcache://",
    "django.core.cache.backends.dummy.DummyCache": "dummycache://",
}
PROCESS_LOCAL_BROKERS = ("filesystem://", "memory://")
REQUIRED_URLS = {
    "DATABASE_URL": "postgres://ictstrategy@db.internal:5432/ictstrategy",
    "DJANGO_CACHE_URL": "redis://redis.internal:6379/1",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
}

if missing := [name for name in REQUIRED_URLS if not env.str(name, default="")]:
    raise ImproperlyConfigured(
        "Production settings have no embedded services. Set "
        + "; ".join(f"{name} (for example {REQUIRED_URLS[name]})" for name in missing)
        + "."
    )
if CACHES["default"]["BACKEND"] in PROCESS_LOCAL_CACHES:
    raise ImproperlyConfigured(
        f"DJANGO_CACHE_URL is {PROCESS_LOCAL_CACHES[CACHES['default']['BACKEND']]}, a cache "
        "each process keeps to itself: set it to one gunicorn's workers share, for "
        f"example {REQUIRED_URLS['DJANGO_CACHE_URL']}."
    )
if CELERY_BROKER_URL.startswith(PROCESS_LOCAL_BROKERS):
    raise ImproperlyConfigured(
        f"CELERY_BROKER_URL is {CELERY_BROKER_URL.split('//')[0]}//, a broker inside one "
        "machine's folders or memory: set it to a broker server, for example "
        f"{REQUIRED_URLS['CELERY_BROKER_URL']}."
    )

DEMO_ACCOUNTS_ALLOWED = False

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Load balancers probe the health endpoint over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# The __Host- prefix makes browsers refuse these cookies unless Secure, for Path=/ and
# with no Domain, so no other host under the council's domain can set or overwrite
# them (Django sets no Domain unless SESSION_/CSRF_COOKIE_DOMAIN is set; keep it so).
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

# gunicorn serves the collected static files itself, compressed and cache-busted.
MIDDLEWARE = [*MIDDLEWARE]
MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
