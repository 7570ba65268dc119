from django.core.management.base import BaseCommand

from lodestar.core import retention


class Command(BaseCommand):
    help = "Delete or anonymize data past its retention period (also runs daily as a job)."

    def handle(self, *args, **options) -> None:
        for name, count in retention.apply_all().items():
            self.stdout.write(f"{name}: {count}")
