import os

from django.core.management.base import BaseCommand

from common.roles import roles_of
from governance.demo import demo_data_load

DEFAULT_DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105 - demo accounts only


class Command(BaseCommand):
    help = "Load demo business units, one account per role and an action plan."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=os.environ.get("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD),
            help="Password for every demo account (default: $DEMO_PASSWORD or %(default)s).",
        )

    def handle(self, *args, **options):
        accounts = demo_data_load(password=options["password"])
        self.stdout.write(f"Demo accounts (password: {options['password']}):")
        for user in accounts:
            roles = ", ".join(sorted(roles_of(user)))
            self.stdout.write(f"  {user.username:<10} {roles}")
