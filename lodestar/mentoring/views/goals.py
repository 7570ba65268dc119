"""Goals with milestones and comments, and the skill self-assessments, with their panels."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lodestar.core.web import attempt, error_messages
from lodestar.programs.models import Program

from .. import assessments, goals
from ..access import get_relationship_for, viewer_of
from ..forms.goals import (
    AssessmentForm,
    CommentForm,
    GoalForm,
    MilestoneForm,
    ProgressForm,
    StatusForm,
)
from ..hub import Viewer, register_panel
from ..models import Goal, Relationship, SkillAssessment


def _decorate(goal_list: list[Goal], mode: str) -> list[Goal]:
    for goal in goal_list:
        goal.percent = goals.progress_percent(goal, mode)
        goal.next_milestone = goals.next_milestone(goal)
    return goal_list


def goals_panel(relationship: Relationship, viewer: Viewer) -> dict:
    mode = relationship.program.goal_progress
    return {
        "goals": _decorate(list(goals.goals_of(relationship)), mode),
        "can_add": viewer.is_mentee and relationship.is_open,
        "show_owner": len(relationship.mentees()) > 1,
    }


def assessment_panel(relationship: Relationship, viewer: Viewer) -> dict:
    return {
        "grids": assessments.grid(relationship),
        "stages": SkillAssessment.Stage.choices,
        "can_rate": viewer.is_participant,
        "has_mentors": bool(relationship.mentors()),
    }


register_panel("goals", "mentoring/goals/panel.html", goals_panel, order=20)
register_panel("assessments", "mentoring/goals/assessment_panel.html", assessment_panel, order=30)


def _own_goal(request: HttpRequest, pk: int, goal_pk: int) -> Goal:
    """The viewer's own goal, looked up through the relationship; anything else is a 404."""
    relationship = get_relationship_for(request.user, pk, participate=True)
    return get_object_or_404(relationship.goals, pk=goal_pk, owner=request.user)


@login_required
def goal_add(request: HttpRequest, pk: int) -> HttpResponse:
    relationship = get_relationship_for(request.user, pk, participate=True)
    if not viewer_of(relationship, request.user).is_mentee:
        raise Http404
    if not relationship.is_open:
        messages.error(request, _("This relationship is closed: its goals cannot change."))
        return redirect(relationship)
    form = GoalForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        skills = data.pop("skills")
        try:
            goal = goals.create_goal(relationship, request.user, skills=skills, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Goal added. Break it into milestones next."))
            return redirect(goals.goal_url(goal))
    return render(
        request, "mentoring/goals/form.html", {"relationship": relationship, "form": form}
    )


@login_required
def goal_detail(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    relationship = get_relationship_for(request.user, pk)
    viewer = viewer_of(relationship, request.user)
    goal = get_object_or_404(goals.goals_of(relationship), pk=goal_pk)
    mode = relationship.program.goal_progress
    _decorate([goal], mode)
    is_owner = goal.owner_id == request.user.pk and relationship.is_open
    return render(
        request,
        "mentoring/goals/goal.html",
        {
            "relationship": relationship,
            "viewer": viewer,
            "goal": goal,
            "comments": goal.comments.select_related("author__profile"),
            "is_owner": is_owner,
            "manual": mode == Program.GoalProgress.MANUAL,
            "can_comment": viewer.is_participant and relationship.is_open,
            "status_form": StatusForm(initial={"status": goal.status}),
            "progress_form": ProgressForm(initial={"progress": goal.progress}),
            "milestone_form": MilestoneForm(),
            "comment_form": CommentForm(),
        },
    )


@login_required
def goal_edit(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    goal = _own_goal(request, pk, goal_pk)
    relationship = goal.relationship
    if not relationship.is_open:
        messages.error(request, _("This relationship is closed: its goals cannot change."))
        return redirect(goals.goal_url(goal))
    # The form writes into its instance while validating: keep `goal` as stored.
    form = GoalForm(request.POST if request.method == "POST" else None, instance=copy.copy(goal))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        skills = data.pop("skills")
        try:
            goals.update_goal(goal, request.user, skills=skills, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Goal saved."))
            return redirect(goals.goal_url(goal))
    return render(
        request,
        "mentoring/goals/form.html",
        {"relationship": relationship, "form": form, "goal": goal},
    )


def _act(request: HttpRequest, goal: Goal, action, success: str) -> HttpResponse:
    attempt(request, action, success)
    return redirect(goals.goal_url(goal))


@login_required
@require_POST
def goal_status(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    goal = _own_goal(request, pk, goal_pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        error_messages(request, form)
        return redirect(goals.goal_url(goal))
    status = form.cleaned_data["status"]
    return _act(
        request,
        goal,
        lambda: goals.set_goal_status(goal, request.user, status),
        _("Status changed to %(s)s.") % {"s": Goal.Status(status).label.lower()},
    )


@login_required
@require_POST
def goal_progress(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    goal = _own_goal(request, pk, goal_pk)
    form = ProgressForm(request.POST)
    if not form.is_valid():
        error_messages(request, form)
        return redirect(goals.goal_url(goal))
    percent = form.cleaned_data["progress"]
    return _act(
        request,
        goal,
        lambda: goals.set_progress(goal, request.user, percent),
        _("Progress saved."),
    )


@login_required
@require_POST
def milestone_add(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    goal = _own_goal(request, pk, goal_pk)
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        error_messages(request, form)
        return redirect(goals.goal_url(goal))
    data = form.cleaned_data
    return _act(
        request,
        goal,
        lambda: goals.add_milestone(goal, request.user, data["title"], data["due_on"]),
        _("Milestone added."),
    )


@login_required
def milestone_edit(request: HttpRequest, pk: int, goal_pk: int, milestone_pk: int) -> HttpResponse:
    goal = _own_goal(request, pk, goal_pk)
    milestone = get_object_or_404(goal.milestones, pk=milestone_pk)
    if not goal.relationship.is_open:
        messages.error(request, _("This relationship is closed: its goals cannot change."))
        return redirect(goals.goal_url(goal))
    form = MilestoneForm(
        request.POST if request.method == "POST" else None, instance=copy.copy(milestone)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            goals.update_milestone(milestone, request.user, data["title"], data["due_on"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Milestone saved."))
            return redirect(goals.goal_url(goal))
    return render(
        request,
        "mentoring/goals/milestone_form.html",
        {"relationship": goal.relationship, "goal": goal, "milestone": milestone, "form": form},
    )


@login_required
@require_POST
def milestone_delete(
    request: HttpRequest, pk: int, goal_pk: int, milestone_pk: int
) -> HttpResponse:
    goal = _own_goal(request, pk, goal_pk)
    milestone = get_object_or_404(goal.milestones, pk=milestone_pk)
    return _act(
        request,
        goal,
        lambda: goals.delete_milestone(milestone, request.user),
        _("Milestone deleted."),
    )


@login_required
@require_POST
def milestone_toggle(
    request: HttpRequest, pk: int, goal_pk: int, milestone_pk: int
) -> HttpResponse:
    goal = _own_goal(request, pk, goal_pk)
    milestone = get_object_or_404(goal.milestones, pk=milestone_pk)
    done = request.POST.get("done") == "1"
    return _act(
        request,
        goal,
        lambda: goals.set_milestone_done(milestone, request.user, done),
        _("Milestone done.") if done else _("Milestone reopened."),
    )


@login_required
@require_POST
def goal_comment(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    relationship = get_relationship_for(request.user, pk, participate=True)
    goal = get_object_or_404(relationship.goals, pk=goal_pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        error_messages(request, form)
        return redirect(goals.goal_url(goal))
    body = form.cleaned_data["body"]
    return _act(
        request,
        goal,
        lambda: goals.add_comment(goal, request.user, body),
        _("Comment posted."),
    )


@login_required
def assessment(request: HttpRequest, pk: int, stage: str) -> HttpResponse:
    relationship = get_relationship_for(request.user, pk, participate=True)
    if stage not in assessments.STAGES:
        raise Http404
    viewer = viewer_of(relationship, request.user)
    # A mentee rates themselves; a mentor adds their view of every mentee.
    mentees = [request.user] if viewer.is_mentee else relationship.mentees()
    sections = [(m, assessments.targeted_skills(relationship, m)) for m in mentees]
    form = AssessmentForm(
        request.POST if request.method == "POST" else None,
        sections=sections,
        initial_levels=assessments.existing_levels(relationship, request.user, stage),
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    rated = [m for m in mentees if any(form.levels_for(m).values())]
                    if not rated:
                        raise ValidationError(_("Rate at least one skill."))
                    for mentee in rated:
                        assessments.save_assessment(
                            relationship, request.user, mentee, stage, form.levels_for(mentee)
                        )
            except ValidationError as exc:
                error_messages(request, exc)
            else:
                messages.success(request, _("Assessment saved."))
                return redirect(relationship)
        else:
            error_messages(request, form)
    return render(
        request,
        "mentoring/goals/assessment.html",
        {
            "relationship": relationship,
            "viewer": viewer,
            "form": form,
            "stage": SkillAssessment.Stage(stage),
            "has_skills": any(skills for _m, skills in sections),
            "closed_for_stage": _closed_for(relationship, stage),
        },
    )


def _closed_for(relationship: Relationship, stage: str) -> str:
    try:
        assessments.ensure_may_assess(relationship, stage)
    except ValidationError as exc:
        return exc.messages[0]
    return ""


urlpatterns = [
    path("<int:pk>/goals/add/", goal_add, name="goal_add"),
    path("<int:pk>/goals/<int:goal_pk>/", goal_detail, name="goal"),
    path("<int:pk>/goals/<int:goal_pk>/edit/", goal_edit, name="goal_edit"),
    path("<int:pk>/goals/<int:goal_pk>/status/", goal_status, name="goal_status"),
    path("<int:pk>/goals/<int:goal_pk>/progress/", goal_progress, name="goal_progress"),
    path("<int:pk>/goals/<int:goal_pk>/comment/", goal_comment, name="goal_comment"),
    path("<int:pk>/goals/<int:goal_pk>/milestones/", milestone_add, name="milestone_add"),
    path(
        "<int:pk>/goals/<int:goal_pk>/milestones/<int:milestone_pk>/",
        milestone_edit,
        name="milestone_edit",
    ),
    path(
        "<int:pk>/goals/<int:goal_pk>/milestones/<int:milestone_pk>/delete/",
        milestone_delete,
        name="milestone_delete",
    ),
    path(
        "<int:pk>/goals/<int:goal_pk>/milestones/<int:milestone_pk>/done/",
        milestone_toggle,
        name="milestone_toggle",
    ),
    path("<int:pk>/assessment/<str:stage>/", assessment, name="assessment"),
]
