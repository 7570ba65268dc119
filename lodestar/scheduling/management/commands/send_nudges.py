from django.core.management.base import BaseCommand

from lodestar.scheduling import nudges


class Command(BaseCommand):
    help = "Send the mentor-request reminders and lifecycle nudges that are due, expire requests."

    def add_arguments(self, parser):
        parser.add_argument(
            "--job", choices=sorted(nudges.JOBS), action="append", help="Only these jobs."
        )

    def handle(self, *args, job=None, **options):
        for name in job or list(nudges.JOBS):
            sent = nudges.JOBS[name]()
            self.stdout.write(f"{name}: {sent}")
