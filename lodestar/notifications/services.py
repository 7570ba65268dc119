"""The one place that tells people things: `notify(user, kind, context)`.

Every notification is kept in-app. Whether and when it is e-mailed follows the member's
preference for its kind (kinds.py: instant, daily digest or off) and their quiet hours.
"""

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from . import kinds
from .models import Delivery, Notification, Preference, QuietHours

# A claim (`email_claimed_at`) older than CLAIM_LEASE with no `emailed_at` belongs to a worker
# that died between the claim and the send; recover_stale_claims() releases it for another try.
CLAIM_LEASE = dt.timedelta(minutes=15)
UNSUBSCRIBE_SALT = "lodestar.notifications.unsubscribe"
UNSUBSCRIBE_MAX_AGE = dt.timedelta(days=365)
BATCH = 500


def _render(kind: str, context: dict) -> tuple[str, str]:
    subject = render_to_string(f"notifications/{kind}_subject.txt", context).strip()
    body = render_to_string(f"notifications/{kind}_body.txt", context).strip()
    return subject[:200], body


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
    subject, body = _render(kind, context)
    notification = Notification.objects.create(
        user=user, kind=kind, subject=subject, body=body, url=url, attachments=attachments or []
    )
    from .tasks import email_notification

    transaction.on_commit(lambda: email_notification(notification.pk))
    return notification


def notify_many(users: Iterable, kind: str, context: dict, url: str = "") -> int:
    """The same notification for many people (an announcement), in a few queries.

    The texts are rendered once, so the kind's templates must not use `user`. E-mails are
    queued in batches after commit; each is still claimed, and follows its member's
    preferences, on its own.
    """
    subject, body = _render(kind, {**context, "site_url": settings.SITE_URL, "url": url})
    rows = [Notification(user=u, kind=kind, subject=subject, body=body, url=url) for u in users]
    created = Notification.objects.bulk_create(rows, batch_size=BATCH)
    ids = [n.pk for n in created]
    from .tasks import email_notifications

    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        transaction.on_commit(lambda chunk=chunk: email_notifications(chunk))
    return len(ids)


# Preferences -------------------------------------------------------------------------------


def preferences_of(user) -> dict[str, str]:
    """A member's Preference rows, kind (or group key) -> delivery."""
    return dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))


def delivery_for(user, kind: str, prefs: dict[str, str] | None = None) -> str:
    return kinds.resolve(kind, preferences_of(user) if prefs is None else prefs)


def set_preference(user, key: str, delivery: str | None) -> None:
    """Set the member's delivery for a kind or a group key; None goes back to the default."""
    if not delivery:
        Preference.objects.filter(user=user, kind=key).delete()
        return
    if delivery not in Delivery.values:
        raise ValueError(delivery)
    Preference.objects.update_or_create(user=user, kind=key, defaults={"delivery": delivery})


@transaction.atomic
def unsubscribe(user, kind_keys: Iterable[str]) -> None:
    """Stop e-mails of these kinds; pending ones are marked handled, in-app ones are kept."""
    kind_keys = list(kind_keys)
    for key in kind_keys:
        set_preference(user, key, Delivery.OFF)
    Notification.objects.filter(user=user, kind__in=kind_keys, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )


def unsubscribe_token(user, kind_keys: Iterable[str]) -> str:
    return signing.dumps({"u": user.pk, "k": sorted(set(kind_keys))}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[int, list[str]]:
    """The member id and kinds a token stands for; raises signing.BadSignature (or its
    subclass SignatureExpired) for a tampered, malformed or expired token."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    if not isinstance(data, dict):
        raise signing.BadSignature("unexpected payload")
    user_id, keys = data.get("u"), data.get("k")
    if not isinstance(user_id, int) or not isinstance(keys, list) or not keys:
        raise signing.BadSignature("unexpected payload")
    if not all(isinstance(k, str) and 0 < len(k) <= 60 for k in keys):
        raise signing.BadSignature("unexpected payload")
    return user_id, keys


def unsubscribe_url(user, kind_keys: Iterable[str]) -> str:
    token = unsubscribe_token(user, kind_keys)
    return settings.SITE_URL + reverse("notifications:unsubscribe", args=[token])


# Quiet hours -------------------------------------------------------------------------------


def user_zone(user) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.time_zone or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def quiet_hours_of(user) -> QuietHours | None:
    try:
        return user.quiet_hours
    except QuietHours.DoesNotExist:
        return None


def quiet_until(
    user, now: dt.datetime, quiet: QuietHours | None | bool = False
) -> dt.datetime | None:
    """When the member's quiet hours end, if `now` is inside them (else None).

    Quiet hours are wall-clock times in the member's zone; a range such as 22:00-07:00 runs
    overnight. `quiet` may be passed when already loaded (None: the member has none).
    """
    if quiet is False:
        quiet = quiet_hours_of(user)
    if quiet is None or quiet.starts == quiet.ends:
        return None
    zone = user_zone(user)
    local = now.astimezone(zone)
    t, day = local.time().replace(tzinfo=None), local.date()
    if quiet.starts < quiet.ends:
        inside, end_day = quiet.starts <= t < quiet.ends, day
    elif t >= quiet.starts:  # overnight, before midnight: ends tomorrow
        inside, end_day = True, day + dt.timedelta(days=1)
    else:  # overnight, after midnight
        inside, end_day = t < quiet.ends, day
    if not inside:
        return None
    return dt.datetime.combine(end_day, quiet.ends, tzinfo=zone).astimezone(dt.UTC)


@transaction.atomic
def set_quiet_hours(user, starts: dt.time | None, ends: dt.time | None) -> None:
    if starts is None or ends is None:
        QuietHours.objects.filter(user=user).delete()
        return
    QuietHours.objects.update_or_create(user=user, defaults={"starts": starts, "ends": ends})


# E-mail ------------------------------------------------------------------------------------


def site_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def message_id(notification: Notification) -> str:
    return f"<notification-{notification.pk}@{site_domain()}>"


def build_email(
    user,
    subject: str,
    template: str,
    context: dict,
    kind_keys: list[str],
    msg_id: str,
    attachments: Iterable[dict] = (),
) -> EmailMultiAlternatives:
    """A text + HTML e-mail from `notifications/<template>.txt` and `.html`, with the
    unsubscribe link and headers (RFC 8058 one-click) for `kind_keys`."""
    unsubscribe = unsubscribe_url(user, kind_keys)
    context = {
        **context,
        "user": user,
        "subject": subject,
        "site_url": settings.SITE_URL,
        "unsubscribe_url": unsubscribe,
        "preferences_url": settings.SITE_URL + reverse("notifications:preferences"),
        "kind_labels": [kinds.kind_info(k).label for k in kind_keys],
        "organization": settings.ORGANIZATION_NAME,
    }
    message = EmailMultiAlternatives(
        f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
        render_to_string(f"notifications/{template}.txt", context),
        None,
        [user.email],
        headers={
            "Message-ID": msg_id,
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    html = render_to_string(f"notifications/{template}.html", context)
    message.attach_alternative(html, "text/html")
    for a in attachments:
        message.attach(a["filename"], a["content"], a["mimetype"])
    return message


def notification_email(n: Notification) -> EmailMultiAlternatives:
    link = f"{settings.SITE_URL}{n.url}" if n.url else ""
    return build_email(
        n.user,
        n.subject,
        "email_message",
        {"notification": n, "lines": n.body.splitlines(), "link": link},
        [n.kind],
        message_id(n),
        n.attachments,
    )


def send_notification_email(notification_id: int, now: dt.datetime | None = None) -> bool:
    """E-mail one notification as its member prefers; True if it was sent now.

    - preference off (or no address to write to): marked handled (`emailed_at`), no e-mail;
    - daily digest: left pending for the digest job (digest.py);
    - instant inside the member's quiet hours: the job is scheduled again for their end;
    - instant: claimed, then sent.

    Safe to run twice: the claim is a conditional update, so only one run sends. If the send
    fails the claim is released for Huey's retry. If the worker dies between the claim and the
    send, the claim stays behind as a lease that recover_stale_claims() releases after
    CLAIM_LEASE, and the e-mail is sent then. That recovery cannot tell "died before sending"
    from "died after the mail server accepted it but before the send was recorded", so in that
    rare second case the member gets the e-mail twice; both copies carry the same Message-ID
    (`<notification-ID@site>`), so most mail clients show them as one message.
    """
    now = now or timezone.now()
    n = (
        Notification.objects.select_related("user")
        .filter(pk=notification_id, emailed_at__isnull=True)
        .first()
    )
    if n is None:
        return False
    pending = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True)
    delivery = delivery_for(n.user, n.kind)
    if delivery == Delivery.OFF or not n.user.email or not n.user.is_active:
        pending.update(emailed_at=now)
        return False
    if delivery == Delivery.DIGEST:
        return False
    until = quiet_until(n.user, now)
    if until is not None:
        from .tasks import email_notification

        email_notification.schedule((notification_id,), eta=until)
        return False
    unclaimed = Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=now - CLAIM_LEASE)
    if not pending.filter(unclaimed).update(email_claimed_at=now):
        return False  # another worker claimed it in the meantime
    mine = Notification.objects.filter(pk=notification_id, email_claimed_at=now)
    try:
        notification_email(n).send()
    except Exception:
        mine.update(email_claimed_at=None)
        raise
    mine.update(emailed_at=timezone.now())
    return True


def recover_stale_claims(now: dt.datetime | None = None) -> int:
    """Release claims older than CLAIM_LEASE (their worker died) and queue their e-mails again."""
    now = now or timezone.now()
    stale = Notification.objects.filter(
        emailed_at__isnull=True, email_claimed_at__lt=now - CLAIM_LEASE
    )
    released = []
    for pk, claim in stale.values_list("pk", "email_claimed_at"):
        if Notification.objects.filter(pk=pk, email_claimed_at=claim).update(email_claimed_at=None):
            released.append(pk)
    if released:
        from .tasks import email_notifications

        for start in range(0, len(released), BATCH):
            email_notifications(released[start : start + BATCH])
    return len(released)


# In-app ------------------------------------------------------------------------------------


def mark_all_read(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def mark_read(user, notification_id: int) -> Notification | None:
    """Mark one of the member's own notifications read; None if it is not theirs."""
    n = Notification.objects.filter(user=user, pk=notification_id).first()
    if n is not None and n.read_at is None:
        n.read_at = timezone.now()
        n.save(update_fields=["read_at"])
    return n


def mark_read_by_url(user, url: str) -> int:
    """Mark read the member's notifications that point at a page they have just opened."""
    return Notification.objects.filter(user=user, url=url, read_at__isnull=True).update(
        read_at=timezone.now()
    )
