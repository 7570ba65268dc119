from django.core.management.base import BaseCommand

from lodestar.mentoring.attention import refresh_all


class Command(BaseCommand):
    help = "Re-assess which relationships need attention (the daily job, run by hand)."

    def handle(self, *args, **options) -> None:
        changed = refresh_all()
        self.stdout.write(f"{changed} relationship flags changed.")
