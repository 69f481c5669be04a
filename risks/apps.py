from django.apps import AppConfig


class RisksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "risks"
    verbose_name = "Risk register"

    def ready(self):
        from django.db.models.signals import post_migrate

        from common.demo import register_demo_loader
        from common.largedata import register_generator

        from . import calendar, history, imports, panels
        from .demo import demo_risks_load
        from .largedata import generate_risks
        from .setup import after_migrate

        panels.register()
        calendar.register()
        history.register()
        imports.register()
        register_demo_loader(30, demo_risks_load)
        register_generator(30, "risks", generate_risks)
        post_migrate.connect(after_migrate, sender=self)
