from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "Reports"

    def ready(self):
        from django.db.models.signals import post_migrate

        from common import precompute
        from common.demo import register_demo_loader

        from . import calendar
        from .demo import demo_committee_load
        from .selectors import figures_to_precompute
        from .setup import after_migrate

        calendar.register()
        register_demo_loader(40, demo_committee_load)
        precompute.register(figures_to_precompute)
        post_migrate.connect(after_migrate, sender=self)
