import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from lodestar.mentoring import services
from lodestar.mentoring.models import Relationship
from lodestar.mentoring.states import Status
from lodestar.notifications.models import Notification
from lodestar.programs.models import Track

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(program, mentor, mentee, coordinator):
    program.requires_agreement = False
    program.save()
    track = program.tracks.get(kind=Track.Kind.INTERMEDIATE)
    return services.create_relationship(
        program.cohorts.get(), track, [mentor], [mentee], coordinator, explanation="Both love SQL"
    )


def test_without_an_agreement_step_a_relationship_starts_active_and_tells_both(
    pair, mentor, mentee
):
    assert pair.kind == Relationship.Kind.ONE_TO_ONE and pair.status == Status.ACTIVE
    assert pair.mentors() == [mentor] and pair.mentees() == [mentee]
    assert Notification.objects.filter(kind="relationship_started").count() == 2
    assert list(pair.events.values_list("to_status", flat=True)) == ["active"]


def test_where_the_program_asks_for_an_agreement_the_pair_starts_proposed(
    program, mentor, mentee, coordinator
):
    assert program.requires_agreement  # the default
    created = services.create_relationship(
        program.cohorts.get(), program.tracks.get(kind="intermediate"), [mentor], [mentee],
        coordinator,
    )  # fmt: skip
    assert created.status == Status.PROPOSED
    assert list(created.events.values_list("to_status", flat=True)) == ["proposed"]


def test_group_and_peer_kinds(program, mentor, mentee, other_member, coordinator):
    cohort = program.cohorts.get()
    group = services.create_relationship(
        cohort,
        program.tracks.get(kind="intermediate"),
        [mentor],
        [mentee, coordinator],
        coordinator,
    )
    peers = services.create_relationship(
        cohort, program.tracks.get(kind="peer"), [], [mentee, mentor], coordinator
    )
    assert group.kind == Relationship.Kind.GROUP
    assert peers.kind == Relationship.Kind.PEER
    assert {p.role for p in peers.participants.all()} == {"peer"}


def test_a_relationship_needs_a_mentor_outside_peer_tracks(program, mentee, coordinator):
    with pytest.raises(ValidationError):
        services.create_relationship(
            program.cohorts.get(), program.tracks.get(kind="leadership"), [], [mentee], coordinator
        )


def test_pause_needs_a_return_date_and_end_needs_a_reason(pair, mentee):
    with pytest.raises(ValidationError, match="come back"):
        services.change_status(pair, Status.PAUSED, mentee)
    back = timezone.localdate() + dt.timedelta(days=14)
    services.change_status(pair, Status.PAUSED, mentee, "Exams", until=back)
    assert pair.paused_until == back
    with pytest.raises(ValidationError, match="why"):
        services.change_status(pair, Status.ENDED, mentee, "  ")
    services.change_status(pair, Status.ENDED, mentee, "Moved abroad")
    pair.refresh_from_db()
    assert (pair.status, pair.end_reason, pair.paused_until) == ("ended", "Moved abroad", None)
    assert [e.to_status for e in pair.events.all()] == ["active", "paused", "ended"]


def test_completed_is_final(pair, mentor):
    services.change_status(pair, Status.COMPLETED, mentor, "Goals reached early")
    with pytest.raises(ValidationError, match="cannot become"):
        services.change_status(pair, Status.ACTIVE, mentor)


def test_the_other_side_is_told_of_a_change(pair, mentor, mentee):
    services.change_status(pair, Status.COMPLETED, mentor, "Well done")
    assert Notification.objects.filter(user=mentee, kind="relationship_status").exists()
    assert not Notification.objects.filter(user=mentor, kind="relationship_status").exists()


def test_relationship_page_is_for_participants_and_coordinators(pair, cast, login):
    url = pair.get_absolute_url()
    assert login(None).get(url).status_code == 302
    for who in ("other_member", "other_coordinator"):
        assert login(cast[who]).get(url).status_code == 404
    for who in ("mentor", "mentee", "coordinator"):
        page = login(cast[who]).get(url)
        assert page.status_code == 200 and "Both love SQL" in page.content.decode()


def test_status_form_errors_are_messages(pair, login, mentee):
    response = login(mentee).post(
        reverse("mentoring:status", args=[pair.pk]), {"status": "ended"}, follow=True
    )
    assert "Say why the relationship ends early." in response.content.decode()
    pair.refresh_from_db()
    assert pair.status == Status.ACTIVE


def test_home_shows_my_relationships(pair, login, mentee):
    page = login(mentee).get(reverse("home")).content.decode()
    assert "My mentoring" in page and "Mo Mentor (mentor)" in page


def test_lists_do_not_grow_their_queries_with_relationships(
    program, mentor, mentee, coordinator, login
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    track = program.tracks.get(kind="intermediate")
    pages = [
        (mentee, reverse("mentoring:list")),
        (coordinator, reverse("mentoring:program_list", args=[program.slug])),
        (mentee, reverse("home")),
    ]

    def counts():
        result = []
        for user, url in pages:
            client = login(user)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    services.create_relationship(program.cohorts.get(), track, [mentor], [mentee], coordinator)
    few = counts()
    for _ in range(11):
        services.create_relationship(program.cohorts.get(), track, [mentor], [mentee], coordinator)
    assert counts() == few


def test_export_includes_relationships(pair, login, mentee):
    import json

    data = json.loads(login(mentee).get(reverse("accounts:export")).content)
    assert data["relationships"][0]["with"] == ["Mo Mentor"]


def test_only_the_agreement_or_a_coordinator_starts_a_proposed_pair(
    program, mentor, mentee, coordinator
):
    created = services.create_relationship(
        program.cohorts.get(), program.tracks.get(kind="intermediate"), [mentor], [mentee],
        coordinator,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="accepted the agreement"):
        services.change_status(created, Status.ACTIVE, mentor)
    assert not services.may_start(created, mentee) and services.may_start(created, coordinator)
    services.change_status(created, Status.ACTIVE, coordinator, "Signed on paper")
    created.refresh_from_db()
    assert created.status == Status.ACTIVE


def test_the_timeline_tells_what_happened_without_private_writing(
    relationship, mentor, mentee, coordinator, login
):
    from lodestar.mentoring.models import Goal, GoalMilestone, PrivateNote, Reflection, SessionLog

    goal = Goal.objects.create(
        relationship=relationship, owner=mentee, title="Learn window functions"
    )
    GoalMilestone.objects.create(goal=goal, title="ROW_NUMBER", done_at=timezone.now())
    session = SessionLog.objects.create(
        relationship=relationship, logged_by=mentor, occurred_at=timezone.now(),
        duration_minutes=50, format="phone",
    )  # fmt: skip
    PrivateNote.objects.create(session=session, author=mentor, body="Secret worry")
    Reflection.objects.create(relationship=relationship, author=mentee, body="Journal secret")
    for user in (mentee, coordinator):
        html = login(user).get(reverse("mentoring:detail", args=[relationship.pk])).content.decode()
        timeline = html[html.index('id="tl-h"') :]
        assert "Learn window functions" in timeline and "ROW_NUMBER" in timeline
        assert "Session: 50 minutes, phone" in timeline and "Agreed on paper" in timeline
        assert "Secret worry" not in html and "Journal secret" not in html


def _fill(relationship, mentor, mentee, n):
    from lodestar.mentoring.models import ActionItem, Goal, GoalMilestone, Message, SessionLog, Win

    for i in range(n):
        goal = Goal.objects.create(relationship=relationship, owner=mentee, title=f"Goal {i}")
        GoalMilestone.objects.create(goal=goal, title=f"Step {i}", done_at=timezone.now())
        SessionLog.objects.create(
            relationship=relationship, logged_by=mentor, occurred_at=timezone.now(),
            duration_minutes=30, format="video",
        )  # fmt: skip
        ActionItem.objects.create(relationship=relationship, assignee=mentee, title=f"Do {i}")
        Message.objects.create(relationship=relationship, author=mentor, body=f"Hi {i}")
        Win.objects.create(relationship=relationship, author=mentee, title=f"Win {i}")


def test_the_relationship_page_costs_the_same_queries_however_much_happened(
    relationship, mentor, mentee, coordinator, login, django_assert_max_num_queries
):
    url = reverse("mentoring:detail", args=[relationship.pk])
    _fill(relationship, mentor, mentee, 1)
    for user in (mentee, coordinator):
        client = login(user)
        client.get(url)
        with django_assert_max_num_queries(60) as few:
            client.get(url)
        baseline = len(few.captured_queries)
        _fill(relationship, mentor, mentee, 8)
        with django_assert_max_num_queries(baseline):
            assert client.get(url).status_code == 200


def test_why_a_pair_needs_attention_is_for_coordinators_only(
    relationship, mentor, mentee, coordinator, login
):
    from lodestar.mentoring.models import CheckIn
    from lodestar.mentoring.services import record_touchpoint

    CheckIn.objects.create(
        relationship=relationship, author=mentee, rating=3, meeting_as_agreed="no", good_fit=False
    )
    record_touchpoint(relationship)  # refreshes the flag
    relationship.refresh_from_db()
    assert relationship.needs_attention
    url = reverse("mentoring:detail", args=[relationship.pk])
    assert "not a good fit" in login(coordinator).get(url).content.decode()
    # The mentor must not learn what the mentee answered.
    assert "not a good fit" not in login(mentor).get(url).content.decode()
