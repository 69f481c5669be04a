from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """The benchmark and the large-data generator it measures on. Last in INSTALLED_APPS:
    it may use every app, and no app uses it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "benchmarks"
    verbose_name = "Benchmarks"
