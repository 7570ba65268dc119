"""The one place that tells people things: `notify(user, kind, context)`."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Notification


def notify(
    user, kind: str, context: dict, url: str = "", attachments: list[dict] | None = None
) -> Notification:
    """Record an in-app notification and e-mail it after the surrounding transaction commits.

    The texts come from `notifications/<kind>_subject.txt` and `notifications/<kind>_body.txt`.
    They are plain text (the templates turn autoescaping off) and every page escapes them.
    `attachments` go with the e-mail: [{"filename", "mimetype", "content" (text)}], e.g. an
    .ics invitation.
    """
    context = {**context, "user": user, "site_url": settings.SITE_URL, "url": url}
    subject = render_to_string(f"notifications/{kind}_subject.txt", context).strip()
    body = render_to_string(f"notifications/{kind}_body.txt", context).strip()
    notification = Notification.objects.create(
        user=user,
        kind=kind,
        subject=subject[:200],
        body=body,
        url=url,
        attachments=attachments or [],
    )
    from .tasks import email_notification

    transaction.on_commit(lambda: email_notification(notification.pk))
    return notification


def send_notification_email(notification_id: int) -> bool:
    """E-mail one notification unless it was already sent; safe to run twice."""
    now = timezone.now()
    # Claim first, so two workers running the same job cannot both send it.
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=now
    )
    if not claimed:
        return False
    n = Notification.objects.select_related("user").get(pk=notification_id)
    link = f"\n\n{settings.SITE_URL}{n.url}" if n.url else ""
    try:
        message = EmailMessage(
            f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{n.subject}",
            n.body + link,
            None,
            [n.user.email],
        )
        for a in n.attachments:
            message.attach(a["filename"], a["content"], a["mimetype"])
        message.send()
    except Exception:
        # Release the claim so a retry can send it.
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
    return True


def mark_all_read(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
