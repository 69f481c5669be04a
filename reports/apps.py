from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "Reports"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import calendar
        from .setup import after_migrate

        calendar.register()
        post_migrate.connect(after_migrate, sender=self)
