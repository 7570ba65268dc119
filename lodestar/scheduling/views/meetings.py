"""Meetings of a relationship: propose, answer, move, cancel, "it happened", and the panel of
the relationship page. Coordinators see meetings' metadata only, never agenda or location."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lodestar.core.pagination import paginate, query_without_page
from lodestar.core.web import error_messages
from lodestar.mentoring.access import get_relationship_for, viewer_of
from lodestar.mentoring.hub import Viewer, register_panel
from lodestar.mentoring.models import Relationship

from .. import ics, slots
from .. import meetings as service
from ..access import get_meeting_for
from ..forms import CUSTOM, AgendaForm, AnswerForm, CancelForm, ProposeForm, TimeForm

PANEL_UPCOMING = 5
PANEL_SLOTS = 3


def _form_error(form, exc: ValidationError) -> None:
    form.add_error(None, exc)


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    past = request.GET.get("show") == "past"
    mine = service.meetings_of(request.user)
    meetings = service.past(mine, now) if past else service.upcoming(mine, now)
    page = paginate(request, service.with_people(meetings), per_page=20)
    waiting = {m.pk for m in page if service.awaits_answer(m, request.user, now)}
    return render(
        request,
        "scheduling/meetings/list.html",
        {"page": page, "past": past, "waiting": waiting, "query": query_without_page(request)},
    )


def _propose_initial(request: HttpRequest, form: TimeForm) -> None:
    """A slot chosen on the relationship page arrives preselected."""
    wanted = request.GET.get("slot", "")
    if wanted and wanted in dict(form.fields["slot"].choices):
        form.fields["slot"].initial = wanted


@login_required
def meeting_new(request: HttpRequest, pk: int) -> HttpResponse:
    relationship = get_relationship_for(request.user, pk, participate=True)
    if relationship.status not in service.BOOKABLE:
        messages.error(request, _("Meetings can be booked while the relationship is active."))
        return redirect(relationship)
    minutes = slots.meeting_minutes(relationship)
    offered = slots.suggest_for(relationship)
    form = ProposeForm(
        request.POST or None, slots=offered, minutes=minutes, relationship=relationship
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = service.propose_meeting(
                relationship,
                request.user,
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                format=data["format"],
                location=data["location"],
                agenda=data["agenda"],
                goals=data.get("goals") or (),
                message=data["message"],
            )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Meeting proposed. The others are invited."))
            return redirect(meeting)
    elif request.method == "GET":
        _propose_initial(request, form)
    return render(
        request,
        "scheduling/meetings/form.html",
        {
            "relationship": relationship,
            "form": form,
            "mode": "new",
            "offered": offered,
            "custom": CUSTOM,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for(request.user, pk)
    relationship = meeting.relationship
    viewer = viewer_of(relationship, request.user)
    now = timezone.now()
    participant = viewer.is_participant
    changeable = (
        participant
        and relationship.is_open
        and meeting.status in service.LIVE
        and meeting.starts_at > now
    )
    upcoming = meeting.status in service.LIVE and meeting.ends_at > now
    return render(
        request,
        "scheduling/meetings/detail.html",
        {
            "meeting": meeting,
            "relationship": relationship,
            "viewer": viewer,
            # Coordinators see when, how long, how and who answered: not the pair's words.
            "private": participant,
            "can_answer": participant
            and relationship.is_open
            and service.awaits_answer(meeting, request.user, now),
            "can_change": changeable and relationship.status in service.BOOKABLE,
            "can_cancel": changeable,
            "can_confirm": participant
            and relationship.is_open
            and service.can_confirm(meeting, request.user, now),
            "agenda_prompt": viewer.is_mentee
            and upcoming
            and relationship.is_open
            and not meeting.agenda,
            "agenda_form": AgendaForm(relationship=relationship, meeting=meeting)
            if participant and upcoming and relationship.is_open
            else None,
            "answer_form": AnswerForm(),
            "cancel_form": CancelForm(),
            "goals": list(meeting.goals.all()),
        },
    )


@login_required
@require_POST
def meeting_answer(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for(request.user, pk, participate=True)
    response = request.POST.get("response")
    form = AnswerForm(request.POST)
    if response not in {"accept", "decline"} or not form.is_valid():
        messages.error(request, _("Choose to accept or decline."))
        if not form.is_valid():
            error_messages(request, form)
        return redirect(meeting)
    try:
        service.answer_meeting(
            meeting, request.user, response == "accept", form.cleaned_data["message"]
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(
            request,
            _("You accepted the meeting.") if response == "accept" else _("You declined."),
        )
    return redirect(meeting)


def _time_form_view(request: HttpRequest, pk: int, mode: str) -> HttpResponse:
    meeting = get_meeting_for(request.user, pk, participate=True)
    relationship = meeting.relationship
    offered = slots.suggest_for(
        relationship, minutes=meeting.duration_minutes, exclude_meeting=meeting
    )
    form = TimeForm(request.POST or None, slots=offered, minutes=meeting.duration_minutes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        action = service.propose_another_time if mode == "counter" else service.reschedule_meeting
        try:
            result = action(
                meeting,
                request.user,
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                message=data["message"],
            )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The others are asked about the new time."))
            return redirect(result)
    return render(
        request,
        "scheduling/meetings/form.html",
        {
            "relationship": relationship,
            "meeting": meeting,
            "form": form,
            "mode": mode,
            "offered": offered,
            "custom": CUSTOM,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def meeting_counter(request: HttpRequest, pk: int) -> HttpResponse:
    return _time_form_view(request, pk, "counter")


@login_required
def meeting_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    return _time_form_view(request, pk, "reschedule")


@login_required
@require_POST
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for(request.user, pk, participate=True)
    form = CancelForm(request.POST)
    if not form.is_valid():
        error_messages(request, form)
        return redirect(meeting)
    try:
        service.cancel_meeting(meeting, request.user, form.cleaned_data["message"])
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Meeting cancelled. The others are told."))
    return redirect(meeting)


@login_required
@require_POST
def meeting_agenda(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for(request.user, pk, participate=True)
    form = AgendaForm(request.POST, relationship=meeting.relationship)
    if not form.is_valid():
        error_messages(request, form)
        return redirect(meeting)
    try:
        service.update_agenda(
            meeting, request.user, form.cleaned_data["agenda"], form.cleaned_data["goals"]
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Agenda saved."))
    return redirect(meeting)


@login_required
@require_POST
def meeting_happened(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for(request.user, pk, participate=True)
    try:
        session = service.confirm_happened(meeting, request.user)
    except ValidationError as exc:
        error_messages(request, exc)
        return redirect(meeting)
    messages.success(request, _("Thank you. Add notes to the session if you like."))
    return redirect("mentoring:session", meeting.relationship_id, session.pk)


@login_required
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for(request.user, pk, participate=True)
    method = "REQUEST" if meeting.status in service.LIVE else "CANCEL"
    response = HttpResponse(
        ics.meeting_invitation(meeting, method), content_type=f"{ics.MIMETYPE[method]}"
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


# The relationship page's panel ------------------------------------------------------------


@dataclass(frozen=True)
class MeetingMeta:
    """What a coordinator sees of a meeting."""

    pk: int
    starts_at: object
    duration_minutes: int
    format: str
    status: str


def meetings_panel(relationship: Relationship, viewer: Viewer) -> dict:
    now = timezone.now()
    upcoming = list(
        service.with_people(service.upcoming(relationship.meetings.all(), now))[:PANEL_UPCOMING]
    )
    if not viewer.is_participant:
        return {
            "meta_only": True,
            "upcoming": [
                MeetingMeta(
                    m.pk,
                    m.starts_at,
                    m.duration_minutes,
                    m.get_format_display(),
                    m.get_status_display(),
                )
                for m in upcoming
            ],
        }
    user = viewer.user
    bookable = relationship.status in service.BOOKABLE
    return {
        "meta_only": False,
        "upcoming": upcoming,
        "waiting": {m.pk for m in upcoming if service.awaits_answer(m, user, now)},
        "to_confirm": list(service.to_confirm(relationship.meetings.all(), user, now)[:5])
        if relationship.is_open
        else [],
        "suggested": slots.suggest_for(relationship, now=now, limit=PANEL_SLOTS)
        if bookable
        else [],
        "can_propose": bookable,
        "agenda_prompt": viewer.is_mentee,
    }


register_panel("meetings", "scheduling/meetings/panel.html", meetings_panel, order=35)

urlpatterns = [
    path("meetings/", meeting_list, name="meetings"),
    path("relationships/<int:pk>/meetings/new/", meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", meeting_detail, name="meeting"),
    path("meetings/<int:pk>/answer/", meeting_answer, name="meeting_answer"),
    path("meetings/<int:pk>/another-time/", meeting_counter, name="meeting_counter"),
    path("meetings/<int:pk>/reschedule/", meeting_reschedule, name="meeting_reschedule"),
    path("meetings/<int:pk>/cancel/", meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/agenda/", meeting_agenda, name="meeting_agenda"),
    path("meetings/<int:pk>/happened/", meeting_happened, name="meeting_happened"),
    path("meetings/<int:pk>/invite.ics", meeting_ics, name="meeting_ics"),
]
