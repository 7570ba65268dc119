from django.core.management.base import BaseCommand
from django.utils import timezone

from lodestar.feedback import surveys


class Command(BaseCommand):
    help = "Send the survey rounds that are due and remind those who have not answered."

    def handle(self, *args, **options):
        now = timezone.now()
        self.stdout.write(f"rounds: {surveys.run_schedules(now)}")
        self.stdout.write(f"reminders: {surveys.send_reminders(now)}")
