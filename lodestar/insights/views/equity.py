"""Equity indicators by self-declared demographic field, with small-cell suppression."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from lodestar.core.models import audit
from lodestar.programs.access import get_program_for

from .. import equity
from ..queries import Scope
from .dashboards import cohort_from


@login_required
def equity_page(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    cohort = cohort_from(request, program)
    tables, threshold = equity.build(Scope(program, cohort))
    # Demographic aggregates are sensitive reads: the audit trail says who looked, at what.
    audit(request.user, "equity.read", program, program.pk, cohort=cohort.pk if cohort else None)
    return render(
        request,
        "insights/equity/equity.html",
        {
            "program": program,
            "cohort": cohort,
            "cohorts": list(program.cohorts.all()),
            "tables": tables,
            "threshold": threshold,
            "columns": equity.COLUMNS,
            "hidden": equity.HIDDEN,
        },
    )


urlpatterns = [path("<slug:slug>/equity/", equity_page, name="equity")]
