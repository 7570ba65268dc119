"""iCalendar output: meeting invitations (METHOD:REQUEST / CANCEL) and members' feeds.

A meeting keeps its UID for life and its SEQUENCE grows with every reschedule or cancellation,
so Google, Outlook and Apple calendars replace the event instead of adding another one.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Attendee, Booking, Meeting, Rsvp

PRODID = "-//Lodestar//Mentoring scheduling//EN"
MIMETYPE = {
    "REQUEST": "text/calendar; method=REQUEST",
    "CANCEL": "text/calendar; method=CANCEL",
}
STATUS = {
    Meeting.Status.PROPOSED: "TENTATIVE",
    Meeting.Status.ACCEPTED: "CONFIRMED",
    Meeting.Status.DECLINED: "CANCELLED",
    Meeting.Status.CANCELLED: "CANCELLED",
}
PARTSTAT = {
    Attendee.Response.PENDING: "NEEDS-ACTION",
    Attendee.Response.ACCEPTED: "ACCEPTED",
    Attendee.Response.DECLINED: "DECLINED",
}


def site_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "lodestar.invalid"


def _uid(kind: str, uid) -> str:
    # Meetings keep the bare UUID for compatibility with invitations already sent.
    prefix = "" if kind == "meeting" else f"{kind}-"
    return f"{prefix}{uid}@{site_domain()}"


def _calendar(method: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    return cal


def _address(user, **params) -> vCalAddress:
    address = vCalAddress(f"mailto:{user.email}")
    address.params["cn"] = vText(user.name)
    for key, value in params.items():
        address.params[key] = vText(value)
    return address


def _event(uid: str, sequence: int, start: dt.datetime, minutes: int, summary: str) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", timezone.now().astimezone(dt.UTC).replace(microsecond=0))
    event.add("dtstart", start.astimezone(dt.UTC))
    event.add("dtend", (start + dt.timedelta(minutes=minutes)).astimezone(dt.UTC))
    event.add("summary", summary)
    return event


def meeting_summary(meeting: Meeting) -> str:
    names = " & ".join(p.user.name for p in meeting.relationship.participants.all())
    return _("Mentoring: %(names)s") % {"names": names}


def meeting_event(meeting: Meeting, invitation: bool = True, cancelled: bool = False) -> Event:
    """The meeting as a VEVENT; `invitation` adds the organizer and attendees."""
    event = _event(
        _uid("meeting", meeting.uid),
        meeting.sequence,
        meeting.starts_at,
        meeting.duration_minutes,
        meeting_summary(meeting),
    )
    url = f"{settings.SITE_URL}{meeting.get_absolute_url()}"
    description = f"{meeting.agenda.strip()}\n\n{url}" if meeting.agenda.strip() else url
    event.add("description", description)
    event.add("url", url)
    if meeting.location:
        event.add("location", meeting.location)
    event.add("status", "CANCELLED" if cancelled else STATUS[meeting.status])
    if invitation:
        if meeting.proposed_by is not None:
            event.add("organizer", _address(meeting.proposed_by))
        for attendee in meeting.attendees.all():
            event.add(
                "attendee",
                _address(
                    attendee.user,
                    role="REQ-PARTICIPANT",
                    partstat=PARTSTAT[attendee.response],
                    rsvp="FALSE",
                ),
                encode=0,
            )
    return event


def meeting_invitation(meeting: Meeting, method: str = "REQUEST") -> str:
    """A one-event calendar to attach to an e-mail; `method` is REQUEST or CANCEL."""
    cal = _calendar(method)
    cal.add_component(meeting_event(meeting, cancelled=method == "CANCEL"))
    return cal.to_ical().decode()


def attachment(meeting: Meeting, method: str = "REQUEST") -> dict:
    name = "cancel.ics" if method == "CANCEL" else "invite.ics"
    return {
        "filename": name,
        "mimetype": MIMETYPE[method],
        "content": meeting_invitation(meeting, method),
    }


def booking_event(booking: Booking) -> Event:
    slot, hours = booking.slot, booking.slot.office_hours
    event = _event(
        _uid("booking", f"{slot.uid}-{booking.user_id}"),
        booking.sequence,
        slot.starts_at,
        slot.duration_minutes,
        _("Office hours: %(title)s") % {"title": hours.title},
    )
    if hours.location:
        event.add("location", hours.location)
    if booking.topic:
        event.add("description", booking.topic)
    event.add("status", "CONFIRMED")
    return event


def rsvp_event(rsvp: Rsvp) -> Event:
    ev = rsvp.event
    event = _event(_uid("event", ev.uid), ev.sequence, ev.starts_at, ev.duration_minutes, ev.title)
    try:
        url = f"{settings.SITE_URL}{ev.get_absolute_url()}"
    except NoReverseMatch:  # the events pages are optional
        url = settings.SITE_URL
    event.add("description", f"{ev.description.strip()}\n\n{url}" if ev.description else url)
    if ev.location:
        event.add("location", ev.location)
    event.add("status", "CONFIRMED")
    return event


def feed(events: list[Event], name: str) -> str:
    """A subscription calendar: no METHOD, as RFC 5545 wants for published calendars."""
    cal = _calendar()
    cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(event)
    return cal.to_ical().decode()
