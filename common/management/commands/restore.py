import sys
from pathlib import Path

import environ
from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import ConnectionHandler

from common import dataversion
from common.backup import BackupError, backup_restore, object_store


class Command(BaseCommand):
    help = (
        "Restore a `backup` archive: REPLACES the database and the uploaded files. Stop "
        "the web server, the Celery worker and beat first. See README.md, 'Backups'."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The .tar.gz archive `backup` wrote.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Replace the data without asking (for scripts).",
        )
        parser.add_argument(
            "--database-url",
            help="Restore into this database instead of the configured one, e.g. "
            "postgres://user@host:5432/scratch or sqlite:////tmp/scratch.sqlite3.",
        )
        parser.add_argument(
            "--media-root",
            type=Path,
            help="Restore the files into this folder instead of MEDIA_ROOT or the object store.",
        )

    def handle(self, *args, **options):
        if options["database_url"]:
            database = environ.Env.db_url_config(options["database_url"])
        else:
            database = connections[DEFAULT_DB_ALIAS].settings_dict
        media_root = options["media_root"] or Path(settings.MEDIA_ROOT)
        # --media-root is a folder, whatever store the portal keeps its files in.
        store = None if options["media_root"] else object_store()
        files_in = media_root if store is None else f"the object store ({type(store).__name__})"
        if not options["archive"].is_file():
            raise CommandError(f"There is no archive at {options['archive']}.")
        self._confirm(options, database, files_in)
        # The portal's own connections must not hold the old database open or locked.
        connections.close_all()
        try:
            result = backup_restore(
                archive=options["archive"],
                database=database,
                media_root=media_root,
                file_mode=settings.FILE_UPLOAD_PERMISSIONS,
                directory_mode=settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS,
                store=store,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        # Pages remember parts under the data version (common.dataversion), and the
        # restored data would count it up again through numbers already used: forget
        # it, so the next reader starts a new epoch that nothing remembered can match,
        # in this cache or any web worker's own. Emptying the cache only frees memory.
        restored = ConnectionHandler({DEFAULT_DB_ALIAS: dict(database)})
        try:
            dataversion.forget(restored[DEFAULT_DB_ALIAS])
        finally:
            restored.close_all()
        cache.clear()
        self.stdout.write(
            f"Restored the {result.engine} database {database['NAME']} and "
            f"{result.media_files} uploaded file(s) into {files_in}. If the archive "
            "came from an older release of the portal, run `manage.py migrate` now."
        )

    def _confirm(self, options, database, files_in):
        if options["yes"]:
            return
        warning = (
            f"This replaces everything in the database {database['NAME']} and every file "
            f"in {files_in} with the contents of {options['archive']}."
        )
        if not sys.stdin.isatty():
            raise CommandError(f"{warning} Run again with --yes to go ahead.")
        answer = input(f"{warning}\nType 'yes' to go ahead: ")
        if answer.strip().lower() != "yes":
            raise CommandError("Nothing was restored.")
