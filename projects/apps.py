from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "projects"
    verbose_name = "Proposals and projects"

    def ready(self):
        from django.db.models.signals import post_migrate

        from common import precompute
        from common.demo import register_demo_loader

        from . import history, imports, lists, panels, selectors
        from .demo import demo_projects_load
        from .setup import after_migrate

        panels.register()
        precompute.register(selectors.figures_to_precompute)
        precompute.register(panels.figures_to_precompute)
        precompute.register(lists.recommendation_to_precompute)
        history.register()
        imports.register()
        register_demo_loader(20, demo_projects_load)
        post_migrate.connect(after_migrate, sender=self)
