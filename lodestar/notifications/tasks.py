from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .digest import send_digests
from .services import recover_stale_claims, send_notification_email


@db_task(retries=3, retry_delay=60)
def email_notification(notification_id: int) -> bool:
    return send_notification_email(notification_id)


@db_task(retries=3, retry_delay=60)
def email_notifications(notification_ids: list[int]) -> int:
    """A batch (an announcement's recipients); each is claimed on its own, so a retry only
    sends the ones still pending."""
    return sum(send_notification_email(pk) for pk in notification_ids)


# Hourly: each member's digest goes out at their own morning hour (digest.py).
@db_periodic_task(crontab(minute="0"))
def send_digests_periodic() -> int:
    return send_digests()


@db_periodic_task(crontab(minute="*/10"))
def recover_stale_claims_periodic() -> int:
    return recover_stale_claims()
