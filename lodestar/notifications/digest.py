"""The daily digest: one e-mail per member listing the notifications they chose to batch.

The job runs hourly and writes to each member at DIGEST_HOUR in their own time zone (or when
their quiet hours end, if those cover it). Rows are claimed before the e-mail is sent, so a
second run (or a second worker) finds nothing left and sends nothing.
"""

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import ngettext

from . import kinds
from .models import Delivery, Notification, Preference, QuietHours
from .services import CLAIM_LEASE, build_email, site_domain, unsubscribe_url, user_zone

DIGEST_HOUR = 8
# Older pending notifications (e.g. from before e-mail was configured) are not dug up.
MAX_AGE = dt.timedelta(days=7)
# An instant e-mail still pending after this long lost its job (a queue flushed, a preference
# switched from digest to instant): the digest carries it instead of leaving it unsent.
ORPHAN_AGE = dt.timedelta(days=1)


def digest_hour(quiet: QuietHours | None) -> int:
    """The local hour a member's digest goes out."""
    if quiet is None:
        return DIGEST_HOUR
    probe = dt.time(DIGEST_HOUR)
    overnight = quiet.starts > quiet.ends
    inside = (
        (quiet.starts <= probe or probe < quiet.ends)
        if overnight
        else quiet.starts <= probe < quiet.ends
    )
    if not inside:
        return DIGEST_HOUR
    return (quiet.ends.hour + (1 if quiet.ends.minute or quiet.ends.second else 0)) % 24


def send_digests(now: dt.datetime | None = None, everyone: bool = False) -> int:
    """Send the digests that are due (all pending ones with `everyone`); the number sent."""
    now = now or timezone.now()
    pending = (
        Notification.objects.filter(emailed_at__isnull=True, created_at__gte=now - MAX_AGE)
        .select_related("user")
        .order_by("user_id", "created_at", "id")
    )
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for n in pending:
        by_user[n.user_id].append(n)
    if not by_user:
        return 0
    prefs: dict[int, dict[str, str]] = defaultdict(dict)
    for user_id, kind, delivery in Preference.objects.filter(user_id__in=by_user).values_list(
        "user_id", "kind", "delivery"
    ):
        prefs[user_id][kind] = delivery
    quiet = {q.user_id: q for q in QuietHours.objects.filter(user_id__in=by_user)}

    sent = 0
    for user_id, notifications in by_user.items():
        user = notifications[0].user
        if not user.email or not user.is_active:
            continue
        q = quiet.get(user_id)
        if not everyone and now.astimezone(user_zone(user)).hour != digest_hour(q):
            continue
        deliveries = {n.kind: kinds.resolve(n.kind, prefs[user_id]) for n in notifications}
        due = [
            n
            for n in notifications
            if deliveries[n.kind] == Delivery.DIGEST
            or (deliveries[n.kind] == Delivery.INSTANT and n.created_at < now - ORPHAN_AGE)
        ]
        if due and send_digest(user, due, now):
            sent += 1
    return sent


def send_digest(user, notifications: list[Notification], now: dt.datetime) -> bool:
    """Claim the rows, send one e-mail listing the claimed ones, then record the send."""
    claim = now
    ids = [n.pk for n in notifications]
    unclaimed = Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - CLAIM_LEASE)
    if (
        not Notification.objects.filter(pk__in=ids, emailed_at__isnull=True)
        .filter(unclaimed)
        .update(email_claimed_at=claim)
    ):
        return False
    claimed_ids = set(
        Notification.objects.filter(
            pk__in=ids, emailed_at__isnull=True, email_claimed_at=claim
        ).values_list("pk", flat=True)
    )
    items = [n for n in notifications if n.pk in claimed_ids]
    kind_keys = sorted({n.kind for n in items})
    subject = ngettext(
        "Your daily digest: %(count)d notification",
        "Your daily digest: %(count)d notifications",
        len(items),
    ) % {"count": len(items)}
    attachments = [a for n in items for a in n.attachments]
    msg_id = f"<digest-{user.pk}-{items[0].pk}-{items[-1].pk}@{site_domain()}>"
    try:
        build_email(
            user,
            subject,
            "email_digest",
            {
                "items": items,
                "entries": [(n, n.body.splitlines()) for n in items],
                "site": settings.SITE_URL,
                "kind_links": [
                    (kinds.kind_info(k).label, unsubscribe_url(user, [k])) for k in kind_keys
                ],
            },
            kind_keys,
            msg_id,
            attachments,
        ).send()
    except Exception:
        Notification.objects.filter(pk__in=claimed_ids, email_claimed_at=claim).update(
            email_claimed_at=None
        )
        raise
    Notification.objects.filter(pk__in=claimed_ids, email_claimed_at=claim).update(
        emailed_at=timezone.now()
    )
    return True
