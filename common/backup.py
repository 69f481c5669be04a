"""Back up and restore the portal's data: the database and the uploaded files.

One `.tar.gz` archive holds both, since neither is any use without the other:

    manifest.json      format version, when it was made, the database engine
    database.dump      PostgreSQL: `pg_dump --format=custom`
    database.sqlite3   SQLite: a copy made with sqlite3's online backup API
    media/...          every stored file (attachments, produced reports): the files
                       under MEDIA_ROOT, or in the object store (Azure Blob Storage,
                       S3) when the portal keeps them there, under the same names

The database is dumped before the files are copied. An upload stores its file before
its row, so every row in the dump finds its file in the archive; a file uploaded in
between is merely an extra one that nothing refers to.

The archive holds personal data, so it is written readable by its owner only, under a
temporary name renamed into place once complete: a failed backup never leaves a
plausible-looking archive behind.

Rows of tables named in `exclude_table_data` are left out of the archive: the data
version (common.dataversion), so that a restore never brings back a version that
pages were remembered under.

A restore checks the whole archive before it replaces anything (only regular files
and folders, every name inside the archive: no link, device, absolute path or `..`),
then replaces the database (pg_restore in one transaction, or sqlite3's backup API:
all of it or none) and then the files, each readable by the portal's account only.

The archive is the same whichever store the files came from, so one made on a server
keeping them in a folder restores into an object store and the other way round. With
an object store, a restore lists the store before it touches the database (so a store
it cannot reach stops it before anything is replaced), then writes every file of the
archive into the store and deletes from it every file the archive does not hold, as a
restore into a folder empties the folder.
"""

import io
import json
import os
import posixpath
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages

ARCHIVE_FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
# A restore unpacks into a folder of this name inside MEDIA_ROOT, so the files are
# moved into place by renames on the same filesystem, however large they are.
STAGING_PREFIX = ".restoring-"

# libpq's environment variables for the connection options Django passes through to
# it. The other OPTIONS (isolation_level, pool...) are Django's own.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


@dataclass(frozen=True)
class BackupResult:
    engine: str
    media_files: int


def object_store() -> Storage | None:
    """The default storage when it is an object store; None when it is MEDIA_ROOT."""
    store = storages["default"]
    return None if isinstance(store, FileSystemStorage) else store


def engine_of(database: dict) -> str:
    """The engine's family, "postgresql" or "sqlite", from a DATABASES entry."""
    engine = database["ENGINE"]
    if engine.endswith((".postgresql", ".postgis")):
        return "postgresql"
    if engine.endswith((".sqlite3", ".spatialite")):
        return "sqlite"
    raise BackupError(f"Backups support PostgreSQL and SQLite, not {engine}.")


# ------------------------------------------------------------------------- backup


def backup_create(
    *,
    database: dict,
    media_root: Path,
    path: Path,
    exclude_table_data: tuple[str, ...] = (),
    store: Storage | None = None,
) -> BackupResult:
    """Write the database, without the rows of `exclude_table_data`, and every file
    under `media_root` to one archive at `path`; or, given an object `store`, every
    file in the store instead."""
    engine = engine_of(database)
    media_root, path = media_root.resolve(), path.resolve()
    if store is None and path.is_relative_to(media_root):
        raise BackupError("Write the archive outside MEDIA_ROOT, or it would back itself up.")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    try:
        with tempfile.TemporaryDirectory(prefix="portal-backup-") as workdir:
            dump = Path(workdir) / DATABASE_FILES[engine]
            _dump_database(database, engine, dump, exclude_table_data)
            manifest = {
                "format": ARCHIVE_FORMAT,
                "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "engine": engine,
                "database": dump.name,
            }
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with (
                os.fdopen(descriptor, "wb") as file,
                tarfile.open(fileobj=file, mode="w:gz") as tar,
            ):
                _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
                tar.add(dump, arcname=dump.name)
                if store is None:
                    media_files = _add_media(tar, media_root)
                else:
                    media_files = _add_stored_media(tar, store)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupResult(engine=engine, media_files=media_files)


def _dump_database(
    database: dict, engine: str, into: Path, exclude_table_data: tuple[str, ...]
) -> None:
    if engine == "postgresql":
        command, env = _postgres_tool("pg_dump", database)
        excluded = [f"--exclude-table-data={table}" for table in exclude_table_data]
        _run([*command, "--format=custom", *excluded, "--file", str(into)], env)
    else:
        if not Path(database["NAME"]).is_file():
            raise BackupError(f"There is no SQLite database at {database['NAME']}.")
        _sqlite_copy(database["NAME"], into)
        with closing(sqlite3.connect(into)) as copy, copy:
            tables = {name for (name,) in copy.execute("SELECT name FROM sqlite_master")}
            for table in set(exclude_table_data) & tables:  # as pg_dump skips a missing one
                copy.execute(f'DELETE FROM "{table}"')  # noqa: S608 - a name from the database


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def _add_media(tar: tarfile.TarFile, media_root: Path) -> int:
    """Adds `media/` (empty when there is no media folder yet); returns the file count."""
    if not media_root.is_dir():
        info = tarfile.TarInfo(MEDIA)
        info.type = tarfile.DIRTYPE
        info.mode = 0o700
        tar.addfile(info)
        return 0
    files = 0

    def keep(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
        nonlocal files
        # A restore interrupted by a kill leaves its unpacking folder behind.
        if info.name.startswith(f"{MEDIA}/{STAGING_PREFIX}"):
            return None
        if info.isfile():
            files += 1
        return info

    tar.add(media_root, arcname=MEDIA, filter=keep)
    return files


def stored_names(store: Storage) -> list[str]:
    """Every file's name in an object store, sorted. Folders are walked as the store
    reports them: S3 (like a folder) lists one level, Azure every name under it."""
    names, folders = [], [""]
    while folders:
        folder = folders.pop()
        subfolders, files = store.listdir(folder)
        names += [posixpath.join(folder, name) for name in files]
        folders += [posixpath.join(folder, name) for name in subfolders]
    return sorted(names)


def _add_stored_media(tar: tarfile.TarFile, store: Storage) -> int:
    """Adds `media/` with every file in the store, under the names a folder would have."""
    folder = tarfile.TarInfo(MEDIA)
    folder.type = tarfile.DIRTYPE
    folder.mode = 0o700
    folder.mtime = int(datetime.now(UTC).timestamp())
    tar.addfile(folder)
    names = stored_names(store)
    for name in names:
        if not _inside(f"{MEDIA}/{name}"):
            raise BackupError(f"The store holds a file a restore would refuse: {name!r}.")
        # A copy on local disk first: the archive needs the size before the bytes.
        with store.open(name, "rb") as source, tempfile.TemporaryFile() as copy:
            shutil.copyfileobj(source, copy)
            info = tarfile.TarInfo(f"{MEDIA}/{name}")
            info.size = copy.tell()
            info.mode = 0o600
            info.mtime = int(store.get_modified_time(name).timestamp())
            copy.seek(0)
            tar.addfile(info, copy)
    return len(names)


# ------------------------------------------------------------------------ restore


def backup_restore(
    *,
    archive: Path,
    database: dict,
    media_root: Path,
    file_mode: int = 0o600,
    directory_mode: int = 0o700,
    store: Storage | None = None,
) -> BackupResult:
    """Replace the database and the files under `media_root` with the archive's; the
    files get `file_mode` and the folders `directory_mode`, whatever the archive says.
    Given an object `store`, replace the files in the store instead."""
    engine = engine_of(database)
    if store is None:
        media_root.mkdir(mode=directory_mode, parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=media_root))
    else:
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX))
    try:
        manifest = _unpack(archive, staging)
        if manifest["engine"] != engine:
            raise BackupError(
                f"The archive holds a {manifest['engine']} database; "
                f"it cannot be restored into {engine}."
            )
        _set_modes(staging / MEDIA, file_mode=file_mode, directory_mode=directory_mode)
        if store is None:
            _restore_database(database, engine, staging / manifest["database"])
            media_files = _replace_media(media_root, staging)
        else:
            in_store = stored_names(store)
            _restore_database(database, engine, staging / manifest["database"])
            media_files = _replace_stored_media(store, in_store, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BackupResult(engine=engine, media_files=media_files)


def _unpack(archive: Path, into: Path) -> dict:
    """Unpack the archive, refusing all of it unless it holds only what a backup
    writes: regular files and folders, each named inside the archive."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            # Reads the archive to its end, so a truncated or corrupt one fails here.
            members = tar.getmembers()
            names = [member.name for member in members]
            expected = {MANIFEST, MEDIA, *DATABASE_FILES.values()}
            strays = [n for n in names if n not in expected and not n.startswith(f"{MEDIA}/")]
            if strays or MANIFEST not in names:
                raise BackupError(f"{archive} is not a portal backup archive.")
            if refused := [member.name for member in members if not _plain(member)]:
                raise BackupError(
                    f"{archive} holds something a backup never writes, so nothing was "
                    "restored: only regular files and folders inside the archive are "
                    f"accepted, not {', '.join(repr(name) for name in refused[:5])}."
                )
            # The `data` filter checks again as it unpacks.
            tar.extractall(into, filter="data")
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise BackupError(f"{archive} cannot be unpacked: {exc}") from exc
    try:
        manifest = json.loads((into / MANIFEST).read_text())
    except ValueError as exc:
        raise BackupError(f"{archive} has an unreadable manifest: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != ARCHIVE_FORMAT:
        raise BackupError(f"{archive} is not in backup format {ARCHIVE_FORMAT}.")
    if DATABASE_FILES.get(manifest.get("engine")) != manifest.get("database"):
        raise BackupError(f"{archive} has an unknown database engine.")
    if not (into / manifest["database"]).is_file():
        raise BackupError(f"{archive} has no database in it.")
    return manifest


def _plain(member: tarfile.TarInfo) -> bool:
    """A regular file or a folder, named by a relative path that stays inside the
    archive. Not a symbolic or hard link (once restored, it could point anywhere on the
    server), a device or a fifo."""
    return _inside(member.name) and (member.isreg() or member.isdir())


def _inside(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts


def _set_modes(folder: Path, *, file_mode: int, directory_mode: int) -> None:
    # What the archive recorded may be 0644 from an older release or another server.
    if not folder.is_dir():
        return
    folder.chmod(directory_mode)
    for path in folder.rglob("*"):
        path.chmod(directory_mode if path.is_dir() else file_mode)


def _restore_database(database: dict, engine: str, dump: Path) -> None:
    if engine == "postgresql":
        command, env = _postgres_tool("pg_restore", database)
        restore = ["--clean", "--if-exists", "--no-owner", "--single-transaction"]
        _run([*command, *restore, str(dump)], env)
    else:
        Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(dump, database["NAME"])


def _replace_media(media_root: Path, staging: Path) -> int:
    for entry in media_root.iterdir():
        if entry == staging:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    restored = staging / MEDIA
    if not restored.is_dir():
        return 0
    files = sum(1 for path in restored.rglob("*") if path.is_file())
    for entry in restored.iterdir():
        entry.rename(media_root / entry.name)
    return files


def _replace_stored_media(store: Storage, in_store: list[str], staging: Path) -> int:
    restored = staging / MEDIA
    files = sorted(path for path in restored.rglob("*") if path.is_file())
    names = [path.relative_to(restored).as_posix() for path in files]
    for path, name in zip(files, names, strict=True):
        # The store never overwrites (nor would a new file's name be kept): replace.
        store.delete(name)
        with path.open("rb") as content:
            if (saved := store.save(name, File(content, name=name))) != name:
                raise BackupError(f"The store kept {name} as {saved}: restore again.")
    for name in set(in_store) - set(names):
        store.delete(name)
    return len(names)


# ---------------------------------------------------------------- database tools


def _postgres_tool(tool: str, database: dict) -> tuple[list[str], dict[str, str]]:
    """The command line and environment for pg_dump or pg_restore. The password goes in
    the environment, never on the command line, where any user of the server could
    read it in the process list."""
    executable = shutil.which(tool)
    if executable is None:
        raise BackupError(f"{tool} is not installed (Debian: apt-get install postgresql-client).")
    # Never prompt for a password: under cron there is nobody to answer.
    command = [executable, "--no-password"]
    if database.get("HOST"):
        command += ["--host", str(database["HOST"])]
    if database.get("PORT"):
        command += ["--port", str(database["PORT"])]
    if database.get("USER"):
        command += ["--username", str(database["USER"])]
    command += ["--dbname", str(database["NAME"])]
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    options = database.get("OPTIONS") or {}
    env.update({var: str(options[opt]) for opt, var in LIBPQ_OPTIONS.items() if opt in options})
    return command, env


def _run(command: list[str], env: dict[str, str]) -> None:
    # A list with no shell: the settings' connection details and paths chosen here.
    finished = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if finished.returncode != 0:
        tool = Path(command[0]).name
        raise BackupError(f"{tool} failed (exit {finished.returncode}): {finished.stderr.strip()}")


def _sqlite_copy(source: Path | str, target: Path | str) -> None:
    """Copy a live SQLite database consistently, page by page (sqlite3's backup API),
    even while the portal writes to it."""
    with (
        closing(sqlite3.connect(source, timeout=20)) as src,
        closing(sqlite3.connect(target, timeout=20)) as dst,
    ):
        src.backup(dst)
