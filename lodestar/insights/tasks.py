from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import alerts


@db_periodic_task(crontab(hour="5", minute="23"))
def scan_alerts_daily() -> int:
    # Idempotent: alerts are keyed per occurrence, digests per coordinator, program and day.
    result = alerts.scan()
    alerts.send_digests()
    return result.created
