"""Program dashboards (coordinators) and the organization-wide view (instance admins)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.text import slugify

from lodestar.core.spreadsheet import csv_response
from lodestar.programs.access import get_program_for
from lodestar.programs.models import Cohort, Program

from ..exports import EXPORTS
from ..queries import SECTIONS, Scope, dashboard


def cohort_from(request: HttpRequest, program: Program) -> Cohort | None:
    """The ?cohort= filter: a cohort of this program, or None (a bad value is ignored)."""
    raw = request.GET.get("cohort", "")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        return None
    return program.cohorts.filter(pk=int(raw)).first()


@login_required
def program_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    cohort = cohort_from(request, program)
    return render(
        request,
        "insights/dashboards/dashboard.html",
        {
            "program": program,
            "cohort": cohort,
            "cohorts": list(program.cohorts.all()),
            "sections": dashboard(Scope(program, cohort)),
            "exports": [(what, label) for what, (label, _b, _s) in EXPORTS.items()],
        },
    )


@login_required
def dashboard_csv(request: HttpRequest, slug: str, section: str) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    if section not in SECTIONS:
        raise Http404
    cohort = cohort_from(request, program)
    data = SECTIONS[section](Scope(program, cohort))
    name = f"{program.slug}-{section}" + (f"-{slugify(cohort.name)}" if cohort else "")
    return csv_response(f"{name}.csv", ["table", "row", "column", "value"], data.csv_rows())


@login_required
def org_dashboard(request: HttpRequest) -> HttpResponse:
    if not request.user.is_superuser:
        raise Http404
    return render(
        request,
        "insights/dashboards/dashboard.html",
        {"program": None, "cohort": None, "cohorts": [], "sections": dashboard(Scope(None))},
    )


urlpatterns = [
    # Program pages sit one level down, so no program slug can shadow the org-wide page.
    path("organization/", org_dashboard, name="org"),
    path("<slug:slug>/dashboard/", program_dashboard, name="dashboard"),
    path("<slug:slug>/dashboard/<slug:section>.csv", dashboard_csv, name="dashboard_csv"),
]
