"""The message thread, the reflection journal, wins and the program's wins wall."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lodestar.core.models import audit
from lodestar.core.pagination import paginate
from lodestar.core.web import error_messages
from lodestar.programs.access import get_program_for, is_coordinator
from lodestar.programs.models import Membership
from lodestar.programs.states import ADMITTED_STATUSES

from .. import journal as service
from ..access import get_relationship_for, viewer_of
from ..forms.journal import MessageForm, ReflectionForm, WinForm
from ..hub import Viewer, register_panel
from ..models import Relationship, Win

PANEL_MESSAGES = 5
PANEL_WINS = 5


def _back(request: HttpRequest, relationship: Relationship, default: str):
    if request.POST.get("back") == "detail":
        return redirect(relationship)
    return redirect(default)


# Messages --------------------------------------------------------------------------------


@login_required
def message_thread(request: HttpRequest, pk: int) -> HttpResponse:
    # The thread is the pair's own: coordinators cannot read it either.
    relationship = get_relationship_for(request.user, pk, participate=True)
    form = MessageForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                service.post_message(relationship, request.user, form.cleaned_data["body"])
            except ValidationError as exc:
                error_messages(request, exc)
            else:
                return _back(request, relationship, service.thread_url(relationship))
        else:
            error_messages(request, form)
        if request.POST.get("back") == "detail":
            return redirect(relationship)
    # Newest page first, each page read from oldest to newest.
    page = paginate(request, service.thread(relationship).order_by("-created_at", "-id"), 30)
    return render(
        request,
        "mentoring/journal/messages.html",
        {
            "relationship": relationship,
            "page": page,
            "thread": list(reversed(page.object_list)),
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


# Journal ---------------------------------------------------------------------------------


@login_required
def journal_page(request: HttpRequest, pk: int) -> HttpResponse:
    relationship = get_relationship_for(request.user, pk, participate=True)
    prompts = relationship.program.prompt_list
    form = ReflectionForm(request.POST or None, prompts=prompts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service.write_reflection(
                relationship, request.user, data["body"], data["prompt"], data["shared"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your reflection is saved."))
            return redirect("mentoring:journal", relationship.pk)
    page = paginate(request, service.visible_reflections(relationship, request.user), 20)
    return render(
        request,
        "mentoring/journal/journal.html",
        {"relationship": relationship, "page": page, "form": form, "prompts": prompts},
        status=400 if request.method == "POST" else 200,
    )


def _own_reflection(relationship: Relationship, user, pk: int):
    found = relationship.reflections.filter(pk=pk, author=user).first()
    if found is None:
        raise Http404
    return found


@login_required
@require_POST
def reflection_share(request: HttpRequest, pk: int, entry: int) -> HttpResponse:
    relationship = get_relationship_for(request.user, pk, participate=True)
    found = _own_reflection(relationship, request.user, entry)
    shared = request.POST.get("shared") == "1"
    service.set_reflection_shared(found, request.user, shared)
    messages.success(
        request, _("The entry is now shared.") if shared else _("The entry is now private.")
    )
    return redirect("mentoring:journal", relationship.pk)


@login_required
@require_POST
def reflection_delete(request: HttpRequest, pk: int, entry: int) -> HttpResponse:
    relationship = get_relationship_for(request.user, pk, participate=True)
    service.delete_reflection(_own_reflection(relationship, request.user, entry), request.user)
    messages.success(request, _("Entry deleted."))
    return redirect("mentoring:journal", relationship.pk)


# Wins ------------------------------------------------------------------------------------


@login_required
def win_list(request: HttpRequest, pk: int) -> HttpResponse:
    relationship = get_relationship_for(request.user, pk)
    viewer = viewer_of(relationship, request.user)
    form = WinForm(request.POST or None)
    if request.method == "POST":
        if not viewer.is_participant:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                service.post_win(
                    relationship, request.user, data["title"], data["body"], data["consent"]
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Win shared. Well done!"))
                return redirect("mentoring:wins", relationship.pk)
    wins = service.with_reactions(relationship.wins.all(), request.user).prefetch_related(
        "wall_consents"
    )
    page = paginate(request, wins, 20)
    return render(
        request,
        "mentoring/journal/wins.html",
        {
            "relationship": relationship,
            "viewer": viewer,
            "page": page,
            "form": form,
            "participant_count": len(relationship.participants.all()),
        },
        status=400 if request.method == "POST" else 200,
    )


def _get_win(relationship: Relationship, pk: int) -> Win:
    found = relationship.wins.filter(pk=pk).first()
    if found is None:
        raise Http404
    found.relationship = relationship
    return found


@login_required
@require_POST
def win_consent(request: HttpRequest, pk: int, win: int) -> HttpResponse:
    relationship = get_relationship_for(request.user, pk, participate=True)
    found = _get_win(relationship, win)
    consent = request.POST.get("consent") == "1"
    on_wall = service.set_wall_consent(found, request.user, consent)
    if not consent:
        messages.success(request, _("You withdrew your consent: the win is not on the wall."))
    elif on_wall:
        messages.success(request, _("Everyone agreed: the win is on the program's wall."))
    else:
        messages.success(request, _("Thank you. It goes on the wall once everyone agrees."))
    return redirect("mentoring:wins", relationship.pk)


@login_required
@require_POST
def win_cheer(request: HttpRequest, pk: int, win: int) -> HttpResponse:
    relationship = get_relationship_for(request.user, pk)
    found = _get_win(relationship, win)
    try:
        service.toggle_cheer(found, request.user)
    except ValidationError as exc:
        error_messages(request, exc)
    if request.POST.get("back") == "wall":
        return redirect("mentoring:wins_wall", relationship.program.slug)
    return _back(request, relationship, reverse("mentoring:wins", args=[pk]))


@login_required
@require_POST
def win_delete(request: HttpRequest, pk: int, win: int) -> HttpResponse:
    relationship = get_relationship_for(request.user, pk, participate=True)
    found = _get_win(relationship, win)
    try:
        service.delete_win(found, request.user)
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(request, _("Win deleted."))
    return redirect("mentoring:wins", relationship.pk)


@login_required
def wins_wall(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for(request.user, slug)
    coordinator = is_coordinator(request.user, program)
    member = Membership.objects.filter(
        program=program, user=request.user, status__in=ADMITTED_STATUSES
    ).exists()
    if not (coordinator or member):
        audit(request.user, "access.denied", program, program.pk)
        raise Http404
    wins = service.with_reactions(service.wall(program), request.user)
    page = paginate(request, wins, 20)
    return render(
        request,
        "mentoring/journal/wall.html",
        {"program": program, "page": page, "coordinator": coordinator},
    )


# Panels ----------------------------------------------------------------------------------


def messages_panel(relationship: Relationship, viewer: Viewer) -> dict | None:
    if not viewer.is_participant:
        return None
    latest = list(service.thread(relationship).order_by("-created_at", "-id")[:PANEL_MESSAGES])
    return {
        "messages": list(reversed(latest)),
        "form": MessageForm() if relationship.is_open else None,
    }


def wins_panel(relationship: Relationship, viewer: Viewer) -> dict:
    wins = service.with_reactions(relationship.wins.all(), viewer.user)[:PANEL_WINS]
    return {"wins": list(wins), "can_post": viewer.is_participant and relationship.is_open}


def journal_panel(relationship: Relationship, viewer: Viewer) -> dict | None:
    if not viewer.is_participant:
        return None
    return {"count": service.visible_reflections(relationship, viewer.user).count()}


register_panel("messages", "mentoring/journal/messages_panel.html", messages_panel, order=50)
register_panel("wins", "mentoring/journal/wins_panel.html", wins_panel, order=60, column="side")
register_panel(
    "journal", "mentoring/journal/journal_panel.html", journal_panel, order=65, column="side"
)

urlpatterns = [
    path("<int:pk>/messages/", message_thread, name="messages"),
    path("<int:pk>/journal/", journal_page, name="journal"),
    path("<int:pk>/journal/<int:entry>/share/", reflection_share, name="reflection_share"),
    path("<int:pk>/journal/<int:entry>/delete/", reflection_delete, name="reflection_delete"),
    path("<int:pk>/wins/", win_list, name="wins"),
    path("<int:pk>/wins/<int:win>/consent/", win_consent, name="win_consent"),
    path("<int:pk>/wins/<int:win>/cheer/", win_cheer, name="win_cheer"),
    path("<int:pk>/wins/<int:win>/delete/", win_delete, name="win_delete"),
    path("program/<slug:slug>/wins/", wins_wall, name="wins_wall"),
]
