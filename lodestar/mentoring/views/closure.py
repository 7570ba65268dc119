from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from lodestar.core.web import error_messages

from .. import closure
from ..access import get_relationship_for, viewer_of
from ..forms.closure import ClosureForm, ReassignForm, RematchForm
from ..hub import Viewer, register_panel
from ..models import Relationship
from ..states import OPEN_STATUSES, Status

CLOSABLE = {Status.ACTIVE, Status.PAUSED}


def _panel(relationship: Relationship, viewer: Viewer) -> dict | None:
    if relationship.status == Status.PROPOSED:
        return None
    closures = list(relationship.closures.select_related("user__profile").order_by("created_at"))
    if relationship.status == Status.ENDED and not closures:
        return None
    mine = next((c for c in closures if c.user_id == viewer.user.pk), None)
    return {
        "closures": closures,
        "can_close": viewer.is_participant and relationship.status in CLOSABLE,
        # Closing words stay possible on a completed relationship, the only write it allows.
        "your_turn": viewer.is_participant
        and relationship.status == Status.COMPLETED
        and mine is None,
        "can_rematch": viewer.is_mentee and relationship.status in OPEN_STATUSES,
        "can_reassign": viewer.is_coordinator and relationship.status in OPEN_STATUSES,
    }


register_panel("closure", "mentoring/closure/panel.html", _panel, order=90, column="side")


@login_required
def close(request: HttpRequest, pk: int) -> HttpResponse:
    relationship = get_relationship_for(request.user, pk, participate=True)
    viewer = viewer_of(relationship, request.user)
    mine = relationship.closures.filter(user=request.user).first()
    allowed = mine is None and relationship.status in CLOSABLE | {Status.COMPLETED}
    posted = request.POST if request.method == "POST" else None
    form = ClosureForm(posted, is_mentee=viewer.is_mentee)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                closure.close_relationship(
                    relationship,
                    request.user,
                    data["objectives_met"],
                    data["reflection"],
                    data.get("mentor_next_time", False),
                )
            except ValidationError as exc:
                error_messages(request, exc)
            else:
                messages.success(request, _("Thank you: your closing words are saved."))
                return redirect(relationship)
        else:
            error_messages(request, form)
    return render(
        request,
        "mentoring/closure/close.html",
        {"relationship": relationship, "form": form, "allowed": allowed, "mine": mine},
    )


@login_required
def rematch(request: HttpRequest, pk: int) -> HttpResponse:
    relationship = get_relationship_for(request.user, pk, participate=True)
    viewer = viewer_of(relationship, request.user)
    form = RematchForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                ended = closure.request_rematch(
                    relationship, request.user, form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                error_messages(request, exc)
            else:
                if ended:
                    messages.success(
                        request,
                        _(
                            "The relationship has ended and you are back in matching. Your "
                            "coordinators know; its history stays on this page."
                        ),
                    )
                else:
                    messages.success(
                        request,
                        _("Your coordinators know and will help you move to another match."),
                    )
                return redirect(relationship)
        else:
            error_messages(request, form)
    return render(
        request,
        "mentoring/closure/rematch.html",
        {
            "relationship": relationship,
            "form": form,
            "allowed": viewer.is_mentee and relationship.status in OPEN_STATUSES,
            "from_fit_check": request.GET.get("fit") == "no",
        },
    )


@login_required
def reassign(request: HttpRequest, pk: int) -> HttpResponse:
    relationship = get_relationship_for(request.user, pk, manage=True)
    users = get_user_model().objects.select_related("profile")
    current = users.filter(pk__in=[u.pk for u in relationship.mentors()])
    form = ReassignForm(
        request.POST if request.method == "POST" else None,
        current=current,
        candidates=closure.eligible_mentors(relationship),
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                closure.reassign_mentor(
                    relationship, data["old_mentor"], data["new_mentor"], request.user,
                    data["message"],
                )  # fmt: skip
            except ValidationError as exc:
                error_messages(request, exc)
            else:
                messages.success(request, _("The new mentor is in; everyone was told."))
                return redirect(relationship)
        else:
            error_messages(request, form)
    return render(
        request,
        "mentoring/closure/reassign.html",
        {
            "relationship": relationship,
            "form": form,
            "allowed": relationship.status in OPEN_STATUSES and bool(relationship.mentors()),
        },
    )


urlpatterns = [
    path("<int:pk>/close/", close, name="close"),
    path("<int:pk>/rematch/", rematch, name="rematch"),
    path("<int:pk>/reassign/", reassign, name="reassign"),
]
