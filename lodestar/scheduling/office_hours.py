"""Office hours: a host publishes recurring open slots, members book them.

Capacity holds under concurrency: every booking and cancellation locks the slot row first and
keeps `slot.booked` in step with the active bookings.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lodestar.core.models import audit
from lodestar.notifications.services import notify
from lodestar.programs.models import Program

from . import ics
from .models import Booking, OfficeHours, OfficeHourSlot
from .program_access import can_host, can_manage_office_hours, is_member

MAX_SLOTS = 200
MAX_SPAN_DAYS = 366


def tell(user, kind: str, context: dict, url: str = "", attachments: list | None = None) -> None:
    """`notify` with the recipient's time zone, so the e-mail shows their local times."""
    tz = user.time_zone or settings.TIME_ZONE
    notify(user, kind, {**context, "tz": tz}, url, attachments=attachments)


# Calendar invitations -------------------------------------------------------------------------


def invitation(vevent, organizer, attendee, cancel: bool = False) -> dict:
    """An e-mail attachment inviting `attendee` to `vevent` (METHOD:REQUEST), or cancelling it
    (METHOD:CANCEL). The VEVENT comes from `ics`, so its UID is the one the member's calendar
    feed uses, and SEQUENCE grows with every change."""
    method = "CANCEL" if cancel else "REQUEST"
    if cancel:
        vevent.pop("status", None)
        vevent.add("status", "CANCELLED")
    if organizer is not None:
        vevent.add("organizer", ics._address(organizer))
    vevent.add(
        "attendee",
        ics._address(attendee, role="REQ-PARTICIPANT", partstat="ACCEPTED", rsvp="FALSE"),
        encode=0,
    )
    cal = ics._calendar(method)
    cal.add_component(vevent)
    return {
        "filename": "cancel.ics" if cancel else "invite.ics",
        "mimetype": ics.MIMETYPE[method],
        "content": cal.to_ical().decode(),
    }


def _booking_ics(booking: Booking, cancel: bool = False) -> dict:
    return invitation(
        ics.booking_event(booking), booking.slot.office_hours.host, booking.user, cancel
    )


# Slots ----------------------------------------------------------------------------------------


def slot_end(slot: OfficeHourSlot) -> dt.datetime:
    return slot.starts_at + dt.timedelta(minutes=slot.duration_minutes)


def booking_closes_at(slot: OfficeHourSlot) -> dt.datetime:
    return slot.starts_at - dt.timedelta(hours=slot.office_hours.booking_deadline_hours)


@dataclass(frozen=True)
class WeeklyPattern:
    """Slots every `weekday` (0 = Monday) from `start` to `end`, wall-clock time in `time_zone`."""

    weekday: int
    start: dt.time
    end: dt.time
    slot_minutes: int
    time_zone: str
    starts_on: dt.date
    ends_on: dt.date

    def starts(self) -> list[dt.datetime]:
        """Slot starts in UTC. Wall-clock times stay put across DST changes; a time that does
        not exist on a spring-forward day is skipped."""
        try:
            tz = zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValidationError(_("Choose a known time zone.")) from None
        if not 10 <= self.slot_minutes <= 240:
            raise ValidationError(_("A slot lasts between 10 and 240 minutes."))
        if self.end <= self.start:
            raise ValidationError(_("The end time must be after the start time."))
        if self.ends_on < self.starts_on:
            raise ValidationError(_("The last date must not be before the first."))
        if (self.ends_on - self.starts_on).days > MAX_SPAN_DAYS:
            raise ValidationError(_("Publish at most a year of slots at once."))
        day = self.starts_on + dt.timedelta(days=(self.weekday - self.starts_on.weekday()) % 7)
        step = dt.timedelta(minutes=self.slot_minutes)
        found = []
        while day <= self.ends_on:
            cursor = dt.datetime.combine(day, self.start)
            last = dt.datetime.combine(day, self.end)
            while cursor + step <= last:
                local = cursor.replace(tzinfo=tz)
                # A wall time in the spring-forward gap does not survive the round trip.
                utc = local.astimezone(dt.UTC)
                if utc.astimezone(tz).replace(tzinfo=None) == cursor:
                    found.append(utc)
                cursor += step
            day += dt.timedelta(days=7)
        if len(found) > MAX_SLOTS:
            raise ValidationError(
                _("That makes %(n)d slots; publish at most %(max)d at once.")
                % {"n": len(found), "max": MAX_SLOTS}
            )
        return found


@transaction.atomic
def add_slots(office_hours: OfficeHours, actor, pattern: WeeklyPattern) -> list[OfficeHourSlot]:
    """Create the pattern's future slots; a start that already has a slot is skipped."""
    if not can_manage_office_hours(actor, office_hours):
        raise ValidationError(_("Only the host or a coordinator can add slots."))
    now = timezone.now()
    wanted = [s for s in pattern.starts() if s > now]
    if not wanted:
        raise ValidationError(_("This pattern gives no future slot. Check the dates and times."))
    existing = set(
        office_hours.slots.filter(starts_at__in=wanted).values_list("starts_at", flat=True)
    )
    slots = OfficeHourSlot.objects.bulk_create(
        OfficeHourSlot(
            office_hours=office_hours, starts_at=s, duration_minutes=pattern.slot_minutes
        )
        for s in wanted
        if s not in existing
    )
    audit(actor, "office_hours.slots_added", office_hours, office_hours.program_id, n=len(slots))
    return slots


@transaction.atomic
def publish_office_hours(
    host, program: Program, pattern: WeeklyPattern, **fields
) -> tuple[OfficeHours, list[OfficeHourSlot]]:
    if not can_host(host, program):
        raise ValidationError(_("Only the program's mentors and coordinators offer office hours."))
    office_hours = OfficeHours(program=program, host=host, **fields)
    office_hours.full_clean()
    office_hours.save()
    audit(host, "office_hours.published", office_hours, program.pk)
    return office_hours, add_slots(office_hours, host, pattern)


@transaction.atomic
def cancel_slot(slot: OfficeHourSlot, actor, message: str = "") -> int:
    """Remove a slot; its bookers are told (with a calendar cancellation). Returns how many."""
    locked = (
        OfficeHourSlot.objects.select_for_update(of=("self",))
        .select_related("office_hours__host__profile", "office_hours__program")
        .filter(pk=slot.pk)
        .first()
    )
    if locked is None:
        raise ValidationError(_("This slot no longer exists."))
    if not can_manage_office_hours(actor, locked.office_hours):
        raise ValidationError(_("Only the host or a coordinator can cancel a slot."))
    if locked.starts_at <= timezone.now():
        raise ValidationError(_("This slot has already started."))
    bookings = list(
        locked.bookings.filter(status=Booking.Status.BOOKED).select_related("user__profile")
    )
    for booking in bookings:
        booking.slot = locked
        booking.status = Booking.Status.CANCELLED
        booking.sequence += 1
        tell(
            booking.user,
            "booking_slot_cancelled",
            {"slot": locked, "office_hours": locked.office_hours, "message": message.strip()},
            url=_calendar_url(locked.office_hours),
            attachments=[_booking_ics(booking, cancel=True)],
        )
    audit(actor, "office_hours.slot_cancelled", locked, locked.office_hours.program_id)
    locked.delete()
    return len(bookings)


def _calendar_url(office_hours: OfficeHours) -> str:
    return reverse("scheduling:calendar", args=[office_hours.program.slug])


# Bookings -------------------------------------------------------------------------------------


@transaction.atomic
def book_slot(slot_id: int, user, topic: str = "") -> Booking:
    """Book a place in a slot, within its capacity even when many book the last place at once."""
    # The row lock queues concurrent bookings of this slot; `booked` is then exact.
    slot = (
        OfficeHourSlot.objects.select_for_update(of=("self",))
        .select_related("office_hours__program", "office_hours__host__profile")
        .filter(pk=slot_id)
        .first()
    )
    if slot is None:
        raise ValidationError(_("This slot no longer exists."))
    office_hours = slot.office_hours
    if not is_member(user, office_hours.program):
        raise ValidationError(_("Only the program's members can book office hours."))
    if office_hours.host_id == user.pk:
        raise ValidationError(_("You cannot book your own office hours."))
    if not office_hours.is_active:
        raise ValidationError(_("These office hours are no longer offered."))
    if timezone.now() >= booking_closes_at(slot):
        raise ValidationError(
            _("Booking closed %(n)d hours before the start.")
            % {"n": office_hours.booking_deadline_hours}
        )
    if slot.bookings.filter(user=user, status=Booking.Status.BOOKED).exists():
        raise ValidationError(_("You have already booked this slot."))
    if slot.booked >= office_hours.capacity:
        raise ValidationError(_("This slot is full. Choose another one."))
    try:
        with transaction.atomic():
            # A booking's calendar UID is per slot and person: a new booking after a
            # cancellation must carry a higher SEQUENCE for calendars to take it.
            previous = slot.bookings.filter(user=user).order_by("-sequence").first()
            booking = Booking.objects.create(
                slot=slot,
                user=user,
                topic=topic.strip()[:300],
                sequence=previous.sequence + 1 if previous else 0,
            )
    except IntegrityError:
        raise ValidationError(_("You have already booked this slot.")) from None
    slot.booked += 1
    slot.save(update_fields=["booked"])
    url = _calendar_url(office_hours)
    context = {"slot": slot, "office_hours": office_hours, "booking": booking, "booker": user}
    tell(user, "booking_confirmed", context, url, attachments=[_booking_ics(booking)])
    tell(office_hours.host, "booking_received", context, url)
    return booking


@transaction.atomic
def cancel_booking(booking: Booking, user) -> None:
    slot = (
        OfficeHourSlot.objects.select_for_update(of=("self",))
        .select_related("office_hours__program", "office_hours__host__profile")
        .get(pk=booking.slot_id)
    )
    locked = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("user__profile")
        .get(pk=booking.pk)
    )
    if locked.user_id != user.pk:
        raise ValidationError(_("Only the person who booked can cancel this booking."))
    if locked.status != Booking.Status.BOOKED:
        raise ValidationError(_("This booking is already cancelled."))
    if slot.starts_at <= timezone.now():
        raise ValidationError(_("This slot has already started."))
    locked.status = Booking.Status.CANCELLED
    locked.sequence += 1
    locked.save(update_fields=["status", "sequence"])
    slot.booked = max(slot.booked - 1, 0)
    slot.save(update_fields=["booked"])
    locked.slot = slot
    url = _calendar_url(slot.office_hours)
    context = {"slot": slot, "office_hours": slot.office_hours, "booking": locked, "booker": user}
    tell(user, "booking_cancelled", context, url, attachments=[_booking_ics(locked, cancel=True)])
    tell(slot.office_hours.host, "booking_withdrawn", context, url)


@transaction.atomic
def stop_office_hours(office_hours: OfficeHours, actor) -> int:
    """Stop offering: future slots are cancelled (bookers told), past ones stay as history."""
    if not can_manage_office_hours(actor, office_hours):
        raise ValidationError(_("Only the host or a coordinator can stop office hours."))
    future = list(office_hours.slots.filter(starts_at__gt=timezone.now()))
    told = sum(cancel_slot(slot, actor) for slot in future)
    office_hours.is_active = False
    office_hours.save(update_fields=["is_active", "updated_at"])
    audit(actor, "office_hours.stopped", office_hours, office_hours.program_id)
    return told


def upcoming_slots(program: Program, since: dt.datetime, until: dt.datetime):
    return (
        OfficeHourSlot.objects.filter(
            office_hours__program=program,
            office_hours__is_active=True,
            starts_at__gte=since,
            starts_at__lt=until,
        )
        .select_related("office_hours__host__profile")
        .order_by("starts_at", "id")
    )


def default_time_zone(user) -> str:
    return user.time_zone or settings.TIME_ZONE
