"""Coordinator pages for matching rounds, and the two people's answer to a published pair."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lodestar.core.models import audit
from lodestar.core.pagination import paginate
from lodestar.core.web import error_messages
from lodestar.programs.access import get_program_for

from . import rounds
from .access import get_pair_for, get_round_for
from .forms import SETTINGS_FIELDS, SettingsForm, StartRoundForm
from .suggestions import settings_for


@login_required
def round_list(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    form = StartRoundForm(request.POST or None, program=program)
    if request.method == "POST" and form.is_valid():
        try:
            matching_round = rounds.start_round(program, form.cleaned_data["cohort"], request.user)
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(request, _("The round is running."))
            return redirect(matching_round)
    page = paginate(request, program.match_rounds.select_related("cohort", "created_by__profile"))
    return render(request, "matching/rounds.html", {"program": program, "form": form, "page": page})


@login_required
def settings_page(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    settings = settings_for(program)
    form = SettingsForm(request.POST or None, settings=settings)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        settings.weights = {k[2:]: v for k, v in data.items() if k.startswith("w_")}
        for name in SETTINGS_FIELDS:
            setattr(settings, name, data[name])
        settings.save()
        audit(request.user, "matching.settings", program, program.pk)
        messages.success(request, _("Matching settings saved."))
        return redirect("matching:settings", slug=slug)
    return render(request, "matching/settings.html", {"program": program, "form": form})


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    matching_round = get_round_for(request.user, pk)
    context = {
        "round": matching_round,
        "program": matching_round.program,
        "pairs": matching_round.pairs.select_related(
            "mentee__user__profile", "mentor__user__profile"
        ),
        "unmatched": matching_round.unmatched.select_related("mentee__user__profile"),
        "previous": matching_round.previous,
    }
    # The progress box polls this page; it always gets the box back, which links to the
    # result once the round is ready or says why it failed.
    if request.headers.get("HX-Request") == "true":
        return render(request, "matching/partials/progress.html", context)
    return render(request, "matching/round.html", context)


@login_required
@require_POST
def round_action(request: HttpRequest, pk: int) -> HttpResponse:
    matching_round = get_round_for(request.user, pk)
    action = request.POST.get("action", "")
    pairs = matching_round.pairs.all()
    try:
        if action == "lock":
            rounds.toggle_lock(
                get_object_or_404(pairs, pk=request.POST.get("pair") or 0), request.user
            )
        elif action == "exclude":
            rounds.exclude_pair(
                get_object_or_404(pairs, pk=request.POST.get("pair") or 0), request.user
            )
        elif action == "swap":
            chosen = request.POST.getlist("swap")
            if len(chosen) != 2:
                raise ValidationError(_("Tick exactly two pairs to swap their mentors."))
            first, second = (get_object_or_404(pairs, pk=p) for p in chosen)
            rounds.swap_mentors(first, second, request.user)
        elif action == "resolve":
            new = rounds.start_round(
                matching_round.program, matching_round.cohort, request.user, previous=matching_round
            )
            messages.success(request, _("Solving again with your locks and exclusions."))
            return redirect(new)
        elif action == "publish":
            count = rounds.publish(matching_round, request.user)
            messages.success(
                request, _("Published: %(n)d pairs were asked to confirm.") % {"n": count}
            )
        else:
            messages.error(request, _("Unknown action."))
    except ValidationError as exc:
        error_messages(request, exc)
    return redirect(matching_round)


@login_required
def round_csv(request: HttpRequest, pk: int) -> HttpResponse:
    matching_round = get_round_for(request.user, pk)
    audit(request.user, "match_round.exported", matching_round, matching_round.program_id)
    response = HttpResponse(rounds.export_csv(matching_round), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="round-{matching_round.pk}.csv"'
    return response


@login_required
def pair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_pair_for(request.user, pk)
    if request.method == "POST":
        try:
            relationship = rounds.respond(
                pair, request.user, request.POST.get("answer") == "accept"
            )
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            if relationship is not None:
                messages.success(request, _("You both accepted: your relationship has started."))
                return redirect(relationship)
            messages.success(request, _("Thank you, your answer is recorded."))
        return redirect("matching:pair", pk=pk)
    side = None
    if pair.mentee.user_id == request.user.pk:
        side = pair.mentee_response
    elif pair.mentor.user_id == request.user.pk:
        side = pair.mentor_response
    return render(request, "matching/pair.html", {"pair": pair, "my_answer": side})
