import base64
import binascii
import os

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from common.demo import demo_loaders, refuse_unless_demo_accounts_allowed
from common.roles import roles_of

DEFAULT_DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105 - demo accounts only
DEMO_USERNAMES = [
    "officer",
    "officer-revenues",
    "officer-planning",
    "officer-environment",
    "officer-ict",
    "member",
    "member2",
    "chair",
    "headofict",
    "admin",
]
SECOND_FACTOR_DEMO_USERNAMES = ["chair", "headofict", "admin"]


class Command(BaseCommand):
    help = (
        "Load clearly labelled demo data: units, one account per role (and an officer for "
        "each unit with demo proposals), and a pipeline."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=os.environ.get("DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD),
            help="Password for every demo account (default: $DEMO_PASSWORD or %(default)s).",
        )
        parser.add_argument(
            "--authenticator-secret",
            metavar="BASE32",
            help="Also set up an authenticator app with this secret (add it to your app by "
            "hand) for the demo accounts whose roles need a second factor in production: "
            f"{', '.join(SECOND_FACTOR_DEMO_USERNAMES)}. Without it, none has one.",
        )

    def handle(self, *args, **options):
        refuse_unless_demo_accounts_allowed("load_demo_data")
        with transaction.atomic():
            for loader in demo_loaders():
                loader(password=options["password"])
            if secret := options["authenticator_secret"]:
                self._set_up_authenticators(secret)
        self.stdout.write(f"Demo accounts (password: {options['password']}):")
        users = get_user_model().objects.filter(username__in=DEMO_USERNAMES)
        for user in sorted(users, key=lambda u: DEMO_USERNAMES.index(u.username)):
            roles = ", ".join(sorted(roles_of(user)))
            self.stdout.write(f"  {user.username:<20} {roles}")

    def _set_up_authenticators(self, secret: str) -> None:
        secret = secret.replace(" ", "").upper()
        try:
            base64.b32decode(secret + "=" * (-len(secret) % 8))
        except binascii.Error as error:
            raise CommandError("--authenticator-secret must be base32 (A-Z, 2-7)") from error
        people = get_user_model().objects.filter(username__in=SECOND_FACTOR_DEMO_USERNAMES)
        for person in people:
            Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).delete()
            TOTP.activate(person, secret)
        self.stdout.write(
            f"Authenticator app set up for {', '.join(SECOND_FACTOR_DEMO_USERNAMES)}: add the "
            f"secret {secret} to your app to sign in as them."
        )
