from django.core.management.base import BaseCommand

from governance.catalogue import catalogue_load


class Command(BaseCommand):
    help = "Load the strategy catalogue (idempotent; migrate also does this)."

    def handle(self, *args, **options):
        strategy = catalogue_load()
        self.stdout.write(f"Strategy catalogue ready: {strategy}.")
