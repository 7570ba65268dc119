"""Speed mentoring: the rotation, each person's schedule, and the follow-up choices."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lodestar.core.web import error_messages

from .. import speed as services
from ..forms_events import FollowUpForm, RotationForm
from ..models import Event
from ..program_access import can_manage_event, get_event_for


def _speed_event(request: HttpRequest, pk: int, manage: bool = False) -> Event:
    event = get_event_for(request.user, pk, manage=manage)
    if event.kind != Event.Kind.SPEED:
        raise Http404
    return event


@login_required
def speed_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _speed_event(request, pk)
    manage = can_manage_event(request.user, event)
    rounds = services.rotation(event)
    schedule = services.personal_schedule(event, request.user, rounds)
    met = [s.other for s in schedule if s.round.mentee_id == request.user.pk]
    over = bool(rounds) and timezone.now() >= services.rotation_end(event)
    context = {
        "event": event,
        "program": event.program,
        "manage": manage,
        "schedule": schedule,
        "has_rotation": bool(rounds),
        "can_follow_up": bool(met) and over and event.status == Event.Status.SCHEDULED,
        "follow_up_form": FollowUpForm(
            met=met,
            initial={"mentors": [s.other.pk for s in schedule if s.round.continue_wanted]},
        ),
    }
    if manage:
        context["mentors"], context["grid"] = services.grid(event, rounds)
        context["can_build"] = (
            event.status == Event.Status.SCHEDULED and event.starts_at > timezone.now()
        )
        context["rotation_form"] = RotationForm(limit=services.max_rounds(event))
    return render(request, "scheduling/speed/detail.html", context)


@login_required
@require_POST
def speed_build(request: HttpRequest, pk: int) -> HttpResponse:
    event = _speed_event(request, pk, manage=True)
    form = RotationForm(request.POST, limit=services.max_rounds(event))
    if not form.is_valid():
        error_messages(request, form)
        return redirect("scheduling:speed", event.pk)
    try:
        result = services.build_rotation(event, request.user, form.cleaned_data["rounds"])
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(
            request,
            _(
                "Rotation built: %(pairs)d conversations in %(rounds)d rounds. Everyone in it "
                "was sent their schedule."
            )
            % {"pairs": result.pairs, "rounds": result.rounds},
        )
        if result.unpaired:
            messages.warning(
                request,
                _("No partner found for: %(names)s (no shared language).")
                % {"names": ", ".join(result.unpaired)},
            )
    return redirect("scheduling:speed", event.pk)


@login_required
@require_POST
def speed_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    event = _speed_event(request, pk)
    rounds = [r for r in services.rotation(event) if r.mentee_id == request.user.pk]
    if not rounds:
        raise Http404
    form = FollowUpForm(request.POST, met=[r.mentor for r in rounds])
    if not form.is_valid():
        error_messages(request, form)
        return redirect("scheduling:speed", event.pk)
    try:
        outcomes = services.follow_up(event, request.user, set(form.cleaned_data["mentors"]))
    except ValidationError as exc:
        error_messages(request, exc)
        return redirect("scheduling:speed", event.pk)
    if not outcomes:
        messages.info(request, _("Saved. You chose nobody to continue with."))
    for o in outcomes:
        text = f"{o.mentor.name}: {o.message}"
        (messages.success if o.ok else messages.warning)(request, text)
    return redirect("scheduling:speed", event.pk)


urlpatterns = [
    path("events/<int:pk>/speed/", speed_detail, name="speed"),
    path("events/<int:pk>/speed/build/", speed_build, name="speed_build"),
    path("events/<int:pk>/speed/follow-up/", speed_follow_up, name="speed_follow_up"),
]
