from huey.contrib.djhuey import db_task

from .services import send_notification_email


@db_task(retries=3, retry_delay=60)
def email_notification(notification_id: int) -> bool:
    return send_notification_email(notification_id)
