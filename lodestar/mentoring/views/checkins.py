from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _

from lodestar.core.pagination import paginate
from lodestar.core.web import error_messages

from .. import checkins
from ..access import get_relationship_for, viewer_of
from ..forms.checkins import CheckInForm
from ..hub import Viewer, register_panel
from ..models import Relationship
from ..states import Status


def assessment_url(relationship: Relationship, stage: str) -> str:
    """The skill self-assessment for a milestone review, once that page exists."""
    try:
        return reverse("mentoring:assessment", args=[relationship.pk, stage])
    except NoReverseMatch:
        return ""


def _panel(relationship: Relationship, viewer: Viewer) -> dict | None:
    if relationship.status == Status.PROPOSED:
        return None
    latest = checkins.latest_by_participant(relationship)
    data: dict = {"open": relationship.status in checkins.CHECKIN_STATUSES}
    if viewer.is_participant:
        data["due"] = checkins.due_for(relationship, viewer.user)
        data["mine"] = next((c for p, c in latest if p.user_id == viewer.user.pk), None)
        # The others only learn that a check-in was done, never its answers.
        data["others"] = [
            (p.user.name, c.created_at if c else None)
            for p, c in latest
            if p.user_id != viewer.user.pk
        ]
    if viewer.is_coordinator:
        data["pulses"] = latest
    return data


register_panel("checkins", "mentoring/checkins/panel.html", _panel, order=15, column="side")


@login_required
def checkin(request: HttpRequest, pk: int) -> HttpResponse:
    relationship = get_relationship_for(request.user, pk, participate=True)
    viewer = viewer_of(relationship, request.user)
    due = checkins.due_for(relationship, request.user)
    posted = request.POST if request.method == "POST" else None
    form = CheckInForm(posted, asks_fit=due.asks_fit)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                done = checkins.submit_checkin(
                    relationship,
                    request.user,
                    data["rating"],
                    data["meeting_as_agreed"],
                    data["blockers"],
                    data["comment"],
                    form.good_fit_answer(),
                )
            except ValidationError as exc:
                error_messages(request, exc)
            else:
                return _after(request, relationship, viewer, done, due)
        else:
            error_messages(request, form)
    return render(
        request,
        "mentoring/checkins/form.html",
        {
            "relationship": relationship,
            "form": form,
            "due": due,
            "open": relationship.status in checkins.CHECKIN_STATUSES,
            "assessment_url": assessment_url(relationship, due.stage) if due.stage else "",
        },
    )


def _after(request, relationship, viewer: Viewer, done, due) -> HttpResponse:
    if done.good_fit is False:
        if viewer.is_mentee:
            messages.info(
                request,
                _(
                    "Thank you for saying so: your coordinators know. If you would like a new "
                    "match, ask for one here; your history stays."
                ),
            )
            return redirect(reverse("mentoring:rematch", args=[relationship.pk]) + "?fit=no")
        messages.info(
            request, _("Thank you for saying so: your coordinators know and will be in touch.")
        )
        return redirect(relationship)
    messages.success(request, _("Thank you for checking in."))
    if done.milestone_id and (url := assessment_url(relationship, due.stage)):
        messages.info(request, _("Now rate your skills for this milestone."))
        return redirect(url)
    return redirect(relationship)


@login_required
def history(request: HttpRequest, pk: int) -> HttpResponse:
    relationship = get_relationship_for(request.user, pk)
    viewer = viewer_of(relationship, request.user)
    page = paginate(request, relationship.checkins.select_related("author__profile", "milestone"))
    entries = [
        {
            "author": c.author,
            "created_at": c.created_at,
            "milestone": c.milestone,
            # Answers are for their author and the coordinators; the others see it was done.
            "answers": c if viewer.is_coordinator or c.author_id == request.user.pk else None,
        }
        for c in page
    ]
    return render(
        request,
        "mentoring/checkins/history.html",
        {"relationship": relationship, "viewer": viewer, "page": page, "entries": entries},
    )


urlpatterns = [
    path("<int:pk>/checkin/", checkin, name="checkin"),
    path("<int:pk>/checkins/", history, name="checkins"),
]
