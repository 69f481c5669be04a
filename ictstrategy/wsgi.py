"""WSGI entry point, as gunicorn serves it in production."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ictstrategy.settings.production")

application = get_wsgi_application()

# What is loaded by now (Django, the apps, their modules) lives as long as the process:
# freezing it keeps the garbage collector from walking it again on every collection, so
# its pauses on pages that build many objects stay short.
gc.freeze()
