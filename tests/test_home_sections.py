"""The home page gathers what a member should do next from every room."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lodestar.feedback.models import Response, Round, Survey
from lodestar.scheduling.models import Attendee, Meeting

pytestmark = pytest.mark.django_db


def _meeting(relationship, mentor, mentee, hours):
    meeting = Meeting.objects.create(
        relationship=relationship, proposed_by=mentor, format="video", duration_minutes=60,
        starts_at=timezone.now() + dt.timedelta(hours=hours), status=Meeting.Status.ACCEPTED,
    )  # fmt: skip
    Attendee.objects.create(meeting=meeting, user=mentee, response="accepted")
    return meeting


def _round(program, mentee, title):
    survey = Survey.objects.create(program=program, title=title, status="open")
    found = Round.objects.create(
        survey=survey, key=title, closes_at=timezone.now() + dt.timedelta(days=5)
    )
    found.invitees.add(mentee)
    return found


def test_next_meetings_and_surveys_to_answer_show_on_home(
    relationship, mentor, mentee, program, login
):
    _meeting(relationship, mentor, mentee, 30)
    _meeting(relationship, mentor, mentee, -30)  # over: not shown
    answered = _round(program, mentee, "Answered pulse")
    Response.objects.create(round=answered, user=mentee)
    _round(program, mentee, "Kick-off pulse")
    page = login(mentee).get(reverse("home")).content.decode()
    assert "My next meetings" in page and page.count('href="/schedule/meetings/') >= 1
    assert "Kick-off pulse" in page and "Answered pulse" not in page


def test_home_page_queries_do_not_grow_with_meetings_and_surveys(
    relationship, mentor, mentee, program, login, django_assert_max_num_queries
):
    client = login(mentee)
    _meeting(relationship, mentor, mentee, 30)
    _round(program, mentee, "One")
    client.get(reverse("home"))
    with django_assert_max_num_queries(60) as few:
        client.get(reverse("home"))
    for i in range(4):
        _meeting(relationship, mentor, mentee, 40 + i)
        _round(program, mentee, f"More {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("home"))


def test_nothing_to_show_hides_the_sections(other_member, login):
    page = login(other_member).get(reverse("home")).content.decode()
    assert "My next meetings" not in page and "Surveys waiting" not in page
