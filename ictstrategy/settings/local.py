"""Settings for `make run` on a developer's machine: debug on, embedded services."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-development-only-not-a-secret")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

# The demo accounts sign in with their published passwords alone (README); set
# MFA_REQUIRED_ROLES to try second factors as production asks for them.
MFA_REQUIRED_ROLES = env.list("MFA_REQUIRED_ROLES", default=[])
MFA_REQUIRED_FOR_SUPERUSERS = env.bool("MFA_REQUIRED_FOR_SUPERUSERS", default=False)
