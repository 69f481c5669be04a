from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from common import dataversion
from common.backup import BackupError, backup_create, object_store


class Command(BaseCommand):
    help = (
        "Back up the database and the uploaded files (MEDIA_ROOT, or the object store "
        "DJANGO_STORAGE names) into one .tar.gz archive, readable by its owner only. See "
        "README.md, 'Backups'."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="Where to write the archive (default: var/backups/portal-<UTC time>.tar.gz).",
        )
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help="The database alias to back up (default: %(default)s).",
        )

    def handle(self, *args, **options):
        path = options["output"] or Path(settings.BASE_DIR) / "var" / "backups" / (
            f"portal-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.tar.gz"
        )
        try:
            result = backup_create(
                database=connections[options["database"]].settings_dict,
                media_root=Path(settings.MEDIA_ROOT),
                path=path,
                # A restore must never bring back a version pages were remembered under.
                exclude_table_data=(dataversion.table(),),
                store=object_store(),
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Backed up the {result.engine} database and {result.media_files} uploaded "
            f"file(s) to {path}"
        )
