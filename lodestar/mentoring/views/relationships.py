from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lodestar.core.models import audit
from lodestar.core.pagination import paginate, query_without_page
from lodestar.core.spreadsheet import csv_response
from lodestar.core.web import error_messages
from lodestar.programs.access import get_program_for

from .. import services
from ..access import get_relationship_for, program_relationships, relationships_of, viewer_of
from ..forms import NewRelationshipForm, RelationshipFilterForm, StatusForm
from ..hub import panels_for
from ..listing import CSV_HEADER, csv_rows, filter_relationships
from ..states import ACTION_LABELS, Status, allowed_targets
from ..timeline import timeline_for


@login_required
def my_relationships(request: HttpRequest) -> HttpResponse:
    page = paginate(request, relationships_of(request.user))
    return render(request, "mentoring/list.html", {"page": page})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    relationship = get_relationship_for(request.user, pk)
    viewer = viewer_of(relationship, request.user)
    return render(
        request,
        "mentoring/detail.html",
        {
            "relationship": relationship,
            "viewer": viewer,
            "panels": panels_for(relationship, viewer),
            "manage": viewer.is_coordinator,
            "timeline": timeline_for(relationship),
            "targets": [
                (s, ACTION_LABELS[s])
                for s in allowed_targets(relationship.status)
                if s != Status.ACTIVE or services.may_start(relationship, request.user)
            ],
            "form": StatusForm(),
        },
    )


@login_required
@require_POST
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    relationship = get_relationship_for(request.user, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(relationship)
    data = form.cleaned_data
    try:
        services.change_status(
            relationship, data["status"], request.user, data["note"], data["until"]
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The relationship is now %(s)s.") % {"s": Status(data["status"]).label.lower()},
        )
    return redirect(relationship)


@login_required
def program_list(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    form = RelationshipFilterForm(request.GET or None, program=program)
    data = form.cleaned_data if form.is_valid() else {}
    relationships = filter_relationships(program_relationships(program), data)
    return render(
        request,
        "mentoring/program_list.html",
        {
            "program": program,
            "form": form,
            "page": paginate(request, relationships),
            "page_query": query_without_page(request),
            "csv_query": request.GET.urlencode(),
        },
    )


@login_required
def program_new(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    form = NewRelationshipForm(request.POST or None, program=program)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            relationship = services.create_relationship(
                data["cohort"], data["track"], list(data["mentors"]), list(data["mentees"]),
                request.user,
            )  # fmt: skip
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("The relationship is set up; everyone in it was told."))
            return redirect(relationship)
    return render(request, "mentoring/new.html", {"program": program, "form": form})


@login_required
def program_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The filtered list as CSV: both sides' names and e-mails, dates, state, sessions."""
    program = get_program_for(request.user, slug, manage=True)
    form = RelationshipFilterForm(request.GET or None, program=program)
    data = form.cleaned_data if form.is_valid() else {}
    relationships = filter_relationships(program_relationships(program), data)
    audit(request.user, "relationships.exported", program, program.pk)
    return csv_response(f"relationships-{program.slug}.csv", CSV_HEADER, csv_rows(relationships))


urlpatterns = [
    path("", my_relationships, name="list"),
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/status/", change_status, name="status"),
    path("program/<slug:slug>/", program_list, name="program_list"),
    path("program/<slug:slug>/relationships.csv", program_csv, name="program_csv"),
    path("program/<slug:slug>/new/", program_new, name="program_new"),
]
