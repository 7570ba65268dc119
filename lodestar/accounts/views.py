import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lodestar.core.models import audit
from lodestar.core.pagination import paginate, query_without_page
from lodestar.core.web import is_htmx

from . import privacy, services
from .choices import SkillKind
from .forms import (
    AvailabilityForm,
    DeleteAccountForm,
    DemographicsForm,
    LanguageForm,
    ProfileForm,
    SkillCategoryForm,
    SkillForm,
    SkillSuggestionForm,
    StyleForm,
    UserSkillForm,
)
from .models import DemographicQuestion, Skill, SkillCategory, SkillSuggestion, ensure_profile
from .permissions import can_manage_skills


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    profile = ensure_profile(request.user)
    percent, missing = profile.completeness()
    return render(
        request,
        "accounts/profile.html",
        {
            "profile": profile,
            "percent": percent,
            "missing": missing,
            "languages": request.user.languages.all(),
            "windows": request.user.availability.all(),
            "have": request.user.skills.filter(kind=SkillKind.HAVE).select_related("skill"),
            "want": request.user.skills.filter(kind=SkillKind.WANT).select_related("skill"),
        },
    )


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=ensure_profile(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile_edit.html", {"form": form})


@login_required
def style(request: HttpRequest) -> HttpResponse:
    form = StyleForm(request.POST or None, instance=ensure_profile(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your communication and learning style are saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/style.html", {"form": form})


def _list_page(request, template, partial, form, items, extra=None):
    context = {"form": form, "items": items, **(extra or {})}
    return render(request, partial if is_htmx(request) else template, context)


@login_required
def languages(request: HttpRequest) -> HttpResponse:
    form = LanguageForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        form = LanguageForm(user=request.user)
        if not is_htmx(request):
            messages.success(request, _("Language added."))
            return redirect("accounts:languages")
    return _list_page(
        request,
        "accounts/languages.html",
        "accounts/partials/languages.html",
        form,
        request.user.languages.all(),
    )


@login_required
@require_POST
def language_delete(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(request.user.languages, pk=pk).delete()
    if is_htmx(request):
        return languages_partial(request)
    messages.success(request, _("Language removed."))
    return redirect("accounts:languages")


def languages_partial(request):
    return render(
        request,
        "accounts/partials/languages.html",
        {"form": LanguageForm(user=request.user), "items": request.user.languages.all()},
    )


@login_required
def availability(request: HttpRequest) -> HttpResponse:
    form = AvailabilityForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        form = AvailabilityForm(user=request.user)
        if not is_htmx(request):
            messages.success(request, _("Availability added."))
            return redirect("accounts:availability")
    return _list_page(
        request,
        "accounts/availability.html",
        "accounts/partials/availability.html",
        form,
        request.user.availability.all(),
        {"time_zone": request.user.time_zone or "UTC"},
    )


@login_required
@require_POST
def availability_delete(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(request.user.availability, pk=pk).delete()
    messages.success(request, _("Availability removed."))
    return redirect("accounts:availability")


def _skills_context(request, have_form=None, want_form=None):
    user = request.user
    items = list(user.skills.select_related("skill__category"))
    return {
        "have": [s for s in items if s.kind == SkillKind.HAVE],
        "want": [s for s in items if s.kind == SkillKind.WANT],
        "have_form": have_form
        or UserSkillForm(user=user, initial={"kind": SkillKind.HAVE}, prefix="have"),
        "want_form": want_form
        or UserSkillForm(user=user, initial={"kind": SkillKind.WANT}, prefix="want"),
        "can_manage": can_manage_skills(user),
    }


@login_required
def skills(request: HttpRequest) -> HttpResponse:
    have_form = want_form = None
    if request.method == "POST":
        prefix = "want" if request.POST.get("want-kind") else "have"
        form = UserSkillForm(request.POST, user=request.user, prefix=prefix)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.add_user_skill(
                    request.user, data["skill"], data["kind"], data["level"], data["target_level"]
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if not is_htmx(request):
                    messages.success(request, _("Skill added."))
                    return redirect("accounts:skills")
                form = None
        if prefix == "have":
            have_form = form
        else:
            want_form = form
    context = _skills_context(request, have_form, want_form)
    template = "accounts/partials/skills.html" if is_htmx(request) else "accounts/skills.html"
    return render(request, template, context)


@login_required
@require_POST
def skill_delete(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(request.user.skills, pk=pk).delete()
    if is_htmx(request):
        return render(request, "accounts/partials/skills.html", _skills_context(request))
    messages.success(request, _("Skill removed."))
    return redirect("accounts:skills")


@login_required
def skill_suggest(request: HttpRequest) -> HttpResponse:
    form = SkillSuggestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        suggestion = form.save(commit=False)
        suggestion.suggested_by = request.user
        suggestion.save()
        messages.success(
            request, _("Thank you. A coordinator will review %(name)s.") % {"name": suggestion.name}
        )
        return redirect("accounts:skills")
    return render(request, "accounts/skill_suggest.html", {"form": form})


def _require_skill_manager(request: HttpRequest) -> None:
    if not can_manage_skills(request.user):
        raise Http404


@login_required
def taxonomy(request: HttpRequest) -> HttpResponse:
    _require_skill_manager(request)
    query = request.GET.get("q", "").strip()[:80]
    # Meta.ordering is dropped from GROUP BY queries; order explicitly so pages are stable.
    skills = (
        Skill.objects.select_related("category")
        .annotate(
            have_count=Count("holders", filter=Q(holders__kind=SkillKind.HAVE)),
            want_count=Count("holders", filter=Q(holders__kind=SkillKind.WANT)),
        )
        .order_by("name")
    )
    if query:
        skills = skills.filter(Q(name__icontains=query) | Q(synonyms__icontains=query))
    skill_form = SkillForm(prefix="skill")
    category_form = SkillCategoryForm(prefix="category")
    if request.method == "POST":
        if "skill-name" in request.POST:
            skill_form = SkillForm(request.POST, prefix="skill")
            if skill_form.is_valid():
                skill = skill_form.save()
                audit(request.user, "skill.created", skill)
                messages.success(request, _("%(name)s added.") % {"name": skill.name})
                return redirect("accounts:taxonomy")
        else:
            category_form = SkillCategoryForm(request.POST, prefix="category")
            if category_form.is_valid():
                category_form.save()
                messages.success(request, _("Category added."))
                return redirect("accounts:taxonomy")
    suggestions = SkillSuggestion.objects.filter(
        status=SkillSuggestion.Status.PENDING
    ).select_related("suggested_by__profile", "category")
    return render(
        request,
        "accounts/taxonomy.html",
        {
            "page": paginate(request, skills),
            "query": query,
            "page_query": query_without_page(request),
            "skill_form": skill_form,
            "category_form": category_form,
            "suggestions": suggestions,
            "categories": SkillCategory.objects.all(),
        },
    )


@login_required
def skill_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_skill_manager(request)
    skill = get_object_or_404(Skill, pk=pk)
    form = SkillForm(request.POST or None, instance=skill)
    if request.method == "POST" and form.is_valid():
        form.save()
        audit(request.user, "skill.updated", skill)
        messages.success(request, _("%(name)s saved.") % {"name": skill.name})
        return redirect("accounts:taxonomy")
    return render(request, "accounts/skill_edit.html", {"form": form, "skill": skill})


@login_required
@require_POST
def suggestion_review(request: HttpRequest, pk: int) -> HttpResponse:
    _require_skill_manager(request)
    suggestion = get_object_or_404(SkillSuggestion, pk=pk)
    accept = request.POST.get("decision") == "accept"
    category = SkillCategory.objects.filter(pk=request.POST.get("category") or None).first()
    try:
        services.review_suggestion(suggestion, request.user, accept, category)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if accept:
            messages.success(request, _("%(name)s is now a skill.") % {"name": suggestion.name})
        else:
            messages.info(request, _("Suggestion declined."))
    return redirect("accounts:taxonomy")


@login_required
def demographics(request: HttpRequest) -> HttpResponse:
    questions = list(DemographicQuestion.objects.filter(is_active=True))
    answers = dict(request.user.demographics.values_list("question_id", "value"))
    profile = ensure_profile(request.user)
    form = DemographicsForm(
        request.POST or None,
        questions=questions,
        answers=answers,
        consented=profile.demographics_consent_at is not None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_demographics(
                request.user, form.answers(), questions, consent=form.cleaned_data["consent"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your answers are saved. Only you can see them."))
            return redirect("accounts:demographics")
    return render(
        request,
        "accounts/demographics.html",
        {
            "form": form,
            "questions": questions,
            "retention_days": settings.DEMOGRAPHICS_RETENTION_DAYS,
        },
    )


@login_required
def privacy_page(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/privacy.html")


@login_required
def export(request: HttpRequest) -> HttpResponse:
    data = privacy.export_user_data(request.user)
    audit(request.user, "account.exported", request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="lodestar-data-{stamp}.json"'
    return response


@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        privacy.delete_account(user)
        messages.success(request, _("Your account and your data are deleted."))
        return redirect("home")
    return render(request, "accounts/delete.html", {"form": form})
