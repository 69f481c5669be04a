"""Backup and restore, end to end on the configured engine (PostgreSQL in CI, SQLite
locally): a proposal with an uploaded document is committed, backed up with `backup`,
and restored with `restore` into a scratch database and a scratch media folder; one
test restores under a running web server, from another process, as an operator would."""

import io
import os
import sqlite3
import subprocess
import sys
import tarfile
import time
import urllib.request
import uuid
from contextlib import closing, contextmanager
from pathlib import Path
from urllib.parse import quote, urlencode

import environ
import psycopg2
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from common import backup, dataversion
from common.testing import Browser, free_port
from common.uploads import check_upload
from governance.tests.factories import TEST_PASSWORD
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


# A restore brings back nothing remembered


@pytest.mark.django_db(transaction=True)
def test_an_archive_holds_no_data_version_so_even_an_unfinished_restore_brings_none_back(
    document, scratch_database, tmp_path
):
    archive = tmp_path / "portal.tar.gz"
    assert dataversion.current() > 0  # the proposal and its document counted
    _backup(archive)
    # The restore itself, without the command's step that forgets the version after it.
    backup.backup_restore(
        archive=archive,
        database=environ.Env.db_url_config(scratch_database),
        media_root=tmp_path / "restored-media",
    )
    assert _rows(scratch_database, "SELECT COUNT(*) FROM common_dataversion") == [(0,)]


def _execute(database_url, sql):
    config = environ.Env.db_url_config(database_url)
    if config["ENGINE"].endswith("sqlite3"):
        with closing(sqlite3.connect(config["NAME"])) as db, db:
            db.execute(sql)
        return
    with closing(_postgres_connect(config["NAME"])) as db, db, db.cursor() as cursor:
        cursor.execute(sql)


def _manage(*args, env):
    return subprocess.run(  # noqa: S603 - fixed arguments, our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


# Run in its own process, as a Celery worker or another web worker would: names the
# proposal $TITLE, then saves it again until the data version reaches $VERSION.
CHANGE_THE_DATA = """
import os
from common import dataversion
from common.services import save_with_history
from projects.models import Proposal

proposal = Proposal.objects.get()
proposal.title = os.environ["TITLE"]
save_with_history(proposal, user=proposal.created_by)
# Each change counts the version up; an unchanged save is no change, so each differs.
while dataversion.current() < int(os.environ["VERSION"]):
    proposal.sponsor = f"Sponsor {dataversion.current()}"
    save_with_history(proposal, user=proposal.created_by)
print(dataversion.current())
"""


@contextmanager
def _web_server(env, log):
    """gunicorn with one worker, so every request meets the same per-process cache."""
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "ictstrategy.wsgi", "--workers", "1",
        "--bind", f"127.0.0.1:{port}",
    ]  # fmt: skip
    with log.open("w") as output:
        server = subprocess.Popen(  # noqa: S603 - fixed arguments
            command, env={**os.environ, **env}, cwd=settings.BASE_DIR, stdout=output, stderr=output
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, log.read_text()
            try:
                urllib.request.urlopen(base_url + reverse("login"), timeout=5)  # noqa: S310 - loopback
                break
            except OSError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=30)


def _list_page(base_url, user):
    browser = Browser(base_url)
    browser.sign_in(user.username, TEST_PASSWORD)
    status, _, body = browser.get(reverse("projects:proposal-list"))
    assert status == 200
    return browser, body.decode()


@pytest.mark.django_db(transaction=True)
def test_a_web_server_serves_nothing_it_remembered_before_a_restore_made_in_another_process(
    document, scratch_database, tmp_path
):
    officer = document.uploaded_by
    archive = tmp_path / "portal.tar.gz"
    _backup(archive)
    media = tmp_path / "served-media"
    restore = ["restore", str(archive), "--yes", "--database-url", scratch_database]
    restore += ["--media-root", str(media)]
    call_command(*restore, stdout=io.StringIO())  # the portal the server will serve
    scratch = {
        "DJANGO_SETTINGS_MODULE": "ictstrategy.settings.test",
        "DATABASE_URL": scratch_database,
        "DJANGO_CACHE_URL": "locmemcache://",  # each process its own, never emptied by another
        "DJANGO_MEDIA_ROOT": str(media),
    }
    renamed = _manage(
        "shell", "-c", CHANGE_THE_DATA, env={**scratch, "TITLE": "Renamed", "VERSION": "3"}
    )
    assert renamed.returncode == 0, renamed.stderr
    remembered_at = int(renamed.stdout.split()[-1])

    with _web_server(scratch, tmp_path / "gunicorn.log") as base_url:
        browser, page = _list_page(base_url, officer)
        assert "Renamed" in page
        # The page is remembered: a change made behind the data version's back is not seen.
        _execute(scratch_database, "UPDATE projects_proposal SET title = 'Changed unseen'")
        assert "Renamed" in browser.get(reverse("projects:proposal-list"))[2].decode()

        restored = _manage(*restore, env=scratch)
        assert restored.returncode == 0, restored.stderr
        # Changes made after the restore count the version up to the number the page was
        # remembered under.
        changed = _manage(
            "shell",
            "-c",
            CHANGE_THE_DATA,
            env={**scratch, "TITLE": TITLE, "VERSION": str(remembered_at)},
        )
        assert changed.returncode == 0, changed.stderr
        assert int(changed.stdout.split()[-1]) == remembered_at

        _, page = _list_page(base_url, officer)  # the restore took the session away too
    assert TITLE in page
    assert "Renamed" not in page
    assert "Changed unseen" not in page


# What a restore accepts


def _member(name, kind, *, target="", data=None):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    info.mode = 0o600
    if data is not None:
        info.size = len(data)
    return info, data


REFUSED_MEMBERS = {
    # Inside the unpacking folder, but outside the media folder once restored.
    "a symbolic link out of the media folder": _member(
        "media/escape", tarfile.SYMTYPE, target="../database.dump"
    ),
    "a symbolic link to an absolute path": _member(
        "media/passwords", tarfile.SYMTYPE, target="/etc/passwd"
    ),
    "a hard link": _member("media/hard", tarfile.LNKTYPE, target="manifest.json"),
    "a fifo": _member("media/fifo", tarfile.FIFOTYPE),
    "a character device": _member("media/tty", tarfile.CHRTYPE),
    "a block device": _member("media/disk", tarfile.BLKTYPE),
    "a name with ..": _member("media/../outside.pdf", tarfile.REGTYPE, data=DOCUMENT),
}


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_an_archive_holding_anything_but_files_and_folders_and_changes_nothing(
    document, scratch_database, tmp_path
):
    good = tmp_path / "good.tar.gz"
    _backup(good)
    media = tmp_path / "restored-media"
    media.mkdir()
    (media / "kept.pdf").write_bytes(DOCUMENT)
    for what, (info, data) in REFUSED_MEMBERS.items():
        # A real backup with one member added.
        crafted = tmp_path / "crafted.tar.gz"
        with tarfile.open(good) as source, tarfile.open(crafted, "w:gz") as tar:
            for member in source.getmembers():
                tar.addfile(member, source.extractfile(member) if member.isreg() else None)
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
        with pytest.raises(CommandError, match="nothing was restored"):
            call_command(
                "restore",
                crafted,
                yes=True,
                database_url=scratch_database,
                media_root=media,
                stdout=io.StringIO(),
            )
        assert [path.name for path in media.iterdir()] == ["kept.pdf"], what
        assert not (tmp_path / "outside.pdf").exists(), what
        if connection.vendor == "postgresql":
            assert _rows(
                scratch_database, "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'"
            ) == [(0,)], what
        else:
            assert not Path(environ.Env.db_url_config(scratch_database)["NAME"]).exists(), what


def test_restore_refuses_an_absolute_name(tmp_path, scratch_database):
    crafted = tmp_path / "crafted.tar.gz"
    with tarfile.open(crafted, "w:gz") as tar:
        for info, data in (
            _member("manifest.json", tarfile.REGTYPE, data=b"{}"),
            _member("/etc/cron.d/planted", tarfile.REGTYPE, data=b"x"),
        ):
            tar.addfile(info, io.BytesIO(data))
    with pytest.raises(CommandError, match="not a portal backup"):
        call_command(
            "restore",
            crafted,
            yes=True,
            database_url=scratch_database,
            media_root=tmp_path / "m",
            stdout=io.StringIO(),
        )


@pytest.mark.django_db(transaction=True)
def test_restored_files_are_the_portal_accounts_alone_whatever_the_archive_says(
    document, scratch_database, tmp_path
):
    # A file uploaded by an older release, readable by everyone, in a folder of its own.
    older = tmp_path / "media" / "old" / "upload.pdf"
    older.parent.mkdir()
    older.write_bytes(DOCUMENT)
    older.chmod(0o644)
    older.parent.chmod(0o755)
    archive = tmp_path / "portal.tar.gz"
    _backup(archive)
    media = tmp_path / "restored-media"
    call_command(
        "restore",
        archive,
        yes=True,
        database_url=scratch_database,
        media_root=media,
        stdout=io.StringIO(),
    )
    assert _mode(media / "old") == 0o700
    assert _mode(media / "old" / "upload.pdf") == 0o600
    assert _mode(media / document.file.name) == 0o600


def _mode(path):
    return path.stat().st_mode & 0o777
