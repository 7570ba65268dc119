"""Session ratings: the "Rate your last session" panel on the relationship page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lodestar.core.web import error_messages
from lodestar.mentoring.access import get_relationship_for
from lodestar.mentoring.hub import Viewer, register_panel
from lodestar.mentoring.models import Relationship

from .. import ratings
from ..forms import RatingForm

PREFIX = "rate"


def _panel(relationship: Relationship, viewer: Viewer) -> dict | None:
    if viewer.is_participant:
        last = relationship.sessions.filter(occurred_at__lte=timezone.now()).first()
        if last is None:
            return None
        mine = ratings.rating_of(last, viewer.user)
        initial = {"rating": mine.rating, "comment": mine.comment} if mine else None
        return {
            "session": last,
            "mine": mine,
            "form": RatingForm(initial=initial, prefix=PREFIX),
            "open": relationship.is_open,
        }
    if viewer.is_coordinator:
        # Coordinators see the average only: each rating and its comment stay with the pair.
        summary = ratings.summary(relationship)
        return {"summary": summary} if summary["count"] else None
    return None


register_panel("session_rating", "feedback/ratings/panel.html", _panel, order=42, column="main")


@login_required
@require_POST
def rate(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    relationship = get_relationship_for(request.user, pk, participate=True)
    session = get_object_or_404(relationship.sessions, pk=session_pk)
    form = RatingForm(request.POST, prefix=PREFIX)
    if form.is_valid():
        try:
            ratings.rate_session(
                session, request.user, form.cleaned_data["rating"], form.cleaned_data["comment"]
            )
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("Thank you for rating the session."))
    else:
        error_messages(request, form)
    return redirect(relationship)


urlpatterns = [
    path("ratings/<int:pk>/sessions/<int:session_pk>/", rate, name="rate_session"),
]
