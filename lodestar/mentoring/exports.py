"""A member's mentoring data for their self-service export: everything they wrote or that is
about them, relationship by relationship. Anonymous concerns are not theirs to export: nothing
links them to the member."""

from .models import (
    ActionItem,
    CheckIn,
    Closure,
    Concern,
    Goal,
    Message,
    PrivateNote,
    Reflection,
    Relationship,
    SessionLog,
    SkillAssessment,
    Win,
)


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export_member_data(user) -> list[dict]:
    relationships = (
        Relationship.objects.filter(participants__user=user)
        .select_related("program", "cohort")
        .prefetch_related("participants__user__profile", "events", "agreements")
    )
    return [
        {
            "program": r.program.name,
            "cohort": r.cohort.name,
            "kind": r.kind,
            "status": r.status,
            "started_on": _iso(r.started_on),
            "ended_on": _iso(r.ended_on),
            "with": [p.user.name for p in r.participants.all() if p.user_id != user.pk],
            "timeline": [
                {"to": e.to_status, "at": _iso(e.created_at), "note": e.note}
                for e in r.events.all()
            ],
            "agreements": [
                {
                    "version": a.version,
                    "objectives": a.objectives,
                    "success_measures": a.success_measures,
                    "starts_on": _iso(a.starts_on),
                    "ends_on": _iso(a.ends_on),
                    "cadence": a.cadence,
                    "accepted_at": _iso(a.accepted_at),
                }
                for a in r.agreements.all()
            ],
            **_written_in(r, user),
        }
        for r in relationships
    ]


def _written_in(relationship: Relationship, user) -> dict:
    goals = Goal.objects.filter(relationship=relationship, owner=user).prefetch_related(
        "milestones", "skills"
    )
    sessions = SessionLog.objects.filter(relationship=relationship).prefetch_related("topics")
    return {
        "goals": [
            {
                "title": g.title,
                "description": g.description,
                "success_criteria": g.success_criteria,
                "target_date": _iso(g.target_date),
                "status": g.status,
                "skills": [s.name for s in g.skills.all()],
                "milestones": [
                    {"title": m.title, "due_on": _iso(m.due_on), "done_at": _iso(m.done_at)}
                    for m in g.milestones.all()
                ],
            }
            for g in goals
        ],
        "sessions": [
            {
                "occurred_at": _iso(s.occurred_at),
                "duration_minutes": s.duration_minutes,
                "format": s.format,
                "topics": [t.name for t in s.topics.all()],
                "shared_notes": s.shared_notes,
                "next_steps": s.next_steps,
                "logged_by_me": s.logged_by_id == user.pk,
            }
            for s in sessions
        ],
        "private_notes": [
            {"session": _iso(n.session.occurred_at), "body": n.body}
            for n in PrivateNote.objects.filter(
                session__relationship=relationship, author=user
            ).select_related("session")
        ],
        "action_items": [
            {"title": a.title, "due_on": _iso(a.due_on), "done_at": _iso(a.done_at)}
            for a in ActionItem.objects.filter(relationship=relationship, assignee=user)
        ],
        "messages": [
            {"at": _iso(m.created_at), "body": m.body}
            for m in Message.objects.filter(relationship=relationship, author=user)
        ],
        "reflections": [
            {"at": _iso(x.created_at), "prompt": x.prompt, "body": x.body, "shared": x.shared}
            for x in Reflection.objects.filter(relationship=relationship, author=user)
        ],
        "wins": [
            {"at": _iso(w.created_at), "title": w.title, "body": w.body, "on_wall": w.on_wall}
            for w in Win.objects.filter(relationship=relationship, author=user)
        ],
        "check_ins": [
            {
                "at": _iso(c.created_at),
                "rating": c.rating,
                "meeting_as_agreed": c.meeting_as_agreed,
                "blockers": c.blockers,
                "comment": c.comment,
                "good_fit": c.good_fit,
            }
            for c in CheckIn.objects.filter(relationship=relationship, author=user)
        ],
        "skill_assessments": [
            {
                "skill": a.skill.name,
                "stage": a.stage,
                "level": a.level,
                "by_me": a.assessor_id == user.pk,
                "assessed_on": _iso(a.assessed_on),
            }
            for a in SkillAssessment.objects.filter(
                relationship=relationship, mentee=user
            ).select_related("skill")
        ],
        "closure": [
            {
                "objectives_met": c.objectives_met,
                "reflection": c.reflection,
                "mentor_next_time": c.mentor_next_time,
            }
            for c in Closure.objects.filter(relationship=relationship, user=user)
        ],
        "concerns_reported": [
            {"on": _iso(c.reported_on), "category": c.category, "body": c.body}
            for c in Concern.objects.filter(relationship=relationship, reporter=user)
        ],
    }
