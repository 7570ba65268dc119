import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lodestar.accounts.models import Skill
from lodestar.mentoring import services
from lodestar.mentoring import sessions as svc
from lodestar.mentoring.models import ActionItem, PrivateNote, Relationship, SessionLog
from lodestar.mentoring.sessions import NewAction
from lodestar.mentoring.states import Status
from lodestar.notifications.models import Notification
from lodestar.programs.models import Track

from .conftest import make_user

pytestmark = pytest.mark.django_db

NOW = timezone.now


@pytest.fixture
def rel(relationship):
    """The active relationship, started two months ago so past sessions fit in it."""
    relationship.started_on = timezone.localdate() - dt.timedelta(days=60)
    relationship.save(update_fields=["started_on"])
    return relationship


def log(rel, user, days_ago=1, minutes=60, **extra) -> SessionLog:
    return svc.log_session(
        rel,
        user,
        occurred_at=NOW() - dt.timedelta(days=days_ago),
        duration_minutes=minutes,
        format=SessionLog.Format.VIDEO,
        **extra,
    )


def other_relationship(program, coordinator) -> Relationship:
    a = make_user("a@example.org", "Ada")
    b = make_user("b@example.org", "Bea")
    created = services.create_relationship(
        program.cohorts.get(), program.tracks.get(kind=Track.Kind.INTERMEDIATE), [a], [b],
        coordinator,
    )  # fmt: skip
    created.started_on = timezone.localdate() - dt.timedelta(days=60)
    created.save()
    return services.change_status(created, Status.ACTIVE, coordinator, "ok")


def form_data(when=None, **extra) -> dict:
    when = when or NOW() - dt.timedelta(hours=3)
    data = {
        "occurred_at": timezone.localtime(when).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "45",
        "format": "video",
        "shared_notes": "We reviewed window functions",
        "next_steps": "Practice on the sales data",
    }
    data.update(extra)
    return data


# Services --------------------------------------------------------------------------------


def test_logging_a_session_records_the_touchpoint_and_asks_the_other_side(
    rel, mentor, mentee, skill
):
    when = NOW() - dt.timedelta(days=2)
    session = svc.log_session(
        rel,
        mentor,
        occurred_at=when,
        duration_minutes=50,
        format=SessionLog.Format.PHONE,
        topics=[skill],
        shared_notes="  Talked SQL  ",
        private_note="She seems tired",
        actions=[NewAction("Read chapter 3", mentee, timezone.localdate())],
    )
    rel.refresh_from_db()
    assert rel.session_count == 1 and rel.last_touchpoint_at == when
    assert session.shared_notes == "Talked SQL" and list(session.topics.all()) == [skill]
    assert PrivateNote.objects.get(session=session).author == mentor
    item = ActionItem.objects.get()
    assert (item.assignee, item.session, item.created_by) == (mentee, session, mentor)
    notified = Notification.objects.filter(kind="session_logged")
    assert [n.user for n in notified] == [mentee]


@pytest.mark.parametrize(
    "when, message",
    [
        (lambda: NOW() + dt.timedelta(hours=2), "future"),
        (lambda: NOW() - dt.timedelta(days=90), "before the relationship started"),
    ],
)
def test_a_session_cannot_be_in_the_future_nor_before_the_start(rel, mentor, when, message):
    with pytest.raises(ValidationError, match=message):
        svc.log_session(rel, mentor, occurred_at=when(), duration_minutes=60, format="video")
    assert not SessionLog.objects.exists()
    rel.refresh_from_db()
    assert rel.session_count == 0 and rel.last_touchpoint_at is None


def test_bad_duration_format_or_assignee_write_nothing(rel, mentor, other_member):
    with pytest.raises(ValidationError, match="duration"):
        log(rel, mentor, minutes=2)
    with pytest.raises(ValidationError, match="how you met"):
        svc.log_session(rel, mentor, occurred_at=NOW(), duration_minutes=60, format="telepathy")
    with pytest.raises(ValidationError, match="someone in this relationship"):
        log(rel, mentor, actions=[NewAction("Spy", other_member)])
    with pytest.raises(ValidationError, match="at most 3"):
        log(rel, mentor, actions=[NewAction("x", mentor)] * 4)
    assert not SessionLog.objects.exists() and not ActionItem.objects.exists()


def test_inactive_skills_are_refused_as_topics(rel, mentor, skill):
    retired = Skill.objects.create(name="COBOL", category=skill.category, is_active=False)
    with pytest.raises(ValidationError, match="still in use"):
        log(rel, mentor, topics=[retired])


def test_only_the_other_side_confirms_and_only_once(rel, mentor, mentee):
    session = log(rel, mentor)
    with pytest.raises(ValidationError, match="other side"):
        svc.confirm_session(session, mentor)
    svc.confirm_session(session, mentee)
    session.refresh_from_db()
    assert session.confirmed_by == mentee and session.confirmed_at is not None
    with pytest.raises(ValidationError, match="already confirmed"):
        svc.confirm_session(session, mentee)


def test_outsiders_cannot_log_nor_confirm(rel, mentor, other_mentor):
    with pytest.raises(ValidationError, match="Only the people"):
        log(rel, other_mentor)
    session = log(rel, mentor)
    with pytest.raises(ValidationError, match="Only the people"):
        svc.confirm_session(session, other_mentor)


def test_the_logger_edits_and_deletes_until_confirmed(rel, mentor, mentee, skill):
    session = log(rel, mentor)
    with pytest.raises(ValidationError, match="Only the person who logged"):
        svc.update_session(
            session, mentee, occurred_at=session.occurred_at, duration_minutes=30, format="phone"
        )
    svc.update_session(
        session, mentor, occurred_at=session.occurred_at, duration_minutes=30, format="phone",
        topics=[skill], shared_notes="edited",
    )  # fmt: skip
    session.refresh_from_db()
    assert (session.duration_minutes, session.format, session.shared_notes) == (
        30,
        "phone",
        "edited",
    )
    with pytest.raises(ValidationError, match="Only the person who logged"):
        svc.delete_session(session, mentee)
    svc.confirm_session(session, mentee)
    with pytest.raises(ValidationError, match="confirmed"):
        svc.delete_session(session, mentor)
    other = log(rel, mentor, days_ago=3)
    svc.delete_session(other, mentor)
    rel.refresh_from_db()
    assert rel.session_count == 1 and list(rel.sessions.all()) == [session]


def test_closed_relationships_are_read_only_history(rel, mentor, mentee, coordinator):
    session = log(rel, mentor)
    services.change_status(rel, Status.COMPLETED, coordinator, "done")
    with pytest.raises(ValidationError, match="closed"):
        log(rel, mentor)
    with pytest.raises(ValidationError, match="closed"):
        svc.confirm_session(session, mentee)
    with pytest.raises(ValidationError, match="closed"):
        svc.add_action_item(rel, mentor, "Late", mentee)


def test_mentor_hours_count_only_confirmed_sessions_of_mentors(
    rel, mentor, mentee, program, coordinator
):
    confirmed = log(rel, mentor, minutes=90)
    svc.confirm_session(confirmed, mentee)
    log(rel, mentee, minutes=60)  # not confirmed: no hours yet
    second = log(rel, mentee, minutes=45, days_ago=5)
    svc.confirm_session(second, mentor)
    assert svc.mentor_hours(mentor) == 2.2  # 135 minutes
    assert svc.mentor_hours(mentor, program) == 2.2
    assert svc.mentor_hours(mentee) == 0.0  # a mentee, not a mentor
    assert svc.hours_together(rel) == 2.2
    other = other_relationship(program, coordinator)
    assert svc.mentor_hours(other.mentors()[0]) == 0.0


def test_private_notes_belong_to_their_author(rel, mentor, mentee):
    session = log(rel, mentor, private_note="mine")
    svc.save_private_note(session, mentee, "hers")
    assert svc.private_note_of(session, mentor).body == "mine"
    assert svc.private_note_of(session, mentee).body == "hers"
    svc.save_private_note(session, mentee, "  ")
    assert svc.private_note_of(session, mentee) is None
    assert PrivateNote.objects.count() == 1


def test_action_items_are_ticked_by_the_assignee_or_their_creator(rel, mentor, mentee):
    item = svc.add_action_item(rel, mentee, "Draft CV", mentee, timezone.localdate())
    assert not Notification.objects.filter(kind="action_assigned").exists()  # own item
    with pytest.raises(ValidationError, match="assignee"):
        svc.set_action_done(item, mentor, True)
    svc.set_action_done(item, mentee, True)
    assert item.done_at is not None
    given = svc.add_action_item(rel, mentor, "Send slides", mentee)
    assert Notification.objects.get(kind="action_assigned").user == mentee
    svc.set_action_done(given, mentor, True)
    svc.set_action_done(given, mentor, False)
    given.refresh_from_db()
    assert given.done_at is None
    with pytest.raises(ValidationError, match="title"):
        svc.add_action_item(rel, mentor, "   ", mentee)


def test_open_actions_of_lists_overdue_first_in_open_relationships_only(
    rel, mentor, mentee, program, coordinator
):
    today = timezone.localdate()
    later = svc.add_action_item(rel, mentor, "Later", mentee, today + dt.timedelta(days=5))
    undated = svc.add_action_item(rel, mentor, "Someday", mentee)
    overdue = svc.add_action_item(rel, mentor, "Late", mentee, today - dt.timedelta(days=2))
    done = svc.add_action_item(rel, mentor, "Done", mentee, today - dt.timedelta(days=9))
    svc.set_action_done(done, mentee, True)
    assert list(svc.open_actions_of(mentee)) == [overdue, later, undated]
    assert svc.is_overdue(overdue) and not svc.is_overdue(later)
    services.change_status(rel, Status.COMPLETED, coordinator, "done")
    assert not svc.open_actions_of(mentee).exists()


# Views -----------------------------------------------------------------------------------

REFUSED = ["other_member", "other_coordinator", "other_mentor"]


@pytest.fixture
def people(cast, other_mentor):
    return {**cast, "other_mentor": other_mentor}


@pytest.mark.parametrize(
    "name, allowed",
    [
        ("mentoring:sessions", {"mentee", "mentor", "coordinator"}),
        ("mentoring:session_new", {"mentee", "mentor"}),
        ("mentoring:actions", {"mentee", "mentor"}),
    ],
)
def test_relationship_pages_answer_each_role(rel, people, login, name, allowed):
    url = reverse(name, args=[rel.pk])
    anonymous = login(None).get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.url
    for role, user in people.items():
        expected = 200 if role in allowed else 404
        assert login(user).get(url).status_code == expected, role


def test_session_pages_answer_each_role(rel, people, login, mentor, mentee):
    session = log(rel, mentor)
    detail = reverse("mentoring:session", args=[rel.pk, session.pk])
    edit = reverse("mentoring:session_edit", args=[rel.pk, session.pk])
    assert login(None).get(detail).status_code == 302
    for role, user in people.items():
        client = login(user)
        assert client.get(detail).status_code == (
            200 if role in {"mentee", "mentor", "coordinator"} else 404
        ), role
        # Only the logger edits: the others cannot even open the form.
        assert client.get(edit).status_code == (200 if role == "mentor" else 404), role
    for name in ("session_confirm", "session_note", "session_delete"):
        url = reverse(f"mentoring:{name}", args=[rel.pk, session.pk])
        for role in ["coordinator", *REFUSED]:
            assert login(people[role]).post(url).status_code == 404, (name, role)
    assert SessionLog.objects.filter(pk=session.pk, confirmed_at=None).exists()


def test_the_mentee_confirms_from_the_relationship_page(rel, mentor, mentee, login):
    session = log(rel, mentor)
    client = login(mentee)
    page = client.get(rel.get_absolute_url())
    confirm = reverse("mentoring:session_confirm", args=[rel.pk, session.pk])
    assert confirm in page.content.decode()
    response = client.post(confirm, {"back": "detail"})
    assert response.status_code == 302 and response.url == rel.get_absolute_url()
    session.refresh_from_db()
    assert session.confirmed_by == mentee
    # The logger gets a message, not a confirmation.
    other = log(rel, mentor, days_ago=2)
    followed = login(mentor).post(
        reverse("mentoring:session_confirm", args=[rel.pk, other.pk]), follow=True
    )
    assert "other side confirms" in followed.content.decode()
    assert SessionLog.objects.get(pk=other.pk).confirmed_at is None


def test_logging_a_session_through_the_form(rel, mentor, mentee, skill, login):
    client = login(mentor)
    data = form_data(
        topics=[skill.pk],
        private_note="Secret worry",
        action1_title="Read the docs",
        action1_assignee=str(mentee.pk),
        action1_due=(timezone.localdate() + dt.timedelta(days=7)).isoformat(),
    )
    response = client.post(reverse("mentoring:session_new", args=[rel.pk]), data)
    session = SessionLog.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("mentoring:session", args=[rel.pk, session.pk])
    assert session.logged_by == mentor and session.duration_minutes == 45
    assert ActionItem.objects.get().assignee == mentee
    assert PrivateNote.objects.get().body == "Secret worry"
    rel.refresh_from_db()
    assert rel.session_count == 1


@pytest.mark.parametrize(
    "data, message",
    [
        (form_data(when=NOW() + dt.timedelta(days=3)), "cannot be in the future"),
        (form_data(when=NOW() - dt.timedelta(days=400)), "before the relationship started"),
        (form_data(duration_minutes="9999"), "less than or equal to 480"),
        (form_data(duration_minutes="abc"), "whole number"),
        (form_data(occurred_at="yesterday-ish"), "valid date/time"),
        (form_data(format="smoke"), "valid choice"),
        (form_data(action1_assignee="1"), "title"),
        (form_data(action1_title="Do it"), "Choose who"),
        (form_data(action1_title="Do it", action1_assignee="999999"), "valid choice"),
        (form_data(topics=["not-a-number"]), "valid value"),
    ],
)
def test_bad_session_input_is_refused_with_a_message(rel, mentor, login, data, message):
    response = login(mentor).post(reverse("mentoring:session_new", args=[rel.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SessionLog.objects.exists() and not ActionItem.objects.exists()


def test_an_outsiders_id_cannot_be_assigned_an_action(rel, mentor, other_member, login):
    data = form_data(action1_title="Do it", action1_assignee=str(other_member.pk))
    response = login(mentor).post(reverse("mentoring:session_new", args=[rel.pk]), data)
    assert response.status_code == 400 and not SessionLog.objects.exists()


def test_the_logger_edits_through_the_form_until_confirmed(rel, mentor, mentee, login):
    session = log(rel, mentor)
    client = login(mentor)
    edit = reverse("mentoring:session_edit", args=[rel.pk, session.pk])
    response = client.post(edit, form_data(shared_notes="Better notes", duration_minutes="30"))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.shared_notes == "Better notes" and session.duration_minutes == 30
    bad = client.post(edit, form_data(when=NOW() + dt.timedelta(days=1), shared_notes="Nope"))
    assert bad.status_code == 400
    svc.confirm_session(session, mentee)
    assert client.get(edit).status_code == 302
    client.post(edit, form_data(shared_notes="After confirmation"))
    session.refresh_from_db()
    assert session.shared_notes == "Better notes"


def test_deleting_through_the_form(rel, mentor, login):
    session = log(rel, mentor)
    response = login(mentor).post(reverse("mentoring:session_delete", args=[rel.pk, session.pk]))
    assert response.status_code == 302 and not SessionLog.objects.exists()


def test_private_notes_show_to_their_author_only(rel, mentor, mentee, coordinator, login):
    session = log(rel, mentor, private_note="MENTOR-PRIVATE-NOTE")
    client = login(mentee)
    client.post(
        reverse("mentoring:session_note", args=[rel.pk, session.pk]),
        {"body": "MENTEE-PRIVATE-NOTE"},
    )
    assert PrivateNote.objects.filter(author=mentee).exists()
    pages = [
        reverse("mentoring:session", args=[rel.pk, session.pk]),
        reverse("mentoring:sessions", args=[rel.pk]),
        rel.get_absolute_url(),
    ]
    for viewer, own, others in [
        (mentor, "MENTOR-PRIVATE-NOTE", ["MENTEE-PRIVATE-NOTE"]),
        (mentee, "MENTEE-PRIVATE-NOTE", ["MENTOR-PRIVATE-NOTE"]),
        (coordinator, None, ["MENTOR-PRIVATE-NOTE", "MENTEE-PRIVATE-NOTE"]),
    ]:
        client = login(viewer)
        for url in pages:
            content = client.get(url).content.decode()
            for text in others:
                assert text not in content, (viewer, url)
        if own:
            assert own in client.get(pages[0]).content.decode()


def test_coordinators_see_session_metadata_but_not_the_notes(
    rel, mentor, mentee, coordinator, skill, login
):
    session = log(
        rel, mentor, topics=[skill], shared_notes="SHARED-TEXT", next_steps="NEXT-TEXT",
        actions=[NewAction("ACTION-TEXT", mentee)],
    )  # fmt: skip
    client = login(coordinator)
    for url in [
        reverse("mentoring:session", args=[rel.pk, session.pk]),
        reverse("mentoring:sessions", args=[rel.pk]),
        rel.get_absolute_url(),
    ]:
        content = client.get(url).content.decode()
        assert "SQL" in content and "Awaiting confirmation" in content, url
        for secret in ("SHARED-TEXT", "NEXT-TEXT", "ACTION-TEXT"):
            assert secret not in content, (url, secret)
    # The pair sees everything.
    content = login(mentee).get(reverse("mentoring:session", args=[rel.pk, session.pk]))
    for text in ("SHARED-TEXT", "NEXT-TEXT", "ACTION-TEXT"):
        assert text in content.content.decode()


def test_another_relationships_objects_give_404_through_this_url(
    rel, mentor, mentee, program, coordinator, login
):
    theirs = other_relationship(program, coordinator)
    their_session = log(theirs, theirs.mentors()[0])
    their_item = svc.add_action_item(theirs, theirs.mentors()[0], "Theirs", theirs.mentees()[0])
    client = login(mentor)
    for name in ("session", "session_edit"):
        assert (
            client.get(reverse(f"mentoring:{name}", args=[rel.pk, their_session.pk])).status_code
            == 404
        )
    for name in ("session_confirm", "session_note", "session_delete"):
        url = reverse(f"mentoring:{name}", args=[rel.pk, their_session.pk])
        assert login(mentee).post(url, {"body": "x"}).status_code == 404
    toggle = reverse("mentoring:action_toggle", args=[rel.pk, their_item.pk])
    assert client.post(toggle, {"done": "1"}).status_code == 404
    their_session.refresh_from_db()
    their_item.refresh_from_db()
    assert their_session.confirmed_at is None and their_item.done_at is None
    assert not PrivateNote.objects.exists()


def test_action_items_page_adds_and_ticks(rel, mentor, mentee, login):
    client = login(mentor)
    url = reverse("mentoring:actions", args=[rel.pk])
    response = client.post(url, {"title": "Book a mock interview", "assignee": mentee.pk})
    assert response.status_code == 302
    item = ActionItem.objects.get()
    assert (item.assignee, item.created_by, item.session) == (mentee, mentor, None)
    bad = client.post(url, {"title": "", "assignee": "nobody", "due_on": "soon"})
    assert bad.status_code == 400 and ActionItem.objects.count() == 1
    toggle = reverse("mentoring:action_toggle", args=[rel.pk, item.pk])
    assert login(mentee).post(toggle, {"done": "1", "back": "detail"}).url == rel.get_absolute_url()
    item.refresh_from_db()
    assert item.done_at is not None


def test_overdue_items_are_highlighted_on_the_panel_and_hidden_from_coordinators(
    rel, mentor, mentee, coordinator, login
):
    svc.add_action_item(rel, mentor, "LATE-ITEM", mentee, timezone.localdate() - dt.timedelta(1))
    content = login(mentee).get(rel.get_absolute_url()).content.decode()
    assert "LATE-ITEM" in content and "overdue" in content
    content = login(coordinator).get(rel.get_absolute_url()).content.decode()
    assert "LATE-ITEM" not in content and "1 open item" in content


def test_the_home_page_lists_my_open_action_items_overdue_first(rel, mentor, mentee, login):
    today = timezone.localdate()
    svc.add_action_item(rel, mentor, "LATER-ITEM", mentee, today + dt.timedelta(days=3))
    svc.add_action_item(rel, mentor, "LATE-ITEM", mentee, today - dt.timedelta(days=3))
    content = login(mentee).get(reverse("home")).content.decode()
    assert content.index("LATE-ITEM") < content.index("LATER-ITEM")
    assert "My action items" not in login(mentor).get(reverse("home")).content.decode()


def test_panel_shows_hours_together(rel, mentor, mentee, login):
    svc.confirm_session(log(rel, mentor, minutes=90), mentee)
    assert "1.5 hours together" in login(mentor).get(rel.get_absolute_url()).content.decode()


# Query budgets ---------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_sessions_page_queries_do_not_grow_with_sessions(
    rel, mentor, mentee, skill, login, django_assert_max_num_queries
):
    client = login(mentee)
    url = reverse("mentoring:sessions", args=[rel.pk])
    for days in range(1, 3):
        log(rel, mentor, days_ago=days, topics=[skill], actions=[NewAction("x", mentee)])
    few = _queries(client, url)
    for days in range(3, 15):
        s = log(rel, mentor, days_ago=days, topics=[skill], private_note="p")
        svc.confirm_session(s, mentee)
    assert _queries(client, url) == few
    with django_assert_max_num_queries(14):
        client.get(url)


def test_home_section_queries_do_not_grow_with_items(
    rel, mentor, mentee, program, coordinator, login, django_assert_max_num_queries
):
    client = login(mentee)
    svc.add_action_item(rel, mentor, "one", mentee)
    few = _queries(client, reverse("home"))
    for n in range(8):
        svc.add_action_item(rel, mentor, f"item {n}", mentee, timezone.localdate())
    assert _queries(client, reverse("home")) == few


def test_a_closed_relationship_offers_no_session_form(rel, mentor, coordinator, login):
    services.change_status(rel, Status.COMPLETED, coordinator, "done")
    client = login(mentor)
    url = reverse("mentoring:session_new", args=[rel.pk])
    assert client.get(url).status_code == 302
    assert client.post(url, form_data()).status_code == 302
    assert not SessionLog.objects.exists()
    content = client.get(rel.get_absolute_url()).content.decode()
    assert url not in content
