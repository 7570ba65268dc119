from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lodestar.accounts.models import ensure_profile
from lodestar.core.models import audit
from lodestar.core.pagination import paginate, query_without_page
from lodestar.core.web import error_messages, is_htmx

from . import home as home_sections
from . import services
from .access import (
    can_create_programs,
    coordinated_programs,
    get_membership_for,
    get_program_for,
    is_coordinator,
    visible_programs,
)
from .forms import (
    AcceptGraduationForm,
    ApplicationForm,
    BulkActionForm,
    CohortForm,
    CoordinatorForm,
    GraduationForm,
    InvitationForm,
    MilestoneForm,
    OnboardingItemForm,
    ProgramForm,
    QuestionForm,
    ReviewFilterForm,
    TrackForm,
    TransitionForm,
)
from .models import (
    Cohort,
    Coordinator,
    IntakeQuestion,
    Invitation,
    OnboardingCompletion,
    OnboardingItem,
    Program,
    Role,
    Track,
)
from .states import ACTION_LABELS, ADMITTED_STATUSES, Status, allowed_targets

# Home ------------------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        programs = visible_programs(request.user).filter(status=Program.ProgramStatus.OPEN)[:6]
        return render(request, "programs/landing.html", {"programs": programs})
    user = request.user
    profile = ensure_profile(user)
    percent, missing = profile.completeness()
    memberships = list(
        user.memberships.select_related("program", "cohort", "track").prefetch_related(
            "onboarding_done", "program__onboarding_items"
        )
    )
    onboarding = []
    for m in memberships:
        if m.status in ADMITTED_STATUSES:
            items = [i for i in m.program.onboarding_items.all() if i.applies_to(m.role)]
            done = {c.item_id for c in m.onboarding_done.all()}
            todo = [i for i in items if i.pk not in done]
            if todo:
                onboarding.append((m, todo, len(items)))
    invitations = Invitation.objects.filter(
        email__iexact=user.email, accepted_at__isnull=True, declined_at__isnull=True
    ).select_related("program", "cohort")
    coordinating = (
        coordinated_programs(user)
        .annotate(
            pending=Count("memberships", filter=Q(memberships__status=Status.APPLIED)),
            members=Count("memberships", filter=Q(memberships__status__in=ADMITTED_STATUSES)),
        )
        .order_by("name")
    )
    return render(
        request,
        "programs/home.html",
        {
            "percent": percent,
            "missing": missing,
            "has_skills": user.skills.exists(),
            "memberships": memberships,
            "onboarding": onboarding,
            "invitations": invitations,
            "coordinating": coordinating,
            "sections": home_sections.sections_for(user),
            "open_programs": visible_programs(user)
            .filter(status=Program.ProgramStatus.OPEN)
            .exclude(memberships__user=user)[:5],
        },
    )


def _status_counts(program: Program) -> list[tuple[str, str, int]]:
    counts = dict(program.memberships.values_list("status").annotate(n=Count("id")).order_by())
    return [(s, label, counts.get(s, 0)) for s, label in Status.choices]


# Programs --------------------------------------------------------------------------------


def program_list(request: HttpRequest) -> HttpResponse:
    programs = (
        visible_programs(request.user)
        .annotate(cohort_count=Count("cohorts", distinct=True))
        .order_by("name")
    )
    query = request.GET.get("q", "").strip()[:80]
    if query:
        programs = programs.filter(Q(name__icontains=query) | Q(description__icontains=query))
    mine = set()
    if request.user.is_authenticated:
        mine = set(request.user.memberships.values_list("program_id", flat=True))
    return render(
        request,
        "programs/list.html",
        {
            "page": paginate(request, programs, per_page=12),
            "query": query,
            "page_query": query_without_page(request),
            "mine": mine,
            "can_create": can_create_programs(request.user),
        },
    )


@login_required
def program_create(request: HttpRequest) -> HttpResponse:
    if not can_create_programs(request.user):
        raise Http404
    form = ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        program = services.create_program(request.user, **form.cleaned_data)
        messages.success(
            request, _("%(name)s is created. Add a cohort to open it.") % {"name": program.name}
        )
        return redirect("programs:cohorts", slug=program.slug)
    return render(request, "programs/program_form.html", {"form": form, "program": None})


def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for(request.user, slug)
    manage = is_coordinator(request.user, program)
    memberships = []
    invitation = None
    if request.user.is_authenticated:
        memberships = list(
            request.user.memberships.filter(program=program).select_related("cohort", "track")
        )
        invitation = services.pending_invitation(request.user, program)
    today = timezone.localdate()
    cohorts = list(program.cohorts.prefetch_related("milestones"))
    context = {
        "program": program,
        "manage": manage,
        "tracks": program.tracks.all(),
        "cohorts": cohorts,
        "open_cohorts": [c for c in cohorts if c.is_accepting(today)],
        "memberships": memberships,
        "admitted": any(m.is_admitted for m in memberships),
        "invitation": invitation,
        "coordinators": program.coordinators.select_related("profile"),
    }
    if manage:
        context["counts"] = _status_counts(program)
    return render(request, "programs/detail.html", context)


@login_required
def program_edit(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    form = ProgramForm(request.POST or None, instance=program)
    if request.method == "POST" and form.is_valid():
        program = form.save(commit=False)
        try:
            services.update_program(request.user, program, form.changed_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Program settings saved."))
            return redirect("programs:detail", slug=program.slug)
    return render(request, "programs/program_form.html", {"form": form, "program": program})


# Applications ----------------------------------------------------------------------------


@login_required
def apply(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for(request.user, slug)
    today = timezone.localdate()
    cohorts = program.cohorts.filter(
        applications_open__lte=today, applications_close__gte=today
    ).order_by("starts_on")
    questions = list(program.questions.all())
    blocked = None
    if not program.accepts_applications or not cohorts:
        blocked = _("This program is not taking applications right now.")
    elif (
        program.admission == Program.Admission.INVITE
        and services.pending_invitation(request.user, program) is None
    ):
        blocked = _("This program is invite-only. A coordinator can send you an invitation.")
    has_skills = request.user.skills.exists()
    form = ApplicationForm(
        request.POST or None, program=program, cohorts=cohorts, questions=questions
    )
    if request.method == "POST" and blocked is None and form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.apply(
                request.user,
                program,
                data["cohort"],
                data["track"],
                data["role"],
                form.answers(),
                data.get("capacity"),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            if membership.status == Status.APPROVED:
                messages.success(request, _("Welcome to %(p)s!") % {"p": program.name})
            else:
                messages.success(
                    request,
                    _("Your application is in. The coordinators will review it soon."),
                )
            return redirect(membership.get_absolute_url())
    return render(
        request,
        "programs/apply.html",
        {
            "program": program,
            "form": form,
            "blocked": blocked,
            "has_skills": has_skills,
            "question_fields": [form[f"q{q.pk}"] for q in questions],
        },
    )


@login_required
def membership_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program = get_program_for(request.user, slug)
    membership = get_membership_for(request.user, program, pk)
    manage = is_coordinator(request.user, program)
    own = membership.user_id == request.user.pk
    member = membership.user
    context = {
        "program": program,
        "membership": membership,
        "member": member,
        "manage": manage,
        "own": own,
        "answers": membership.answers.select_related("question"),
        "transitions": membership.transitions.select_related("actor__profile"),
        "targets": [(s, ACTION_LABELS[s]) for s in allowed_targets(membership.status, manage)],
        "checklist": services.checklist(membership) if membership.is_admitted else [],
    }
    if manage:
        context["profile"] = ensure_profile(member)
        context["skills"] = member.skills.select_related("skill").order_by("kind", "skill__name")
        context["languages"] = member.languages.all()
        context["windows"] = member.availability.all()
        if membership.status == Status.COMPLETED and membership.role in {Role.MENTEE, Role.PEER}:
            context["graduation_form"] = GraduationForm(
                program=program, exclude_cohort=membership.cohort_id
            )
    return render(request, "programs/membership.html", context)


@login_required
@require_POST
def membership_transition(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program = get_program_for(request.user, slug)
    membership = get_membership_for(request.user, program, pk)
    manage = is_coordinator(request.user, program)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid status."))
        return redirect(membership.get_absolute_url())
    try:
        services.transition(
            membership,
            form.cleaned_data["status"],
            request.user,
            form.cleaned_data["note"],
            by_coordinator=manage,
        )
    except ValidationError as exc:
        error_messages(request, exc)
    else:
        messages.success(
            request, _("Status is now %(s)s.") % {"s": membership.get_status_display()}
        )
    return redirect(membership.get_absolute_url())


@login_required
@require_POST
def onboarding_toggle(request: HttpRequest, slug: str, pk: int, item: int) -> HttpResponse:
    program = get_program_for(request.user, slug)
    membership = get_membership_for(request.user, program, pk)
    # Only the member ticks their own checklist; coordinators see it.
    if membership.user_id != request.user.pk:
        raise Http404
    onboarding_item = get_object_or_404(OnboardingItem, pk=item, program=program)
    done = request.POST.get("done") == "1"
    try:
        services.set_onboarding_item(membership, onboarding_item, done)
    except ValidationError as exc:
        error_messages(request, exc)
    if is_htmx(request):
        return render(
            request,
            "programs/partials/checklist.html",
            {
                "program": program,
                "membership": membership,
                "checklist": services.checklist(membership),
                "own": True,
            },
        )
    return redirect(membership.get_absolute_url())


REVIEW_ORDER = {
    "newest": "-created_at",
    "oldest": "created_at",
    "name": "user__profile__display_name",
}


@login_required
def review(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    params = request.GET.copy()
    if "status" not in params:
        params["status"] = Status.APPLIED
    filters = ReviewFilterForm(params, program=program)
    memberships = program.memberships.select_related("user__profile", "cohort", "track").annotate(
        skill_count=Count("user__skills")
    )
    if filters.is_valid():
        data = filters.cleaned_data
        if data["q"]:
            memberships = memberships.filter(
                Q(user__email__icontains=data["q"])
                | Q(user__profile__display_name__icontains=data["q"])
                | Q(user__profile__headline__icontains=data["q"])
            )
        for field in ("status", "role", "cohort", "track"):
            if data[field]:
                memberships = memberships.filter(**{field: data[field]})
    order = REVIEW_ORDER.get(request.GET.get("order", ""), "-created_at")
    memberships = memberships.order_by(order, "pk")
    page = paginate(request, memberships)
    bulk = BulkActionForm(valid_ids=[m.pk for m in page])
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
        valid_ids = list(program.memberships.filter(pk__in=ids).values_list("pk", flat=True))
        bulk = BulkActionForm(request.POST, valid_ids=valid_ids)
        if bulk.is_valid():
            data = bulk.cleaned_data
            try:
                moved = services.bulk_transition(
                    program, data["ids"], data["action"], request.user, data["message"]
                )
            except ValidationError as exc:
                bulk.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("%(n)d applications are now %(s)s.")
                    % {"n": len(moved), "s": Status(data["action"]).label.lower()},
                )
                return redirect(request.get_full_path())
    return render(
        request,
        "programs/review.html",
        {
            "program": program,
            "filters": filters,
            "page": page,
            "page_query": query_without_page(request),
            "bulk": bulk,
            "counts": _status_counts(program),
            "order": request.GET.get("order", "newest"),
        },
    )


@login_required
@require_POST
def graduate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    membership = get_membership_for(request.user, program, pk, manage=True)
    form = GraduationForm(request.POST, program=program, exclude_cohort=membership.cohort_id)
    if form.is_valid():
        try:
            services.graduate(
                membership, form.cleaned_data["cohort"], request.user, form.cleaned_data["message"]
            )
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(
                request,
                _("%(name)s is invited to mentor in %(c)s.")
                % {"name": membership.user.name, "c": form.cleaned_data["cohort"]},
            )
    else:
        messages.error(request, _("Choose the cohort to invite them to."))
    return redirect(membership.get_absolute_url())


# Invitations -----------------------------------------------------------------------------


@login_required
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = get_object_or_404(
        Invitation.objects.select_related("program", "cohort", "invited_by__profile"), token=token
    )
    # The token is the secret; still, only the invited address may act on it.
    if invitation.email.lower() != request.user.email.lower():
        raise Http404
    program = invitation.program
    form = AcceptGraduationForm(request.POST or None, program=program)
    if request.method == "POST" and invitation.is_pending:
        if request.POST.get("decision") == "decline":
            services.decline_invitation(invitation, request.user)
            messages.info(request, _("You declined the invitation."))
            return redirect("home")
        if invitation.kind == Invitation.Kind.INVITE:
            return redirect("programs:apply", slug=program.slug)
        if form.is_valid():
            try:
                membership = services.accept_graduation(
                    invitation,
                    request.user,
                    form.cleaned_data["track"],
                    form.cleaned_data["capacity"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Welcome back, as a mentor!"))
                return redirect(membership.get_absolute_url())
    return render(
        request,
        "programs/invitation.html",
        {"invitation": invitation, "program": program, "form": form},
    )


@login_required
def invitations(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    form = InvitationForm(request.POST or None, program=program)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.invite(
                program, data["cohort"], data["email"], data["role"], request.user, data["message"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Invitation sent to %(e)s.") % {"e": data["email"]})
            return redirect("programs:invitations", slug=slug)
    page = paginate(request, program.invitations.select_related("cohort"))
    return render(
        request, "programs/invitations.html", {"program": program, "form": form, "page": page}
    )


# Program set-up (coordinators) -----------------------------------------------------------


def _setup_page(request, program, form, template, context, success_message, redirect_to):
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            obj = form.save(commit=False)
            obj.program = program
            obj.save()
            audit(request.user, f"{obj._meta.model_name}.saved", obj, program.pk)
        messages.success(request, success_message)
        return redirect(redirect_to, slug=program.slug)
    return render(request, template, {"program": program, "form": form, **context})


@login_required
def tracks(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    instance = None
    if request.GET.get("edit"):
        instance = get_object_or_404(Track, program=program, pk=request.GET.get("edit"))
    form = TrackForm(request.POST or None, instance=instance)
    if (
        form.is_valid()
        and program.tracks.filter(name=form.cleaned_data["name"])
        .exclude(pk=getattr(instance, "pk", None))
        .exists()
    ):
        form.add_error("name", _("This program already has a track with this name."))
    tracks = program.tracks.annotate(n=Count("memberships"))
    return _setup_page(
        request,
        program,
        form,
        "programs/tracks.html",
        {"tracks": tracks, "editing": instance},
        _("Track saved."),
        "programs:tracks",
    )


@login_required
def cohorts(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    form = CohortForm(request.POST or None)
    if form.is_valid() and program.cohorts.filter(name=form.cleaned_data["name"]).exists():
        form.add_error("name", _("This program already has a cohort with this name."))
    cohorts = program.cohorts.annotate(n=Count("memberships")).prefetch_related("milestones")
    return _setup_page(
        request,
        program,
        form,
        "programs/cohorts.html",
        {"cohorts": cohorts},
        _("Cohort added. Add its milestones on the cohort's page."),
        "programs:cohorts",
    )


@login_required
def cohort_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    cohort = get_object_or_404(Cohort, program=program, pk=pk)
    form = CohortForm(None, instance=cohort)
    milestone_form = MilestoneForm()
    if request.method == "POST":
        if request.POST.get("form") == "milestone":
            milestone_form = MilestoneForm(request.POST)
            if milestone_form.is_valid():
                milestone = milestone_form.save(commit=False)
                milestone.cohort = cohort
                milestone.save()
                messages.success(request, _("Milestone added."))
                return redirect("programs:cohort", slug=slug, pk=pk)
        elif request.POST.get("form") == "delete_milestone":
            cohort.milestones.filter(pk=request.POST.get("milestone") or 0).delete()
            messages.success(request, _("Milestone removed."))
            return redirect("programs:cohort", slug=slug, pk=pk)
        else:
            form = CohortForm(request.POST, instance=cohort)
            if form.is_valid():
                if program.cohorts.filter(name=form.cleaned_data["name"]).exclude(pk=pk).exists():
                    form.add_error("name", _("This program already has a cohort with this name."))
                else:
                    form.save()
                    audit(request.user, "cohort.updated", cohort, program.pk)
                    messages.success(request, _("Cohort saved."))
                    return redirect("programs:cohorts", slug=slug)
    return render(
        request,
        "programs/cohort.html",
        {"program": program, "cohort": cohort, "form": form, "milestone_form": milestone_form},
    )


@login_required
def questions(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    form = QuestionForm(request.POST or None)
    return _setup_page(
        request,
        program,
        form,
        "programs/questions.html",
        {"questions": program.questions.annotate(n=Count("answers"))},
        _("Question added."),
        "programs:questions",
    )


@login_required
@require_POST
def question_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    question = get_object_or_404(IntakeQuestion, program=program, pk=pk)
    if question.answers.exists():
        messages.error(
            request, _("This question has answers; it stays so they keep their meaning.")
        )
    else:
        question.delete()
        audit(request.user, "intakequestion.deleted", program, program.pk, question=pk)
        messages.success(request, _("Question removed."))
    return redirect("programs:questions", slug=slug)


@login_required
def onboarding(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    form = OnboardingItemForm(request.POST or None)
    admitted = (
        program.memberships.filter(status__in=ADMITTED_STATUSES)
        .select_related("user__profile", "cohort")
        .prefetch_related(
            Prefetch(
                "onboarding_done",
                queryset=OnboardingCompletion.objects.only("item_id", "membership_id"),
            )
        )
    )
    items = list(program.onboarding_items.all())
    page = paginate(request, admitted)
    rows = []
    for m in page:
        mine = [i for i in items if i.applies_to(m.role)]
        done = {c.item_id for c in m.onboarding_done.all()}
        rows.append((m, sum(1 for i in mine if i.pk in done), len(mine)))
    return _setup_page(
        request,
        program,
        form,
        "programs/onboarding.html",
        {"items": items, "rows": rows, "page": page},
        _("Checklist item added."),
        "programs:onboarding",
    )


@login_required
@require_POST
def onboarding_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    get_object_or_404(OnboardingItem, program=program, pk=pk).delete()
    audit(request.user, "onboardingitem.deleted", program, program.pk, item=pk)
    messages.success(request, _("Checklist item removed."))
    return redirect("programs:onboarding", slug=slug)


@login_required
def coordinators(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for(request.user, slug, manage=True)
    form = CoordinatorForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("remove"):
            user = get_object_or_404(
                Coordinator, program=program, user_id=request.POST["remove"]
            ).user
            try:
                services.remove_coordinator(program, user, request.user)
            except ValidationError as exc:
                error_messages(request, exc)
            else:
                messages.success(request, _("%(n)s is no longer a coordinator.") % {"n": user.name})
            return redirect("programs:coordinators", slug=slug)
        if form.is_valid():
            user = get_user_model().objects.filter(email__iexact=form.cleaned_data["email"]).first()
            if user is None:
                form.add_error(
                    "email", _("No member has this e-mail address. Ask them to sign up first.")
                )
            else:
                services.add_coordinator(program, user, request.user)
                messages.success(
                    request, _("%(n)s now coordinates this program.") % {"n": user.name}
                )
                return redirect("programs:coordinators", slug=slug)
    people = Coordinator.objects.filter(program=program).select_related("user__profile")
    return render(
        request, "programs/coordinators.html", {"program": program, "form": form, "people": people}
    )
