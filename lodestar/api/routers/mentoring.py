"""Relationships, goals, sessions and check-ins: what the pages show, with the same privacy.

Participants read their relationship and write what the pages let them write; the program's
coordinators read agreement, goals, session metadata and check-in scores, never private notes,
journals or the pair's session notes.
"""

from datetime import date, datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from lodestar.accounts.models import Skill
from lodestar.mentoring import checkins as checkin_services
from lodestar.mentoring import goals as goal_services
from lodestar.mentoring import sessions as session_services
from lodestar.mentoring.access import (
    get_relationship_for,
    program_relationships,
    relationships_of,
    viewer_of,
)
from lodestar.mentoring.listing import filter_relationships
from lodestar.mentoring.models import (
    Agreement,
    CheckIn,
    Goal,
    GoalMilestone,
    Relationship,
    SessionLog,
)
from lodestar.mentoring.states import Status as RelationshipStatus
from lodestar.programs.access import get_program_for, is_coordinator

from ..pagination import Pagination
from ..schemas import MAX_ID, MAX_LIMIT, NO_NUL, ErrorOut, ValidationErrorOut, choices

router = Router(tags=["mentoring"])

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Slug = Annotated[str, Path(max_length=60, pattern=r"^[a-z0-9][a-z0-9-]*$")]
ERRORS = {400: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


class PersonOut(Schema):
    name: str
    role: str


class AgreementOut(Schema):
    version: int
    objectives: str
    success_measures: str
    starts_on: date
    ends_on: date
    cadence: choices(Agreement.Cadence, "Cadence")
    cadence_days: int
    meeting_minutes: int
    channels: str
    boundaries: str
    confidentiality: str
    accepted_at: datetime | None


class RelationshipOut(Schema):
    id: int
    program: str = Field(alias="program.slug")
    cohort: str = Field(alias="cohort.name")
    track: str = Field(alias="track.name")
    kind: choices(Relationship.Kind, "RelationshipKind")
    status: choices(RelationshipStatus, "RelationshipStatus")
    started_on: date
    ended_on: date | None
    session_count: int
    last_touchpoint_at: datetime | None
    needs_attention: bool
    attention_reason: str
    people: list[PersonOut]

    # Why a relationship needs attention can reveal a participant's check-in answer: only the
    # program's coordinators get it.
    @staticmethod
    def resolve_needs_attention(obj: Relationship, context) -> bool:
        return obj.needs_attention and is_coordinator(context["request"].user, obj.program)

    @staticmethod
    def resolve_attention_reason(obj: Relationship, context) -> str:
        if is_coordinator(context["request"].user, obj.program):
            return obj.attention_reason
        return ""

    @staticmethod
    def resolve_people(obj: Relationship) -> list[dict]:
        return [{"name": p.user.name, "role": p.role} for p in obj.participants.all()]


class RelationshipDetailOut(RelationshipOut):
    agreement: AgreementOut | None


class MilestoneOut(Schema):
    id: int
    title: str
    due_on: date | None
    done: bool

    @staticmethod
    def resolve_done(obj) -> bool:
        return obj.done_at is not None


class GoalOut(Schema):
    id: int
    owner: str = Field(alias="owner.name")
    title: str
    description: str
    success_criteria: str
    target_date: date | None
    status: choices(Goal.Status, "GoalStatus")
    progress: int
    skills: list[str]
    milestones: list[MilestoneOut]

    @staticmethod
    def resolve_skills(obj: Goal) -> list[str]:
        return [s.name for s in obj.skills.all()]

    @staticmethod
    def resolve_progress(obj: Goal) -> int:
        return goal_services.progress_percent(obj, obj.relationship.program.goal_progress)


class SessionOut(Schema):
    id: int
    occurred_at: datetime
    duration_minutes: int
    format: choices(SessionLog.Format, "SessionFormat")
    topics: list[str]
    confirmed: bool
    # Empty for coordinators: the notes belong to the pair.
    shared_notes: str
    next_steps: str


class CheckInOut(Schema):
    id: int
    author: str
    created_at: datetime
    rating: int
    meeting_as_agreed: choices(CheckIn.Meeting, "MeetingAsAgreed")
    good_fit: bool | None
    blockers: str
    comment: str


class RelationshipFilter(Schema):
    status: choices(RelationshipStatus, "RelationshipStatusFilter") | None = None
    attention: bool = False


def _agreement_in_force(relationship: Relationship) -> Agreement | None:
    return relationship.agreements.filter(accepted_at__isnull=False).order_by("-version").first()


@router.get(
    "/relationships",
    response={200: list[RelationshipOut], 422: ValidationErrorOut},
    summary="My relationships",
)
@paginate(Pagination, max_limit=MAX_LIMIT)
def my_relationships(request: HttpRequest):
    return relationships_of(request.user).order_by("-started_on", "-id")


@router.get(
    "/programs/{slug}/relationships",
    response={200: list[RelationshipOut], **ERRORS},
    summary="A program's relationships, optionally only one status or those needing attention "
    "(coordinators)",
)
@paginate(Pagination, max_limit=MAX_LIMIT)
def program_list(request: HttpRequest, slug: Slug, filters: Query[RelationshipFilter]):
    program = get_program_for(request.user, slug, manage=True)
    return filter_relationships(
        program_relationships(program), {"status": filters.status, "attention": filters.attention}
    )


@router.get(
    "/relationships/{id}",
    response={200: RelationshipDetailOut, **ERRORS},
    summary="A relationship with the agreement in force",
)
def relationship_detail(request: HttpRequest, id: Id):
    relationship = get_relationship_for(request.user, id)
    relationship.agreement = _agreement_in_force(relationship)
    return relationship


@router.get(
    "/relationships/{id}/goals",
    response={200: list[GoalOut], **ERRORS},
    summary="The relationship's goals with their milestones",
)
def goals(request: HttpRequest, id: Id):
    return _goals(get_relationship_for(request.user, id))


def _goals(relationship: Relationship):
    return (
        relationship.goals.select_related("owner__profile", "relationship__program")
        .prefetch_related("skills", "milestones")
        .order_by("created_at", "id")
    )


@router.get(
    "/relationships/{id}/sessions",
    response={200: list[SessionOut], **ERRORS},
    summary="Logged sessions, newest first (coordinators get the metadata only)",
)
@paginate(Pagination, max_limit=MAX_LIMIT)
def sessions(request: HttpRequest, id: Id):
    relationship = get_relationship_for(request.user, id)
    participant = viewer_of(relationship, request.user).is_participant
    rows = relationship.sessions.prefetch_related("topics").order_by("-occurred_at", "-id")
    return [_session_row(s, participant) for s in rows]


def _session_row(s: SessionLog, participant: bool) -> dict:
    return {
        "id": s.pk,
        "occurred_at": s.occurred_at,
        "duration_minutes": s.duration_minutes,
        "format": s.format,
        "topics": [t.name for t in s.topics.all()],
        "confirmed": s.confirmed_at is not None,
        "shared_notes": s.shared_notes if participant else "",
        "next_steps": s.next_steps if participant else "",
    }


@router.get(
    "/relationships/{id}/checkins",
    response={200: list[CheckInOut], **ERRORS},
    summary="Check-ins: a participant reads their own, coordinators read everyone's",
)
@paginate(Pagination, max_limit=MAX_LIMIT)
def checkins(request: HttpRequest, id: Id):
    relationship = get_relationship_for(request.user, id)
    rows = relationship.checkins.select_related("author__profile").order_by("-created_at", "-id")
    if not viewer_of(relationship, request.user).is_coordinator:
        rows = rows.filter(author=request.user)
    return [_checkin_row(c) for c in rows]


def _checkin_row(c: CheckIn) -> dict:
    return {
        "id": c.pk,
        "author": c.author.name,
        "created_at": c.created_at,
        "rating": c.rating,
        "meeting_as_agreed": c.meeting_as_agreed,
        "good_fit": c.good_fit,
        "blockers": c.blockers,
        "comment": c.comment,
    }


# Writing: the pair only, through the services the pages use. ---------------------------------


class GoalIn(Schema):
    title: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    description: str = Field("", max_length=3000, pattern=NO_NUL)
    success_criteria: str = Field("", max_length=2000, pattern=NO_NUL)
    target_date: date | None = None
    skill_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        default_factory=list, max_length=20
    )


class MilestoneDoneIn(Schema):
    done: bool


class SessionIn(Schema):
    occurred_at: datetime
    duration_minutes: int = Field(ge=5, le=480)
    format: choices(SessionLog.Format, "SessionFormatIn")
    topic_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        default_factory=list, max_length=20
    )
    shared_notes: str = Field("", max_length=5000, pattern=NO_NUL)
    next_steps: str = Field("", max_length=2000, pattern=NO_NUL)


class CheckInIn(Schema):
    rating: int = Field(ge=1, le=5)
    meeting_as_agreed: choices(CheckIn.Meeting, "MeetingAsAgreedIn")
    blockers: str = Field("", max_length=1000, pattern=NO_NUL)
    comment: str = Field("", max_length=2000, pattern=NO_NUL)
    good_fit: bool | None = None


def _skills(ids: list[int]) -> list[Skill]:
    found = list(Skill.objects.filter(pk__in=ids, is_active=True))
    if len(found) != len(set(ids)):
        raise ValidationError(_("Choose skills from the skills list."))
    return found


def _goal_out(relationship: Relationship, goal_id: int) -> Goal:
    return _goals(relationship).get(pk=goal_id)


def _session_out(session: SessionLog) -> dict:
    return _session_row(session, participant=True)


@router.post(
    "/relationships/{id}/goals",
    response={201: GoalOut, **ERRORS},
    summary="Add a goal (mentees: goals are theirs)",
)
def add_goal(request: HttpRequest, id: Id, payload: GoalIn):
    relationship = get_relationship_for(request.user, id, participate=True)
    data = payload.dict(exclude={"skill_ids"})
    made = goal_services.create_goal(
        relationship, request.user, skills=_skills(payload.skill_ids), **data
    )
    return Status(201, _goal_out(relationship, made.pk))


@router.post(
    "/relationships/{id}/goals/{goal_id}/milestones/{milestone_id}",
    response={200: GoalOut, **ERRORS},
    summary="Mark a milestone of my goal done or not done",
)
def milestone_done(
    request: HttpRequest, id: Id, goal_id: Id, milestone_id: Id, payload: MilestoneDoneIn
):
    relationship = get_relationship_for(request.user, id, participate=True)
    milestone = get_object_or_404(
        GoalMilestone, pk=milestone_id, goal_id=goal_id, goal__relationship=relationship
    )
    goal_services.set_milestone_done(milestone, request.user, payload.done)
    return _goal_out(relationship, goal_id)


@router.post(
    "/relationships/{id}/sessions",
    response={201: SessionOut, **ERRORS},
    summary="Log a session; the other side confirms it",
)
def log_session(request: HttpRequest, id: Id, payload: SessionIn):
    relationship = get_relationship_for(request.user, id, participate=True)
    session = session_services.log_session(
        relationship,
        request.user,
        occurred_at=payload.occurred_at,
        duration_minutes=payload.duration_minutes,
        format=payload.format,
        topics=_skills(payload.topic_ids),
        shared_notes=payload.shared_notes,
        next_steps=payload.next_steps,
    )
    return Status(201, _session_out(session))


@router.post(
    "/relationships/{id}/sessions/{session_id}/confirm",
    response={200: SessionOut, **ERRORS},
    summary="Confirm a session the other side logged",
)
def confirm_session(request: HttpRequest, id: Id, session_id: Id):
    relationship = get_relationship_for(request.user, id, participate=True)
    session = get_object_or_404(SessionLog, pk=session_id, relationship=relationship)
    return _session_out(session_services.confirm_session(session, request.user))


@router.post(
    "/relationships/{id}/checkins",
    response={201: CheckInOut, **ERRORS},
    summary="Answer my check-in (how it is going, are we meeting as agreed)",
)
def add_checkin(request: HttpRequest, id: Id, payload: CheckInIn):
    relationship = get_relationship_for(request.user, id, participate=True)
    made = checkin_services.submit_checkin(relationship, request.user, **payload.dict())
    return Status(201, _checkin_row(made))
