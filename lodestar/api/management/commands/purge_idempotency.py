from django.core.management.base import BaseCommand

from lodestar.api.idempotency import purge_expired


class Command(BaseCommand):
    help = "Delete Idempotency-Key records older than 24 hours (also an hourly Huey job)."

    def handle(self, *args, **options) -> None:
        deleted = purge_expired()
        self.stdout.write(f"Deleted {deleted} expired idempotency records.")
