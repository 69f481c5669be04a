"""WSGI entry point, as gunicorn serves it in production."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ictstrategy.settings.production")

application = get_wsgi_application()
