"""From the database to the engine's plain profiles. The only place that knows both sides."""

from django.db.models import Count, Prefetch, Q, QuerySet

from lodestar.accounts.choices import SkillKind
from lodestar.accounts.models import UserSkill
from lodestar.mentoring.models import Participant
from lodestar.mentoring.states import OPEN_STATUSES
from lodestar.programs.models import Membership, Role
from lodestar.programs.states import Status

from .engine.model import MenteeProfile, MentorProfile, Skill, TrackKind, Window

_PEOPLE = (
    "user__profile",
    "user__languages",
    "user__availability",
    Prefetch("user__skills", queryset=UserSkill.objects.select_related("skill")),
)


def _common(membership: Membership) -> dict:
    user, profile = membership.user, membership.user.profile
    return {
        "id": str(membership.pk),
        "name": user.name,
        "languages": {lang.language: lang.proficiency for lang in user.languages.all()},
        "time_zone": user.time_zone or "UTC",
        "availability": [
            Window(w.weekday, w.start.strftime("%H:%M"), w.end.strftime("%H:%M"))
            for w in user.availability.all()
        ],
        "formats": list(profile.formats),
        "meeting_structure": profile.meeting_structure,
        "feedback_style": profile.feedback_style,
        "conversation_mode": profile.conversation_mode,
        "learning_style": profile.learning_style,
        "objectives": profile.objectives,
        "affiliation": profile.affiliation,
    }


def mentee_profile(membership: Membership) -> MenteeProfile:
    wants = [
        Skill(s.skill.name, s.level, s.target_level)
        for s in membership.user.skills.all()
        if s.kind == SkillKind.WANT
    ]
    return MenteeProfile(**_common(membership), wants=wants, track=TrackKind(membership.track.kind))


def mentor_profile(membership: Membership, free_places: int) -> MentorProfile:
    skills = [
        Skill(s.skill.name, s.level)
        for s in membership.user.skills.all()
        if s.kind == SkillKind.HAVE
    ]
    return MentorProfile(**_common(membership), skills=skills, capacity=max(free_places, 0))


def mentors_with_load(cohort) -> QuerySet[Membership]:
    """The cohort's admitted mentors, each annotated with `load`: open relationships they lead."""
    return (
        Membership.objects.filter(
            cohort=cohort,
            role__in=[Role.MENTOR, Role.BOTH],
            status__in=[Status.APPROVED, Status.ACTIVE],
        )
        .select_related("user", "track")
        .prefetch_related(*_PEOPLE)
        .annotate(
            load=Count(
                "user__relationship_roles",
                filter=Q(
                    user__relationship_roles__role=Participant.Role.MENTOR,
                    user__relationship_roles__relationship__cohort=cohort,
                    user__relationship_roles__relationship__status__in=OPEN_STATUSES,
                ),
                distinct=True,
            )
        )
        .order_by("pk")
    )


def mentees_of(cohort, memberships: QuerySet[Membership] | None = None) -> QuerySet[Membership]:
    qs = memberships if memberships is not None else Membership.objects.filter(cohort=cohort)
    return (
        qs.filter(role__in=[Role.MENTEE, Role.BOTH], status__in=[Status.APPROVED, Status.ACTIVE])
        .select_related("user", "track")
        .prefetch_related(*_PEOPLE)
        .order_by("pk")
    )
