"""manage.py backup and restore, on whichever database the suite runs on.

The tests are transactional: a restore replaces the database underneath the connection, and on
PostgreSQL pg_dump sees only committed rows. The SQLite test database lives in memory; the
restore writes through the open connection with the backup API, so it works there as on a file,
and the last test drives the commands against a real database file in a subprocess.
"""

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from lodestar.accounts.models import User
from lodestar.core import backups
from lodestar.programs.models import Membership, Program
from tests.conftest import make_user

transactional = pytest.mark.django_db(transaction=True)
AVATAR = b"\x89PNG\r\n\x1a\n not really an avatar"
OTHER_VENDOR = {"sqlite": "postgresql", "postgresql": "sqlite"}


def snapshot() -> dict[str, object]:
    media = Path(settings.MEDIA_ROOT)
    return {
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "programs": sorted(Program.objects.values_list("slug", flat=True)),
        "media": sorted(
            (path.relative_to(media).as_posix(), path.read_bytes())
            for path in media.rglob("*")
            if path.is_file()
        ),
    }


@pytest.fixture
def avatar(settings) -> Path:
    path = Path(settings.MEDIA_ROOT) / "avatars" / "mei.png"
    path.parent.mkdir(parents=True)
    path.write_bytes(AVATAR)
    return path


def backup(tmp_path: Path) -> Path:
    archive = tmp_path / "backups" / "site.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())
    return archive


def restore(archive: Path, **options) -> str:
    out = io.StringIO()
    call_command("restore", str(archive), stdout=out, **options)
    return out.getvalue()


def change_everything(avatar: Path) -> None:
    program = Program.objects.get(slug="women-in-data")
    program.memberships.all().delete()  # cohorts and tracks are protected while they have members
    program.delete()
    make_user("newcomer@example.org")
    avatar.unlink()
    (avatar.parent / "added-later.txt").write_text("not in the backup")


def rewrite(
    archive: Path, edit: Callable[[str, bytes], bytes], rename: dict[str, str] | None = None
) -> None:
    with tarfile.open(archive) as tar:
        members = [(member, tar.extractfile(member).read()) for member in tar.getmembers()]
    with tarfile.open(archive, "w:gz") as tar:
        for member, data in members:
            data = edit(member.name, data)
            member.name = (rename or {}).get(member.name, member.name)
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))


def edit_manifest(
    archive: Path, change: Callable[[dict], None], rename: dict[str, str] | None = None
) -> None:
    """A consistent forgery: the manifest's own checksum is recomputed after the change."""

    def edit(name: str, data: bytes) -> bytes:
        if name != backups.MANIFEST:
            return data
        manifest = json.loads(data)
        change(manifest)
        manifest["manifest_sha256"] = backups.manifest_digest(manifest)
        return json.dumps(manifest).encode()

    rewrite(archive, edit, rename)


@pytest.fixture
def backed_up(tmp_path, mentee, avatar) -> tuple[Path, dict[str, object]]:
    """A backup of the cast, then a site that moved on: (archive, state after the changes)."""
    archive = backup(tmp_path)
    change_everything(avatar)
    return archive, snapshot()


@transactional
def test_it_round_trips_the_demo_data(tmp_path, avatar):
    call_command("seed_demo", stdout=io.StringIO())
    before = snapshot()
    assert before["users"] > 250 and before["memberships"] > 250

    archive = backup(tmp_path)
    change_everything(avatar)
    assert snapshot() != before

    out = restore(archive, yes=True)

    assert "checksums verified" in out
    assert snapshot() == before
    assert avatar.read_bytes() == AVATAR
    mentee = User.objects.get(email="mentee@demo.lodestar.test")
    assert mentee.check_password("lodestar-demo-2026")
    # Sequences come back too: new rows do not collide with restored ones.
    make_user("after-restore@example.org")


@transactional
def test_the_archive_is_private_and_describes_itself(settings, tmp_path, mentee, avatar):
    settings.DATA_DIR = tmp_path / "data"
    call_command("backup", stdout=io.StringIO())

    [archive] = (tmp_path / "data" / "backups").glob("lodestar-*.tar.gz")
    assert archive.stat().st_mode & 0o777 == 0o600
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile(backups.MANIFEST))
        database = tar.extractfile(manifest["database"]["member"]).read()
        media = tar.extractfile("media/avatars/mei.png").read()
    assert manifest["format"] == backups.FORMAT
    assert manifest["lodestar_version"] == "0.1.0"
    assert manifest["database"]["vendor"] == connection.vendor
    assert "0001_initial" in manifest["migrations"]["core"]
    assert manifest["counts"] == {"database": 1, "media": 1}
    assert media == AVATAR
    assert manifest["members"]["media/avatars/mei.png"]["size"] == len(AVATAR)
    assert manifest["members"][manifest["database"]["member"]]["size"] == len(database)
    assert manifest["manifest_sha256"] == backups.manifest_digest(manifest)


def flip_database_byte(name: str, data: bytes) -> bytes:
    if name not in backups.DATABASE_MEMBERS.values():
        return data
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]


def edit_manifest_by_hand(name: str, data: bytes) -> bytes:
    if name != backups.MANIFEST:
        return data
    manifest = json.loads(data)
    manifest["counts"]["media"] = 0
    return json.dumps(manifest).encode()


@transactional
@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (flip_database_byte, r"database\.\w+ in .* does not match its checksum"),
        (edit_manifest_by_hand, "manifest of .* does not match its checksum"),
    ],
    ids=["flipped-database-byte", "edited-manifest"],
)
def test_a_tampered_archive_is_refused_and_changes_nothing(backed_up, edit, message):
    archive, after_changes = backed_up
    rewrite(archive, edit)

    with pytest.raises(CommandError, match=message):
        restore(archive, yes=True)

    assert snapshot() == after_changes


@transactional
def test_a_member_missing_from_the_archive_is_refused(backed_up):
    archive, after_changes = backed_up
    with tarfile.open(archive) as tar:
        kept = [(m, tar.extractfile(m).read()) for m in tar if not m.name.startswith("media/")]
    with tarfile.open(archive, "w:gz") as tar:
        for member, data in kept:
            tar.addfile(member, io.BytesIO(data))

    with pytest.raises(CommandError, match="does not hold the files its manifest lists"):
        restore(archive, yes=True)

    assert snapshot() == after_changes


@transactional
@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage"])
def test_a_damaged_archive_is_refused_and_changes_nothing(backed_up, damage):
    archive, after_changes = backed_up
    data = archive.read_bytes()
    middle = len(data) // 2
    archive.write_bytes(
        {
            "flip": data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :],
            "truncate": data[:middle],
            "garbage": b"this is not a backup",
        }[damage]
    )

    with pytest.raises(CommandError, match="could not be read as a Lodestar backup"):
        restore(archive, yes=True)

    assert snapshot() == after_changes


@transactional
def test_a_backup_of_the_other_database_vendor_is_refused(backed_up):
    archive, after_changes = backed_up
    ours, theirs = connection.vendor, OTHER_VENDOR[connection.vendor]
    our_member, their_member = backups.DATABASE_MEMBERS[ours], backups.DATABASE_MEMBERS[theirs]

    def claim_the_other_vendor(manifest: dict) -> None:
        manifest["members"][their_member] = manifest["members"].pop(our_member)
        manifest["database"].update(vendor=theirs, member=their_member)

    edit_manifest(archive, claim_the_other_vendor, rename={our_member: their_member})

    names = backups.VENDOR_NAMES
    with pytest.raises(
        CommandError, match=f"holds a {names[theirs]} database, but this site uses {names[ours]}"
    ):
        restore(archive, yes=True)

    assert snapshot() == after_changes


@transactional
def test_a_backup_from_a_newer_lodestar_is_refused(backed_up):
    archive, after_changes = backed_up
    edit_manifest(archive, lambda m: m["migrations"]["core"].append("9999_from_the_future"))

    with pytest.raises(CommandError, match="newer version of Lodestar.*core.9999_from_the_future"):
        restore(archive, yes=True)

    assert snapshot() == after_changes


@transactional
def test_without_yes_and_without_a_terminal_it_refuses(backed_up, monkeypatch):
    archive, after_changes = backed_up
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))  # piped input is not a terminal

    with pytest.raises(CommandError, match="--yes"):
        restore(archive)

    assert snapshot() == after_changes


def newest_migration_with_a_predecessor() -> tuple[str, str, str]:
    """A Lodestar migration that can be rolled back to an earlier one of the same app."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for app, name in sorted(loader.graph.leaf_nodes()):
        if not apps.get_app_config(app).name.startswith("lodestar."):
            continue
        node = loader.graph.node_map[(app, name)]
        previous = [parent.key[1] for parent in node.parents if parent.key[0] == app]
        reversible = all(op.reversible for op in loader.get_migration(app, name).operations)
        if previous and reversible:
            return app, name, previous[0]
    pytest.skip("no Lodestar app has a reversible second migration yet")


@transactional
def test_an_older_backup_is_brought_up_to_date(tmp_path, mentee):
    app, latest, previous = newest_migration_with_a_predecessor()
    call_command("migrate", app, previous, verbosity=0)
    try:
        archive = backup(tmp_path)
    finally:
        call_command("migrate", app, verbosity=0)

    out = restore(archive, yes=True)

    assert f"{app}.{latest}" in out
    assert (app, latest) in MigrationRecorder(connection).applied_migrations()
    assert User.objects.filter(email=mentee.email).exists()


@transactional
def test_backup_and_restore_refuse_to_run_inside_a_transaction(backed_up):
    archive, after_changes = backed_up

    with transaction.atomic():
        with pytest.raises(backups.BackupError, match="inside a transaction"):
            backups.create_backup(archive.with_name("another.tar.gz"))
        with (
            backups.open_backup(archive) as staged,
            pytest.raises(backups.BackupError, match="inside a transaction"),
        ):
            backups.restore_backup(staged)

    assert snapshot() == after_changes


def test_the_postgres_password_travels_in_the_environment_only(monkeypatch):
    monkeypatch.setattr(backups.shutil, "which", lambda program: f"/usr/bin/{program}")
    settings_dict = {
        "NAME": "lodestar",
        "USER": "lodestar",
        "PASSWORD": "s3cret-db-pass",
        "HOST": "db.internal",
        "PORT": 5432,
        "OPTIONS": {"sslmode": "require"},
    }

    argv, env = backups.postgres_command("pg_dump", settings_dict, "--format=custom")

    assert "s3cret-db-pass" not in " ".join(argv)
    assert argv[:2] == ["/usr/bin/pg_dump", "--no-password"]
    assert {"--host=db.internal", "--port=5432", "--username=lodestar", "--dbname=lodestar"} <= set(
        argv
    )
    assert env["PGPASSWORD"] == "s3cret-db-pass"
    assert env["PGSSLMODE"] == "require"


def test_a_missing_client_tool_is_named(monkeypatch):
    monkeypatch.setattr(backups.shutil, "which", lambda program: None)
    with pytest.raises(backups.BackupError, match="pg_restore was not found"):
        backups.postgres_command("pg_restore", {"NAME": "x", "OPTIONS": {}})


@transactional
@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="drives a SQLite database file; the PostgreSQL run covers pg_dump and pg_restore",
)
def test_the_commands_work_on_a_sqlite_file_with_the_site_configuration(tmp_path, mentee, avatar):
    site = tmp_path / "site"
    (site / "media" / "avatars").mkdir(parents=True)
    (site / "media" / "avatars" / "mei.png").write_bytes(AVATAR)
    database = site / "lodestar.sqlite3"
    # A migrated database file with the cast in it, copied from the in-memory test database.
    copy = sqlite3.connect(database)
    connection.connection.backup(copy)
    copy.close()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DATA_DIR"}
    }
    env["DATA_DIR"] = str(site)

    def manage(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )

    def memberships() -> int:
        with closing(sqlite3.connect(database)) as db:
            return db.execute("SELECT COUNT(*) FROM programs_membership").fetchone()[0]

    assert manage("backup").returncode == 0
    [archive] = (site / "backups").glob("lodestar-*.tar.gz")
    assert archive.stat().st_mode & 0o777 == 0o600
    with closing(sqlite3.connect(database)) as db:
        db.execute("DELETE FROM programs_membership")
        db.commit()
    (site / "media" / "avatars" / "mei.png").unlink()
    assert memberships() == 0

    restored = manage("restore", "--yes", str(archive))

    assert restored.returncode == 0, restored.stderr
    assert memberships() == 1
    assert (site / "media" / "avatars" / "mei.png").read_bytes() == AVATAR
    with closing(sqlite3.connect(database)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
