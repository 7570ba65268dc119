"""Who may see and use a program's office hours and events.

The program's calendar belongs to its admitted members and its coordinators; an event for one
cohort belongs to that cohort's members. Hosts always reach what they host. Everyone else gets
404, so another program's schedule does not leak.
"""

from django.http import Http404

from lodestar.programs.access import is_coordinator
from lodestar.programs.models import Membership, Program, Role
from lodestar.programs.states import ADMITTED_STATUSES

from .models import Booking, Event, OfficeHours, OfficeHourSlot

MENTOR_ROLES = {Role.MENTOR, Role.BOTH}


def admitted_memberships(user, program: Program) -> list[Membership]:
    """The user's admitted memberships of the program, newest first (cached on the user)."""
    if not user.is_authenticated:
        return []
    cache = getattr(user, "_admitted_in", None)
    if cache is None:
        cache = user._admitted_in = {}
    if program.pk not in cache:
        cache[program.pk] = list(
            Membership.objects.filter(
                user=user, program=program, status__in=ADMITTED_STATUSES
            ).order_by("-created_at", "-pk")
        )
    return cache[program.pk]


def is_member(user, program: Program, cohort_id: int | None = None) -> bool:
    return any(
        cohort_id is None or m.cohort_id == cohort_id for m in admitted_memberships(user, program)
    )


def can_view_program(user, program: Program) -> bool:
    return is_coordinator(user, program) or is_member(user, program)


def can_host(user, program: Program) -> bool:
    """Coordinators and admitted mentors may offer office hours."""
    return is_coordinator(user, program) or any(
        m.role in MENTOR_ROLES for m in admitted_memberships(user, program)
    )


def get_schedule_program_for(user, slug: str) -> Program:
    program = Program.objects.filter(slug=slug).first()
    if program is None or not can_view_program(user, program):
        raise Http404
    return program


# Office hours ---------------------------------------------------------------------------------


def can_manage_office_hours(user, office_hours: OfficeHours) -> bool:
    return office_hours.host_id == user.pk or is_coordinator(user, office_hours.program)


def get_office_hours_for(user, pk: int, manage: bool = False) -> OfficeHours:
    office_hours = (
        OfficeHours.objects.select_related("program", "host__profile").filter(pk=pk).first()
    )
    if office_hours is None:
        raise Http404
    allowed = (
        can_manage_office_hours(user, office_hours)
        if manage
        else office_hours.host_id == user.pk or can_view_program(user, office_hours.program)
    )
    if not allowed:
        raise Http404
    return office_hours


def get_slot_for(user, pk: int, manage: bool = False) -> OfficeHourSlot:
    slot = (
        OfficeHourSlot.objects.select_related(
            "office_hours__program", "office_hours__host__profile"
        )
        .filter(pk=pk)
        .first()
    )
    if slot is None:
        raise Http404
    get_office_hours_for(user, slot.office_hours_id, manage=manage)
    return slot


def get_booking_for(user, pk: int) -> Booking:
    """A booking its booker may cancel; nobody else reaches it by id."""
    booking = (
        Booking.objects.select_related("slot__office_hours__program")
        .filter(pk=pk, user=user)
        .first()
    )
    if booking is None:
        raise Http404
    return booking


# Events ---------------------------------------------------------------------------------------


def can_manage_event(user, event: Event) -> bool:
    return user.is_authenticated and (
        event.host_id == user.pk or is_coordinator(user, event.program)
    )


def can_attend(user, event: Event) -> bool:
    """Admitted members of the program (of the event's cohort, when it has one)."""
    return is_member(user, event.program, event.cohort_id)


def can_view_event(user, event: Event) -> bool:
    return can_manage_event(user, event) or can_attend(user, event)


def get_event_for(user, pk: int, manage: bool = False) -> Event:
    event = Event.objects.select_related("program", "cohort", "host__profile").filter(pk=pk).first()
    if event is None:
        raise Http404
    allowed = can_manage_event(user, event) if manage else can_view_event(user, event)
    if not allowed:
        raise Http404
    return event
