import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from lodestar.feedback import ratings
from lodestar.feedback.models import SessionRating
from lodestar.mentoring.models import Relationship, SessionLog
from lodestar.mentoring.services import change_status

pytestmark = pytest.mark.django_db


def _session(relationship, user, when=None):
    return SessionLog.objects.create(
        relationship=relationship, logged_by=user,
        occurred_at=when or timezone.now() - dt.timedelta(hours=1),
        duration_minutes=45, format="video",
    )  # fmt: skip


@pytest.fixture
def session(relationship, mentor):
    return _session(relationship, mentor)


def _url(session):
    return reverse("feedback:rate_session", args=[session.relationship_id, session.pk])


def test_a_participant_rates_once_and_can_change_it(login, mentee, session):
    client = login(mentee)
    response = client.post(_url(session), {"rate-rating": "4", "rate-comment": "Useful"})
    assert response.status_code == 302
    client.post(_url(session), {"rate-rating": "2", "rate-comment": ""})
    rating = SessionRating.objects.get()
    assert (rating.user, rating.rating, rating.comment) == (mentee, 2, "")


def test_bad_ratings_are_refused_without_a_write(login, mentee, session):
    client = login(mentee)
    for data in [{"rate-rating": "7"}, {"rate-rating": ""}, {"rate-rating": "x"},
                 {"rate-rating": "3", "rate-comment": "x" * 501}]:  # fmt: skip
        response = client.post(_url(session), data, follow=True)
        assert response.status_code == 200
        assert response.context["messages"]
    assert not SessionRating.objects.exists()
    with pytest.raises(ValidationError):
        ratings.rate_session(session, mentee, 0)


def test_a_future_session_cannot_be_rated(mentee, relationship, mentor):
    later = _session(relationship, mentor, timezone.now() + dt.timedelta(days=2))
    with pytest.raises(ValidationError, match="happened"):
        ratings.rate_session(later, mentee, 5)


def test_a_closed_relationship_refuses_ratings(login, mentee, session, coordinator):
    change_status(session.relationship, "ended", coordinator, "Moved away")
    login(mentee).post(_url(session), {"rate-rating": "5"})
    assert not SessionRating.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("other_member", 404), ("other_coordinator", 404),
     ("other_mentor", 404), ("coordinator", 404), ("mentor", 302), ("mentee", 302)],
)  # fmt: skip
def test_only_participants_rate(request, login, session, who, status):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    response = login(user).post(_url(session), {"rate-rating": "5"})
    assert response.status_code == status
    assert SessionRating.objects.count() == (1 if who in {"mentor", "mentee"} else 0)


def test_get_is_not_allowed(login, mentee, session):
    assert login(mentee).get(_url(session)).status_code == 405


def test_a_session_of_another_relationship_is_refused(login, mentee, session, other_mentor):
    theirs = Relationship.objects.exclude(pk=session.relationship_id).get()
    their_session = _session(theirs, other_mentor)
    url = reverse("feedback:rate_session", args=[session.relationship_id, their_session.pk])
    assert login(mentee).post(url, {"rate-rating": "1"}).status_code == 404
    assert not SessionRating.objects.exists()


def test_panel_for_participants_and_coordinators(login, mentee, mentor, coordinator, session):
    ratings.rate_session(session, mentee, 4, "Private thought")
    ratings.rate_session(session, mentor, 5)
    detail = reverse("mentoring:detail", args=[session.relationship_id])
    mine = login(mentee).get(detail).content.decode()
    assert "Rate your last session" in mine and "You rated it 4/5." in mine
    theirs = login(mentor).get(detail).content.decode()
    assert "You rated it 5/5." in theirs and "Private thought" not in theirs
    coordinator_page = login(coordinator).get(detail).content.decode()
    assert "Average session rating: 4.5/5 from 2 ratings." in coordinator_page
    assert "Private thought" not in coordinator_page
    assert ratings.summary(session.relationship) == {"average": 4.5, "count": 2}


def test_no_panel_before_a_session(login, mentee, relationship):
    page = login(mentee).get(reverse("mentoring:detail", args=[relationship.pk])).content.decode()
    assert "Rate your last session" not in page
