import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from lodestar.core import backups


class Command(BaseCommand):
    help = (
        "Replace the database and the uploaded files with those of a backup archive, "
        "then migrate. The archive is verified first; a damaged one changes nothing."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="A tar.gz written by `manage.py backup`.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, archive: Path, yes: bool, verbosity: int, **options) -> None:
        try:
            with backups.open_backup(archive) as staged:
                manifest = staged.manifest
                self.stdout.write(
                    f"{archive}: backup of {manifest['created_at']} by Lodestar "
                    f"{manifest['lodestar_version']}, {backups.VENDOR_NAMES[staged.vendor]} "
                    f"database and {staged.media_count} uploaded file(s); checksums verified."
                )
                if not yes:
                    self.confirm()
                applied = backups.restore_backup(staged)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from None
        if verbosity:
            self.stdout.write("Database and uploaded files restored.")
            if applied:
                self.stdout.write(f"Migrations applied since the backup: {', '.join(applied)}.")

    def confirm(self) -> None:
        if not sys.stdin.isatty():
            raise CommandError(
                "Not restoring: there is no terminal to confirm on. Run again with --yes. "
                "Nothing was changed."
            )
        answer = input(
            f"This replaces the database {connection.settings_dict['NAME']} and every file in "
            f"{settings.MEDIA_ROOT}. Type 'yes' to continue: "
        )
        if answer.strip().lower() != "yes":
            raise CommandError("Restore cancelled. Nothing was changed.")
