"""CSV and XLSX exports of a program's records, and the printable program report."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lodestar.core.models import audit
from lodestar.core.spreadsheet import csv_response, xlsx_response
from lodestar.programs.access import get_program_for

from ..exports import EXPORTS, Filters, statuses_for
from ..pdf import report_pdf
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


def _report(request: HttpRequest, slug: str):
    """The report's program, cohort, headline figures and charts."""
    program = get_program_for(request.user, slug, manage=True)
    cohort = cohort_from(request, program)
    sections = {s.key: s for s in dashboard(Scope(program, cohort), REPORT_SECTIONS)}
    charts = {c.key: c for s in sections.values() for c in s.charts}
    headline = [stat for key in REPORT_SECTIONS for stat in sections[key].stats]
    return program, cohort, headline, [charts[k] for k in REPORT_CHARTS if k in charts]


@login_required
def report(request: HttpRequest, slug: str) -> HttpResponse:
    program, cohort, headline, charts = _report(request, slug)
    return render(
        request,
        "insights/report/report.html",
        {
            "program": program,
            "cohort": cohort,
            "cohorts": list(program.cohorts.all()),
            "headline": headline,
            "charts": charts,
        },
    )


@login_required
def report_file(request: HttpRequest, slug: str) -> HttpResponse:
    program, cohort, headline, charts = _report(request, slug)
    if cohort is None:
        scope = _("All cohorts.")
    else:
        scope = _("Cohort %(name)s, %(start)s to %(end)s.") % {
            "name": cohort.name,
            "start": date_format(cohort.starts_on, "DATE_FORMAT"),
            "end": date_format(cohort.ends_on, "DATE_FORMAT"),
        }
    today = timezone.localdate()
    body = report_pdf(program.name, scope, headline, charts, today)
    name = "-".join(
        p for p in [program.slug, "report", slugify(cohort.name) if cohort else "", str(today)] if p
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


urlpatterns = [
    path("<slug:slug>/export/<slug:what>.csv", export, name="export"),
    path("<slug:slug>/report/", report, name="report"),
    path("<slug:slug>/report.pdf", report_file, name="report_pdf"),
]
