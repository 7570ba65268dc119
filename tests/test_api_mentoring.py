"""The mentoring API: the same people see the same things as on the pages."""

import datetime as dt

import pytest
from django.utils import timezone

from lodestar.mentoring.models import (
    Agreement,
    CheckIn,
    Goal,
    GoalMilestone,
    SessionLog,
)
from tests.test_api import bearer

pytestmark = pytest.mark.django_db
BASE = "/api/v1/mentoring"


@pytest.fixture
def workspace(relationship, mentor, mentee, skill):
    today = timezone.localdate()
    Agreement.objects.create(
        relationship=relationship, version=1, objectives="Learn SQL", success_measures="A report",
        starts_on=today, ends_on=today + dt.timedelta(days=90), cadence_days=14,
        accepted_at=timezone.now(),
    )  # fmt: skip
    Agreement.objects.create(
        relationship=relationship, version=2, objectives="Draft, not accepted",
        success_measures="-", starts_on=today, ends_on=today + dt.timedelta(days=90),
        cadence_days=7,
    )  # fmt: skip
    goal = Goal.objects.create(relationship=relationship, owner=mentee, title="Write queries")
    goal.skills.add(skill)
    GoalMilestone.objects.create(goal=goal, title="Joins", done_at=timezone.now())
    GoalMilestone.objects.create(goal=goal, title="Window functions")
    session = SessionLog.objects.create(
        relationship=relationship, logged_by=mentor, occurred_at=timezone.now(),
        duration_minutes=60, format="video", shared_notes="We covered joins",
    )  # fmt: skip
    session.topics.add(skill)
    CheckIn.objects.create(
        relationship=relationship, author=mentee, rating=2, meeting_as_agreed="partly",
        blockers="Time", comment="Busy month",
    )  # fmt: skip
    CheckIn.objects.create(
        relationship=relationship, author=mentor, rating=5, meeting_as_agreed="yes"
    )
    return relationship


def test_participants_and_coordinators_read_a_relationship(
    client, workspace, mentee, mentor, coordinator, other_member, other_coordinator, other_mentor
):
    url = f"{BASE}/relationships/{workspace.pk}"
    for user in (mentee, mentor, coordinator):
        body = client.get(url, headers=bearer(user)).json()
        assert body["status"] == "active"
        assert body["agreement"]["version"] == 1  # the draft is not in force
        assert {p["role"] for p in body["people"]} == {"mentor", "mentee"}
    for user in (other_member, other_coordinator, other_mentor):
        assert client.get(url, headers=bearer(user)).status_code == 404
    assert client.get(url).status_code == 401


def test_my_relationships_lists_only_mine(client, workspace, mentee, other_mentor):
    mine = client.get(f"{BASE}/relationships", headers=bearer(mentee)).json()
    assert [r["id"] for r in mine["items"]] == [workspace.pk]
    theirs = client.get(f"{BASE}/relationships", headers=bearer(other_mentor)).json()
    assert workspace.pk not in [r["id"] for r in theirs["items"]] and theirs["count"] == 1


def test_goals_carry_milestones_and_progress(client, workspace, mentor):
    (goal,) = client.get(
        f"{BASE}/relationships/{workspace.pk}/goals", headers=bearer(mentor)
    ).json()
    assert goal["title"] == "Write queries" and goal["skills"] == ["SQL"]
    assert goal["progress"] == 50  # one of two milestones done
    assert [m["done"] for m in goal["milestones"]] == [True, False]


def test_coordinators_get_session_metadata_but_not_the_notes(
    client, workspace, mentee, coordinator
):
    url = f"{BASE}/relationships/{workspace.pk}/sessions"
    (pair_view,) = client.get(url, headers=bearer(mentee)).json()["items"]
    (coord_view,) = client.get(url, headers=bearer(coordinator)).json()["items"]
    assert pair_view["shared_notes"] == "We covered joins" and pair_view["topics"] == ["SQL"]
    assert coord_view["shared_notes"] == "" and coord_view["duration_minutes"] == 60


def test_check_in_answers_are_for_their_author_and_coordinators(
    client, workspace, mentee, mentor, coordinator
):
    url = f"{BASE}/relationships/{workspace.pk}/checkins"
    own = client.get(url, headers=bearer(mentee)).json()["items"]
    assert [c["rating"] for c in own] == [2]  # not the mentor's
    everyone = client.get(url, headers=bearer(coordinator)).json()["items"]
    assert sorted(c["rating"] for c in everyone) == [2, 5]


def test_coordinators_list_and_filter_a_programs_relationships(
    client, workspace, program, coordinator, mentee, other_coordinator
):
    url = f"{BASE}/programs/{program.slug}/relationships"
    listed = client.get(url, headers=bearer(coordinator)).json()
    assert [r["id"] for r in listed["items"]] == [workspace.pk]
    paused = client.get(url, {"status": "paused"}, headers=bearer(coordinator)).json()
    assert paused["items"] == []
    assert client.get(url, {"status": "nope"}, headers=bearer(coordinator)).status_code == 422
    for user in (mentee, other_coordinator):
        assert client.get(url, headers=bearer(user)).status_code == 404


def _post(client, url, user, body=None):
    return client.post(url, body or {}, content_type="application/json", headers=bearer(user))


def test_a_mentee_adds_a_goal_and_ticks_a_milestone(client, relationship, mentee, mentor, skill):
    url = f"{BASE}/relationships/{relationship.pk}/goals"
    made = _post(client, url, mentee, {"title": "Ship a dashboard", "skill_ids": [skill.pk]})
    assert made.status_code == 201 and made.json()["skills"] == ["SQL"]
    refused = _post(client, url, mentor, {"title": "Mine"})
    assert refused.status_code == 400 and "mentees" in refused.json()["detail"][0]
    bad_skill = _post(client, url, mentee, {"title": "X", "skill_ids": [999999]})
    assert bad_skill.status_code == 400 and Goal.objects.count() == 1
    goal = Goal.objects.get()
    milestone = GoalMilestone.objects.create(goal=goal, title="Draft")
    GoalMilestone.objects.create(goal=goal, title="Review")
    tick = f"{url}/{goal.pk}/milestones/{milestone.pk}"
    assert _post(client, tick, mentor, {"done": True}).status_code == 400  # not the owner
    done = _post(client, tick, mentee, {"done": True})
    assert done.status_code == 200 and done.json()["progress"] == 50


def test_the_mentor_logs_a_session_and_the_mentee_confirms(client, relationship, mentee, mentor):
    url = f"{BASE}/relationships/{relationship.pk}/sessions"
    when = (timezone.now() - dt.timedelta(hours=2)).isoformat()
    made = _post(client, url, mentor, {"occurred_at": when, "duration_minutes": 45,
                                       "format": "phone", "shared_notes": "Talked"})  # fmt: skip
    assert made.status_code == 201 and made.json()["confirmed"] is False
    future = (timezone.now() + dt.timedelta(days=2)).isoformat()
    later = _post(client, url, mentor, {"occurred_at": future, "duration_minutes": 45,
                                        "format": "phone"})  # fmt: skip
    assert later.status_code == 400 and SessionLog.objects.count() == 1
    sid = made.json()["id"]
    assert _post(client, f"{url}/{sid}/confirm", mentor).status_code == 400  # not your own
    confirmed = _post(client, f"{url}/{sid}/confirm", mentee)
    assert confirmed.status_code == 200 and confirmed.json()["confirmed"] is True
    relationship.refresh_from_db()
    assert relationship.session_count == 1 and relationship.last_touchpoint_at is not None


def test_check_ins_through_the_api(client, relationship, mentee, coordinator):
    url = f"{BASE}/relationships/{relationship.pk}/checkins"
    made = _post(client, url, mentee, {"rating": 2, "meeting_as_agreed": "no", "blockers": "Time"})
    assert made.status_code == 201 and made.json()["rating"] == 2
    assert _post(client, url, mentee, {"rating": 9, "meeting_as_agreed": "no"}).status_code == 422
    relationship.refresh_from_db()
    assert relationship.needs_attention and "pulse" in relationship.attention_reason.lower()


def test_coordinators_and_outsiders_cannot_write(
    client, relationship, coordinator, other_mentor, other_member
):
    url = f"{BASE}/relationships/{relationship.pk}/goals"
    for user in (coordinator, other_mentor, other_member):
        assert _post(client, url, user, {"title": "Nope"}).status_code == 404
    assert Goal.objects.count() == 0


def test_the_attention_reason_is_for_coordinators_only(client, relationship, mentor, coordinator):
    from lodestar.mentoring.models import Relationship

    Relationship.objects.filter(pk=relationship.pk).update(
        needs_attention=True, attention_reason="Low pulse: 1/5 at the last check-in."
    )
    url = f"{BASE}/relationships/{relationship.pk}"
    theirs = client.get(url, headers=bearer(mentor)).json()
    assert theirs["needs_attention"] is False and theirs["attention_reason"] == ""
    listed = client.get(f"{BASE}/relationships", headers=bearer(mentor)).json()["items"][0]
    assert listed["attention_reason"] == ""
    coords = client.get(url, headers=bearer(coordinator)).json()
    assert coords["needs_attention"] is True and "Low pulse" in coords["attention_reason"]
