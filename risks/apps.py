from django.apps import AppConfig


class RisksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "risks"
    verbose_name = "Risk register"

    def ready(self):
        from django.db.models.signals import post_migrate

        from common import precompute
        from common.demo import register_demo_loader

        from . import calendar, history, imports, movement, panels, register_figures
        from .demo import demo_risks_load
        from .setup import after_migrate

        panels.register()
        precompute.register(panels.figures_to_precompute)
        precompute.register(movement.figures_to_precompute)
        precompute.register(register_figures.figures_to_precompute)
        calendar.register()
        history.register()
        imports.register()
        register_demo_loader(30, demo_risks_load)
        post_migrate.connect(after_migrate, sender=self)
