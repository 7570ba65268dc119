"""The notifications room's part in a member's export and erasure, and its retention rule."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from lodestar.accounts.privacy import scrub_text

from .models import Notification, Preference, QuietHours


def export(user) -> dict:
    quiet = QuietHours.objects.filter(user=user).first()
    return {
        "received": [
            {"kind": n.kind, "subject": n.subject, "created_at": n.created_at.isoformat()}
            for n in user.notifications.all()
        ],
        "preferences": {p.kind: p.delivery for p in Preference.objects.filter(user=user)},
        "quiet_hours": (
            {"from": quiet.starts.isoformat(), "until": quiet.ends.isoformat()} if quiet else None
        ),
    }


def erase(user, names: list[str]) -> None:
    """Other people's notifications (a coordinator's digest) that name the member."""
    mentions = Q()
    for name in names:
        mentions |= Q(body__icontains=name) | Q(subject__icontains=name)
    for n in Notification.objects.exclude(user=user).filter(mentions):
        n.body, n.subject = scrub_text(n.body, names), scrub_text(n.subject, names)
        n.save(update_fields=["body", "subject"])


def delete_old_read_notifications() -> int:
    cutoff = timezone.now() - timedelta(days=settings.NOTIFICATION_RETENTION_DAYS)
    return Notification.objects.filter(read_at__isnull=False, created_at__lt=cutoff).delete()[0]
