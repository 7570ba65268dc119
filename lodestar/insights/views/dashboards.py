"""Program dashboards (coordinators) and the organization-wide view (instance admins).

The dashboard page is a frame: each section loads on its own request (htmx), so the page
shows at once and no request computes more than one section. Every section is also a page
of its own, for links, printing and browsing without JavaScript.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.text import slugify

from lodestar.core.spreadsheet import csv_response
from lodestar.core.web import is_htmx
from lodestar.programs.access import get_program_for
from lodestar.programs.models import Cohort, Program

from ..exports import EXPORTS
from ..queries import SECTIONS, TITLES, Scope


def cohort_from(request: HttpRequest, program: Program) -> Cohort | None:
    """The ?cohort= filter: a cohort of this program, or None (a bad value is ignored)."""
    raw = request.GET.get("cohort", "")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        return None
    return program.cohorts.filter(pk=int(raw)).first()


def _section_links(program: Program | None, cohort: Cohort | None) -> list[tuple[str, str, str]]:
    """(key, title, url) of every section, keeping the cohort filter."""
    query = f"?cohort={cohort.pk}" if cohort else ""
    links = []
    for key, title in TITLES.items():
        if program is None:
            url = reverse("insights:org_section", args=[key])
        else:
            url = reverse("insights:dashboard_section", args=[program.slug, key])
        links.append((key, str(title), url + query))
    return links


def _frame(request: HttpRequest, program: Program | None, cohort: Cohort | None):
    context = {
        "program": program,
        "cohort": cohort,
        "cohorts": list(program.cohorts.all()) if program else [],
        "sections": _section_links(program, cohort),
    }
    if program is not None:
        context["exports"] = [(what, label) for what, (label, _b, _s) in EXPORTS.items()]
    return render(request, "insights/dashboards/dashboard.html", context)


def _section(request: HttpRequest, program: Program | None, cohort: Cohort | None, key: str):
    if key not in SECTIONS:
        raise Http404
    context = {
        "program": program,
        "cohort": cohort,
        "section": SECTIONS[key](Scope(program, cohort)),
    }
    if is_htmx(request):
        response = render(request, "insights/dashboards/_section.html", context)
    else:
        context["cohorts"] = list(program.cohorts.all()) if program else []
        context["sections"] = _section_links(program, cohort)
        response = render(request, "insights/dashboards/section.html", context)
    # One URL, two bodies: caches must keep the fragment and the page apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def program_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    return _frame(request, program, cohort_from(request, program))


@login_required
def program_section(request: HttpRequest, slug: str, section: str) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    return _section(request, program, cohort_from(request, program), section)


@login_required
def dashboard_csv(request: HttpRequest, slug: str, section: str) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    if section not in SECTIONS:
        raise Http404
    cohort = cohort_from(request, program)
    data = SECTIONS[section](Scope(program, cohort))
    name = f"{program.slug}-{section}" + (f"-{slugify(cohort.name)}" if cohort else "")
    return csv_response(f"{name}.csv", ["table", "row", "column", "value"], data.csv_rows())


def _instance_admin(request: HttpRequest) -> None:
    if not request.user.is_superuser:
        raise Http404


@login_required
def org_dashboard(request: HttpRequest) -> HttpResponse:
    _instance_admin(request)
    return _frame(request, None, None)


@login_required
def org_section(request: HttpRequest, section: str) -> HttpResponse:
    _instance_admin(request)
    return _section(request, None, None, section)


urlpatterns = [
    # Program pages sit one level down, so no program slug can shadow the org-wide page.
    path("organization/", org_dashboard, name="org"),
    path("organization/<slug:section>/", org_section, name="org_section"),
    path("<slug:slug>/dashboard/", program_dashboard, name="dashboard"),
    path("<slug:slug>/dashboard/<slug:section>/", program_section, name="dashboard_section"),
    path("<slug:slug>/dashboard/<slug:section>.csv", dashboard_csv, name="dashboard_csv"),
]
