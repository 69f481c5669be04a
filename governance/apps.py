from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "governance"
    verbose_name = "Strategy and governance"

    def ready(self):
        from django.db.models.signals import post_migrate

        from common import precompute
        from common.demo import register_demo_loader

        from . import calendar, history, home_panels, imports
        from .accounts import factor_changes, role_changes
        from .demo import demo_data_load
        from .setup import after_migrate

        home_panels.register()
        precompute.register(home_panels.figures_to_precompute)
        calendar.register()
        history.register()
        imports.register()
        role_changes.connect()
        factor_changes.connect()
        register_demo_loader(10, demo_data_load)
        # The strategy catalogue is reference data, not demo data: every install gets
        # it on migrate, and it is never overwritten once there.
        post_migrate.connect(after_migrate, sender=self)
