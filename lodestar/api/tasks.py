from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .idempotency import purge_expired


@db_periodic_task(crontab(minute="17"))
def purge_idempotency_periodic() -> int:
    """Hourly; also `manage.py purge_idempotency`. Expired records are already ignored."""
    return purge_expired()
