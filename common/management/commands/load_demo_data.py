import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from common.demo import demo_loaders, refuse_unless_demo_accounts_allowed
from common.roles import roles_of

DEFAULT_DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105 - demo accounts only
DEMO_USERNAMES = ["officer", "member", "member2", "chair", "headofict", "admin"]


class Command(BaseCommand):
    help = "Load clearly labelled demo data: units, one account per role, and a pipeline."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=os.environ.get("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD),
            help="Password for every demo account (default: $DEMO_PASSWORD or %(default)s).",
        )

    def handle(self, *args, **options):
        refuse_unless_demo_accounts_allowed("load_demo_data")
        with transaction.atomic():
            for loader in demo_loaders():
                loader(password=options["password"])
        self.stdout.write(f"Demo accounts (password: {options['password']}):")
        users = get_user_model().objects.filter(username__in=DEMO_USERNAMES)
        for user in sorted(users, key=lambda u: DEMO_USERNAMES.index(u.username)):
            roles = ", ".join(sorted(roles_of(user)))
            self.stdout.write(f"  {user.username:<10} {roles}")
