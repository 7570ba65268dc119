"""Office hours: publish recurring slots, book and cancel them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lodestar.core.pagination import paginate
from lodestar.core.web import error_messages

from .. import office_hours as services
from ..events import as_link
from ..forms_events import BookingForm, MessageForm, OfficeHoursForm, PatternForm
from ..models import Booking
from ..program_access import (
    can_host,
    can_manage_office_hours,
    get_booking_for,
    get_office_hours_for,
    get_schedule_program_for,
    get_slot_for,
    is_member,
)


@login_required
def office_hours_new(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_schedule_program_for(request.user, slug)
    if not can_host(request.user, program):
        raise Http404
    posted = request.POST if request.method == "POST" else None
    form = OfficeHoursForm(posted)
    pattern = PatternForm(posted, user=request.user)
    if request.method == "POST" and form.is_valid() and pattern.is_valid():
        try:
            office_hours, slots = services.publish_office_hours(
                request.user, program, pattern.pattern(), **form.cleaned_data
            )
        except ValidationError as exc:
            pattern.add_error(None, exc)
        else:
            messages.success(request, _("Published %(n)d slots.") % {"n": len(slots)})
            return redirect("scheduling:office_hours", office_hours.pk)
    return render(
        request,
        "scheduling/office_hours/form.html",
        {"program": program, "form": form, "pattern": pattern},
    )


@login_required
def office_hours_detail(request: HttpRequest, pk: int) -> HttpResponse:
    office_hours = get_office_hours_for(request.user, pk)
    manage = can_manage_office_hours(request.user, office_hours)
    now = timezone.now()
    slots = office_hours.slots.filter(starts_at__gt=now)
    if manage:
        slots = slots.prefetch_related(
            Prefetch(
                "bookings",
                queryset=Booking.objects.filter(status=Booking.Status.BOOKED).select_related(
                    "user__profile"
                ),
                to_attr="active_bookings",
            )
        )
    page = paginate(request, slots)
    mine = dict(
        Booking.objects.filter(
            user=request.user, slot__in=page.object_list, status=Booking.Status.BOOKED
        ).values_list("slot_id", "pk")
    )
    member = (
        is_member(request.user, office_hours.program) and office_hours.host_id != request.user.pk
    )
    for slot in page.object_list:
        slot.office_hours = office_hours
        slot.my_booking = mine.get(slot.pk)
        slot.free = max(office_hours.capacity - slot.booked, 0)
        slot.bookable = (
            member
            and office_hours.is_active
            and not slot.my_booking
            and slot.free > 0
            and now < services.booking_closes_at(slot)
        )
    return render(
        request,
        "scheduling/office_hours/detail.html",
        {
            "office_hours": office_hours,
            "program": office_hours.program,
            "page": page,
            "manage": manage,
            "location_link": as_link(office_hours.location),
            "pattern": PatternForm(user=request.user) if manage else None,
            "book_form": BookingForm(),
            "message_form": MessageForm(),
        },
    )


@login_required
@require_POST
def office_hours_slots(request: HttpRequest, pk: int) -> HttpResponse:
    office_hours = get_office_hours_for(request.user, pk, manage=True)
    form = PatternForm(request.POST, user=request.user)
    if not form.is_valid():
        error_messages(request, form)
    elif not office_hours.is_active:
        messages.error(request, _("These office hours are no longer offered."))
    else:
        try:
            slots = services.add_slots(office_hours, request.user, form.pattern())
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("Added %(n)d slots.") % {"n": len(slots)})
    return redirect("scheduling:office_hours", office_hours.pk)


@login_required
@require_POST
def office_hours_stop(request: HttpRequest, pk: int) -> HttpResponse:
    office_hours = get_office_hours_for(request.user, pk, manage=True)
    try:
        told = services.stop_office_hours(office_hours, request.user)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(
            request, _("Office hours stopped; %(n)d bookings were cancelled.") % {"n": told}
        )
    return redirect("scheduling:office_hours", office_hours.pk)


@login_required
@require_POST
def slot_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    slot = get_slot_for(request.user, pk, manage=True)
    form = MessageForm(request.POST)
    if not form.is_valid():
        error_messages(request, form)
        return redirect("scheduling:office_hours", slot.office_hours_id)
    try:
        told = services.cancel_slot(slot, request.user, form.cleaned_data["message"])
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Slot cancelled; %(n)d people were told.") % {"n": told})
    return redirect("scheduling:office_hours", slot.office_hours_id)


def _back(request: HttpRequest, slot) -> HttpResponse:
    if request.POST.get("next") == "calendar":
        return redirect("scheduling:calendar", slot.office_hours.program.slug)
    return redirect("scheduling:office_hours", slot.office_hours_id)


@login_required
@require_POST
def slot_book(request: HttpRequest, pk: int) -> HttpResponse:
    slot = get_slot_for(request.user, pk)
    form = BookingForm(request.POST)
    if not form.is_valid():
        error_messages(request, form)
        return _back(request, slot)
    try:
        services.book_slot(slot.pk, request.user, form.cleaned_data["topic"])
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Booked. The invitation is in your e-mail."))
    return _back(request, slot)


@login_required
@require_POST
def booking_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    booking = get_booking_for(request.user, pk)
    try:
        services.cancel_booking(booking, request.user)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Your booking is cancelled; the host was told."))
    if request.POST.get("next") == "calendar":
        return redirect(
            reverse("scheduling:calendar", args=[booking.slot.office_hours.program.slug])
        )
    return redirect("scheduling:office_hours", booking.slot.office_hours_id)


urlpatterns = [
    path("programs/<slug:slug>/office-hours/new/", office_hours_new, name="office_hours_new"),
    path("office-hours/<int:pk>/", office_hours_detail, name="office_hours"),
    path("office-hours/<int:pk>/slots/", office_hours_slots, name="office_hours_slots"),
    path("office-hours/<int:pk>/stop/", office_hours_stop, name="office_hours_stop"),
    path("office-hours/slots/<int:pk>/cancel/", slot_cancel, name="slot_cancel"),
    path("office-hours/slots/<int:pk>/book/", slot_book, name="slot_book"),
    path("office-hours/bookings/<int:pk>/cancel/", booking_cancel, name="booking_cancel"),
]
