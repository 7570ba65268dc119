from .models import Invitation, Membership


def export_member_data(user) -> list[dict]:
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("program", "cohort", "track")
        .prefetch_related("answers__question", "transitions", "onboarding_done__item")
    )
    return [
        {
            "program": m.program.name,
            "cohort": m.cohort.name,
            "track": m.track.name,
            "role": m.role,
            "status": m.status,
            "capacity": m.capacity,
            "applied_at": m.created_at.isoformat(),
            "answers": [{"question": a.question.text, "answer": a.value} for a in m.answers.all()],
            "status_history": [
                {"from": t.from_status, "to": t.to_status, "at": t.created_at.isoformat()}
                for t in m.transitions.all()
            ],
            "onboarding_done": [c.item.text for c in m.onboarding_done.all()],
        }
        for m in memberships
    ]


def erase_member_data(user, names: list[str]) -> None:
    """Invitations carry the member's address; their memberships go with the account."""
    Invitation.objects.filter(email__iexact=user.email).delete()
