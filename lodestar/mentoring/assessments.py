"""Skill self-assessments at the start, midpoint and close: the program's skill-growth data.

Each mentee rates every targeted skill 1-5 (the skills of their goals in this relationship and
the skills they want to grow); mentors may add their view of each mentee.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lodestar.accounts.choices import SkillKind
from lodestar.accounts.models import Skill, UserSkill

from . import services
from .models import Goal, Participant, Relationship, SkillAssessment
from .states import Status

Stage = SkillAssessment.Stage
STAGES = list(Stage.values)


def _targeted_by_mentee(relationship: Relationship, mentees: list) -> dict[int, dict[int, Skill]]:
    ids = [u.pk for u in mentees]
    found: dict[int, dict[int, Skill]] = {pk: {} for pk in ids}
    links = Goal.skills.through.objects.filter(
        goal__relationship=relationship, goal__owner_id__in=ids
    ).select_related("skill", "goal")
    for link in links:
        found[link.goal.owner_id][link.skill_id] = link.skill
    wanted = UserSkill.objects.filter(
        user_id__in=ids, kind=SkillKind.WANT, skill__is_active=True
    ).select_related("skill")
    for user_skill in wanted:
        found[user_skill.user_id][user_skill.skill_id] = user_skill.skill
    return found


def targeted_skills(relationship: Relationship, mentee) -> list[Skill]:
    skills = _targeted_by_mentee(relationship, [mentee])[mentee.pk]
    return sorted(skills.values(), key=lambda s: s.name.lower())


def ensure_stage(stage: str) -> str:
    if stage not in STAGES:
        raise ValidationError(_("Choose the start, midpoint or close."))
    return stage


def may_rate(relationship: Relationship, assessor, mentee) -> bool:
    role = relationship.role_of(assessor)
    if relationship.role_of(mentee) not in {Participant.Role.MENTEE, Participant.Role.PEER}:
        return False
    return assessor.pk == mentee.pk or role == Participant.Role.MENTOR


def ensure_may_assess(relationship: Relationship, stage: str) -> None:
    # The closing self-assessment is part of closing, so it stays possible once closed.
    if stage != Stage.CLOSE:
        services.ensure_open(relationship)
    elif relationship.status == Status.PROPOSED:
        raise ValidationError(_("The closing assessment comes once the relationship has run."))


@transaction.atomic
def save_assessment(
    relationship: Relationship, assessor, mentee, stage: str, levels: dict[int, int | None]
) -> int:
    """Store the levels (skill id -> 1-5, None to skip); re-rating a stage updates it."""
    ensure_stage(stage)
    ensure_may_assess(relationship, stage)
    if not may_rate(relationship, assessor, mentee):
        raise ValidationError(_("Only the mentee and their mentor can rate the mentee's skills."))
    allowed = {s.pk for s in targeted_skills(relationship, mentee)}
    saved = 0
    today = timezone.localdate()
    for skill_id, level in levels.items():
        if level in (None, ""):
            continue
        if skill_id not in allowed:
            raise ValidationError(_("Rate only the skills this relationship targets."))
        try:
            level = int(level)
        except (TypeError, ValueError):
            level = 0
        if not 1 <= level <= 5:
            raise ValidationError(_("Levels go from 1 to 5."))
        SkillAssessment.objects.update_or_create(
            relationship=relationship,
            mentee=mentee,
            assessor=assessor,
            skill_id=skill_id,
            stage=stage,
            defaults={"level": level, "assessed_on": today},
        )
        saved += 1
    if not saved:
        raise ValidationError(_("Rate at least one skill."))
    return saved


def existing_levels(relationship: Relationship, assessor, stage: str) -> dict[tuple[int, int], int]:
    """(mentee id, skill id) -> level this assessor gave at this stage."""
    rows = SkillAssessment.objects.filter(
        relationship=relationship, assessor=assessor, stage=stage
    ).values_list("mentee_id", "skill_id", "level")
    return {(m, s): level for m, s, level in rows}


@dataclass
class Row:
    skill: Skill
    # One cell per stage: (the mentee's own level or None, the mentors' levels)
    cells: list[tuple[int | None, list[int]]] = field(default_factory=list)


@dataclass
class MenteeGrid:
    mentee: object
    rows: list[Row]


def grid(relationship: Relationship) -> list[MenteeGrid]:
    """Per mentee: targeted or rated skills by stage, in three queries."""
    mentees = relationship.mentees()
    targeted = _targeted_by_mentee(relationship, mentees)
    mentor_ids = {u.pk for u in relationship.mentors()}
    levels: dict[tuple[int, int, str], tuple[int | None, list[int]]] = {}
    for a in relationship.assessments.select_related("skill"):
        targeted.setdefault(a.mentee_id, {})[a.skill_id] = a.skill
        own, theirs = levels.get((a.mentee_id, a.skill_id, a.stage), (None, []))
        if a.assessor_id == a.mentee_id:
            own = a.level
        elif a.assessor_id in mentor_ids:
            theirs = [*theirs, a.level]
        levels[(a.mentee_id, a.skill_id, a.stage)] = (own, theirs)
    result = []
    for mentee in mentees:
        skills = sorted(targeted.get(mentee.pk, {}).values(), key=lambda s: s.name.lower())
        rows = [
            Row(skill, [levels.get((mentee.pk, skill.pk, stage), (None, [])) for stage in STAGES])
            for skill in skills
        ]
        result.append(MenteeGrid(mentee, rows))
    return result
