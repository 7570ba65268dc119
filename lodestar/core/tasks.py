from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import retention


@db_periodic_task(crontab(hour="3", minute="17"))
def apply_retention_daily() -> dict[str, int]:
    return retention.apply_all()
