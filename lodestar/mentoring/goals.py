"""Goals the mentee owns: milestones and progress are theirs, the others comment.

Progress is computed per the program's `goal_progress`: from done milestones, or as set by the
mentee. `progress_percent` and `next_milestone` only read what was prefetched.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lodestar.accounts.models import Skill
from lodestar.core.models import audit
from lodestar.notifications.services import notify
from lodestar.programs.models import Program

from . import services
from .models import Goal, GoalComment, GoalMilestone, Participant, Relationship

OWNER_ROLES = {Participant.Role.MENTEE, Participant.Role.PEER}
GOAL_FIELDS = ["title", "description", "success_criteria", "target_date", "status"]


def goals_of(relationship: Relationship) -> QuerySet[Goal]:
    """The relationship's goals with what the panel and pages show, in a fixed number of queries."""
    return (
        relationship.goals.select_related("owner__profile")
        .prefetch_related("milestones", "skills")
        .annotate(comment_count=Count("comments", distinct=True))
    )


def progress_percent(goal: Goal, mode: str) -> int:
    """0-100. An achieved goal is complete whatever its milestones say."""
    if goal.status == Goal.Status.ACHIEVED:
        return 100
    if mode == Program.GoalProgress.MANUAL:
        return min(max(goal.progress, 0), 100)
    milestones = list(goal.milestones.all())
    if not milestones:
        return 0
    done = sum(1 for m in milestones if m.done_at is not None)
    return round(100 * done / len(milestones))


def next_milestone(goal: Goal) -> GoalMilestone | None:
    """The open milestone due first (undated ones after the dated ones)."""
    open_ones = [m for m in goal.milestones.all() if m.done_at is None]
    open_ones.sort(key=lambda m: (m.due_on is None, m.due_on or dt.date.max, m.pk))
    return open_ones[0] if open_ones else None


def goal_url(goal: Goal) -> str:
    return reverse("mentoring:goal", args=[goal.relationship_id, goal.pk])


def _ensure_owner(goal: Goal, user) -> None:
    services.ensure_open(goal.relationship)
    if goal.owner_id != getattr(user, "pk", None):
        raise ValidationError(_("Only the mentee who owns this goal can change it."))


def _check_dates(target_date) -> None:
    if target_date is not None and target_date < dt.date(2000, 1, 1):
        raise ValidationError({"target_date": _("Choose a realistic target date.")})


def _active_skills(skills, goal: Goal | None = None) -> list[Skill]:
    skills = list(skills or [])
    already = set(goal.skills.values_list("pk", flat=True)) if goal is not None else set()
    for skill in skills:
        if not skill.is_active and skill.pk not in already:
            raise ValidationError({"skills": _("Choose skills from the current skill list.")})
    return skills


@transaction.atomic
def create_goal(relationship: Relationship, user, skills=(), **fields) -> Goal:
    services.ensure_open(relationship)
    if relationship.role_of(user) not in OWNER_ROLES:
        raise ValidationError(_("Goals belong to mentees: only they write them."))
    data = {k: v for k, v in fields.items() if k in GOAL_FIELDS + ["progress"]}
    data["title"] = (data.get("title") or "").strip()
    _check_dates(data.get("target_date"))
    skills = _active_skills(skills)
    goal = Goal(relationship=relationship, owner=user, **data)
    goal.full_clean()
    goal.save()
    goal.skills.set(skills)
    audit(user, "goal.created", goal, relationship.program_id, relationship=relationship.pk)
    return goal


@transaction.atomic
def update_goal(goal: Goal, user, skills=None, **fields) -> Goal:
    _ensure_owner(goal, user)
    old_status = goal.status
    for name in GOAL_FIELDS + ["progress"]:
        if name in fields:
            setattr(goal, name, fields[name])
    goal.title = (goal.title or "").strip()
    _check_dates(goal.target_date)
    if skills is not None:
        skills = _active_skills(skills, goal)
    goal.full_clean()
    goal.save()
    if skills is not None:
        goal.skills.set(skills)
    if goal.status != old_status:
        _status_changed(goal, user, old_status)
    return goal


@transaction.atomic
def set_goal_status(goal: Goal, user, status: str) -> Goal:
    _ensure_owner(goal, user)
    if status not in Goal.Status.values:
        raise ValidationError(_("Choose one of the goal statuses."))
    old_status = goal.status
    if status != old_status:
        goal.status = status
        goal.save(update_fields=["status", "updated_at"])
        _status_changed(goal, user, old_status)
    return goal


def _status_changed(goal: Goal, user, old_status: str) -> None:
    relationship = goal.relationship
    audit(
        user,
        "goal.status",
        goal,
        relationship.program_id,
        relationship=relationship.pk,
        old=old_status,
        new=goal.status,
    )
    for participant in relationship.participants.all():
        if participant.user_id != user.pk:
            notify(
                participant.user,
                "goal_status",
                {"relationship": relationship, "goal": goal, "actor": user},
                goal_url(goal),
            )


def set_progress(goal: Goal, user, percent) -> Goal:
    _ensure_owner(goal, user)
    if goal.relationship.program.goal_progress != Program.GoalProgress.MANUAL:
        raise ValidationError(_("In this program progress comes from the goal's milestones."))
    try:
        percent = int(percent)
    except (TypeError, ValueError):
        percent = -1
    if not 0 <= percent <= 100:
        raise ValidationError(_("Progress is a percentage from 0 to 100."))
    goal.progress = percent
    goal.save(update_fields=["progress", "updated_at"])
    return goal


def _milestone(goal: Goal, user, title: str, due_on) -> tuple[str, object]:
    _ensure_owner(goal, user)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the milestone a title.")})
    _check_dates(due_on)
    return title, due_on


def add_milestone(goal: Goal, user, title: str, due_on=None) -> GoalMilestone:
    title, due_on = _milestone(goal, user, title, due_on)
    milestone = GoalMilestone(goal=goal, title=title, due_on=due_on)
    milestone.full_clean()
    milestone.save()
    return milestone


def update_milestone(milestone: GoalMilestone, user, title: str, due_on=None) -> GoalMilestone:
    milestone.title, milestone.due_on = _milestone(milestone.goal, user, title, due_on)
    milestone.full_clean()
    milestone.save(update_fields=["title", "due_on"])
    return milestone


def delete_milestone(milestone: GoalMilestone, user) -> None:
    _ensure_owner(milestone.goal, user)
    milestone.delete()


def set_milestone_done(milestone: GoalMilestone, user, done: bool) -> GoalMilestone:
    _ensure_owner(milestone.goal, user)
    milestone.done_at = timezone.now() if done else None
    milestone.save(update_fields=["done_at"])
    return milestone


@transaction.atomic
def add_comment(goal: Goal, user, body: str) -> GoalComment:
    relationship = goal.relationship
    services.ensure_open(relationship)
    services.ensure_participant(relationship, user)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a comment first.")})
    comment = GoalComment(goal=goal, author=user, body=body)
    comment.full_clean()
    comment.save()
    for participant in relationship.participants.all():
        if participant.user_id != user.pk:
            notify(
                participant.user,
                "goal_comment",
                {"relationship": relationship, "goal": goal, "actor": user, "comment": comment},
                goal_url(goal),
            )
    return comment
