"""Backup and restore, end to end on the configured engine (PostgreSQL in CI, SQLite
locally): a proposal with an uploaded document is committed, backed up with `backup`,
and restored with `restore` into a scratch database and a scratch media folder."""

import io
import sqlite3
import tarfile
import uuid
from contextlib import closing
from pathlib import Path
from urllib.parse import quote, urlencode

import environ
import psycopg2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from common import backup, dataversion
from common.uploads import check_upload
from projects.models import Proposal
from projects.services import attachment_add, proposal_create, proposal_save_draft

DOCUMENT = b"%PDF-1.4\n% the business case\n%%EOF\n"
TITLE = "Replace the housing repairs system"


def _postgres_connect(dbname):
    settings_dict = connection.settings_dict
    return psycopg2.connect(
        dbname=dbname,
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        user=settings_dict["USER"] or None,
        password=settings_dict["PASSWORD"] or None,
        **settings_dict["OPTIONS"],
    )


def _rows(database_url, sql):
    config = environ.Env.db_url_config(database_url)
    if config["ENGINE"].endswith("sqlite3"):
        with closing(sqlite3.connect(config["NAME"])) as db:
            return db.execute(sql).fetchall()
    with closing(_postgres_connect(config["NAME"])) as db, db.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


@pytest.fixture
def scratch_database(tmp_path):
    """A new, empty database on the configured engine, as a URL; dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
        return
    name = f"scratch_backup_{uuid.uuid4().hex[:12]}"
    with closing(_postgres_connect("postgres")) as admin:
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
    settings_dict = connection.settings_dict
    password = f":{quote(settings_dict['PASSWORD'], safe='')}" if settings_dict["PASSWORD"] else ""
    options = f"?{urlencode(settings_dict['OPTIONS'])}" if settings_dict["OPTIONS"] else ""
    yield (
        f"postgres://{quote(settings_dict['USER'], safe='')}{password}"
        f"@{settings_dict['HOST']}:{settings_dict['PORT']}/{name}{options}"
    )
    with closing(_postgres_connect("postgres")) as admin:
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def document(officer, strategy, settings, tmp_path):
    """A proposal with an uploaded document, made through the services as in the portal
    and committed (the tests run outside a transaction, so pg_dump sees it)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    proposal = proposal_create(user=officer, title=TITLE)
    upload = SimpleUploadedFile("Business case.pdf", DOCUMENT, content_type="application/pdf")
    upload.checked = check_upload(upload)
    return attachment_add(proposal=proposal, user=officer, upload=upload)


def _backup(path):
    out = io.StringIO()
    call_command("backup", output=path, stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_a_scratch_database_has_the_data_history_and_files(
    document, scratch_database, tmp_path
):
    archive = tmp_path / "backups" / "portal.tar.gz"
    assert "and 1 uploaded file(s)" in _backup(archive)
    assert archive.stat().st_mode & 0o777 == 0o600  # it holds personal data
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {"manifest.json", f"media/{document.file.name}"} <= names

    scratch_media = tmp_path / "restored-media"
    call_command(
        "restore",
        archive,
        yes=True,
        database_url=scratch_database,
        media_root=scratch_media,
        stdout=io.StringIO(),
    )

    # The test began with no proposals, so the scratch database should hold just this one.
    assert _rows(scratch_database, "SELECT title FROM projects_proposal") == [(TITLE,)]
    history = _rows(
        scratch_database, "SELECT history_type, history_user_id FROM projects_historicalproposal"
    )
    assert history == [("+", document.uploaded_by_id)]
    [(stored_name,)] = _rows(scratch_database, "SELECT file FROM projects_attachment")
    assert (scratch_media / stored_name).read_bytes() == DOCUMENT
    assert _rows(scratch_database, "SELECT COUNT(*) FROM projects_historicalattachment") == [(1,)]


@pytest.mark.django_db(transaction=True)
def test_restoring_over_the_portal_puts_back_what_changed_since_the_backup(
    document, settings, tmp_path, client_for
):
    archive = tmp_path / "portal.tar.gz"
    _backup(archive)
    proposal_save_draft(
        proposal=document.proposal, user=document.uploaded_by, fields={"title": "Renamed"}
    )
    page_url = document.proposal.get_absolute_url()
    assert "Renamed" in client_for(document.uploaded_by).get(page_url).content.decode()
    remembered_at = dataversion.current()
    stray = tmp_path / "media" / "uploaded-after-the-backup.pdf"
    stray.write_bytes(DOCUMENT)
    (tmp_path / "media" / document.file.name).unlink()

    call_command("restore", archive, yes=True, stdout=io.StringIO())

    assert Proposal.objects.get(pk=document.proposal_id).title == TITLE
    assert (tmp_path / "media" / document.file.name).read_bytes() == DOCUMENT
    assert not stray.exists()
    # The restored data version is older; as changes count it up again, the page
    # remembered with the renamed title must not come back.
    while dataversion.current() < remembered_at:
        dataversion.bump()
    page = client_for(document.uploaded_by).get(page_url).content.decode()
    assert TITLE in page
    assert "Renamed" not in page


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_without_yes_and_changes_nothing(document, scratch_database, tmp_path):
    archive = tmp_path / "portal.tar.gz"
    _backup(archive)
    scratch_media = tmp_path / "restored-media"
    with pytest.raises(CommandError, match="Run again with --yes"):
        call_command("restore", archive, database_url=scratch_database, media_root=scratch_media)
    assert not scratch_media.exists()
    if connection.vendor == "postgresql":
        assert _rows(
            scratch_database, "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'"
        ) == [(0,)]
    else:
        assert not Path(environ.Env.db_url_config(scratch_database)["NAME"]).exists()


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path, scratch_database):
    bogus = tmp_path / "not-a-backup.tar.gz"
    bogus.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="cannot be unpacked"):
        call_command(
            "restore",
            bogus,
            yes=True,
            database_url=scratch_database,
            media_root=tmp_path / "m",
            stdout=io.StringIO(),
        )


def test_the_database_password_goes_in_the_environment_never_on_the_command_line(monkeypatch):
    # Any user of the server can read a command line in the process list.
    monkeypatch.setattr(backup.shutil, "which", lambda tool: f"/usr/bin/{tool}")
    database = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "portal",
        "USER": "portal",
        "PASSWORD": "correct horse",
        "HOST": "db.internal",
        "PORT": 5432,
        "OPTIONS": {"sslmode": "verify-full"},
    }
    command, env = backup._postgres_tool("pg_dump", database)
    assert not any("correct horse" in part for part in command)
    assert env["PGPASSWORD"] == "correct horse"
    assert env["PGSSLMODE"] == "verify-full"
    assert command == [
        "/usr/bin/pg_dump", "--no-password", "--host", "db.internal", "--port", "5432",
        "--username", "portal", "--dbname", "portal",
    ]  # fmt: skip
