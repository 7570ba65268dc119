from django.core.management.base import BaseCommand

from lodestar.scheduling import reminders


class Command(BaseCommand):
    help = "Send the meeting, log-your-session and time-to-meet reminders that are due (once)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--job", choices=sorted(reminders.JOBS), action="append", help="Only these jobs."
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the jobs for the Huey consumers instead of running them here.",
        )

    def handle(self, *args, job=None, enqueue=False, **options):
        jobs = job or list(reminders.JOBS)
        if enqueue:
            from lodestar.scheduling.tasks import meeting_reminders, session_reminders

            if "meetings" in jobs:
                meeting_reminders()
            if {"log", "meet"} & set(jobs):
                session_reminders()
            self.stdout.write("Queued.")
            return
        for name in jobs:
            sent = reminders.JOBS[name]()
            self.stdout.write(f"{name}: {sent} sent")
