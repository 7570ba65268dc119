from django.core.management.base import BaseCommand

from lodestar.notifications.digest import send_digests
from lodestar.notifications.services import recover_stale_claims


class Command(BaseCommand):
    help = (
        "Send the daily notification digests that are due now (each member's morning hour); "
        "--now sends every pending digest. Safe to run twice: nothing is sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", action="store_true", help="Send every pending digest, whatever the hour."
        )

    def handle(self, *args, **options):
        recovered = recover_stale_claims()
        sent = send_digests(everyone=options["now"])
        self.stdout.write(f"{sent} digest(s) sent, {recovered} stale claim(s) released.")
