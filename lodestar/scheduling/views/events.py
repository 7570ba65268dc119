"""The program calendar and program events: create, RSVP, attendance, cancellation."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lodestar.core.web import error_messages
from lodestar.programs.access import is_coordinator

from .. import events as services
from ..forms_events import EventForm, MessageForm
from ..models import Booking, Event, Rsvp
from ..office_hours import booking_closes_at, upcoming_slots
from ..program_access import (
    can_attend,
    can_host,
    can_manage_event,
    get_event_for,
    get_schedule_program_for,
    is_member,
)

WEEKS = 4


def _monday(request: HttpRequest) -> dt.date:
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        start = today
    # Far jumps are pointless and make odd dates; stay within two years.
    if abs((start - today).days) > 730:
        start = today
    return start - dt.timedelta(days=start.weekday())


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@login_required
def calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """Upcoming events and office-hour slots, week by week in the viewer's time zone."""
    program = get_schedule_program_for(request.user, slug)
    monday = _monday(request)
    now = timezone.now()
    since = max(_local_midnight(monday), now)
    until = _local_midnight(monday + dt.timedelta(weeks=WEEKS))
    event_list = list(services.upcoming_events(program, request.user, since, until))
    slots = list(upcoming_slots(program, since, until))
    mine_booked = dict(
        Booking.objects.filter(
            user=request.user, slot__in=slots, status=Booking.Status.BOOKED
        ).values_list("slot_id", "pk")
    )
    my_rsvps = dict(
        Rsvp.objects.filter(user=request.user, event__in=event_list).values_list(
            "event_id", "status"
        )
    )
    labels = dict(Rsvp.Status.choices)
    items = []
    for e in event_list:
        e.my_status = labels.get(my_rsvps.get(e.pk, ""), "")
        items.append((e.starts_at, "event", e))
    for s in slots:
        s.my_booking = mine_booked.get(s.pk)
        s.free = max(s.office_hours.capacity - s.booked, 0)
        s.is_host = s.office_hours.host_id == request.user.pk
        s.bookable = not s.is_host and not s.my_booking and s.free and now < booking_closes_at(s)
        items.append((s.starts_at, "slot", s))
    items.sort(key=lambda x: (x[0], x[1]))
    weeks = []
    for k in range(WEEKS):
        start = monday + dt.timedelta(weeks=k)
        end = start + dt.timedelta(days=7)
        entries = [
            (kind, obj)
            for when, kind, obj in items
            if start <= timezone.localtime(when).date() < end
        ]
        weeks.append({"start": start, "end": end - dt.timedelta(days=1), "entries": entries})
    coordinator = is_coordinator(request.user, program)
    return render(
        request,
        "scheduling/events/calendar.html",
        {
            "program": program,
            "weeks": weeks,
            "previous": (monday - dt.timedelta(weeks=WEEKS)).isoformat(),
            "next": (monday + dt.timedelta(weeks=WEEKS)).isoformat(),
            "can_create_event": coordinator,
            "can_offer": can_host(request.user, program),
            "can_book": is_member(request.user, program),
            "time_zone": timezone.get_current_timezone_name(),
        },
    )


@login_required
def event_new(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_schedule_program_for(request.user, slug)
    if not is_coordinator(request.user, program):
        raise Http404
    form = EventForm(request.POST or None, program=program, initial={"host": request.user})
    if request.method == "POST" and form.is_valid():
        try:
            event = services.create_event(request.user, program, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Event created. Members see it on the program calendar."))
            return redirect(event)
    return render(
        request, "scheduling/events/form.html", {"program": program, "form": form, "event": None}
    )


@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for(request.user, pk, manage=True)
    if event.status == Event.Status.CANCELLED:
        messages.error(request, _("This event is cancelled."))
        return redirect(event)
    coordinator = is_coordinator(request.user, event.program)
    form = EventForm(
        request.POST or None, instance=event, program=event.program, can_change_host=coordinator
    )
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in form.changed_data}
        # The ModelForm has already applied the values to the instance; start from the stored
        # row so the service sees what changed.
        original = get_event_for(request.user, pk, manage=True)
        try:
            services.update_event(original, request.user, **fields)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Event saved."))
            return redirect(original)
    return render(
        request,
        "scheduling/events/form.html",
        {"program": event.program, "form": form, "event": event},
    )


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for(request.user, pk)
    manage = can_manage_event(request.user, event)
    mine = event.rsvps.filter(user=request.user).first()
    now = timezone.now()
    open_for_answers = event.status == Event.Status.SCHEDULED and event.starts_at > now
    context = {
        "event": event,
        "program": event.program,
        "manage": manage,
        "mine": mine,
        "resources": services.resource_lines(event),
        "location_link": services.as_link(event.location),
        "can_rsvp": open_for_answers
        and can_attend(request.user, event)
        and (mine is None or mine.status == Rsvp.Status.CANCELLED),
        "can_withdraw": open_for_answers
        and mine is not None
        and mine.status != Rsvp.Status.CANCELLED,
        "full": event.capacity is not None and event.going >= event.capacity,
        "places_left": None if event.capacity is None else max(event.capacity - event.going, 0),
        "started": event.starts_at <= now,
    }
    if manage:
        answers = list(
            event.rsvps.exclude(status=Rsvp.Status.CANCELLED).select_related("user__profile")
        )
        context["going"] = [a for a in answers if a.status == Rsvp.Status.GOING]
        context["waiting"] = [a for a in answers if a.status == Rsvp.Status.WAITLISTED]
        context["can_mark"] = context["started"] and event.status == Event.Status.SCHEDULED
        context["can_cancel"] = event.status == Event.Status.SCHEDULED and event.ends_at > now
        context["cancel_form"] = MessageForm()
    return render(request, "scheduling/events/detail.html", context)


@login_required
@require_POST
def event_rsvp(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for(request.user, pk)
    try:
        answer = services.rsvp(event.pk, request.user)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        if answer.status == Rsvp.Status.GOING:
            messages.success(request, _("You are going. The invitation is in your e-mail."))
        else:
            messages.info(
                request,
                _(
                    "The event is full: you are on the waiting list and will be told if a "
                    "place frees up."
                ),
            )
    return redirect(event)


@login_required
@require_POST
def event_rsvp_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for(request.user, pk)
    try:
        services.cancel_rsvp(event.pk, request.user)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Your answer is withdrawn."))
    return redirect(event)


@login_required
@require_POST
def event_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for(request.user, pk, manage=True)
    values = {"yes": True, "no": False, "": None}
    marks: dict[int, bool | None] = {}
    for key, value in request.POST.items():
        if not key.startswith("attended-"):
            continue
        try:
            marks[int(key.removeprefix("attended-"))] = values[value]
        except (ValueError, KeyError):
            messages.error(request, _("Mark each person as attended, absent or not known."))
            return redirect(event)
    try:
        n = services.mark_attendance(event, request.user, marks)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Attendance saved (%(n)d changed).") % {"n": n})
    return redirect(event)


@login_required
@require_POST
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for(request.user, pk, manage=True)
    form = MessageForm(request.POST)
    if not form.is_valid():
        error_messages(request, form)
        return redirect(event)
    try:
        told = services.cancel_event(event, request.user, form.cleaned_data["message"])
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Event cancelled; %(n)d people were told.") % {"n": told})
    return redirect(reverse("scheduling:calendar", args=[event.program.slug]))


urlpatterns = [
    path("programs/<slug:slug>/calendar/", calendar, name="calendar"),
    path("programs/<slug:slug>/events/new/", event_new, name="event_new"),
    path("events/<int:pk>/", event_detail, name="event"),
    path("events/<int:pk>/edit/", event_edit, name="event_edit"),
    path("events/<int:pk>/rsvp/", event_rsvp, name="event_rsvp"),
    path("events/<int:pk>/rsvp/cancel/", event_rsvp_cancel, name="event_rsvp_cancel"),
    path("events/<int:pk>/attendance/", event_attendance, name="event_attendance"),
    path("events/<int:pk>/cancel/", event_cancel, name="event_cancel"),
]
