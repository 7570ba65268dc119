"""The session log, private notes and action items of a relationship, and their panels."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lodestar.core.pagination import paginate
from lodestar.core.web import error_messages
from lodestar.programs.home import register_section

from .. import sessions as service
from ..access import get_relationship_for, viewer_of
from ..forms.sessions import ActionItemForm, NewSessionForm, PrivateNoteForm, SessionForm
from ..hub import Viewer, register_panel
from ..models import PrivateNote, Relationship, SessionLog

PANEL_SESSIONS = 3
HOME_ACTIONS = 10


def _sessions(relationship: Relationship):
    return (
        relationship.sessions.select_related("logged_by__profile", "confirmed_by__profile")
        .prefetch_related("topics")
        .annotate(action_count=Count("action_items"))
        # Aggregating drops the model's default ordering; pages need a stable one.
        .order_by("-occurred_at", "-id")
    )


def _get_session(relationship: Relationship, pk: int, own_by=None) -> SessionLog:
    """A session of this relationship (never another's); `own_by` narrows to its logger."""
    sessions = relationship.sessions.all()
    if own_by is not None:
        sessions = sessions.filter(logged_by=own_by)
    session = sessions.filter(pk=pk).first()
    if session is None:
        raise Http404
    session.relationship = relationship  # already loaded with its participants
    return session


def _back(request: HttpRequest, relationship: Relationship, default: str):
    """Return to the relationship page when the form was sent from its panel."""
    if request.POST.get("back") == "detail":
        return redirect(relationship)
    return redirect(default)


@login_required
def session_list(request: HttpRequest, pk: int) -> HttpResponse:
    relationship = get_relationship_for(request.user, pk)
    viewer = viewer_of(relationship, request.user)
    page = paginate(request, _sessions(relationship), per_page=20)
    noted: set[int] = set()
    if viewer.is_participant:
        noted = set(
            PrivateNote.objects.filter(
                author=request.user, session__in=[s.pk for s in page]
            ).values_list("session_id", flat=True)
        )
    return render(
        request,
        "mentoring/sessions/list.html",
        {
            "relationship": relationship,
            "viewer": viewer,
            "page": page,
            "noted": noted,
            "hours": service.hours_together(relationship),
        },
    )


@login_required
def session_new(request: HttpRequest, pk: int) -> HttpResponse:
    relationship = get_relationship_for(request.user, pk, participate=True)
    if not relationship.is_open:
        messages.error(request, _("This relationship is closed: no new sessions can be logged."))
        return redirect("mentoring:sessions", relationship.pk)
    form = NewSessionForm(request.POST or None, relationship=relationship)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = service.log_session(
                relationship,
                request.user,
                occurred_at=data["occurred_at"],
                duration_minutes=data["duration_minutes"],
                format=data["format"],
                topics=data["topics"],
                shared_notes=data["shared_notes"],
                next_steps=data["next_steps"],
                private_note=data["private_note"],
                actions=data["actions"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Session logged. The others can now confirm it."))
            return redirect("mentoring:session", relationship.pk, session.pk)
    elif request.method == "GET":
        form.initial["occurred_at"] = timezone.localtime().replace(second=0, microsecond=0)
    return render(
        request,
        "mentoring/sessions/form.html",
        {"relationship": relationship, "form": form, "new": True},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def session_detail(request: HttpRequest, pk: int, session: int) -> HttpResponse:
    relationship = get_relationship_for(request.user, pk)
    viewer = viewer_of(relationship, request.user)
    found = _sessions(relationship).filter(pk=session).first()
    if found is None:
        raise Http404
    note = service.private_note_of(found, request.user) if viewer.is_participant else None
    return render(
        request,
        "mentoring/sessions/detail.html",
        {
            "relationship": relationship,
            "viewer": viewer,
            "session": found,
            "actions": found.action_items.select_related("assignee__profile")
            if viewer.is_participant
            else [],
            "note_form": PrivateNoteForm(instance=note),
            "can_confirm": viewer.is_participant
            and found.confirmed_at is None
            and found.logged_by_id != request.user.pk,
        },
    )


@login_required
def session_edit(request: HttpRequest, pk: int, session: int) -> HttpResponse:
    relationship = get_relationship_for(request.user, pk, participate=True)
    found = _get_session(relationship, session, own_by=request.user)
    url = reverse("mentoring:session", args=[relationship.pk, found.pk])
    if found.confirmed_at is not None or not relationship.is_open:
        messages.error(request, _("This session can no longer change."))
        return redirect(url)
    form = SessionForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service.update_session(
                found,
                request.user,
                occurred_at=data["occurred_at"],
                duration_minutes=data["duration_minutes"],
                format=data["format"],
                topics=data["topics"],
                shared_notes=data["shared_notes"],
                next_steps=data["next_steps"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Session updated."))
            return redirect(url)
    return render(
        request,
        "mentoring/sessions/form.html",
        {"relationship": relationship, "form": form, "new": False, "session": found},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def session_delete(request: HttpRequest, pk: int, session: int) -> HttpResponse:
    relationship = get_relationship_for(request.user, pk, participate=True)
    found = _get_session(relationship, session, own_by=request.user)
    try:
        service.delete_session(found, request.user)
    except ValidationError as exc:
        error_messages(request, exc)
        return redirect("mentoring:session", relationship.pk, found.pk)
    messages.success(request, _("Session deleted."))
    return redirect("mentoring:sessions", relationship.pk)


@login_required
@require_POST
def session_confirm(request: HttpRequest, pk: int, session: int) -> HttpResponse:
    relationship = get_relationship_for(request.user, pk, participate=True)
    found = _get_session(relationship, session)
    try:
        service.confirm_session(found, request.user)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Session confirmed. Thank you."))
    return _back(request, relationship, reverse("mentoring:session", args=[pk, found.pk]))


@login_required
@require_POST
def private_note(request: HttpRequest, pk: int, session: int) -> HttpResponse:
    relationship = get_relationship_for(request.user, pk, participate=True)
    found = _get_session(relationship, session)
    form = PrivateNoteForm(request.POST)
    if not form.is_valid():
        error_messages(request, form)
    else:
        try:
            service.save_private_note(found, request.user, form.cleaned_data["body"] or "")
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("Your private note is saved."))
    return redirect("mentoring:session", relationship.pk, found.pk)


# Action items ----------------------------------------------------------------------------


@login_required
def action_list(request: HttpRequest, pk: int) -> HttpResponse:
    relationship = get_relationship_for(request.user, pk, participate=True)
    form = ActionItemForm(request.POST or None, relationship=relationship)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                service.add_action_item(
                    relationship, request.user, data["title"], data["assignee"], data["due_on"]
                )
            except ValidationError as exc:
                error_messages(request, exc)
            else:
                messages.success(request, _("Action item added."))
                return redirect("mentoring:actions", relationship.pk)
        else:
            error_messages(request, form)
    items = relationship.action_items.select_related("assignee__profile", "session")
    return render(
        request,
        "mentoring/sessions/actions.html",
        {
            "relationship": relationship,
            "items": items,
            "today": timezone.localdate(),
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def action_toggle(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    relationship = get_relationship_for(request.user, pk, participate=True)
    found = relationship.action_items.filter(pk=item).first()
    if found is None:
        raise Http404
    found.relationship = relationship
    try:
        service.set_action_done(found, request.user, request.POST.get("done") == "1")
    except ValidationError as exc:
        error_messages(request, exc)
    return _back(request, relationship, reverse("mentoring:actions", args=[pk]))


# Panels and the home section -------------------------------------------------------------


def sessions_panel(relationship: Relationship, viewer: Viewer) -> dict:
    recent = list(_sessions(relationship)[:PANEL_SESSIONS])
    pending = []
    if viewer.is_participant:
        pending = list(
            service.awaiting_confirmation(relationship, viewer.user).select_related(
                "logged_by__profile"
            )
        )
    return {
        "recent": recent,
        "pending": pending,
        "hours": service.hours_together(relationship),
        "can_log": viewer.is_participant and relationship.is_open,
    }


def actions_panel(relationship: Relationship, viewer: Viewer) -> dict:
    today = timezone.localdate()
    items = list(service.open_actions(relationship))
    overdue = [i for i in items if service.is_overdue(i, today)]
    if not viewer.is_participant:
        # Coordinators learn how many, never what: the items are the pair's own work.
        return {"count_only": True, "open": len(items), "overdue": len(overdue)}
    return {
        "items": items,
        "overdue_ids": {i.pk for i in overdue},
        "can_write": relationship.is_open,
    }


def home_actions(user) -> dict | None:
    if not user.is_authenticated:
        return None
    items = list(service.open_actions_of(user)[:HOME_ACTIONS])
    if not items:
        return None
    today = timezone.localdate()
    return {"items": items, "overdue_ids": {i.pk for i in items if service.is_overdue(i, today)}}


register_panel("sessions", "mentoring/sessions/panel.html", sessions_panel, order=40)
register_panel(
    "actions", "mentoring/sessions/actions_panel.html", actions_panel, order=45, column="side"
)
register_section("mentoring_actions", "mentoring/sessions/home_actions.html", home_actions)

urlpatterns = [
    path("<int:pk>/sessions/", session_list, name="sessions"),
    path("<int:pk>/sessions/new/", session_new, name="session_new"),
    path("<int:pk>/sessions/<int:session>/", session_detail, name="session"),
    path("<int:pk>/sessions/<int:session>/edit/", session_edit, name="session_edit"),
    path("<int:pk>/sessions/<int:session>/delete/", session_delete, name="session_delete"),
    path("<int:pk>/sessions/<int:session>/confirm/", session_confirm, name="session_confirm"),
    path("<int:pk>/sessions/<int:session>/note/", private_note, name="session_note"),
    path("<int:pk>/actions/", action_list, name="actions"),
    path("<int:pk>/actions/<int:item>/done/", action_toggle, name="action_toggle"),
]
