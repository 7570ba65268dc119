"""Backups: one tar.gz holding the database, the uploaded files and a manifest.

Members of an archive, in this order:

    database.sqlite3 or database.pgdump   SQLite online backup, or `pg_dump --format=custom`
    media/<path>                          every regular file under MEDIA_ROOT
    manifest.json                         versions, migration state, size and sha256 per member

The manifest carries a checksum of itself, so a damaged or hand-edited archive is refused before
anything is changed. That detects accidents, not a forger: whoever can write the archive can
recompute every checksum, so keep backups where only operators can write.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import tomllib
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any

import django
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.postgresql.client import DatabaseClient as PostgresClient
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup that cannot be written or restored; the message is meant for the operator."""


@dataclass(frozen=True)
class StagedBackup:
    """A verified archive, unpacked into a private directory next to MEDIA_ROOT."""

    archive: Path
    manifest: dict[str, Any]
    database: Path
    media: Path

    @property
    def vendor(self) -> str:
        return self.manifest["database"]["vendor"]

    @property
    def media_count(self) -> int:
        return self.manifest["counts"]["media"]


def create_backup(
    output: Path | None = None, using: str = DEFAULT_DB_ALIAS
) -> tuple[Path, dict[str, Any]]:
    """Write one archive of the database and MEDIA_ROOT; return its path and manifest."""
    connection = connections[using]
    vendor = _vendor(connection)
    if connection.in_atomic_block:
        # SQLite's backup API would wait forever on our own write lock, and pg_dump would miss
        # this transaction's writes.
        raise BackupError("A backup cannot run inside a transaction.")
    created = timezone.now()
    if output is None:
        output = Path(settings.DATA_DIR) / "backups" / f"lodestar-{created:%Y%m%d-%H%M%S}.tar.gz"
    output = output.absolute()
    try:
        output.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # The dump can be as large as the database: stage it beside the archive, not in /tmp.
        with tempfile.TemporaryDirectory(prefix=".lodestar-backup-", dir=output.parent) as tmp:
            dump = Path(tmp) / DATABASE_MEMBERS[vendor]
            if vendor == "sqlite":
                _dump_sqlite(connection, dump)
            else:
                _dump_postgresql(connection, dump)
            # Listed after the dump: a file uploaded meanwhile is kept without its row, which
            # is harmless, rather than a row kept without its file.
            media = _media_files(Path(settings.MEDIA_ROOT), skip=Path(tmp))
            manifest = {
                "format": FORMAT,
                "lodestar_version": lodestar_version(),
                "django_version": django.get_version(),
                "created_at": created.isoformat(),
                "database": {
                    "vendor": vendor,
                    "member": dump.name,
                    "tables": sorted(connection.introspection.table_names()),
                },
                "migrations": _applied_migrations(connection),
                "counts": {"database": 1, "media": len(media)},
                "members": {},
            }
            partial = Path(tmp) / "archive.partial"
            # Created 0600 from the start: the archive holds every member's private data.
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as raw:
                with tarfile.open(fileobj=raw, mode="w:gz") as tar:
                    members = manifest["members"]
                    members[dump.name] = _add_file(tar, dump, dump.name)
                    for path, name in media:
                        members[name] = _add_file(tar, path, name)
                    manifest["manifest_sha256"] = manifest_digest(manifest)
                    data = json.dumps(manifest, indent=2, sort_keys=True).encode()
                    info = tarfile.TarInfo(MANIFEST)
                    info.size, info.mode, info.mtime = len(data), 0o600, int(created.timestamp())
                    tar.addfile(info, io.BytesIO(data))
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, output)
    except OSError as exc:
        raise BackupError(f"Could not write the backup {output}: {exc}") from exc
    return output, manifest


@contextmanager
def open_backup(archive: Path, using: str = DEFAULT_DB_ALIAS) -> Iterator[StagedBackup]:
    """Verify an archive and unpack it; refuse it before anything changes if it does not fit."""
    media_root = Path(settings.MEDIA_ROOT).absolute()
    _check_media_root(media_root, connections[using])
    media_root.parent.mkdir(parents=True, exist_ok=True)
    # Next to MEDIA_ROOT, so the restored files are moved into place, not copied.
    with tempfile.TemporaryDirectory(prefix=".lodestar-restore-", dir=media_root.parent) as tmp:
        staged = _unpack(Path(archive), Path(tmp))
        _check_compatible(staged.manifest, connections[using])
        yield staged


def restore_backup(staged: StagedBackup, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Replace the database and MEDIA_ROOT, then migrate; return the migrations applied."""
    connection = connections[using]
    if connection.in_atomic_block:
        raise BackupError("A restore cannot run inside a transaction.")
    if staged.vendor == "sqlite":
        _restore_sqlite(connection, staged.database)
    else:
        _restore_postgresql(connection, staged)
    _replace_media(staged.media, Path(settings.MEDIA_ROOT))
    ContentType.objects.clear_cache()
    before = set(MigrationRecorder(connection).applied_migrations())
    call_command("migrate", database=using, interactive=False, verbosity=0)
    after = set(MigrationRecorder(connection).applied_migrations())
    return [f"{app}.{name}" for app, name in sorted(after - before)]


def lodestar_version() -> str:
    try:
        with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as file:
            return str(tomllib.load(file)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        pass
    try:
        return metadata.version("lodestar")
    except metadata.PackageNotFoundError:
        return "unknown"


def postgres_command(
    program: str, settings_dict: dict[str, Any], *args: str
) -> tuple[list[str], dict[str, str]]:
    """argv and environment for a PostgreSQL client tool.

    The password (and the TLS options) travel in the environment, as Django's own `dbshell`
    passes them, so they never show in `ps` or in an error message quoting the command.
    """
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(
            f"{program} was not found on PATH: install the PostgreSQL client tools "
            "(the same major version as the server, or newer)."
        )
    _, client_env = PostgresClient.settings_to_cmd_args_env(settings_dict, [])
    argv = [executable, "--no-password"]
    for flag, key in [("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")]:
        if settings_dict.get(key):
            argv.append(f"{flag}={settings_dict[key]}")
    if settings_dict.get("NAME"):
        argv.append(f"--dbname={settings_dict['NAME']}")
    return [*argv, *args], {**os.environ, **(client_env or {})}


def _vendor(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in DATABASE_MEMBERS:
        raise BackupError(
            f"Backups support SQLite and PostgreSQL; this site uses {connection.vendor}."
        )
    return connection.vendor


def _media_files(media_root: Path, skip: Path) -> list[tuple[Path, str]]:
    if not media_root.is_dir():
        return []
    files = []
    for directory, _, names in os.walk(media_root):
        if Path(directory).is_relative_to(skip):
            continue  # our own staging directory, when --output points inside MEDIA_ROOT
        for name in names:
            path = Path(directory, name)
            # Symbolic links are skipped: they may point anywhere, and a restore would follow them.
            if path.is_file() and not path.is_symlink():
                files.append((path, f"{MEDIA}/{path.relative_to(media_root).as_posix()}"))
    return sorted(files, key=lambda item: item[1])


def _dump_sqlite(connection: BaseDatabaseWrapper, target: Path) -> None:
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        # One step: a consistent snapshot even while the site keeps writing (WAL).
        connection.connection.backup(copy)
        # A self-contained file: a WAL-mode copy would need its -wal file to be read.
        copy.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as exc:
        raise BackupError(f"Could not copy the SQLite database: {exc}") from exc
    finally:
        copy.close()


def _dump_postgresql(connection: BaseDatabaseWrapper, target: Path) -> None:
    argv, env = postgres_command(
        "pg_dump", connection.settings_dict, "--format=custom", f"--file={target}"
    )
    _run(argv, env)


def _run(argv: list[str], env: dict[str, str]) -> None:
    # argv is built from settings, without a shell; the password is only in env.
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        program = Path(argv[0]).name
        raise BackupError(f"{program} failed (exit {result.returncode}): {result.stderr.strip()}")


def _applied_migrations(connection: BaseDatabaseWrapper) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


class _HashingReader:
    def __init__(self, file: IO[bytes]) -> None:
        self.file = file
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.sha256.update(data)
        return data


def _add_file(tar: tarfile.TarFile, path: Path, name: str) -> dict[str, Any]:
    # Hashed while it is archived, so the checksum is of the bytes actually stored.
    with path.open("rb") as file:
        stat = os.fstat(file.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = stat.st_size, 0o600, int(stat.st_mtime)
        reader = _HashingReader(file)
        tar.addfile(info, reader)
    return {"size": stat.st_size, "sha256": reader.sha256.hexdigest()}


def manifest_digest(manifest: dict[str, Any]) -> str:
    body = {key: value for key, value in manifest.items() if key != "manifest_sha256"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(canonical).hexdigest()


def _member_path(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    parts = path.parts
    safe = (
        not path.is_absolute()
        and ".." not in parts
        and "" not in parts
        and (name in DATABASE_MEMBERS.values() or (len(parts) > 1 and parts[0] == MEDIA))
    )
    if not safe:
        raise BackupError(f"Unexpected member {name!r} in the archive: not a Lodestar backup.")
    return path


def _unpack(archive: Path, into: Path) -> StagedBackup:
    if not archive.is_file():
        raise BackupError(f"{archive} does not exist or is not a file.")
    manifest_data: bytes | None = None
    found: dict[str, dict[str, Any]] = {}
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar:
                if member.name == MANIFEST and member.isfile():
                    if manifest_data is not None or member.size > MAX_MANIFEST_BYTES:
                        raise BackupError(f"{archive} has an invalid manifest.json.")
                    manifest_data = tar.extractfile(member).read()
                    continue
                path = _member_path(member.name)
                if not member.isfile() or member.name in found:
                    raise BackupError(f"{archive} holds an unexpected member {member.name!r}.")
                target = into.joinpath(*path.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                found[member.name] = _extract(tar.extractfile(member), target)
            # tarfile stops quietly at a damaged header; reading on to the end of the gzip
            # stream checks its CRC, so damage anywhere is reported as damage.
            while tar.fileobj.read(CHUNK):
                pass
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise BackupError(f"{archive} could not be read as a Lodestar backup: {exc}") from exc
    manifest = _verified_manifest(archive, manifest_data, found)
    return StagedBackup(
        archive=archive,
        manifest=manifest,
        database=into / manifest["database"]["member"],
        media=into / MEDIA,
    )


def _extract(source: IO[bytes], target: Path) -> dict[str, Any]:
    sha256 = hashlib.sha256()
    size = 0
    with target.open("wb") as out:
        while chunk := source.read(CHUNK):
            sha256.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return {"size": size, "sha256": sha256.hexdigest()}


def _verified_manifest(
    archive: Path, data: bytes | None, found: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    if data is None:
        raise BackupError(
            f"{archive} has no manifest.json: it is damaged or not a Lodestar backup."
        )
    try:
        manifest = json.loads(data)
    except ValueError as exc:
        raise BackupError(f"The manifest of {archive} is not valid JSON: {exc}") from exc
    if not isinstance(manifest, dict):
        raise BackupError(f"The manifest of {archive} is not a Lodestar manifest.")
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"{archive} is in backup format {manifest.get('format')!r}; "
            f"this version of Lodestar reads format {FORMAT}."
        )
    if manifest.get("manifest_sha256") != manifest_digest(manifest):
        raise BackupError(
            f"The manifest of {archive} does not match its checksum: "
            "the archive was damaged or edited. Nothing was changed."
        )
    try:
        expected = manifest["members"]
        database = manifest["database"]
        vendor_member = DATABASE_MEMBERS.get(database["vendor"])
        complete = vendor_member == database["member"] and vendor_member in expected
        counts_match = manifest["counts"]["media"] == len(expected) - 1
        migrations = manifest["migrations"]
    except (KeyError, TypeError) as exc:
        raise BackupError(f"The manifest of {archive} is incomplete ({exc}).") from exc
    if not complete or not counts_match or not isinstance(migrations, dict):
        raise BackupError(f"The manifest of {archive} is inconsistent.")
    missing = sorted(set(expected) - set(found))
    unlisted = sorted(set(found) - set(expected))
    if missing or unlisted:
        raise BackupError(
            f"{archive} does not hold the files its manifest lists "
            f"(missing: {missing[:5]}, unlisted: {unlisted[:5]}). Nothing was changed."
        )
    for name, actual in found.items():
        if expected[name] != actual:
            raise BackupError(
                f"{name} in {archive} does not match its checksum: "
                "the archive was damaged or edited. Nothing was changed."
            )
    return manifest


def _check_compatible(manifest: dict[str, Any], connection: BaseDatabaseWrapper) -> None:
    vendor = _vendor(connection)
    theirs = manifest["database"]["vendor"]
    if theirs != vendor:
        raise BackupError(
            f"This backup holds a {VENDOR_NAMES[theirs]} database, but this site uses "
            f"{VENDOR_NAMES[vendor]}. Restore it on a site configured for "
            f"{VENDOR_NAMES[theirs]} (DATABASE_URL). Nothing was changed."
        )
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(migration.replaces)
    # Rows of apps no longer installed stay in django_migrations forever; they are not news.
    unknown = [
        f"{app}.{name}"
        for app, names in manifest["migrations"].items()
        if app in loader.migrated_apps
        for name in names
        if (app, name) not in known
    ]
    if unknown:
        raise BackupError(
            "This backup was made by a newer version of Lodestar (unknown migrations: "
            f"{', '.join(unknown[:5])}). Upgrade Lodestar, then restore. Nothing was changed."
        )


def _check_media_root(media_root: Path, connection: BaseDatabaseWrapper) -> None:
    # A restore empties MEDIA_ROOT; refuse when that would take the data directory with it.
    protected = [Path(settings.BASE_DIR), Path(settings.DATA_DIR)]
    if connection.vendor == "sqlite":
        protected.append(Path(str(connection.settings_dict["NAME"])))
    for path in protected:
        if path.absolute().is_relative_to(media_root):
            raise BackupError(
                f"MEDIA_ROOT ({media_root}) contains {path}: a restore empties MEDIA_ROOT, "
                "so it must be a directory of its own."
            )


def _restore_sqlite(connection: BaseDatabaseWrapper, copy: Path) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(copy)
    try:
        # Through the backup API, into the open connection: other connections see either the
        # old database or the restored one, and the file keeps its WAL mode.
        source.backup(connection.connection)
    except sqlite3.Error as exc:
        raise BackupError(f"Could not restore the SQLite database: {exc}") from exc
    finally:
        source.close()


def _restore_postgresql(connection: BaseDatabaseWrapper, staged: StagedBackup) -> None:
    # pg_restore --clean drops only what the dump holds; tables that newer migrations added
    # would stay behind and make migrate fail, so they go first.
    extra = set(connection.introspection.table_names()) - set(staged.manifest["database"]["tables"])
    if extra:
        names = ", ".join(connection.ops.quote_name(table) for table in sorted(extra))
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {names} CASCADE")
    argv, env = postgres_command(
        "pg_restore",
        connection.settings_dict,
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        str(staged.database),
    )
    _run(argv, env)


def _replace_media(staged: Path, media_root: Path) -> None:
    media_root.mkdir(parents=True, exist_ok=True)
    for entry in media_root.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    if staged.is_dir():
        for entry in staged.iterdir():
            shutil.move(entry, media_root / entry.name)
