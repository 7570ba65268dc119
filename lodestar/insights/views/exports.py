"""CSV and XLSX exports of a program's records, and the printable program report."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import path
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lodestar.core.models import audit
from lodestar.core.spreadsheet import csv_response, xlsx_response
from lodestar.programs.access import get_program_for

from ..exports import EXPORTS, Filters, statuses_for
from ..queries import Scope, dashboard
from .dashboards import cohort_from

REPORT_SECTIONS = ["participation", "funnel", "retention", "skills", "satisfaction"]
REPORT_CHARTS = [
    "funnel",
    "sessions-per-month",
    "survival",
    "skill-levels",
    "satisfaction-over-time",
]


@login_required
def export(request: HttpRequest, slug: str, what: str) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    if what not in EXPORTS:
        raise Http404
    status = request.GET.get("status", "")
    if status and status not in statuses_for(what):
        return HttpResponseBadRequest(_("Unknown status for this export."))
    cohort = cohort_from(request, program)
    header, rows = EXPORTS[what][1](program, Filters(cohort=cohort, status=status))
    audit(request.user, "insights.export", program, program.pk, what=what, status=status,
          cohort=cohort.pk if cohort else None)  # fmt: skip
    parts = [program.slug, what, slugify(cohort.name) if cohort else "", status]
    name = "-".join(p for p in parts if p)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(name + ".xlsx", header, rows)
    return csv_response(name + ".csv", header, rows)


@login_required
def report(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    cohort = cohort_from(request, program)
    sections = {s.key: s for s in dashboard(Scope(program, cohort), REPORT_SECTIONS)}
    charts = {c.key: c for s in sections.values() for c in s.charts}
    headline = [stat for key in REPORT_SECTIONS for stat in sections[key].stats]
    return render(
        request,
        "insights/report/report.html",
        {
            "program": program,
            "cohort": cohort,
            "cohorts": list(program.cohorts.all()),
            "headline": headline,
            "charts": [charts[k] for k in REPORT_CHARTS if k in charts],
        },
    )


urlpatterns = [
    path("<slug:slug>/export/<slug:what>.csv", export, name="export"),
    path("<slug:slug>/report/", report, name="report"),
]
