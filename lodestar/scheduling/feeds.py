"""Members' private calendar feeds: meetings, office-hour bookings and events they go to.

The token in the URL is the only credential: regenerating it revokes the old URL at once.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import ics
from .meetings import LIVE, meetings_of, with_people
from .models import Attendee, Booking, CalendarFeed, Rsvp, _feed_token

# Past entries stay in the feed this long, so last month's meetings remain in the calendar.
HISTORY = dt.timedelta(days=90)


def feed_of(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def feed_url(feed: CalendarFeed) -> str:
    return f"{settings.SITE_URL}{reverse('scheduling:feed', args=[feed.token])}"


@transaction.atomic
def regenerate_feed(user) -> CalendarFeed:
    """Create the feed, or give it a new token (the old URL stops working)."""
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(user=user)
    if not created:
        feed.token = _feed_token()
        feed.created_at = timezone.now()
        feed.save(update_fields=["token", "created_at"])
    return feed


def delete_feed(user) -> bool:
    deleted, _rows = CalendarFeed.objects.filter(user=user).delete()
    return bool(deleted)


def feed_for_token(token: str) -> CalendarFeed | None:
    if not token or len(token) > 64:
        return None
    return CalendarFeed.objects.select_related("user__profile").filter(token=token).first()


def feed_calendar(user, now=None) -> str:
    now = now or timezone.now()
    since = now - HISTORY
    meetings = (
        with_people(meetings_of(user))
        .filter(status__in=LIVE, starts_at__gte=since)
        .exclude(attendees__user=user, attendees__response=Attendee.Response.DECLINED)
    )
    events = [ics.meeting_event(m, invitation=False) for m in meetings]
    bookings = Booking.objects.filter(
        user=user, status=Booking.Status.BOOKED, slot__starts_at__gte=since
    ).select_related("slot__office_hours")
    events += [ics.booking_event(b) for b in bookings]
    rsvps = Rsvp.objects.filter(
        user=user, status=Rsvp.Status.GOING, event__status="scheduled", event__starts_at__gte=since
    ).select_related("event")
    events += [ics.rsvp_event(r) for r in rsvps]
    return ics.feed(events, _("Lodestar: %(name)s") % {"name": user.name})
