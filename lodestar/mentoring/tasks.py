from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import attention


@db_periodic_task(crontab(hour="4", minute="7"))
def flag_relationships_daily() -> int:
    # Idempotent: it only recomputes a flag from the data.
    return attention.refresh_all()
