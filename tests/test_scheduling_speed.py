import datetime as dt

import numpy as np
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from lodestar.accounts.models import ProfileLanguage, UserSkill
from lodestar.matching.models import MatchRequest
from lodestar.matching.services import request_mentor
from lodestar.notifications.models import Notification
from lodestar.programs.models import Membership, Role, Track
from lodestar.programs.states import Status
from lodestar.scheduling import events, speed
from lodestar.scheduling.models import Event, SpeedRound
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_plan_pairs_the_best_fits_first_and_never_repeats_or_double_books():
    scores = np.array([[0.9, 0.1, 0.5], [0.8, 0.7, 0.2], [-np.inf, 0.3, 0.6]])
    plan = speed.plan_rounds(scores, 3)
    assert plan[0] == [(0, 0), (1, 1), (2, 2)]  # 0.9 + 0.7 + 0.6 is the best first round
    seen = set()
    for pairs in plan:
        assert len({i for i, _ in pairs}) == len(pairs) == len({j for _, j in pairs})
        assert not seen & set(pairs)
        seen |= set(pairs)
    assert (2, 0) not in seen  # forbidden by the engine (no shared language)
    assert len(seen) == 8


def speaker(user, code="en"):
    ProfileLanguage.objects.get_or_create(user=user, language=code)
    return user


def person(program, n, role, skill, level=3):
    user = speaker(make_user(f"p{n}@example.org", f"Person {n}"))
    if role == Role.MENTEE:
        UserSkill.objects.create(user=user, skill=skill, kind="want", level=1, target_level=3)
    else:
        UserSkill.objects.create(user=user, skill=skill, kind="have", level=level)
    Membership.objects.create(
        user=user, program=program, cohort=program.cohorts.first(),
        track=program.tracks.get(kind=Track.Kind.INTERMEDIATE), role=role,
        status=Status.APPROVED, capacity=2 if role == Role.MENTOR else None,
    )  # fmt: skip
    return user


@pytest.fixture
def speed_event(program, coordinator, mentor, mentee, skill):
    speaker(mentor)
    speaker(mentee)
    UserSkill.objects.create(user=mentee, skill=skill, kind="want", level=1, target_level=3)
    event = Event.objects.create(
        program=program, kind=Event.Kind.SPEED, title="Speed night", host=coordinator,
        starts_at=timezone.now() + dt.timedelta(days=2), duration_minutes=60, format="in_person",
        location="Room 4", round_minutes=15,
    )  # fmt: skip
    people = {
        "mentees": [mentee] + [person(program, n, Role.MENTEE, skill) for n in (1, 2)],
        "mentors": [mentor, person(program, 3, Role.MENTOR, skill)]
        + [person(program, 4, Role.MENTOR, skill, 5)],
    }
    for user in people["mentees"] + people["mentors"]:
        events.rsvp(event.pk, user)
    event.refresh_from_db()
    event.people = people
    return event


def test_rotation_meets_everyone_once_without_double_booking(speed_event, coordinator):
    result = speed.build_rotation(speed_event, coordinator)
    assert result.rounds == 3 and result.pairs == 9 and result.unpaired == []
    rounds = list(SpeedRound.objects.filter(event=speed_event))
    for n in (1, 2, 3):
        in_round = [r for r in rounds if r.number == n]
        assert len({r.mentee_id for r in in_round}) == len({r.mentor_id for r in in_round}) == 3
    assert len({(r.mentee_id, r.mentor_id) for r in rounds}) == 9
    # Round 1 has the best total fit of any round.
    totals = [sum(r.score for r in rounds if r.number == n) for n in (1, 2, 3)]
    assert totals[0] == max(totals)
    people = speed_event.people["mentees"] + speed_event.people["mentors"]
    assert Notification.objects.filter(kind="speed_schedule", user__in=people).count() == 6
    # Rebuilding replaces, never adds.
    speed.build_rotation(speed_event, coordinator, rounds=2)
    assert SpeedRound.objects.filter(event=speed_event).count() == 6


def test_rotation_refusals(speed_event, coordinator, mentee, login):
    with pytest.raises(ValidationError, match="between 1 and 4"):
        speed.build_rotation(speed_event, coordinator, rounds=9)
    url = reverse("scheduling:speed_build", args=[speed_event.pk])
    assert login(mentee).post(url, {"rounds": 2}).status_code == 404
    assert login(coordinator).post(url, {"rounds": "lots"}).status_code == 302
    assert not SpeedRound.objects.exists()
    later = time_machine.travel(speed_event.starts_at + dt.timedelta(minutes=1), tick=False)
    with later, pytest.raises(ValidationError, match="started"):
        speed.build_rotation(speed_event, coordinator)
    workshop = Event.objects.create(
        program=speed_event.program, kind=Event.Kind.WORKSHOP, title="W",
        starts_at=speed_event.starts_at, duration_minutes=60, format="video",
    )  # fmt: skip
    with pytest.raises(ValidationError, match="Only speed"):
        speed.build_rotation(workshop, coordinator)
    assert (
        login(coordinator).get(reverse("scheduling:speed", args=[workshop.pk])).status_code == 404
    )


def test_people_without_a_shared_language_sit_out(speed_event, coordinator, mentee):
    ProfileLanguage.objects.filter(user=mentee).update(language="fr")
    result = speed.build_rotation(speed_event, coordinator)
    assert result.unpaired == ["Mei Mentee"]
    assert not SpeedRound.objects.filter(mentee=mentee).exists()


def test_each_person_sees_their_own_schedule(speed_event, coordinator, mentee, mentor, cast, login):
    speed.build_rotation(speed_event, coordinator)
    url = reverse("scheduling:speed", args=[speed_event.pk])
    page = login(mentee).get(url).content.decode()
    mine = SpeedRound.objects.filter(event=speed_event, mentee=mentee).select_related("mentor")
    assert all(r.mentor.profile.display_name in page for r in mine)
    assert "Table" in page and "Rebuild the rotation" not in page
    page = login(mentor).get(url).content.decode()
    assert "Mei Mentee" in page and "Rebuild" not in page
    page = login(coordinator).get(url).content.decode()
    assert "Rebuild the rotation" in page and "Person 1" in page
    for who in ("other_member", "other_coordinator"):
        assert login(cast[who]).get(url).status_code == 404
    assert login(None).get(url).status_code == 302


def test_follow_up_becomes_match_requests_and_reports_each_mentor(
    speed_event, coordinator, mentee, mentor, login
):
    speed.build_rotation(speed_event, coordinator)
    other_mentors = speed_event.people["mentors"][1:]
    # The third mentor pauses requests: the mentee is told why, the others get a request.
    Membership.objects.filter(user=other_mentors[1]).update(accepting_requests=False)
    url = reverse("scheduling:speed_follow_up", args=[speed_event.pk])
    choice = {"mentors": [mentor.pk, other_mentors[1].pk]}
    response = login(mentee).post(url, choice, follow=True)
    assert "once the last round is over" in response.content.decode()
    assert not MatchRequest.objects.exists()
    with time_machine.travel(speed_event.starts_at + dt.timedelta(minutes=50), tick=False):
        response = login(mentee).post(url, choice, follow=True)
        page = response.content.decode()
        assert "Mo Mentor: Request sent." in page
        assert "not taking new mentees" in page
        request = MatchRequest.objects.get()
        assert request.mentor.user == mentor and "Speed night" in request.note
        wanted = SpeedRound.objects.filter(event=speed_event, mentee=mentee, continue_wanted=True)
        assert {r.mentor_id for r in wanted} == {mentor.pk, other_mentors[1].pk}
        # Sending again asks nobody twice.
        page = login(mentee).post(url, choice, follow=True).content.decode()
        assert "Already asked" in page and MatchRequest.objects.count() == 1
        # Only mentors met, only by mentees in the rotation.
        response = login(mentee).post(url, {"mentors": [coordinator.pk]}, follow=True)
        assert response.status_code == 200 and MatchRequest.objects.count() == 1
        assert login(mentor).post(url, {"mentors": [mentee.pk]}).status_code == 404


def test_follow_up_respects_the_pending_request_limit(speed_event, coordinator, mentee, skill):
    speed.build_rotation(speed_event, coordinator)
    mentee_m = Membership.objects.get(user=mentee)
    for n in range(3):
        extra = person(speed_event.program, 10 + n, Role.MENTOR, skill)
        request_mentor(mentee_m, Membership.objects.get(user=extra), "Earlier wish")
    met = set(SpeedRound.objects.filter(mentee=mentee).values_list("mentor_id", flat=True))
    with time_machine.travel(speed_event.starts_at + dt.timedelta(minutes=50), tick=False):
        outcomes = speed.follow_up(speed_event, mentee, met)
    assert len(outcomes) == 3 and not any(o.ok for o in outcomes)
    assert all("3 requests waiting" in o.message for o in outcomes)
    assert MatchRequest.objects.count() == 3
