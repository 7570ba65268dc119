from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lodestar.core.models import audit
from lodestar.core.pagination import paginate, query_without_page
from lodestar.core.web import error_messages
from lodestar.programs.access import get_program_for

from .. import concerns
from ..access import get_relationship_for
from ..forms.concerns import ConcernForm, ResolveForm
from ..hub import Viewer, register_panel
from ..models import Relationship


def _panel(relationship: Relationship, viewer: Viewer) -> dict | None:
    data = {"can_report": viewer.is_participant}
    if viewer.is_coordinator:
        data["open_count"] = relationship.program.concerns.filter(resolved_at__isnull=True).count()
    return data


register_panel("concerns", "mentoring/concerns/panel.html", _panel, order=95, column="side")


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    relationship = get_relationship_for(request.user, pk, participate=True)
    form = ConcernForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                concerns.report_concern(
                    relationship, request.user, data["category"], data["body"], data["anonymous"]
                )
            except ValidationError as exc:
                error_messages(request, exc)
            else:
                messages.success(
                    request,
                    _("Your concern went to the program's coordinators, and only to them."),
                )
                return redirect(relationship)
        else:
            error_messages(request, form)
    return render(
        request, "mentoring/concerns/report.html", {"relationship": relationship, "form": form}
    )


@login_required
def program_concerns(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    state = request.GET.get("state", "open")
    found = program.concerns.select_related("reporter__profile")
    if state == "resolved":
        found = found.filter(resolved_at__isnull=False)
    elif state == "all":
        pass
    else:
        state = "open"
        found = found.filter(resolved_at__isnull=True)
    page = paginate(request, found)
    # Concerns are sensitive records: who read which ones is part of the audit trail.
    audit(request.user, "concerns.read", program, program.pk, state=state, page=page.number,
          ids=[c.pk for c in page.object_list])  # fmt: skip
    return render(
        request,
        "mentoring/concerns/list.html",
        {
            "program": program,
            "page": page,
            "page_query": query_without_page(request),
            "state": state,
        },
    )


@login_required
@require_POST
def resolve(request: HttpRequest, slug: str, concern_pk: int) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    # Through the program, so another program's concern is a 404.
    concern = program.concerns.filter(pk=concern_pk).select_related("reporter", "program").first()
    if concern is None:
        raise Http404
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            concerns.resolve_concern(concern, request.user, form.cleaned_data["resolution"])
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("The concern is resolved."))
    else:
        error_messages(request, form)
    return redirect("mentoring:concerns", program.slug)


urlpatterns = [
    path("<int:pk>/concern/", report, name="concern_report"),
    path("program/<slug:slug>/concerns/", program_concerns, name="concerns"),
    path("program/<slug:slug>/concerns/<int:concern_pk>/resolve/", resolve, name="concern_resolve"),
]
