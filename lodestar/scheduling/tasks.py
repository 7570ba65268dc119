"""Periodic reminder and nudge jobs. Each is idempotent (see `ledger.py`) and also a management
command (`send_reminders`, `send_nudges`) a person can run by hand."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import nudges, reminders


# Every 5 minutes: the 1-hour reminder must not come late.
@db_periodic_task(crontab(minute="*/5"))
def meeting_reminders() -> int:
    return reminders.send_meeting_reminders(timezone.now())


@db_periodic_task(crontab(minute="*/15"))
def session_reminders() -> dict[str, int]:
    now = timezone.now()
    return {
        "log": reminders.send_log_session_reminders(now),
        "meet": reminders.send_time_to_meet(now),
    }


@db_periodic_task(crontab(minute="*/15"))
def request_nudges() -> dict[str, int]:
    now = timezone.now()
    return {
        "request_reminders": nudges.send_request_reminders(now),
        "request_expiry": nudges.expire_requests(now),
    }


@db_periodic_task(crontab(minute="*/15"))
def lifecycle_nudges() -> dict[str, int]:
    now = timezone.now()
    return {
        name: job(now)
        for name, job in nudges.JOBS.items()
        if name not in {"request_reminders", "request_expiry"}
    }
