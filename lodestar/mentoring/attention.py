"""The "needs attention" flag: a relationship gone quiet for longer than its cadence allows, or
with a low pulse or a "not a good fit" answer. The insights room builds its alerts on it."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Agreement, CheckIn, Relationship
from .states import Status

DEFAULT_CADENCE_DAYS = 14
LOW_PULSE = 2
# Pulses older than this no longer say how things are going.
PULSE_WINDOW = dt.timedelta(days=45)


def cadence_days(relationship: Relationship) -> int:
    agreement = (
        Agreement.objects.filter(relationship=relationship, accepted_at__isnull=False)
        .order_by("-version")
        .first()
    )
    return agreement.cadence_days if agreement else DEFAULT_CADENCE_DAYS


def assess(relationship: Relationship, now: dt.datetime | None = None) -> str:
    """Why the relationship needs attention, or "" when it does not."""
    if relationship.status != Status.ACTIVE:
        return ""
    now = now or timezone.now()
    recent = CheckIn.objects.filter(relationship=relationship, created_at__gte=now - PULSE_WINDOW)
    latest_by_author: dict[int, CheckIn] = {}
    for checkin in recent.order_by("created_at", "id"):
        latest_by_author[checkin.author_id] = checkin
    if any(c.good_fit is False for c in latest_by_author.values()):
        return _("Someone said this is not a good fit.")
    lows = [c.rating for c in latest_by_author.values() if c.rating <= LOW_PULSE]
    if lows:
        return _("Low pulse: %(r)s/5 at the last check-in.") % {"r": min(lows)}
    allowed = dt.timedelta(days=cadence_days(relationship))
    since = relationship.last_touchpoint_at or timezone.make_aware(
        dt.datetime.combine(relationship.started_on, dt.time())
    )
    if now - since > allowed:
        return _("No session or message for %(d)s days.") % {"d": (now - since).days}
    return ""


def refresh(relationship: Relationship, now: dt.datetime | None = None) -> bool:
    """Store the flag; True when it changed."""
    reason = assess(relationship, now)
    flagged = bool(reason)
    if flagged == relationship.needs_attention and reason == relationship.attention_reason:
        return False
    relationship.needs_attention, relationship.attention_reason = flagged, reason[:200]
    Relationship.objects.filter(pk=relationship.pk).update(
        needs_attention=flagged, attention_reason=reason[:200]
    )
    return True


def refresh_all(now: dt.datetime | None = None) -> int:
    """Re-assess every open relationship (the daily job); returns how many changed."""
    changed = 0
    candidates = Relationship.objects.filter(status__in=[Status.ACTIVE, Status.PAUSED])
    candidates = candidates | Relationship.objects.filter(needs_attention=True)
    for relationship in candidates.distinct().iterator(chunk_size=500):
        changed += refresh(relationship, now)
    return changed
