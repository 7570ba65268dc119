from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lodestar.core.pagination import paginate, query_without_page
from lodestar.core.web import error_messages
from lodestar.programs.access import is_coordinator

from . import services, suggestions
from .access import get_own_membership, get_request_for
from .forms import DeclineForm, MentorFilterForm, RankingForm, RequestForm
from .models import MatchRequest
from .profiles import mentors_with_load


@login_required
def suggestions_page(request: HttpRequest, membership: int) -> HttpResponse:
    """A mentee's suggested mentors with the reasons, and every available mentor to browse."""
    mentee = get_own_membership(request.user, membership)
    form = RequestForm(request.POST or None)
    if suggestions.settings_for(mentee.program).ranked_requests and request.method == "POST":
        messages.error(request, _("This program matches from rankings: rank your mentors."))
        return redirect("matching:ranking", membership=mentee.pk)
    if request.method == "POST" and form.is_valid():
        mentor = mentors_with_load(mentee.cohort).filter(pk=form.cleaned_data["mentor"]).first()
        if mentor is None:
            messages.error(request, _("Choose a mentor of your cohort."))
        else:
            fit = suggestions.explain(mentee, mentor)
            try:
                made = services.request_mentor(
                    mentee, mentor, form.cleaned_data["note"], fit.score, fit.text
                )
            except ValidationError as exc:
                error_messages(request, exc)
            else:
                messages.success(
                    request, _("Request sent to %(name)s.") % {"name": mentor.user.name}
                )
                return redirect(made)
    filters = MentorFilterForm(request.GET or None)
    available = mentors_with_load(mentee.cohort).exclude(user=request.user)
    if filters.is_valid() and filters.cleaned_data["q"]:
        q = filters.cleaned_data["q"]
        available = available.filter(
            Q(user__profile__display_name__icontains=q)
            | Q(user__profile__headline__icontains=q)
            | Q(user__skills__skill__name__icontains=q, user__skills__kind="have")
        ).distinct()
    if filters.is_valid() and filters.cleaned_data["language"]:
        available = available.filter(user__languages__language=filters.cleaned_data["language"])
    page = paginate(request, available, per_page=10)
    requests = MatchRequest.objects.filter(mentee=mentee).select_related("mentor__user__profile")
    return render(
        request,
        "matching/suggestions.html",
        {
            "mentee": mentee,
            "program": mentee.program,
            "matched": services.is_matched(mentee),
            "suggested": suggestions.suggest_for(mentee),
            "page": page,
            "page_query": query_without_page(request),
            "filters": filters,
            "form": form,
            "requests": requests,
            "requested": {r.mentor_id for r in requests if r.status == "pending"},
            "ranked_mode": suggestions.settings_for(mentee.program).ranked_requests,
        },
    )


@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    made = MatchRequest.objects.filter(mentee__user=request.user).select_related(
        "mentor__user__profile", "program"
    )
    received = MatchRequest.objects.filter(mentor__user=request.user).select_related(
        "mentee__user__profile", "program"
    )
    mentoring = [
        (m, services.mentor_load(m))
        for m in request.user.memberships.filter(role__in=["mentor", "both"])
        .select_related("program", "cohort")
        .order_by("-created_at")[:10]
    ]
    return render(
        request,
        "matching/requests.html",
        {
            "made": paginate(request, made),
            "received": received.filter(status=MatchRequest.Status.PENDING),
            "answered": received.exclude(status=MatchRequest.Status.PENDING)[:20],
            "mentoring": mentoring,
        },
    )


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    match_request = get_request_for(request.user, pk)
    mentee = match_request.mentee
    is_mentor = match_request.mentor.user_id == request.user.pk
    context = {
        "req": match_request,
        "is_mentor": is_mentor,
        "is_mentee": mentee.user_id == request.user.pk,
        "manage": is_coordinator(request.user, match_request.program),
        "decline_form": DeclineForm(),
    }
    if is_mentor or context["manage"]:
        context["profile"] = mentee.user.profile
        context["skills"] = mentee.user.skills.select_related("skill").order_by("kind")
        context["load"] = services.mentor_load(match_request.mentor)
    return render(request, "matching/request.html", context)


@login_required
@require_POST
def request_answer(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in {"accept", "decline", "withdraw"}:
        raise Http404
    match_request = get_request_for(request.user, pk)
    try:
        if action == "accept":
            relationship = services.accept_request(match_request, request.user)
            messages.success(
                request, _("You are now mentoring %(n)s.") % {"n": match_request.mentee.user.name}
            )
            return redirect(relationship)
        if action == "decline":
            form = DeclineForm(request.POST)
            form.is_valid()
            services.decline_request(
                match_request,
                request.user,
                form.cleaned_data.get("reason", ""),
                form.cleaned_data.get("pause", False),
            )
            messages.info(request, _("Request declined."))
        else:
            services.withdraw_request(match_request, request.user)
            messages.info(request, _("Request withdrawn."))
    except ValidationError as exc:
        error_messages(request, exc)
    return redirect(match_request)


@login_required
@require_POST
def accepting(request: HttpRequest, membership: int) -> HttpResponse:
    mentor = get_own_membership(request.user, membership, mentor=True)
    on = request.POST.get("accepting") == "1"
    services.set_accepting_requests(mentor, on, request.user)
    if on:
        messages.success(request, _("You are open to new requests."))
    else:
        messages.info(request, _("New requests are paused."))
    return redirect("matching:requests")


@login_required
def ranking(request: HttpRequest, membership: int) -> HttpResponse:
    """Ranked mode: the mentee orders up to five mentors; a stable round uses the order."""
    mentee = get_own_membership(request.user, membership)
    mentors = list(mentors_with_load(mentee.cohort).exclude(user=request.user))
    current = list(mentee.ranking.select_related("mentor__user__profile"))
    form = RankingForm(request.POST or None, mentors=mentors, current=current)
    if request.method == "POST" and form.is_valid():
        by_pk = {str(m.pk): m for m in mentors}
        try:
            services.save_ranking(mentee, [(by_pk[pk], why) for pk, why in form.ranked()])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your ranking is saved. The coordinators match from it."))
            return redirect("matching:ranking", membership=mentee.pk)
    return render(
        request,
        "matching/ranking.html",
        {
            "mentee": mentee,
            "program": mentee.program,
            "form": form,
            "suggested": suggestions.suggest_for(mentee),
            "rows": [(form[f"mentor_{k}"], form[f"reason_{k}"]) for k in range(1, 6)],
        },
    )
