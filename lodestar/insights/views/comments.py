"""The program's comments browser: written survey answers and session rating comments."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lodestar.core.pagination import paginate, query_without_page
from lodestar.core.web import attempt, back_query, error_messages
from lodestar.feedback.forms import TagsForm
from lodestar.programs.access import get_program_for

from .. import comments
from ..queries import Scope
from .dashboards import cohort_from


@login_required
def browser(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    cohort = cohort_from(request, program)
    scope = Scope(program, cohort)
    source = request.GET.get("source", "")
    source = source if source in comments.SOURCES else "surveys"
    search = comments.clean_search(request.GET.get("q", ""))
    found = (
        comments.survey_comments(scope, search)
        if source == "surveys"
        else comments.rating_comments(scope, search)
    )
    return render(
        request,
        "insights/comments/list.html",
        {
            "program": program,
            "cohort": cohort,
            "cohorts": list(program.cohorts.all()),
            "source": source,
            "sources": list(comments.SOURCES.items()),
            "search": search,
            "items": paginate(request, found),
            "page_query": query_without_page(request),
            "tags": comments.top_tags(scope) if source == "surveys" else [],
            # Choosing another cohort keeps the tab and the search.
            "keep_params": [("source", source)] + ([("q", search)] if search else []),
        },
    )


@login_required
@require_POST
def tag(request: HttpRequest, slug: str, answer_pk: int) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    form = TagsForm(request.POST)
    if form.is_valid():
        tags = form.cleaned_data["tags"]
        attempt(
            request,
            lambda: comments.tag_program_answer(Scope(program), answer_pk, request.user, tags),
            _("Tags saved."),
        )
    else:
        error_messages(request, form)
    query = back_query(request)
    return redirect(
        reverse("insights:comments", args=[program.slug]) + query + f"#answer-{answer_pk}"
    )


urlpatterns = [
    path("<slug:slug>/comments/", browser, name="comments"),
    path("<slug:slug>/comments/<int:answer_pk>/tags/", tag, name="comment_tags"),
]
