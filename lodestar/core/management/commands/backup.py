from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lodestar.core import backups


class Command(BaseCommand):
    help = "Write one archive (tar.gz) of the database and the uploaded files."
    # A backup must still run when some system check fails: that is when it is needed most.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="Archive to write (default: DATA_DIR/backups/lodestar-YYYYmmdd-HHMMSS.tar.gz, "
            "time in UTC). An existing file is replaced.",
        )

    def handle(self, *args, output: Path | None, verbosity: int, **options) -> None:
        try:
            path, manifest = backups.create_backup(output)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from None
        if verbosity:
            size = path.stat().st_size / 1_000_000
            vendor = backups.VENDOR_NAMES[manifest["database"]["vendor"]]
            media = manifest["counts"]["media"]
            self.stdout.write(
                f"Backup written to {path} ({size:.1f} MB): {vendor} database, "
                f"{media} uploaded file{'s' if media != 1 else ''}."
            )
