"""CSV exports of a program's records for its coordinators.

What is left out on purpose: private notes, journal entries, shared session notes, check-in
free text, message bodies, and every per-person demographic answer (equity is aggregate only).
Each export runs a fixed number of queries and streams rows from an iterator.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from lodestar.feedback.models import Answer
from lodestar.mentoring.models import Goal, Participant, Relationship, SessionLog
from lodestar.mentoring.states import Status as RelStatus
from lodestar.programs.models import Cohort, Membership, Program
from lodestar.programs.states import Status

from .models import Alert

APPLICATION_STATUSES = [Status.APPLIED, Status.WAITLISTED, Status.DECLINED]


@dataclass
class Filters:
    cohort: Cohort | None = None
    status: str = ""


def _dt(value) -> str:
    return value.isoformat() if value else ""


def _people(rel: Relationship, mentor: bool) -> str:
    return "; ".join(p.user.name for p in rel.participants.all() if (p.role == "mentor") == mentor)


def members(program: Program, f: Filters, applications: bool = False):
    qs: QuerySet[Membership] = program.memberships.select_related(
        "user__profile", "cohort", "track"
    ).order_by("cohort__starts_on", "created_at", "pk")
    if applications:
        qs = qs.filter(status__in=APPLICATION_STATUSES)
    if f.cohort:
        qs = qs.filter(cohort=f.cohort)
    if f.status:
        qs = qs.filter(status=f.status)
    header = [
        "membership_id", "name", "email", "role", "status", "cohort", "track", "capacity",
        "applied_at", "status_changed_at",
    ]  # fmt: skip

    def rows():
        for m in qs.iterator(chunk_size=2000):
            yield [
                m.pk, m.user.name, m.user.email, m.role, m.status, m.cohort.name, m.track.name,
                m.capacity or "", _dt(m.created_at), _dt(m.status_changed_at),
            ]  # fmt: skip

    return header, rows()


def applications(program: Program, f: Filters):
    return members(program, f, applications=True)


def relationships(program: Program, f: Filters):
    qs = (
        program.relationships.select_related("cohort", "track")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.select_related("user__profile"),
            )
        )
        .order_by("pk")
    )
    if f.cohort:
        qs = qs.filter(cohort=f.cohort)
    if f.status:
        qs = qs.filter(status=f.status)
    header = [
        "relationship_id", "cohort", "track", "kind", "source", "status", "mentors", "mentees",
        "started_on", "ended_on", "end_reason", "session_count", "last_touchpoint_at",
        "match_score",
    ]  # fmt: skip

    def rows():
        for r in qs.iterator(chunk_size=2000):
            yield [
                r.pk, r.cohort.name, r.track.name, r.kind, r.source, r.status,
                _people(r, True), _people(r, False), _dt(r.started_on), _dt(r.ended_on),
                r.end_reason, r.session_count, _dt(r.last_touchpoint_at),
                "" if r.match_score is None else round(r.match_score, 3),
            ]  # fmt: skip

    return header, rows()


def sessions(program: Program, f: Filters):
    # Metadata only: shared notes and next steps belong to the pair.
    qs = (
        SessionLog.objects.filter(relationship__program=program)
        .select_related("relationship__cohort")
        .order_by("occurred_at", "pk")
    )
    if f.cohort:
        qs = qs.filter(relationship__cohort=f.cohort)
    if f.status:
        qs = qs.filter(relationship__status=f.status)
    header = [
        "session_id", "relationship_id", "cohort", "occurred_at", "duration_minutes", "format",
        "confirmed_at",
    ]  # fmt: skip

    def rows():
        for s in qs.iterator(chunk_size=5000):
            yield [
                s.pk, s.relationship_id, s.relationship.cohort.name, _dt(s.occurred_at),
                s.duration_minutes, s.format, _dt(s.confirmed_at),
            ]  # fmt: skip

    return header, rows()


def goals(program: Program, f: Filters):
    qs = (
        Goal.objects.filter(relationship__program=program)
        .select_related("relationship__cohort", "owner__profile")
        .order_by("relationship_id", "pk")
    )
    if f.cohort:
        qs = qs.filter(relationship__cohort=f.cohort)
    if f.status:
        qs = qs.filter(status=f.status)
    header = [
        "goal_id", "relationship_id", "cohort", "owner", "title", "status", "progress",
        "target_date", "created_at",
    ]  # fmt: skip

    def rows():
        for g in qs.iterator(chunk_size=2000):
            yield [
                g.pk, g.relationship_id, g.relationship.cohort.name, g.owner.name, g.title,
                g.status, g.progress, _dt(g.target_date), _dt(g.created_at),
            ]  # fmt: skip

    return header, rows()


def survey_responses(program: Program, f: Filters):
    # One row per answer, with a response number rather than the respondent's identity.
    qs = (
        Answer.objects.filter(question__survey__program=program)
        .select_related("question__survey", "response__round")
        .order_by("response_id", "question__order", "question_id")
    )
    if f.cohort:
        qs = qs.filter(
            response__user_id__in=Membership.objects.filter(cohort=f.cohort).values("user_id")
        )
    header = [
        "response_id", "survey", "round", "submitted_at", "question", "kind", "answer", "tags",
    ]  # fmt: skip

    def rows():
        for a in qs.iterator(chunk_size=5000):
            value = a.value
            if isinstance(value, list):
                value = "; ".join(str(v) for v in value)
            yield [
                a.response_id, a.question.survey.title, a.response.round.key,
                _dt(a.response.submitted_at), a.question.text, a.question.kind, value, a.tags,
            ]  # fmt: skip

    return header, rows()


def alerts(program: Program, f: Filters):
    qs = (
        Alert.objects.filter(program=program)
        .select_related("relationship__cohort", "handled_by__profile")
        .order_by("-created_at", "-pk")
    )
    if f.cohort:
        qs = qs.filter(relationship__cohort=f.cohort)
    if f.status:
        qs = qs.filter(status=f.status)
    header = [
        "alert_id", "kind", "status", "relationship_id", "cohort", "detail", "notes",
        "handled_by", "created_at",
    ]  # fmt: skip

    def rows():
        for a in qs.iterator(chunk_size=2000):
            yield [
                a.pk, a.kind, a.status, a.relationship_id or "",
                a.relationship.cohort.name if a.relationship else "", a.detail, a.notes,
                a.handled_by.name if a.handled_by else "", _dt(a.created_at),
            ]  # fmt: skip

    return header, rows()


# what -> (label, builder, valid statuses for ?status=)
EXPORTS: dict[str, tuple[str, Callable[[Program, Filters], tuple[list, Iterable]], list]] = {
    "members": (_("Members"), members, list(Status.values)),
    "applications": (_("Applications"), applications, APPLICATION_STATUSES),
    "relationships": (
        _("Relationships"),
        relationships,
        list(RelStatus.values),
    ),
    "sessions": (_("Sessions"), sessions, list(RelStatus.values)),
    "goals": (_("Goals"), goals, list(Goal.Status.values)),
    "survey_responses": (_("Survey responses"), survey_responses, []),
    "alerts": (_("Alerts"), alerts, list(Alert.Status.values)),
}


def statuses_for(what: str) -> list[str]:
    return [str(s) for s in EXPORTS[what][2]]
