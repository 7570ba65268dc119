"""Periodic survey jobs, each idempotent and also the `send_surveys` management command."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import surveys


@db_periodic_task(crontab(minute="7"))
def send_surveys() -> dict[str, int]:
    now = timezone.now()
    return {"rounds": surveys.run_schedules(now), "reminders": surveys.send_reminders(now)}
