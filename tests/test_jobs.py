"""Background jobs on the real queue configured in settings (SQLite, or Redis with REDIS_URL)."""

import pytest
from django.core import mail
from huey.contrib.djhuey import HUEY

from lodestar.notifications.models import Notification
from lodestar.notifications.services import notify, send_notification_email
from lodestar.notifications.tasks import email_notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_queue():
    HUEY.immediate = False
    HUEY.flush()
    yield HUEY
    HUEY.flush()


# Huey closes stale connections around each job, which would end a test's wrapping transaction.
@pytest.mark.django_db(transaction=True)
def test_notification_email_goes_through_the_queue_once(real_queue, mentee, program):
    notification = Notification.objects.create(
        user=mentee, kind="test", subject="Hello", body="Body", url="/x/"
    )
    email_notification(notification.pk)
    email_notification(notification.pk)  # the same job enqueued twice
    assert real_queue.pending_count() == 2
    while task := real_queue.dequeue():
        real_queue.execute(task)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["mentee@example.org"]
    assert "/x/" in mail.outbox[0].body
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_a_failed_send_releases_the_claim_for_a_retry(mentee, settings):
    notification = Notification.objects.create(user=mentee, kind="t", subject="S", body="B")
    settings.EMAIL_BACKEND = "tests.test_jobs.BrokenBackend"
    with pytest.raises(ConnectionError):
        send_notification_email(notification.pk)
    notification.refresh_from_db()
    assert notification.emailed_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_notification_email(notification.pk) is True
    assert send_notification_email(notification.pk) is False


def test_notify_emails_after_commit(mentee, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(mentee, "membership_completed", {"program": mentee.memberships.get().program})
    assert mail.outbox == []  # nothing leaves before the transaction commits
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionError("SMTP server unreachable")
