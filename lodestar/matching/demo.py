"""Demo relationships and requests on top of the demo community (called by seed_demo)."""

import random

from django.utils import timezone

from lodestar.mentoring.models import Participant, Relationship, RelationshipEvent
from lodestar.mentoring.states import Status as RelationshipStatus
from lodestar.programs.models import Membership, Program, Role
from lodestar.programs.states import Status

from .models import MatchingSettings, MatchRequest

NOTES = [
    "I want to grow in data visualization and your work is exactly what I admire.",
    "Your path from analyst to lead is the one I hope to take.",
    "You mentioned coaching new analysts; I would love that kind of support.",
]


def seed_matches(rng: random.Random, mentor_email: str, mentee_email: str) -> dict[str, int]:
    relationships, requests = 0, 0
    for program in Program.objects.all():
        MatchingSettings.objects.get_or_create(program=program)
    cohorts = {
        m.cohort for m in Membership.objects.filter(status=Status.ACTIVE).select_related("cohort")
    }
    for cohort in sorted(cohorts, key=lambda c: c.pk):
        active = Membership.objects.filter(cohort=cohort, status=Status.ACTIVE).select_related(
            "user", "track"
        )
        mentors = [m for m in active if m.role in {Role.MENTOR, Role.BOTH}]
        mentees = [m for m in active if m.role == Role.MENTEE]
        peers = [m for m in active if m.role == Role.PEER]
        # The demo mentee is with the demo mentor, so both logins open a real relationship.
        mentees.sort(key=lambda m: m.user.email != mentee_email)
        mentors.sort(key=lambda m: m.user.email != mentor_email)
        free = {m.pk: m.capacity or 1 for m in mentors}
        for mentee in mentees:
            fits = [m for m in mentors if free[m.pk] > 0 and m.track_id == mentee.track_id]
            if mentee.user.email == mentee_email:
                fits = [m for m in fits if m.user.email == mentor_email] or fits
            if not fits:
                continue
            mentor = fits[0] if mentee.user.email == mentee_email else rng.choice(fits)
            free[mentor.pk] -= 1
            _relationship(cohort, mentee.track, [(mentor.user, "mentor"), (mentee.user, "mentee")])
            relationships += 1
        rng.shuffle(peers)
        for a, b in zip(peers[::2], peers[1::2], strict=False):
            _relationship(cohort, a.track, [(a.user, "peer"), (b.user, "peer")])
            relationships += 1
    demo_mentor = Membership.objects.filter(user__email=mentor_email, status=Status.ACTIVE).first()
    if demo_mentor is not None:
        waiting = Membership.objects.filter(
            cohort=demo_mentor.cohort, role=Role.MENTEE, status=Status.APPROVED
        ).order_by("pk")[:2]
        for note, mentee in zip(NOTES, waiting, strict=False):
            MatchRequest.objects.create(
                program_id=demo_mentor.program_id, mentee=mentee, mentor=demo_mentor, note=note
            )
            requests += 1
    return {"relationships": relationships, "mentor requests": requests}


def _relationship(cohort, track, people) -> Relationship:
    kind = Relationship.Kind.PEER if track.is_peer else Relationship.Kind.ONE_TO_ONE
    started = max(cohort.starts_on, timezone.localdate().replace(day=1))
    relationship = Relationship.objects.create(
        program_id=cohort.program_id,
        cohort=cohort,
        track=track,
        kind=kind,
        source=Relationship.Source.MANUAL,
        status=RelationshipStatus.ACTIVE,
        started_on=min(started, timezone.localdate()),
    )
    Participant.objects.bulk_create(
        Participant(relationship=relationship, user=user, role=role) for user, role in people
    )
    RelationshipEvent.objects.create(
        relationship=relationship,
        to_status=RelationshipStatus.ACTIVE,
        note=str(Relationship.Source.MANUAL.label),
    )
    return relationship
