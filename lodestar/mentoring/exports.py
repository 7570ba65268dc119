from .models import Relationship


def export_member_data(user) -> list[dict]:
    relationships = (
        Relationship.objects.filter(participants__user=user)
        .select_related("program", "cohort")
        .prefetch_related("participants__user__profile", "events")
    )
    return [
        {
            "program": r.program.name,
            "cohort": r.cohort.name,
            "kind": r.kind,
            "status": r.status,
            "started_on": r.started_on.isoformat(),
            "ended_on": r.ended_on.isoformat() if r.ended_on else None,
            "with": [p.user.name for p in r.participants.all() if p.user_id != user.pk],
            "timeline": [
                {"to": e.to_status, "at": e.created_at.isoformat(), "note": e.note}
                for e in r.events.all()
            ],
        }
        for r in relationships
    ]
