import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from lodestar.mentoring import checkins
from lodestar.mentoring.access import viewer_of
from lodestar.mentoring.models import CheckIn, SessionLog
from lodestar.mentoring.services import change_status
from lodestar.mentoring.views.checkins import _panel
from lodestar.notifications.models import Notification
from lodestar.programs.models import Milestone

pytestmark = pytest.mark.django_db


def a_session(relationship, who, days_ago: int = 1) -> SessionLog:
    return SessionLog.objects.create(
        relationship=relationship,
        logged_by=who,
        occurred_at=timezone.now() - dt.timedelta(days=days_ago),
        duration_minutes=60,
        format=SessionLog.Format.VIDEO,
    )


def started_days_ago(relationship, days: int):
    relationship.started_on = timezone.localdate() - dt.timedelta(days=days)
    relationship.save(update_fields=["started_on"])
    return relationship


def check_in(relationship, user, rating=4, meeting="yes", fit=None, **extra):
    return checkins.submit_checkin(relationship, user, rating, meeting, good_fit=fit, **extra)


# When a check-in is due


def test_nothing_is_due_before_the_first_session_or_the_cadence(relationship, mentee):
    due = checkins.due_for(relationship, mentee)
    assert not due.is_due and not due.asks_fit and due.milestone is None


def test_the_first_session_makes_the_fit_check_due(relationship, mentor, mentee):
    a_session(relationship, mentor)
    due = checkins.due_for(relationship, mentee)
    assert due.is_due and due.asks_fit


def test_without_sessions_the_first_check_in_is_due_after_the_cadence(relationship, mentee):
    started_days_ago(relationship, relationship.program.checkin_every_days)
    due = checkins.due_for(relationship, mentee)
    assert due.is_due and not due.asks_fit


def test_the_next_check_in_is_due_checkin_every_days_after_the_last(relationship, mentee):
    check_in(relationship, mentee, now=timezone.now() - dt.timedelta(days=29))
    assert not checkins.due_for(relationship, mentee).is_due
    CheckIn.objects.update(created_at=timezone.now() - dt.timedelta(days=30, minutes=1))
    assert checkins.due_for(relationship, mentee).is_due


def test_only_the_first_check_in_after_the_first_session_asks_about_fit(
    relationship, mentor, mentee
):
    a_session(relationship, mentor, days_ago=3)
    check_in(relationship, mentee, fit=True)
    assert not checkins.due_for(relationship, mentee).asks_fit
    # The mentor has not answered yet: their first check-in still asks.
    assert checkins.due_for(relationship, mentor).asks_fit


def test_a_check_in_before_the_first_session_does_not_count_as_the_fit_check(
    relationship, mentor, mentee
):
    check_in(relationship, mentee, now=timezone.now() - dt.timedelta(days=5))
    a_session(relationship, mentor, days_ago=2)
    assert checkins.due_for(relationship, mentee).asks_fit


def test_paused_and_closed_relationships_have_nothing_due(relationship, mentor, mentee):
    a_session(relationship, mentor)
    change_status(
        relationship, "paused", mentor, "Holidays", timezone.localdate() + dt.timedelta(7)
    )
    assert not checkins.due_for(relationship, mentee).is_due
    change_status(relationship, "ended", mentor, "Moved")
    assert not checkins.due_for(relationship, mentee).is_due


# Submitting


def test_a_check_in_is_stored_and_refreshes_the_attention_flag(relationship, mentee):
    checkin = check_in(relationship, mentee, rating=1, meeting="no", blockers="No time")
    assert (checkin.rating, checkin.meeting_as_agreed, checkin.blockers) == (1, "no", "No time")
    assert checkin.good_fit is None and checkin.milestone is None
    relationship.refresh_from_db()
    assert relationship.needs_attention and "1/5" in relationship.attention_reason


def test_the_fit_question_must_be_answered_when_asked(relationship, mentor, mentee):
    a_session(relationship, mentor)
    with pytest.raises(ValidationError, match="good fit"):
        check_in(relationship, mentee)
    assert not CheckIn.objects.exists()


def test_a_fit_answer_is_ignored_when_not_asked(relationship, mentee):
    assert check_in(relationship, mentee, fit=False).good_fit is None
    assert not Notification.objects.filter(kind="checkin_not_a_good_fit").exists()


def test_not_a_good_fit_alerts_every_coordinator_and_flags_the_relationship(
    relationship, mentor, mentee, coordinator, other_coordinator
):
    relationship.program.coordinators.add(other_coordinator)
    a_session(relationship, mentor)
    check_in(relationship, mentee, fit=False)
    told = Notification.objects.filter(kind="checkin_not_a_good_fit")
    assert {n.user for n in told} == {coordinator, other_coordinator}
    assert "Mei Mentee" in told.first().subject
    assert not Notification.objects.filter(kind="checkin_not_a_good_fit", user=mentor).exists()
    relationship.refresh_from_db()
    assert relationship.needs_attention and "not a good fit" in relationship.attention_reason


def test_once_a_day_at_most(relationship, mentee):
    check_in(relationship, mentee)
    with pytest.raises(ValidationError, match="already checked in today"):
        check_in(relationship, mentee)
    assert CheckIn.objects.count() == 1


def test_bad_values_are_refused(relationship, mentee):
    with pytest.raises(ValidationError):
        check_in(relationship, mentee, rating=6)
    with pytest.raises(ValidationError):
        check_in(relationship, mentee, meeting="often")
    assert not CheckIn.objects.exists()


def test_only_participants_of_an_active_or_paused_relationship_check_in(
    relationship, mentor, mentee, coordinator
):
    with pytest.raises(ValidationError):
        check_in(relationship, coordinator)
    change_status(relationship, "completed", mentor, "Done")
    with pytest.raises(ValidationError, match="active or paused"):
        check_in(relationship, mentee)
    assert not CheckIn.objects.exists()


# Milestone reviews


@pytest.fixture
def milestones(relationship, cohort):
    today = timezone.localdate()
    started_days_ago(relationship, 60)
    return [
        Milestone.objects.create(cohort=cohort, name=name, due_on=today + dt.timedelta(days=d))
        for name, d in (("Kick-off", -50), ("Midpoint", -5), ("Closing", 60))
    ]


def test_stages_are_start_midpoint_and_close(milestones):
    assert [checkins.stage_of(m, milestones) for m in milestones] == ["start", "midpoint", "close"]


def test_the_latest_passed_milestone_is_due_and_tied_to_the_check_in(
    relationship, mentee, milestones
):
    due = checkins.due_for(relationship, mentee)
    assert due.is_due and due.milestone == milestones[1] and due.stage == "midpoint"
    assert check_in(relationship, mentee).milestone == milestones[1]
    assert checkins.due_for(relationship, mentee).milestone is None


def test_a_milestone_before_the_relationship_started_is_not_reviewed(
    relationship, mentee, milestones
):
    started_days_ago(relationship, 3)
    assert checkins.pending_milestone(relationship, mentee) is None


# Pages


def test_check_in_page_is_for_the_participants_only(relationship, cast, other_mentor, login):
    url = reverse("mentoring:checkin", args=[relationship.pk])
    assert login(None).get(url).status_code == 302
    for who in (cast["other_member"], cast["other_coordinator"], other_mentor, cast["coordinator"]):
        assert login(who).get(url).status_code == 404
        assert login(who).post(url, {"rating": 4, "meeting_as_agreed": "yes"}).status_code == 404
    for who in ("mentor", "mentee"):
        page = login(cast[who]).get(url)
        assert page.status_code == 200 and "How is it going?" in page.content.decode()
    assert not CheckIn.objects.exists()


def test_a_participant_checks_in(relationship, mentee, login):
    response = login(mentee).post(
        reverse("mentoring:checkin", args=[relationship.pk]),
        {"rating": 4, "meeting_as_agreed": "partly", "blockers": "Busy month", "comment": ""},
    )
    assert response.status_code == 302 and response.url == relationship.get_absolute_url()
    checkin = CheckIn.objects.get()
    assert (checkin.author, checkin.rating, checkin.blockers) == (mentee, 4, "Busy month")


def test_the_form_asks_about_fit_after_the_first_session(relationship, mentor, mentee, login):
    url = reverse("mentoring:checkin", args=[relationship.pk])
    assert "Is this a good fit?" not in login(mentee).get(url).content.decode()
    a_session(relationship, mentor)
    assert "Is this a good fit?" in login(mentee).get(url).content.decode()


def test_a_mentee_who_says_no_is_offered_a_rematch(relationship, mentor, mentee, login):
    a_session(relationship, mentor)
    response = login(mentee).post(
        reverse("mentoring:checkin", args=[relationship.pk]),
        {"rating": 2, "meeting_as_agreed": "no", "good_fit": "no"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == (
        reverse("mentoring:rematch", args=[relationship.pk]) + "?fit=no"
    )
    assert "You said this is not a good fit" in response.content.decode()
    assert CheckIn.objects.get().good_fit is False
    relationship.refresh_from_db()
    assert relationship.status == "active"  # nothing ends until they ask


def test_a_mentor_who_says_no_alerts_the_coordinators(
    relationship, mentor, mentee, coordinator, login
):
    a_session(relationship, mentor)
    response = login(mentor).post(
        reverse("mentoring:checkin", args=[relationship.pk]),
        {"rating": 3, "meeting_as_agreed": "yes", "good_fit": "no"},
    )
    assert response.url == relationship.get_absolute_url()
    assert Notification.objects.filter(user=coordinator, kind="checkin_not_a_good_fit").exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"rating": 9, "meeting_as_agreed": "yes"},
        {"rating": "lots", "meeting_as_agreed": "yes"},
        {"rating": 3, "meeting_as_agreed": "sometimes"},
        {"rating": 3, "meeting_as_agreed": "yes", "blockers": "x" * 1001},
    ],
)
def test_bad_input_is_refused_with_a_message(relationship, mentee, login, data):
    response = login(mentee).post(reverse("mentoring:checkin", args=[relationship.pk]), data)
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_a_missing_fit_answer_is_refused(relationship, mentor, mentee, login):
    a_session(relationship, mentor)
    response = login(mentee).post(
        reverse("mentoring:checkin", args=[relationship.pk]),
        {"rating": 3, "meeting_as_agreed": "yes"},
    )
    assert response.status_code == 200 and not CheckIn.objects.exists()
    assert "alert-danger" in response.content.decode()


def test_a_second_check_in_the_same_day_is_a_message_not_an_error(relationship, mentee, login):
    url = reverse("mentoring:checkin", args=[relationship.pk])
    client = login(mentee)
    client.post(url, {"rating": 4, "meeting_as_agreed": "yes"})
    response = client.post(url, {"rating": 4, "meeting_as_agreed": "yes"})
    assert response.status_code == 200 and "already checked in today" in response.content.decode()
    assert CheckIn.objects.count() == 1


def test_a_closed_relationship_shows_no_form(relationship, mentor, mentee, login):
    change_status(relationship, "completed", mentor, "Done")
    page = login(mentee).get(reverse("mentoring:checkin", args=[relationship.pk])).content
    assert b"Send my check-in" not in page


def test_a_milestone_review_says_which_milestone(relationship, mentee, milestones, login):
    page = login(mentee).get(reverse("mentoring:checkin", args=[relationship.pk])).content.decode()
    assert "Midpoint review" in page


def test_history_shows_answers_to_the_author_and_coordinators_only(
    relationship, cast, other_mentor, login
):
    check_in(relationship, cast["mentee"], rating=2, blockers="Secret blocker", comment="Quiet")
    url = reverse("mentoring:checkins", args=[relationship.pk])
    assert login(None).get(url).status_code == 302
    for who in (cast["other_member"], cast["other_coordinator"], other_mentor):
        assert login(who).get(url).status_code == 404
    for who in ("mentee", "coordinator"):
        page = login(cast[who]).get(url).content.decode()
        assert "Secret blocker" in page and "Quiet" in page and "2/5" in page
    page = login(cast["mentor"]).get(url).content.decode()
    assert "Mei Mentee" in page and "checked in" in page
    assert "Secret blocker" not in page and "Quiet" not in page and "2/5" not in page


def test_history_of_another_relationship_is_a_404(relationship, mentee, other_mentor, login):
    theirs = other_mentor.relationship_roles.get().relationship
    assert login(mentee).get(reverse("mentoring:checkins", args=[theirs.pk])).status_code == 404
    assert login(mentee).get(reverse("mentoring:checkin", args=[theirs.pk])).status_code == 404


def test_history_queries_do_not_grow_with_check_ins(
    relationship, mentor, mentee, login, django_assert_max_num_queries
):
    now = timezone.now()
    for days in range(20):
        for who in (mentor, mentee):
            CheckIn.objects.create(
                relationship=relationship,
                author=who,
                rating=3,
                meeting_as_agreed="yes",
                created_at=now - dt.timedelta(days=days),
            )
    client = login(mentor)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("mentoring:checkins", args=[relationship.pk])).status_code == 200


# The panel


def render_panel(relationship, user):
    viewer = viewer_of(relationship, user)
    panel = _panel(relationship, viewer)
    if panel is None:
        return None
    context = {"panel": panel, "relationship": relationship, "viewer": viewer, "user": user}
    return render_to_string("mentoring/checkins/panel.html", context)


def test_the_panel_calls_to_check_in_when_due(relationship, mentor, mentee):
    assert "Your check-in is due" not in render_panel(relationship, mentee)
    a_session(relationship, mentor)
    assert "Your check-in is due" in render_panel(relationship, mentee)


def test_the_panel_shows_the_other_side_only_that_a_check_in_was_done(
    relationship, mentor, mentee, coordinator
):
    check_in(relationship, mentee, rating=2, blockers="Secret blocker")
    for_mentee = render_panel(relationship, mentee)
    assert "Your last pulse: 2/5" in for_mentee and "Secret blocker" not in for_mentee
    for_mentor = render_panel(relationship, mentor)
    assert "Mei Mentee checked in on" in for_mentor
    assert "2/5" not in for_mentor and "Secret blocker" not in for_mentor
    panel = _panel(relationship, viewer_of(relationship, mentor))
    assert "pulses" not in panel
    assert all(not isinstance(when, CheckIn) for _name, when in panel["others"])
    for_coordinator = render_panel(relationship, coordinator)
    assert "2/5" in for_coordinator and "Secret blocker" in for_coordinator
    assert "Your check-in is due" not in for_coordinator


def test_no_panel_before_the_relationship_starts(program, mentor, mentee, coordinator):
    from lodestar.mentoring.services import create_relationship

    proposed = create_relationship(
        program.cohorts.get(), program.tracks.get(kind="intermediate"), [mentor], [mentee],
        coordinator,
    )  # fmt: skip
    assert render_panel(proposed, mentee) is None


def test_the_relationship_page_shows_scores_to_coordinators_not_to_the_other_side(
    relationship, mentor, mentee, coordinator, login
):
    check_in(relationship, mentee, rating=2, blockers="Blocked hard")
    page = login(coordinator).get(relationship.get_absolute_url()).content.decode()
    assert "Latest pulse per participant" in page and "Blocked hard" in page
    page = login(mentor).get(relationship.get_absolute_url()).content.decode()
    assert "Mei Mentee checked in on" in page and "Blocked hard" not in page


def test_after_a_milestone_review_the_member_rates_their_skills(
    relationship, mentee, milestones, login
):
    response = login(mentee).post(
        reverse("mentoring:checkin", args=[relationship.pk]),
        {"rating": 4, "meeting_as_agreed": "yes"},
    )
    assert response.url == reverse("mentoring:assessment", args=[relationship.pk, "midpoint"])
    assert CheckIn.objects.get().milestone == milestones[1]
