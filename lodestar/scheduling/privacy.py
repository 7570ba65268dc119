"""The scheduling room's part in a member's self-service export."""

from .models import AwayPeriod, Booking, Meeting, Rsvp


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export(user) -> dict:
    meetings = (
        Meeting.objects.filter(attendees__user=user) | Meeting.objects.filter(proposed_by=user)
    ).distinct()
    return {
        "meetings": [
            {
                "starts_at": _iso(m.starts_at),
                "duration_minutes": m.duration_minutes,
                "format": m.format,
                "location": m.location,
                "agenda": m.agenda,
                "status": m.status,
                "proposed_by_me": m.proposed_by_id == user.pk,
            }
            for m in meetings.order_by("starts_at")
        ],
        "away": [
            {"from": _iso(a.starts_on), "until": _iso(a.ends_on), "note": a.note}
            for a in AwayPeriod.objects.filter(user=user)
        ],
        "office_hour_bookings": [
            {"starts_at": _iso(b.slot.starts_at), "topic": b.topic, "status": b.status}
            for b in Booking.objects.filter(user=user).select_related("slot")
        ],
        "events": [
            {
                "event": r.event.title,
                "starts_at": _iso(r.event.starts_at),
                "status": r.status,
                "attended": r.attended,
            }
            for r in Rsvp.objects.filter(user=user).select_related("event")
        ],  # fmt: skip
    }
