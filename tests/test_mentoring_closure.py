import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from lodestar.core.models import AuditLog
from lodestar.mentoring import closure
from lodestar.mentoring.access import get_relationship_for, viewer_of
from lodestar.mentoring.models import Closure, Relationship
from lodestar.mentoring.services import change_status, create_relationship
from lodestar.mentoring.states import OPEN_STATUSES
from lodestar.mentoring.views.closure import _panel
from lodestar.notifications.models import Notification
from lodestar.programs.models import Membership

pytestmark = pytest.mark.django_db


def open_relationships_of(user):
    return Relationship.objects.filter(participants__user=user, status__in=OPEN_STATUSES)


def render_panel(relationship, user):
    relationship = get_relationship_for(user, relationship.pk)
    viewer = viewer_of(relationship, user)
    panel = _panel(relationship, viewer)
    if panel is None:
        return None
    context = {"panel": panel, "relationship": relationship, "viewer": viewer, "user": user}
    return render_to_string("mentoring/closure/panel.html", context)


# Closure


def test_the_first_closure_completes_the_relationship_and_asks_the_others(
    relationship, mentor, mentee
):
    done = closure.close_relationship(relationship, mentee, "partly", "I learned SQL")
    relationship.refresh_from_db()
    assert relationship.status == "completed" and relationship.ended_on == timezone.localdate()
    assert (done.objectives_met, done.reflection) == ("partly", "I learned SQL")
    assert Notification.objects.filter(user=mentor, kind="closure_your_turn").exists()
    assert not Notification.objects.filter(user=mentee, kind="closure_your_turn").exists()
    assert relationship.events.last().to_status == "completed"
    assert AuditLog.objects.filter(action="relationship.closure", actor=mentee).exists()


def test_a_mentor_may_close_early_and_it_counts_as_completed(relationship, mentor):
    closure.close_relationship(relationship, mentor, "yes")
    relationship.refresh_from_db()
    assert relationship.status == "completed"


def test_the_others_add_their_closing_words_afterwards(relationship, mentor, mentee):
    closure.close_relationship(relationship, mentee, "yes")
    closure.close_relationship(relationship, mentor, "partly", "Proud of her")
    assert Closure.objects.filter(relationship=relationship).count() == 2
    relationship.refresh_from_db()
    assert relationship.status == "completed"
    assert relationship.events.filter(to_status="completed").count() == 1


def test_one_closure_per_participant(relationship, mentee):
    closure.close_relationship(relationship, mentee, "yes")
    with pytest.raises(ValidationError, match="already"):
        closure.close_relationship(relationship, mentee, "no")
    assert Closure.objects.count() == 1


def test_a_paused_relationship_can_be_closed(relationship, mentee):
    change_status(relationship, "paused", mentee, "Exams", timezone.localdate() + dt.timedelta(9))
    closure.close_relationship(relationship, mentee, "no")
    relationship.refresh_from_db()
    assert relationship.status == "completed"


def test_ended_and_proposed_relationships_cannot_be_closed(
    relationship, program, mentor, mentee, coordinator
):
    change_status(relationship, "ended", mentor, "Moved abroad")
    with pytest.raises(ValidationError):
        closure.close_relationship(relationship, mentee, "yes")
    proposed = create_relationship(
        program.cohorts.get(), program.tracks.get(kind="intermediate"), [mentor], [mentee],
        coordinator,
    )  # fmt: skip
    with pytest.raises(ValidationError):
        closure.close_relationship(proposed, mentee, "yes")
    assert not Closure.objects.exists()


def test_outsiders_and_bad_answers_are_refused(relationship, mentee, coordinator):
    with pytest.raises(ValidationError):
        closure.close_relationship(relationship, coordinator, "yes")
    with pytest.raises(ValidationError):
        closure.close_relationship(relationship, mentee, "maybe")
    relationship.refresh_from_db()
    assert relationship.status == "active" and not Closure.objects.exists()


def test_a_mentee_opting_in_to_mentor_tells_the_coordinators(relationship, mentee, coordinator):
    closure.close_relationship(relationship, mentee, "yes", mentor_next_time=True)
    assert Closure.objects.get().mentor_next_time
    told = Notification.objects.get(user=coordinator, kind="closure_would_mentor")
    assert "Mei Mentee would like to mentor in a future cohort" in told.subject


def test_a_mentors_opt_in_means_nothing(relationship, mentor):
    closure.close_relationship(relationship, mentor, "yes", mentor_next_time=True)
    assert not Closure.objects.get().mentor_next_time
    assert not Notification.objects.filter(kind="closure_would_mentor").exists()


def test_close_page_is_for_the_participants(relationship, cast, other_mentor, login):
    url = reverse("mentoring:close", args=[relationship.pk])
    assert login(None).get(url).status_code == 302
    for who in (cast["other_member"], cast["other_coordinator"], other_mentor, cast["coordinator"]):
        assert login(who).get(url).status_code == 404
        assert login(who).post(url, {"objectives_met": "yes"}).status_code == 404
    relationship.refresh_from_db()
    assert relationship.status == "active"
    mentee_page = login(cast["mentee"]).get(url).content.decode()
    assert "I would like to mentor in a future cohort" in mentee_page
    mentor_page = login(cast["mentor"]).get(url).content.decode()
    assert "Did we meet our objectives?" in mentor_page
    assert "I would like to mentor in a future cohort" not in mentor_page


def test_closing_through_the_page(relationship, mentee, coordinator, login):
    response = login(mentee).post(
        reverse("mentoring:close", args=[relationship.pk]),
        {"objectives_met": "yes", "reflection": "Thank you", "mentor_next_time": "on"},
    )
    assert response.url == relationship.get_absolute_url()
    relationship.refresh_from_db()
    assert relationship.status == "completed"
    assert Closure.objects.get().reflection == "Thank you"
    assert Notification.objects.filter(user=coordinator, kind="closure_would_mentor").exists()


@pytest.mark.parametrize(
    "data", [{}, {"objectives_met": "maybe"}, {"objectives_met": "yes", "reflection": "x" * 3001}]
)
def test_bad_closure_input_changes_nothing(relationship, mentee, login, data):
    response = login(mentee).post(reverse("mentoring:close", args=[relationship.pk]), data)
    assert response.status_code == 200 and "alert-danger" in response.content.decode()
    relationship.refresh_from_db()
    assert relationship.status == "active" and not Closure.objects.exists()


def test_a_second_closure_through_the_page_is_refused(relationship, mentee, login):
    url = reverse("mentoring:close", args=[relationship.pk])
    client = login(mentee)
    client.post(url, {"objectives_met": "yes"})
    response = client.post(url, {"objectives_met": "no"})
    assert response.status_code == 200 and "already added your closing words" in (
        response.content.decode()
    )
    assert Closure.objects.get().objectives_met == "yes"


def test_the_panel_asks_the_others_for_their_closing_words(
    relationship, mentor, mentee, coordinator
):
    assert "Close the relationship" in render_panel(relationship, mentee)
    closure.close_relationship(relationship, mentee, "partly", "Worth it", True)
    for_mentor = render_panel(relationship, mentor)
    assert "Add my closing words" in for_mentor and "Worth it" in for_mentor
    for_mentee = render_panel(relationship, mentee)
    assert "Add my closing words" not in for_mentee
    for_coordinator = render_panel(relationship, coordinator)
    assert "Worth it" in for_coordinator and "Partly" in for_coordinator
    assert "would like to mentor in a future cohort" in for_coordinator
    assert "Add my closing words" not in for_coordinator


# Rematch


def test_a_rematch_ends_the_relationship_and_puts_the_mentee_back_in_matching(
    relationship, mentor, mentee, coordinator
):
    assert open_relationships_of(mentee).exists()
    assert closure.request_rematch(relationship, mentee, "He keeps cancelling")
    relationship.refresh_from_db()
    assert relationship.status == "ended" and relationship.end_reason.startswith(
        "Rematch requested"
    )
    assert not open_relationships_of(mentee).exists()
    # History kept: the relationship and its timeline are still there.
    assert [e.to_status for e in relationship.events.all()] == ["proposed", "active", "ended"]
    told = Notification.objects.get(user=coordinator, kind="rematch_requested")
    assert "He keeps cancelling" in told.body and "Mei Mentee" in told.subject


def test_the_rematch_reason_is_for_the_coordinators_only(relationship, mentor, mentee):
    closure.request_rematch(relationship, mentee, "He keeps cancelling")
    for n in Notification.objects.filter(user=mentor):
        assert "cancelling" not in n.body and "cancelling" not in n.subject
    assert Notification.objects.filter(user=mentor, kind="relationship_status").exists()
    assert "cancelling" not in relationship.events.last().note
    relationship.refresh_from_db()
    assert "cancelling" not in relationship.end_reason


def test_only_mentees_of_open_relationships_ask_for_a_rematch(relationship, mentor, mentee):
    with pytest.raises(ValidationError, match="mentees"):
        closure.request_rematch(relationship, mentor, "Not my style")
    with pytest.raises(ValidationError, match="why"):
        closure.request_rematch(relationship, mentee, "   ")
    relationship.refresh_from_db()
    assert relationship.status == "active"
    change_status(relationship, "completed", mentor, "Done")
    with pytest.raises(ValidationError, match="closed"):
        closure.request_rematch(relationship, mentee, "Too late")


def test_in_a_group_a_rematch_goes_to_the_coordinators_without_ending_it(
    program, mentor, mentee, other_member, coordinator
):
    group = create_relationship(
        program.cohorts.get(), program.tracks.get(kind="intermediate"), [mentor],
        [mentee, other_member], coordinator,
    )  # fmt: skip
    change_status(group, "active", coordinator, "Go")
    assert closure.request_rematch(group, mentee, "Too big a group") is False
    group.refresh_from_db()
    assert group.status == "active"
    told = Notification.objects.get(user=coordinator, kind="rematch_requested")
    assert "Too big a group" in told.body and "group" in told.body


def test_rematch_page_roles(relationship, cast, other_mentor, login):
    url = reverse("mentoring:rematch", args=[relationship.pk])
    assert login(None).get(url).status_code == 302
    for who in (cast["other_member"], cast["other_coordinator"], other_mentor, cast["coordinator"]):
        assert login(who).get(url).status_code == 404
        assert login(who).post(url, {"reason": "x"}).status_code == 404
    assert b"Only mentees and peers" in login(cast["mentor"]).get(url).content
    response = login(cast["mentor"]).post(url, {"reason": "Let me go"})
    assert response.status_code == 200 and b"alert-danger" in response.content
    relationship.refresh_from_db()
    assert relationship.status == "active"


def test_rematch_through_the_page(relationship, mentee, login):
    url = reverse("mentoring:rematch", args=[relationship.pk])
    client = login(mentee)
    assert b"You said this is not a good fit" not in client.get(url).content
    assert b"You said this is not a good fit" in client.get(url + "?fit=no").content
    response = client.post(url, {"reason": "Different goals"})
    assert response.url == relationship.get_absolute_url()
    relationship.refresh_from_db()
    assert relationship.status == "ended"


@pytest.mark.parametrize("data", [{}, {"reason": ""}, {"reason": "x" * 1001}])
def test_bad_rematch_input_changes_nothing(relationship, mentee, login, data):
    response = login(mentee).post(reverse("mentoring:rematch", args=[relationship.pk]), data)
    assert response.status_code == 200 and b"alert-danger" in response.content
    relationship.refresh_from_db()
    assert relationship.status == "active"


# Reassign


def test_a_coordinator_replaces_the_mentor(relationship, mentor, mentee, other_mentor, coordinator):
    updated = closure.reassign_mentor(relationship, mentor, other_mentor, coordinator, "Mo moved")
    assert updated.mentors() == [other_mentor] and updated.mentees() == [mentee]
    event = relationship.events.last()
    assert (event.from_status, event.to_status, event.actor) == ("active", "active", coordinator)
    assert (
        "Mo Mentor" in event.note and "Olu Othermentor" in event.note and "Mo moved" in event.note
    )
    audit = AuditLog.objects.get(action="relationship.reassigned")
    assert audit.actor == coordinator and audit.data["new_mentor"] == other_mentor.pk
    for user, kind in (
        (mentor, "reassign_removed"),
        (other_mentor, "reassign_added"),
        (mentee, "reassign_mentees"),
    ):
        assert "Mo moved" in Notification.objects.get(user=user, kind=kind).body
    # The old mentor no longer sees the relationship; the new one does.
    with pytest.raises(Http404):
        get_relationship_for(mentor, relationship.pk)
    assert get_relationship_for(other_mentor, relationship.pk).pk == relationship.pk


def test_reassign_refusals(
    relationship, mentor, mentee, other_mentor, other_member, coordinator, other_coordinator
):
    with pytest.raises(ValidationError, match="coordinators"):
        closure.reassign_mentor(relationship, mentor, other_mentor, other_coordinator, "Hi")
    with pytest.raises(ValidationError, match="message"):
        closure.reassign_mentor(relationship, mentor, other_mentor, coordinator, "  ")
    with pytest.raises(ValidationError, match="admitted"):
        closure.reassign_mentor(relationship, mentor, other_member, coordinator, "Hi")
    with pytest.raises(ValidationError, match="admitted"):
        closure.reassign_mentor(relationship, mentor, mentee, coordinator, "Hi")
    with pytest.raises(ValidationError, match="mentor of this relationship"):
        closure.reassign_mentor(relationship, mentee, other_mentor, coordinator, "Hi")
    Membership.objects.filter(user=other_mentor).update(capacity=1)
    with pytest.raises(ValidationError, match="no room"):
        closure.reassign_mentor(relationship, mentor, other_mentor, coordinator, "Hi")
    Membership.objects.filter(user=other_mentor).update(capacity=2, status="withdrawn")
    with pytest.raises(ValidationError, match="admitted"):
        closure.reassign_mentor(relationship, mentor, other_mentor, coordinator, "Hi")
    Membership.objects.filter(user=other_mentor).update(status="active")
    change_status(relationship, "completed", mentor, "Done")
    with pytest.raises(ValidationError, match="closed"):
        closure.reassign_mentor(relationship, mentor, other_mentor, coordinator, "Hi")
    relationship.refresh_from_db()
    assert relationship.mentors() == [mentor]
    assert not Notification.objects.filter(kind__startswith="reassign_").exists()


def test_reassign_page_is_for_coordinators_only(relationship, cast, other_mentor, login):
    url = reverse("mentoring:reassign", args=[relationship.pk])
    data = {"old_mentor": cast["mentor"].pk, "new_mentor": other_mentor.pk, "message": "Hi"}
    assert login(None).get(url).status_code == 302
    for who in ("other_member", "other_coordinator", "mentor", "mentee"):
        assert login(cast[who]).get(url).status_code == 404
        assert login(cast[who]).post(url, data).status_code == 404
    assert login(other_mentor).get(url).status_code == 404
    relationship.refresh_from_db()
    assert relationship.mentors() == [cast["mentor"]]
    page = login(cast["coordinator"]).get(url).content.decode()
    assert "Olu Othermentor" in page and "Mo Mentor" in page


def test_reassign_through_the_page(relationship, mentor, other_mentor, coordinator, login):
    response = login(coordinator).post(
        reverse("mentoring:reassign", args=[relationship.pk]),
        {"old_mentor": mentor.pk, "new_mentor": other_mentor.pk, "message": "Fresh start"},
    )
    assert response.url == relationship.get_absolute_url()
    relationship.refresh_from_db()
    assert relationship.mentors() == [other_mentor]


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"old_mentor": "x", "new_mentor": "y", "message": "Hi"},
        {"old_mentor": "MENTEE", "new_mentor": "OTHER", "message": "Hi"},
        {"old_mentor": "MENTOR", "new_mentor": "OUTSIDER", "message": "Hi"},
        {"old_mentor": "MENTOR", "new_mentor": "OTHER", "message": ""},
    ],
)
def test_bad_reassign_input_changes_nothing(
    relationship, mentor, mentee, other_mentor, other_member, coordinator, login, data
):
    ids = {"MENTOR": mentor.pk, "MENTEE": mentee.pk, "OTHER": other_mentor.pk}
    ids["OUTSIDER"] = other_member.pk
    data = {k: ids.get(v, v) for k, v in data.items()}
    response = login(coordinator).post(reverse("mentoring:reassign", args=[relationship.pk]), data)
    assert response.status_code == 200 and b"alert-danger" in response.content
    relationship.refresh_from_db()
    assert relationship.mentors() == [mentor]


def test_the_close_page_links_the_final_self_assessment(relationship, mentee, login):
    page = login(mentee).get(reverse("mentoring:close", args=[relationship.pk])).content.decode()
    assert reverse("mentoring:assessment", args=[relationship.pk, "close"]) in page
