"""Generated program activity for the insight tests: pairs with sessions, pulses, ratings,
self-assessments, survey answers, requests and skills."""

import datetime as dt

from django.utils import timezone

from lodestar.accounts.models import Skill, SkillCategory, UserSkill
from lodestar.feedback.models import Answer, Question, Response, Round, SessionRating, Survey
from lodestar.matching.models import MatchRequest
from lodestar.mentoring.figures import rebuild as rebuild_figures
from lodestar.mentoring.models import (
    Agreement,
    CheckIn,
    Participant,
    Relationship,
    SessionLog,
    SkillAssessment,
)
from lodestar.programs.models import Membership, Role

from .conftest import make_user


def populate(program, n: int, start: int = 0, status: str = "active") -> list[Relationship]:
    cohort, track = program.cohorts.first(), program.tracks.get(kind="intermediate")
    category, _ = SkillCategory.objects.get_or_create(name="Insight skills")
    python, _ = Skill.objects.get_or_create(name="Python", defaults={"category": category})
    survey, _ = Survey.objects.get_or_create(program=program, title="Pulse", status="open")
    nps_q, _ = Question.objects.get_or_create(survey=survey, kind="nps", text="Recommend?")
    scale_q, _ = Question.objects.get_or_create(survey=survey, kind="scale", text="Useful?")
    now = timezone.now()
    rnd, _ = Round.objects.get_or_create(
        survey=survey, key="once", defaults={"closes_at": now + dt.timedelta(days=7)}
    )
    made = []
    for i in range(start, start + n):
        mentor = make_user(f"gm{program.pk}-{i}@example.org", f"Gen Mentor {i}")
        mentee = make_user(f"ge{program.pk}-{i}@example.org", f"Gen Mentee {i}")
        for user, role in ((mentor, Role.MENTOR), (mentee, Role.MENTEE)):
            Membership.objects.create(
                user=user, program=program, cohort=cohort, track=track, role=role,
                status="active", capacity=2 if role == Role.MENTOR else None,
            )  # fmt: skip
        UserSkill.objects.create(user=mentee, skill=python, kind="want", level=2, target_level=4)
        UserSkill.objects.create(user=mentor, skill=python, kind="have", level=5)
        rel = Relationship.objects.create(
            program=program, cohort=cohort, track=track, status=status,
            started_on=timezone.localdate() - dt.timedelta(days=70), match_score=0.5 + i % 5 / 10,
            session_count=i % 4, end_reason="Moved away" if status == "ended" else "",
            ended_on=timezone.localdate() if status in ("ended", "completed") else None,
        )  # fmt: skip
        Participant.objects.create(relationship=rel, user=mentor, role="mentor")
        Participant.objects.create(relationship=rel, user=mentee, role="mentee")
        Agreement.objects.create(
            relationship=rel, version=1, objectives="o", success_measures="s",
            starts_on=rel.started_on, ends_on=rel.started_on + dt.timedelta(days=90),
            cadence_days=14, accepted_at=now - dt.timedelta(days=60),
        )  # fmt: skip
        session = SessionLog.objects.create(
            relationship=rel, logged_by=mentor, occurred_at=now - dt.timedelta(days=50),
            duration_minutes=60, format="video", shared_notes="SECRET SHARED NOTE",
        )  # fmt: skip
        SessionRating.objects.create(session=session, user=mentee, rating=4 + i % 2)
        CheckIn.objects.create(
            relationship=rel, author=mentee, rating=3 + i % 3, meeting_as_agreed="yes",
            comment="SECRET PULSE COMMENT", good_fit=i % 3 != 0,
        )  # fmt: skip
        for stage, level in (("start", 2), ("midpoint", 3), ("close", 4)):
            SkillAssessment.objects.create(
                relationship=rel, mentee=mentee, assessor=mentee, skill=python,
                stage=stage, level=level,
            )  # fmt: skip
        response = Response.objects.create(round=rnd, user=mentee)
        Answer.objects.create(response=response, question=nps_q, value=9 if i % 2 else 6)
        Answer.objects.create(response=response, question=scale_q, value=4)
        MatchRequest.objects.create(
            program=program,
            mentee=mentee.memberships.get(program=program),
            mentor=mentor.memberships.get(program=program),
            note="please",
            status="accepted" if i % 2 else "pending",
        )
        made.append(rel)
    # The figures the services keep (first session, agreement date, monthly tallies); the
    # touchpoint buckets keep the varied counts set above.
    rebuild_figures(Relationship.objects.filter(pk__in=[r.pk for r in made]))
    for rel in made:
        Relationship.objects.filter(pk=rel.pk).update(session_count=rel.session_count)
    return made
