"""The API's typed shapes; the OpenAPI document generated from them is the contract."""

from datetime import date, datetime, time
from typing import Annotated, Any

from django.db import models
from ninja import Field, Schema
from ninja.openapi.schema import REF_TEMPLATE
from pydantic import BeforeValidator, StrictStr, WithJsonSchema

from lodestar.accounts.choices import (
    ConversationMode,
    FeedbackStyle,
    Format,
    LearningStyle,
    MeetingStructure,
    Proficiency,
    SkillKind,
)
from lodestar.programs.intake import MAX_TEXT
from lodestar.programs.models import Audience, IntakeQuestion, Program, Role, Track
from lodestar.programs.states import Status

# The most rows one page of a list endpoint returns, whatever `limit` asks for.
MAX_LIMIT = 100
# The largest primary key the database holds; a bigger id is a 422, not a database error.
MAX_ID = 2**63 - 1
# PostgreSQL stores no NUL character in text or JSON, so none is accepted.
NO_NUL = r"^[^\x00]*$"


def _json_integer(value: Any) -> Any:
    # JSON Schema's "integer": 3 and 3.0, but not "3" or true, which pydantic would also take.
    if isinstance(value, str | bool):
        raise ValueError("Input should be a valid integer")
    return value


# Bounds go before the validator: after it, pydantic writes them as "ge"/"le", which JSON Schema
# does not know, and the document would lose them.
JsonInt = Annotated[int, BeforeValidator(_json_integer)]
Id = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(_json_integer)]
Capacity = Annotated[int, Field(ge=1, le=20), BeforeValidator(_json_integer)]


def choices(enum: type[models.TextChoices], title: str) -> Any:
    """`enum`, documented inline under `title`. OpenAPI components are named after the class, so
    two nested `Status` (or `Kind`) classes would share one component; the API refuses that."""
    return Annotated[enum, WithJsonSchema({"type": "string", "enum": enum.values, "title": title})]


def _or_none(value: str) -> str | None:
    # Blank choice fields mean "not answered"; the API says so with null.
    return value or None


class LanguageOut(Schema):
    language: str
    proficiency: Proficiency


class AvailabilityOut(Schema):
    weekday: int
    start: time
    end: time


class SkillOut(Schema):
    skill: str
    skill_slug: str
    kind: SkillKind
    level: int
    target_level: int | None


class CompletenessOut(Schema):
    percent: int
    missing: list[str]


class MeOut(Schema):
    email: str
    display_name: str
    pronouns: str
    headline: str
    bio: str
    affiliation: str
    location: str
    time_zone: str | None
    objectives: str
    meeting_structure: MeetingStructure | None
    feedback_style: FeedbackStyle | None
    conversation_mode: ConversationMode | None
    learning_style: LearningStyle | None
    formats: list[Format]
    links: list[str]
    languages: list[LanguageOut]
    availability: list[AvailabilityOut]
    skills: list[SkillOut]
    completeness: CompletenessOut

    @classmethod
    def from_user(cls, user) -> "MeOut":
        profile = user.profile
        percent, missing = profile.completeness()
        return cls(
            email=user.email,
            display_name=profile.display_name,
            pronouns=profile.pronouns,
            headline=profile.headline,
            bio=profile.bio,
            affiliation=profile.affiliation,
            location=profile.location,
            time_zone=_or_none(user.time_zone),
            objectives=profile.objectives,
            meeting_structure=_or_none(profile.meeting_structure),
            feedback_style=_or_none(profile.feedback_style),
            conversation_mode=_or_none(profile.conversation_mode),
            learning_style=_or_none(profile.learning_style),
            # Older rows may hold a format since removed from the vocabulary.
            formats=[f for f in profile.formats if f in Format.values],
            links=profile.links,
            languages=[
                LanguageOut(language=lang.language, proficiency=lang.proficiency)
                for lang in user.languages.all()
            ],
            availability=[
                AvailabilityOut(weekday=w.weekday, start=w.start, end=w.end)
                for w in user.availability.all()
            ],
            skills=[
                SkillOut(
                    skill=s.skill.name,
                    skill_slug=s.skill.slug,
                    kind=s.kind,
                    level=s.level,
                    target_level=s.target_level,
                )
                for s in user.skills.all()
            ],
            completeness=CompletenessOut(percent=percent, missing=missing),
        )


class ProgramRef(Schema):
    slug: str
    name: str


class CohortRef(Schema):
    id: int
    name: str


class TrackOut(Schema):
    id: int
    name: str
    kind: Track.Kind
    description: str


class TrackRef(Schema):
    id: int
    name: str
    kind: Track.Kind


class MyMembershipOut(Schema):
    id: int
    program: ProgramRef
    cohort: CohortRef
    track: TrackRef
    role: Role
    status: Status
    capacity: int | None
    applied_at: datetime
    status_changed_at: datetime

    @staticmethod
    def resolve_applied_at(obj) -> datetime:
        return obj.created_at


class ProgramOut(Schema):
    slug: str
    name: str
    status: Program.ProgramStatus
    admission: Program.Admission
    matching_mode: Program.MatchingMode
    description: str


class CohortOut(Schema):
    id: int
    name: str
    applications_open: date
    applications_close: date
    starts_on: date
    ends_on: date
    accepting_applications: bool

    @staticmethod
    def resolve_accepting_applications(obj) -> bool:
        return obj.is_accepting()


class ProgramDetailOut(ProgramOut):
    objectives: str
    success_measures: str
    default_mentor_capacity: int
    tracks: list[TrackOut]
    cohorts: list[CohortOut]


class MemberRef(Schema):
    id: int
    email: str
    display_name: str

    @staticmethod
    def resolve_display_name(obj) -> str:
        return obj.name


class MembershipOut(Schema):
    id: int
    user: MemberRef
    cohort: CohortRef
    track: TrackRef
    role: Role
    status: Status
    capacity: int | None
    applied_at: datetime
    status_changed_at: datetime

    @staticmethod
    def resolve_applied_at(obj) -> datetime:
        return obj.created_at


# Errors. Every endpoint documents the ones it may answer: the document is the whole contract.


class ErrorOut(Schema):
    """401 and 404 carry one message; a 400 from a service lists every problem found."""

    detail: str | list[str]


class ValidationIssue(Schema):
    type: str
    loc: list[str | int]
    msg: str


class ValidationErrorOut(Schema):
    """A 422: the request does not match its documented shape; `loc` says where."""

    detail: list[ValidationIssue]


def component(schema: dict, model: type[Schema]) -> dict:
    """Add `model` to an OpenAPI document's components (if missing) and return its $ref."""
    definition = model.model_json_schema(ref_template=REF_TEMPLATE)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name, nested in definition.pop("$defs", {}).items():
        components.setdefault(name, nested)
    components.setdefault(model.__name__, definition)
    return {"$ref": REF_TEMPLATE.format(model=model.__name__)}


# Writes.

AnswerText = Annotated[StrictStr, Field(max_length=max(MAX_TEXT.values()), pattern=NO_NUL)]
AnswerChoices = Annotated[list[AnswerText], Field(max_length=100)]
QuestionKey = Annotated[str, Field(pattern=r"^[0-9]{1,18}$")]


class ApplicationIn(Schema):
    cohort_id: Id
    track_id: Id
    role: Role
    capacity: Capacity | None = Field(
        None, description="Mentors only: how many mentees at once (default: the program's)."
    )
    answers: dict[QuestionKey, AnswerText | JsonInt | AnswerChoices | None] = Field(
        default_factory=dict,
        max_length=200,
        # Keys are question ids: a key of another shape is invalid, not ignored.
        json_schema_extra={"additionalProperties": False},
        description="Answers keyed by question id (see the program's questions): text, a "
        "choice, a list of choices, or 1-5 for a scale.",
    )

    def answers_by_question(self) -> dict[int, Any]:
        return {int(qid): value for qid, value in self.answers.items()}


class TransitionIn(Schema):
    status: Status
    note: Annotated[StrictStr, Field(max_length=2000, pattern=NO_NUL)] = ""


QuestionKind = choices(IntakeQuestion.Kind, "QuestionKind")


class QuestionOut(Schema):
    id: int
    text: str
    help_text: str
    kind: QuestionKind
    options: list[str]
    required: bool
    audience: Audience

    @staticmethod
    def resolve_options(obj) -> list[str]:
        # Stored as JSON; older rows may hold numbers, which read as their text.
        return [str(option) for option in obj.options]
