import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from lodestar.accounts.models import ProfileLanguage, UserSkill
from lodestar.matching import services, suggestions
from lodestar.matching.models import MatchRequest
from lodestar.mentoring.models import Relationship
from lodestar.notifications.models import Notification
from lodestar.programs.models import Membership, Role, Track
from lodestar.programs.states import Status
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def speaks(user, code="en"):
    ProfileLanguage.objects.get_or_create(
        user=user, language=code, defaults={"proficiency": "fluent"}
    )


@pytest.fixture
def ready(program, mentor, mentee, skill):
    """The mentee wants SQL; the mentor has it at 4 and one free place; both speak English."""
    for user in (mentor, mentee):
        speaks(user)
    UserSkill.objects.create(user=mentee, skill=skill, kind="want", level=1, target_level=3)
    m = Membership.objects.get(user=mentor)
    m.capacity = 1
    m.save()
    return Membership.objects.get(user=mentee), m


def another_mentee(program, skill, n):
    user = make_user(f"mentee{n}@example.org", f"Mentee {n}")
    speaks(user)
    UserSkill.objects.create(user=user, skill=skill, kind="want", level=1, target_level=4)
    return Membership.objects.create(
        user=user,
        program=program,
        cohort=program.cohorts.get(),
        track=program.tracks.get(kind=Track.Kind.INTERMEDIATE),
        role=Role.MENTEE,
        status=Status.APPROVED,
    )


def test_mentee_sees_the_mentor_with_reasons(ready, login, mentee):
    mentee_m, mentor_m = ready
    found = suggestions.suggest_for(mentee_m)
    assert [s.mentor for s in found] == [mentor_m]
    assert "English" in found[0].text and "SQL" in found[0].text
    page = login(mentee).get(reverse("matching:suggestions", args=[mentee_m.pk])).content.decode()
    assert "Mo Mentor" in page and "SQL" in page


def test_no_shared_language_no_suggestion(ready, mentor):
    mentee_m, _ = ready
    ProfileLanguage.objects.filter(user=mentor).update(language="fr")
    assert suggestions.suggest_for(mentee_m) == []


def test_request_accept_creates_the_relationship_and_closes_the_rest(ready, program, skill, mentor):
    mentee_m, mentor_m = ready
    other_mentor = make_user("m2@example.org", "Second Mentor")
    speaks(other_mentor)
    second = Membership.objects.create(
        user=other_mentor, program=program, cohort=mentee_m.cohort, track=mentee_m.track,
        role=Role.MENTOR, status=Status.APPROVED, capacity=2,
    )  # fmt: skip
    first_request = services.request_mentor(mentee_m, mentor_m, "You know SQL")
    services.request_mentor(mentee_m, second, "Backup plan")
    assert Notification.objects.filter(user=mentor, kind="match_request").exists()
    relationship = services.accept_request(first_request, mentor)
    assert relationship.source == Relationship.Source.REQUEST
    assert relationship.mentors() == [mentor] and relationship.mentees() == [mentee_m.user]
    statuses = dict(MatchRequest.objects.values_list("mentor_id", "status"))
    assert statuses == {mentor_m.pk: "accepted", second.pk: "closed"}
    with pytest.raises(ValidationError, match="already have a mentor"):
        services.request_mentor(mentee_m, second, "Again")


def test_mentor_cannot_exceed_capacity(ready, program, skill, mentor):
    mentee_m, mentor_m = ready
    other = another_mentee(program, skill, 2)
    first = services.request_mentor(mentee_m, mentor_m, "Please")
    second = services.request_mentor(other, mentor_m, "Please too")
    services.accept_request(first, mentor)
    with pytest.raises(ValidationError, match="capacity"):
        services.accept_request(second, mentor)
    assert Relationship.objects.count() == 1
    # A full mentor is no longer suggested nor requestable.
    third = another_mentee(program, skill, 3)
    assert suggestions.suggest_for(third) == []
    with pytest.raises(ValidationError, match="not taking new mentees"):
        services.request_mentor(third, mentor_m, "Hi")


def test_decline_and_pause(ready, mentor, mentee, program, skill):
    mentee_m, mentor_m = ready
    req = services.request_mentor(mentee_m, mentor_m, "Please")
    services.decline_request(req, mentor, "Travelling until March", pause=True)
    req.refresh_from_db()
    mentor_m.refresh_from_db()
    assert (req.status, req.decline_reason) == ("declined", "Travelling until March")
    assert mentor_m.accepting_requests is False
    assert Notification.objects.filter(user=mentee, kind="match_request_declined").exists()
    assert suggestions.suggest_for(another_mentee(program, skill, 4)) == []


def test_only_the_right_people_answer(ready, mentee, other_member, coordinator):
    mentee_m, mentor_m = ready
    req = services.request_mentor(mentee_m, mentor_m, "Please")
    for outsider in (mentee, other_member, coordinator):
        with pytest.raises(ValidationError):
            services.accept_request(req, outsider)
    with pytest.raises(ValidationError):
        services.withdraw_request(req, coordinator)
    services.withdraw_request(req, mentee)
    req.refresh_from_db()
    assert req.status == "withdrawn"


def test_request_needs_a_note_and_a_cohort_mentor(ready, other_program, other_coordinator):
    mentee_m, mentor_m = ready
    with pytest.raises(ValidationError):
        services.request_mentor(mentee_m, mentor_m, "  ")
    foreign = Membership.objects.filter(program=other_program).first() or mentor_m
    if foreign.cohort_id != mentee_m.cohort_id:
        with pytest.raises(ValidationError, match="own cohort"):
            services.request_mentor(mentee_m, foreign, "Hi")


def test_request_pages_and_permissions(ready, cast, login, mentor, mentee):
    mentee_m, mentor_m = ready
    page = login(mentee).post(
        reverse("matching:suggestions", args=[mentee_m.pk]),
        {"mentor": mentor_m.pk, "note": "Your SQL work inspires me"},
    )
    req = MatchRequest.objects.get()
    assert page.status_code == 302 and page.url == req.get_absolute_url()
    assert "English" in req.explanation
    url = req.get_absolute_url()
    for who in ("other_member", "other_coordinator"):
        assert login(cast[who]).get(url).status_code == 404
    for who in ("mentee", "mentor", "coordinator"):
        assert login(cast[who]).get(url).status_code == 200
    # Someone else's membership has no suggestions page for you.
    assert login(mentor).get(reverse("matching:suggestions", args=[mentee_m.pk])).status_code == 404
    response = login(mentor).post(reverse("matching:request_answer", args=[req.pk, "accept"]))
    assert response.status_code == 302
    assert Relationship.objects.filter(participants__user=mentee).exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_never_overbook(program, mentor, skill):
    if connection.vendor != "postgresql":
        pytest.skip("Real row locks need PostgreSQL; CI runs this test there.")
    mentor_m = Membership.objects.get(user=mentor)
    mentor_m.capacity = 1
    mentor_m.save()
    speaks(mentor)
    requests = []
    for n in range(20):
        requests.append(
            services.request_mentor(another_mentee(program, skill, 100 + n), mentor_m, "Please")
        )
        Membership.objects.filter(pk=mentor_m.pk).update(accepting_requests=True)
    barrier = threading.Barrier(len(requests))
    outcomes = []

    def accept(req):
        from django.db import connections

        try:
            barrier.wait()
            services.accept_request(req, mentor)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("full")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(r,)) for r in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1 and outcomes.count("full") == 19
    assert Relationship.objects.count() == 1


def test_an_oversubscribed_mentor_is_not_everyones_first_suggestion(ready, program, skill, mentor):
    mentee_m, popular = ready
    popular.capacity = 1
    popular.save()
    UserSkill.objects.filter(user=mentor).update(level=5)
    second = make_user("second@example.org", "Second Choice")
    speaks(second)
    UserSkill.objects.create(user=second, skill=skill, kind="have", level=3)
    other = Membership.objects.create(
        user=second, program=program, cohort=mentee_m.cohort, track=mentee_m.track,
        role=Role.MENTOR, status=Status.APPROVED, capacity=1,
    )  # fmt: skip
    assert [s.mentor for s in suggestions.suggest_for(mentee_m)] == [popular, other]
    services.request_mentor(another_mentee(program, skill, 7), popular, "Me first")
    assert [s.mentor for s in suggestions.suggest_for(mentee_m)] == [other, popular]
