"""At-risk alerts: each rule at its boundary, the idempotent daily scan, the digest, the views."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from lodestar.feedback.models import SessionRating
from lodestar.insights import alerts
from lodestar.insights.models import Alert, InsightSettings
from lodestar.matching.models import MatchRequest
from lodestar.mentoring import closure
from lodestar.mentoring.models import (
    Agreement,
    CheckIn,
    Goal,
    GoalMilestone,
    Relationship,
    SessionLog,
)
from lodestar.mentoring.services import change_status, create_relationship
from lodestar.notifications.models import Notification
from lodestar.programs.models import Membership, Track
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2030, 6, 15, 12, 0))
SECOND = dt.timedelta(seconds=1)


def _limits(program) -> InsightSettings:
    return alerts.settings_for(program)


def _keys(found) -> list[str]:
    return sorted(f.key for f in found)


def _quiet_since(relationship, when):
    Relationship.objects.filter(pk=relationship.pk).update(last_touchpoint_at=when)


# Rules at their boundaries -----------------------------------------------------------------


def test_quiet_after_default_cadence_times_factor(program, relationship):
    last = NOW - dt.timedelta(days=21)  # 14 days x 1.5
    _quiet_since(relationship, last)
    assert alerts.quiet(program, _limits(program), NOW) == []
    found = alerts.quiet(program, _limits(program), NOW + SECOND)
    assert _keys(found) == [f"quiet:{relationship.pk}:{last.date().isoformat()}"]
    assert found[0].relationship_id == relationship.pk


def test_quiet_follows_the_accepted_agreement_and_the_factor(program, relationship, mentee):
    Agreement.objects.create(
        relationship=relationship, version=1, objectives="o", success_measures="s",
        starts_on=NOW.date(), ends_on=NOW.date(), cadence_days=7, accepted_at=NOW,
    )  # fmt: skip
    _quiet_since(relationship, NOW - dt.timedelta(days=8))
    limits = _limits(program)
    assert alerts.quiet(program, limits, NOW) == []  # 8 days < 7 x 1.5
    limits.quiet_factor = 1.0
    assert len(alerts.quiet(program, limits, NOW)) == 1
    limits.quiet_factor = 2.0
    assert alerts.quiet(program, limits, NOW) == []


def test_quiet_ignores_paused_and_closed_relationships(program, relationship, coordinator):
    _quiet_since(relationship, NOW - dt.timedelta(days=90))
    change_status(relationship, "ended", coordinator, "Moved away")
    assert alerts.quiet(program, _limits(program), NOW) == []


def _checkin(relationship, author, rating, at):
    return CheckIn.objects.create(
        relationship=relationship, author=author, rating=rating, meeting_as_agreed="yes",
        created_at=at,
    )  # fmt: skip


def test_low_pulse_uses_each_participants_latest_checkin(program, relationship, mentee, mentor):
    limits = _limits(program)  # low_rating 2
    _checkin(relationship, mentee, 3, NOW - dt.timedelta(days=3))
    assert alerts.low_pulse(program, limits, NOW) == []
    low = _checkin(relationship, mentee, 2, NOW - dt.timedelta(days=2))
    assert _keys(alerts.low_pulse(program, limits, NOW)) == [f"low_pulse:checkin:{low.pk}"]
    _checkin(relationship, mentee, 4, NOW - dt.timedelta(days=1))
    assert alerts.low_pulse(program, limits, NOW) == []
    # A low pulse by the mentor counts on its own.
    _checkin(relationship, mentor, 1, NOW - dt.timedelta(days=1))
    assert len(alerts.low_pulse(program, limits, NOW)) == 1


def test_low_session_rating_counts_for_thirty_days(program, relationship, mentee):
    session = SessionLog.objects.create(
        relationship=relationship, occurred_at=NOW - dt.timedelta(days=40), duration_minutes=30,
        format="video",
    )  # fmt: skip
    rating = SessionRating.objects.create(
        session=session, user=mentee, rating=2, created_at=NOW - dt.timedelta(days=30)
    )
    limits = _limits(program)
    assert _keys(alerts.low_pulse(program, limits, NOW)) == [f"low_pulse:rating:{rating.pk}"]
    assert alerts.low_pulse(program, limits, NOW + SECOND) == []
    SessionRating.objects.filter(pk=rating.pk).update(rating=3, created_at=NOW)
    assert alerts.low_pulse(program, limits, NOW) == []


def test_missed_checkins_after_several_periods(program, relationship, mentee, mentor):
    start = NOW.date() - dt.timedelta(days=60)  # 2 x 30 days
    Relationship.objects.filter(pk=relationship.pk).update(started_on=start)
    midnight = timezone.make_aware(dt.datetime.combine(start, dt.time()))
    limits = _limits(program)
    at_limit = midnight + dt.timedelta(days=60)
    assert alerts.missed_checkins(program, limits, at_limit) == []
    found = alerts.missed_checkins(program, limits, at_limit + SECOND)
    assert _keys(found) == sorted(
        f"missed:{relationship.pk}:{u.pk}:{start.isoformat()}" for u in [mentee, mentor]
    )
    _checkin(relationship, mentee, 4, at_limit)
    found = alerts.missed_checkins(program, limits, at_limit + SECOND)
    assert [f.key for f in found] == [f"missed:{relationship.pk}:{mentor.pk}:{start.isoformat()}"]
    assert mentor.name in found[0].detail


def test_unanswered_request_after_request_days(program, mentee, mentor):
    request = MatchRequest.objects.create(
        program=program,
        mentee=Membership.objects.get(user=mentee, program=program),
        mentor=Membership.objects.get(user=mentor, program=program),
        note="Please",
    )
    MatchRequest.objects.filter(pk=request.pk).update(created_at=NOW - dt.timedelta(days=5))
    limits = _limits(program)
    assert alerts.unanswered_requests(program, limits, NOW) == []
    found = alerts.unanswered_requests(program, limits, NOW + SECOND)
    assert _keys(found) == [f"request:{request.pk}"] and found[0].relationship_id is None
    MatchRequest.objects.filter(pk=request.pk).update(status=MatchRequest.Status.DECLINED)
    assert alerts.unanswered_requests(program, limits, NOW + SECOND) == []


def test_goal_without_progress(program, relationship, mentee):
    goal = Goal.objects.create(relationship=relationship, owner=mentee, title="Learn SQL")
    updated = NOW - dt.timedelta(days=45)
    Goal.objects.filter(pk=goal.pk).update(updated_at=updated)
    limits = _limits(program)
    assert alerts.stale_goals(program, limits, NOW) == []
    key = f"stale_goal:{goal.pk}:{updated.date().isoformat()}"
    assert _keys(alerts.stale_goals(program, limits, NOW + SECOND)) == [key]
    milestone = GoalMilestone.objects.create(goal=goal, title="Joins", done_at=NOW)
    assert alerts.stale_goals(program, limits, NOW + SECOND) == []
    milestone.delete()
    Goal.objects.filter(pk=goal.pk).update(status=Goal.Status.ACHIEVED)
    assert alerts.stale_goals(program, limits, NOW + SECOND) == []


def test_rematch_request_raises_an_alert_that_stays(program, relationship, mentee):
    closure.request_rematch(relationship, mentee, "We never manage to meet")
    result = alerts.scan_program(program)
    alert = Alert.objects.get(kind=Alert.Kind.REMATCH)
    assert alert.relationship == relationship and result.created == 1
    alerts.scan_program(program)
    alert.refresh_from_db()
    assert alert.status == Alert.Status.NEW  # a person asked: only a coordinator resolves it


def test_thresholds_are_created_with_defaults(program):
    assert not InsightSettings.objects.filter(program=program).exists()
    limits = alerts.settings_for(program)
    assert (limits.quiet_factor, limits.low_rating, limits.request_days) == (1.5, 2, 5)


# The scan ----------------------------------------------------------------------------------


def test_scan_is_idempotent_and_clears_what_improved(program, relationship, mentee):
    _quiet_since(relationship, timezone.now() - dt.timedelta(days=30))
    first = alerts.scan()
    assert first.created >= 1
    quiet = Alert.objects.get(kind=Alert.Kind.QUIET)
    assert alerts.scan().created == 0
    assert Alert.objects.filter(kind=Alert.Kind.QUIET).count() == 1
    # A session happens: the next scan resolves the alert and says why.
    _quiet_since(relationship, timezone.now())
    assert alerts.scan().resolved >= 1
    quiet.refresh_from_db()
    assert quiet.status == Alert.Status.RESOLVED and quiet.notes.startswith("Cleared:")
    assert quiet.handled_by is None


def test_alert_a_coordinator_resolved_is_not_raised_again(program, relationship, coordinator):
    _quiet_since(relationship, timezone.now() - dt.timedelta(days=30))
    alerts.scan()
    quiet = Alert.objects.get(kind=Alert.Kind.QUIET)
    alerts.resolve(quiet, coordinator, "Called them")
    alerts.scan()
    assert Alert.objects.filter(kind=Alert.Kind.QUIET).count() == 1
    quiet.refresh_from_db()
    assert quiet.status == Alert.Status.RESOLVED and "Called them" in quiet.notes


def test_digest_goes_once_a_day_to_each_coordinator(
    program, relationship, coordinator, django_capture_on_commit_callbacks
):
    _quiet_since(relationship, timezone.now() - dt.timedelta(days=30))
    alerts.scan()
    with django_capture_on_commit_callbacks(execute=True):
        assert alerts.send_digests() == 1
        assert alerts.send_digests() == 0
        call_command("scan_alerts")
    digest = Notification.objects.get(user=coordinator, kind="alert_digest")
    assert "No touchpoint" in digest.body
    assert digest.url == reverse("insights:alerts", args=[program.slug])
    assert len([m for m in mail.outbox if m.to == [coordinator.email]]) == 1


def test_no_digest_without_new_alerts(program, relationship):
    alerts.scan()
    assert alerts.send_digests() == 0


# Views -------------------------------------------------------------------------------------


@pytest.fixture
def alert(program, relationship):
    _quiet_since(relationship, timezone.now() - dt.timedelta(days=30))
    alerts.scan()
    return Alert.objects.get(kind=Alert.Kind.QUIET)


ROLE_STATUS = [
    (None, 302),
    ("other_member", 404),
    ("other_coordinator", 404),
    ("other_mentor", 404),
    ("mentee", 404),
    ("mentor", 404),
    ("coordinator", 200),
]


@pytest.mark.parametrize(("who", "status"), ROLE_STATUS)
def test_who_may_see_the_alert_list_and_settings(request, login, program, alert, who, status):
    client = login(request.getfixturevalue(who) if who else None)
    assert client.get(reverse("insights:alerts", args=[program.slug])).status_code == status
    url = reverse("insights:alert_settings", args=[program.slug])
    assert client.get(url).status_code == status


@pytest.mark.parametrize(("who", "status"), ROLE_STATUS)
def test_who_may_act_on_an_alert(request, login, program, alert, who, status):
    client = login(request.getfixturevalue(who) if who else None)
    url = reverse("insights:alert", args=[program.slug, alert.pk])
    response = client.post(url, {"action": "acknowledge"})
    assert response.status_code == (302 if status == 200 else status)
    alert.refresh_from_db()
    expected = Alert.Status.ACKNOWLEDGED if who == "coordinator" else Alert.Status.NEW
    assert alert.status == expected


def test_alert_of_another_program_is_404(login, alert, other_coordinator, other_program):
    url = reverse("insights:alert", args=[other_program.slug, alert.pk])
    assert login(other_coordinator).post(url, {"action": "acknowledge"}).status_code == 404


def test_actions_need_post(login, program, alert, coordinator):
    url = reverse("insights:alert", args=[program.slug, alert.pk])
    assert login(coordinator).get(url).status_code == 405


def test_resolve_needs_notes(login, program, alert, coordinator):
    client = login(coordinator)
    url = reverse("insights:alert", args=[program.slug, alert.pk])
    page = client.post(url, {"action": "resolve", "notes": "  "}, follow=True)
    assert "Write what was done" in page.content.decode()
    alert.refresh_from_db()
    assert alert.status == Alert.Status.NEW
    client.post(url, {"action": "resolve", "notes": "Spoke with both"})
    alert.refresh_from_db()
    assert alert.status == Alert.Status.RESOLVED and alert.handled_by == coordinator
    assert "Spoke with both" in alert.notes


def test_unknown_action_is_refused(login, program, alert, coordinator):
    url = reverse("insights:alert", args=[program.slug, alert.pk])
    page = login(coordinator).post(url, {"action": "explode"}, follow=True)
    assert page.status_code == 200 and "Choose what to do" in page.content.decode()


def test_message_both_notifies_each_participant(
    login, program, alert, coordinator, mentor, mentee, relationship
):
    url = reverse("insights:alert", args=[program.slug, alert.pk])
    login(coordinator).post(url, {"action": "message", "text": "How are things going?"})
    sent = Notification.objects.filter(kind="alert_message")
    assert sorted(n.user_id for n in sent) == sorted([mentor.pk, mentee.pk])
    assert all("How are things going?" in n.body and coordinator.name in n.body for n in sent)
    assert not relationship.messages.exists()  # nothing written in the pair's own thread
    alert.refresh_from_db()
    assert alert.status == Alert.Status.ACKNOWLEDGED


def test_message_needs_text(login, program, alert, coordinator):
    url = reverse("insights:alert", args=[program.slug, alert.pk])
    login(coordinator).post(url, {"action": "message", "text": ""})
    assert not Notification.objects.filter(kind="alert_message").exists()


def test_suggest_rematch_notifies_the_mentee_with_the_rematch_page(
    login, program, alert, coordinator, mentee, relationship
):
    url = reverse("insights:alert", args=[program.slug, alert.pk])
    login(coordinator).post(url, {"action": "rematch"})
    note = Notification.objects.get(kind="alert_rematch_suggested")
    assert note.user == mentee
    assert note.url == reverse("mentoring:rematch", args=[relationship.pk])


def test_closed_relationship_refuses_messages(login, program, alert, coordinator, relationship):
    change_status(relationship, "completed", coordinator, "")
    url = reverse("insights:alert", args=[program.slug, alert.pk])
    page = login(coordinator).post(url, {"action": "message", "text": "Hi"}, follow=True)
    assert "closed" in page.content.decode()
    assert not Notification.objects.filter(kind="alert_message").exists()


def test_list_filters_by_status_and_kind(login, program, alert, coordinator):
    client = login(coordinator)
    url = reverse("insights:alerts", args=[program.slug])
    assert alert.detail in client.get(url + "?kind=quiet").content.decode()
    assert alert.detail not in client.get(url + "?kind=stale_goal").content.decode()
    assert alert.detail not in client.get(url + "?status=resolved").content.decode()
    assert client.get(url + "?status=bogus&page=x").status_code == 200


def _more_relationships(program, coordinator, count):
    track = program.tracks.get(kind=Track.Kind.INTERMEDIATE)
    for i in range(count):
        mentor = make_user(f"m{i}@example.org", f"Mentor {i}")
        mentee = make_user(f"e{i}@example.org", f"Mentee {i}")
        created = create_relationship(
            program.cohorts.first(), track, [mentor], [mentee], coordinator
        )
        change_status(created, "active", coordinator, "")
        _quiet_since(created, timezone.now() - dt.timedelta(days=30))
    alerts.scan()


def test_alert_list_queries_do_not_grow_with_alerts(
    login, program, alert, coordinator, django_assert_max_num_queries
):
    client = login(coordinator)
    url = reverse("insights:alerts", args=[program.slug])
    with django_assert_max_num_queries(11):
        client.get(url)
    _more_relationships(program, coordinator, 6)
    assert Alert.objects.filter(program=program).count() >= 7
    with django_assert_max_num_queries(11):
        page = client.get(url)
    assert "Mentee 5" in page.content.decode()


def test_settings_form_saves_and_refuses_bad_values(login, program, coordinator):
    client = login(coordinator)
    url = reverse("insights:alert_settings", args=[program.slug])
    good = {"quiet_factor": "2", "low_rating": "3", "missed_checkins": "1",
            "request_days": "3", "stale_goal_days": "30"}  # fmt: skip
    assert client.post(url, good).status_code == 302
    limits = InsightSettings.objects.get(program=program)
    assert (limits.quiet_factor, limits.low_rating, limits.stale_goal_days) == (2.0, 3, 30)
    page = client.post(url, {**good, "quiet_factor": "0.5", "stale_goal_days": "2"})
    assert page.status_code == 200
    limits.refresh_from_db()
    assert limits.quiet_factor == 2.0 and limits.stale_goal_days == 30


def test_mentor_sees_gentle_alerts_of_their_relationship_only(
    login, alert, relationship, mentor, mentee, coordinator
):
    url = relationship.get_absolute_url()
    gentle = "since your last session or message"
    assert gentle in login(mentor).get(url).content.decode()
    assert gentle not in login(mentee).get(url).content.decode()
    assert gentle not in login(coordinator).get(url).content.decode()


def test_mentor_never_sees_a_mentees_low_pulse(login, program, relationship, mentor, mentee):
    _checkin(relationship, mentee, 1, timezone.now())
    alerts.scan()
    assert Alert.objects.filter(kind=Alert.Kind.LOW_PULSE).exists()
    assert (
        "Things to look at"
        not in login(mentor).get(relationship.get_absolute_url()).content.decode()
    )
