"""Mentor-request reminders and expiry, and the lifecycle nudges: due, once, and they stop."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from lodestar.accounts.models import AvailabilityWindow, ProfileLanguage, User
from lodestar.core.models import AuditLog
from lodestar.matching.models import MatchRequest, RankedChoice
from lodestar.matching.services import request_mentor
from lodestar.mentoring.models import Agreement, AgreementAcceptance, CheckIn, Relationship
from lodestar.mentoring.services import create_relationship
from lodestar.notifications.models import Notification, Preference
from lodestar.programs.models import Membership, Milestone, Role, Track
from lodestar.scheduling import nudges
from lodestar.scheduling.models import SentReminder
from tests.conftest import _member, make_user

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)
DAY = dt.timedelta(days=1)


def sent(kind: str) -> list[str]:
    return sorted(Notification.objects.filter(kind=kind).values_list("user__email", flat=True))


def membership(user) -> Membership:
    return user.memberships.get()


def ask(mentee, mentor, days_ago: float) -> MatchRequest:
    request = request_mentor(membership(mentee), membership(mentor), "I want to learn SQL")
    MatchRequest.objects.filter(pk=request.pk).update(created_at=NOW - days_ago * DAY)
    return request


# Mentor requests


def test_the_mentor_is_reminded_after_3_days_once(mentee, mentor):
    ask(mentee, mentor, 3)
    assert nudges.send_request_reminders(NOW - dt.timedelta(seconds=1)) == 0

    assert nudges.send_request_reminders(NOW) == 1
    assert sent("request_reminder") == ["mentor@example.org"]
    assert "Mei Mentee" in Notification.objects.get(kind="request_reminder").subject
    assert nudges.send_request_reminders(NOW + DAY) == 0


def test_an_answered_request_is_not_reminded(mentee, mentor):
    request = ask(mentee, mentor, 4)
    MatchRequest.objects.filter(pk=request.pk).update(status=MatchRequest.Status.DECLINED)
    assert nudges.send_request_reminders(NOW) == 0


def test_a_request_expires_after_7_days_and_everyone_is_told(mentee, mentor, coordinator):
    request = ask(mentee, mentor, 7)
    early = ask(make_mentee("early@example.org"), mentor, 6.9)

    assert nudges.expire_requests(NOW) == 1

    request.refresh_from_db()
    assert request.status == MatchRequest.Status.EXPIRED
    assert request.decline_reason == "Expired: no answer in 7 days"
    assert request.responded_at == NOW
    assert MatchRequest.objects.get(pk=early.pk).status == MatchRequest.Status.PENDING
    assert sent("request_expired") == ["mentee@example.org"]
    assert sent("request_expired_coordinator") == ["coord@example.org"]
    assert "Mo Mentor" in Notification.objects.get(kind="request_expired").body
    assert AuditLog.objects.filter(action="match_request.expired").count() == 1
    # The 7-day expiry wins over the 3-day reminder.
    nudges.send_request_reminders(NOW)
    assert list(SentReminder.objects.values_list("key", flat=True)) == [f"request:{early.pk}:3d"]


def test_expiring_twice_tells_nobody_twice(mentee, mentor):
    ask(mentee, mentor, 8)
    assert nudges.expire_requests(NOW) == 1
    assert nudges.expire_requests(NOW) == 0
    assert len(sent("request_expired")) == 1


def make_mentee(email: str) -> User:
    from lodestar.accounts.models import Skill

    user = make_user(email)
    _member(membership_program(), user, Role.MENTEE, Skill.objects.get())
    return user


def make_mentor(email: str, name: str) -> User:
    from lodestar.accounts.models import Skill

    user = make_user(email, name)
    _member(membership_program(), user, Role.MENTOR, Skill.objects.get())
    return user


def membership_program():
    from lodestar.programs.models import Program

    return Program.objects.get(slug="women-in-data")


def test_an_expired_request_cascades_to_the_next_ranked_mentor(mentee, mentor, coordinator):
    second = make_mentor("second@example.org", "Sam Second")
    third = make_mentor("third@example.org", "Tia Third")
    Membership.objects.filter(user=second).update(accepting_requests=False)
    me = membership(mentee)
    for rank, who in enumerate([mentor, second, third], start=1):
        RankedChoice.objects.create(
            mentee=me, mentor=membership(who), rank=rank, reason=f"Reason {rank}"
        )
    ask(mentee, mentor, 7)

    nudges.expire_requests(NOW)

    follow_up = MatchRequest.objects.get(status=MatchRequest.Status.PENDING)
    assert follow_up.mentor.user == third  # the second does not take requests now
    assert follow_up.note == "Reason 3"
    assert sent("match_request") == ["mentor@example.org", "third@example.org"]
    assert "Tia Third" in Notification.objects.get(kind="request_expired").body
    assert "Tia Third" in Notification.objects.get(kind="request_expired_coordinator").body


def test_no_cascade_without_a_ranking(mentee, mentor):
    ask(mentee, mentor, 7)
    nudges.expire_requests(NOW)
    assert not MatchRequest.objects.filter(status=MatchRequest.Status.PENDING).exists()
    assert "suggestions" in Notification.objects.get(kind="request_expired").body


def test_a_mentor_ignoring_3_requests_in_30_days_stops_receiving_them(mentor, mentee):
    mentees = [mentee, make_mentee("m2@example.org"), make_mentee("m3@example.org")]
    for k, who in enumerate(mentees):
        ask(who, mentor, 7 + k)

    nudges.expire_requests(NOW)

    assert membership(mentor).accepting_requests is False
    assert sent("request_mentor_paused") == ["mentor@example.org"]
    paused = Notification.objects.get(kind="request_mentor_paused")
    assert paused.url == "/matching/requests/"
    assert "switch" in paused.body
    assert AuditLog.objects.filter(action="mentor.accepting_requests").count() == 1
    # Switched back on, one more expiry in the window does not repeat the notice at once...
    Membership.objects.filter(user=mentor).update(accepting_requests=True)
    assert nudges.expire_requests(NOW) == 0
    assert len(sent("request_mentor_paused")) == 1


def test_two_expired_requests_do_not_pause_a_mentor(mentor, mentee):
    ask(mentee, mentor, 7)
    ask(make_mentee("m2@example.org"), mentor, 7)
    old = ask(make_mentee("m3@example.org"), mentor, 7)
    MatchRequest.objects.filter(pk=old.pk).update(
        status=MatchRequest.Status.EXPIRED, responded_at=NOW - 31 * DAY
    )
    nudges.expire_requests(NOW)
    assert membership(mentor).accepting_requests is True
    assert sent("request_mentor_paused") == []


# Profile incomplete


def joined_days_ago(user, days: float):
    User.objects.filter(pk=user.pk).update(date_joined=NOW - days * DAY)


def complete_profile(user):
    profile = user.profile
    profile.display_name = "Mei"
    profile.headline = "Analyst"
    profile.bio = "Bio"
    profile.meeting_structure, profile.feedback_style = "agenda", "direct"
    profile.conversation_mode, profile.learning_style = "live", "doing"
    profile.formats = ["video"]
    profile.objectives = "Learn"
    profile.save()
    user.time_zone = "Europe/Paris"
    user.save()
    ProfileLanguage.objects.create(user=user, language="en")
    AvailabilityWindow.objects.create(user=user, weekday=1, start="09:00", end="10:00")


def test_an_incomplete_profile_is_nudged_7_days_after_sign_up(mentee, mentor):
    joined_days_ago(mentee, 7)
    assert nudges.nudge_incomplete_profiles(NOW - dt.timedelta(seconds=1)) == 0

    assert nudges.nudge_incomplete_profiles(NOW) == 1
    assert sent("nudge_profile_incomplete") == ["mentee@example.org"]
    assert "time zone" in Notification.objects.get().body
    assert nudges.nudge_incomplete_profiles(NOW + DAY) == 0
    # Once per period, a few times at most (the others joined today: their own periods).
    mine = Notification.objects.filter(user=mentee, kind="nudge_profile_incomplete")
    for later, count in [(29, 1), (30, 2), (60, 3), (90, 3), (200, 3)]:
        nudges.nudge_incomplete_profiles(NOW + later * DAY)
        assert mine.count() == count


def test_a_complete_profile_is_not_nudged(mentee):
    joined_days_ago(mentee, 8)
    complete_profile(mentee)
    assert mentee.profile.completeness()[0] == 100
    assert nudges.nudge_incomplete_profiles(NOW) == 0


def test_the_profile_nudge_has_an_off_switch(mentee):
    joined_days_ago(mentee, 8)
    Preference.objects.create(user=mentee, kind="nudge_profile_incomplete", delivery="off")
    assert nudges.nudge_incomplete_profiles(NOW) == 0
    assert not SentReminder.objects.exists()


# Not matched


def approved_days_ago(user, days: float):
    Membership.objects.filter(user=user).update(status_changed_at=NOW - days * DAY)


def test_an_approved_mentee_not_matched_after_14_days_is_nudged(mentee, mentor):
    approved_days_ago(mentee, 14)
    approved_days_ago(mentor, 30)  # mentors are not nudged to be matched

    assert nudges.nudge_unmatched(NOW) == 1
    note = Notification.objects.get(kind="nudge_unmatched")
    assert note.user == mentee
    assert note.url == f"/matching/suggestions/{membership(mentee).pk}/"
    assert nudges.nudge_unmatched(NOW) == 0
    assert nudges.nudge_unmatched(NOW + 14 * DAY) == 1


def test_the_unmatched_nudge_waits_14_days(mentee):
    approved_days_ago(mentee, 13.9)
    assert nudges.nudge_unmatched(NOW) == 0


def test_the_unmatched_nudge_stops_once_matched_or_asking(mentee, mentor, relationship):
    approved_days_ago(mentee, 20)
    assert nudges.nudge_unmatched(NOW) == 0
    relationship.delete()
    ask(mentee, mentor, 1)
    assert nudges.nudge_unmatched(NOW) == 0


# Check-ins and milestone reviews


def started_days_ago(relationship, days: int):
    relationship.started_on = timezone.localdate(NOW) - dt.timedelta(days=days)
    relationship.save(update_fields=["started_on"])


def start_of(relationship):
    return timezone.make_aware(dt.datetime.combine(relationship.started_on, dt.time()))


def test_the_checkin_is_due_every_checkin_every_days(relationship, mentee):
    started_days_ago(relationship, 40)
    start = start_of(relationship)
    assert nudges.nudge_checkins(start + 30 * DAY - dt.timedelta(seconds=1)) == 0

    assert nudges.nudge_checkins(start + 30 * DAY) == 2
    assert sent("nudge_checkin_due") == ["mentee@example.org", "mentor@example.org"]
    assert nudges.nudge_checkins(start + 31 * DAY) == 0


def test_the_checkin_nudge_stops_once_checked_in(relationship, mentee):
    started_days_ago(relationship, 40)
    CheckIn.objects.create(
        relationship=relationship,
        author=mentee,
        rating=4,
        meeting_as_agreed="yes",
        created_at=NOW - 2 * DAY,
    )
    assert nudges.nudge_checkins(NOW) == 1
    assert sent("nudge_checkin_due") == ["mentor@example.org"]
    # The mentee's next one comes a period after their check-in.
    assert nudges.nudge_checkins(NOW + 28 * DAY) == 1
    assert sent("nudge_checkin_due") == ["mentee@example.org", "mentor@example.org"]


def test_a_milestone_review_is_due_once_the_milestone_passed(relationship, mentee, cohort):
    started_days_ago(relationship, 10)
    milestone = Milestone.objects.create(
        cohort=cohort, name="Midpoint", due_on=timezone.localdate(NOW) - DAY
    )
    CheckIn.objects.create(
        relationship=relationship, author=mentee, rating=4, meeting_as_agreed="yes",
        milestone=milestone,
    )  # fmt: skip

    assert nudges.nudge_checkins(NOW) == 1
    note = Notification.objects.get(kind="nudge_milestone_review")
    assert note.user.email == "mentor@example.org"
    assert "Midpoint" in note.subject
    assert nudges.nudge_checkins(NOW) == 0
    assert sent("nudge_checkin_due") == []


def test_an_old_or_earlier_milestone_asks_no_review(relationship, cohort):
    started_days_ago(relationship, 10)
    Milestone.objects.create(cohort=cohort, name="Kick-off", due_on=timezone.localdate() - 11 * DAY)
    assert nudges.nudge_checkins(NOW) == 0


# Agreement not accepted


def proposed_relationship(program, mentor, mentee, coordinator, days_ago: float) -> Relationship:
    relationship = create_relationship(
        program.cohorts.first(),
        program.tracks.get(kind=Track.Kind.INTERMEDIATE),
        [mentor],
        [mentee],
        coordinator,
    )
    Relationship.objects.filter(pk=relationship.pk).update(created_at=NOW - days_ago * DAY)
    return relationship


def test_an_agreement_not_accepted_after_3_days_is_nudged(program, mentor, mentee, coordinator):
    relationship = proposed_relationship(program, mentor, mentee, coordinator, 3)
    assert relationship.status == "proposed"
    assert nudges.nudge_agreements(NOW - dt.timedelta(seconds=1)) == 0

    assert nudges.nudge_agreements(NOW) == 2
    assert "drafted" in Notification.objects.filter(kind="nudge_agreement_pending").first().body
    assert nudges.nudge_agreements(NOW + DAY) == 0
    assert nudges.nudge_agreements(NOW + 7 * DAY) == 2


def test_only_those_who_have_not_accepted_are_nudged(program, mentor, mentee, coordinator):
    relationship = proposed_relationship(program, mentor, mentee, coordinator, 4)
    agreement = Agreement.objects.create(
        relationship=relationship,
        version=1,
        objectives="Learn SQL",
        success_measures="A query",
        starts_on=NOW.date(),
        ends_on=NOW.date() + 90 * DAY,
        cadence_days=14,
        drafted_by=mentor,
    )
    AgreementAcceptance.objects.create(agreement=agreement, user=mentor)

    assert nudges.nudge_agreements(NOW) == 1
    assert sent("nudge_agreement_pending") == ["mentee@example.org"]


def test_an_active_relationship_is_not_nudged_about_its_agreement(relationship):
    Relationship.objects.filter(pk=relationship.pk).update(created_at=NOW - 10 * DAY)
    assert nudges.nudge_agreements(NOW) == 0


def test_the_nudge_command_runs_every_job(relationship):
    out = io.StringIO()
    call_command("send_nudges", stdout=out)
    for name in nudges.JOBS:
        assert f"{name}: " in out.getvalue()
