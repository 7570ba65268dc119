from django.core.management.base import BaseCommand

from lodestar.insights import alerts


class Command(BaseCommand):
    help = (
        "Raise the at-risk alerts that hold today, resolve those whose condition cleared, and "
        "send coordinators their daily digest. Safe to run twice: nothing is raised or sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-digest", action="store_true", help="Scan only, send nothing.")

    def handle(self, *args, **options):
        result = alerts.scan()
        sent = 0 if options["no_digest"] else alerts.send_digests()
        self.stdout.write(
            f"{result.created} alert(s) raised, {result.resolved} cleared, {sent} digest(s) sent."
        )
