import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lodestar.mentoring import journal as svc
from lodestar.mentoring import services
from lodestar.mentoring.models import Message, Reflection, Relationship, Win, WinReaction
from lodestar.mentoring.states import Status
from lodestar.notifications.models import Notification
from lodestar.programs.models import Track

from .conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(cast, other_mentor):
    return {**cast, "other_mentor": other_mentor}


def other_relationship(program, coordinator) -> Relationship:
    a = make_user("a@example.org", "Ada")
    b = make_user("b@example.org", "Bea")
    created = services.create_relationship(
        program.cohorts.get(), program.tracks.get(kind=Track.Kind.INTERMEDIATE), [a], [b],
        coordinator,
    )  # fmt: skip
    return services.change_status(created, Status.ACTIVE, coordinator, "ok")


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def assert_roles(login, people, url, allowed, method="get", data=None):
    anonymous = getattr(login(None), method)(url, data or {})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.url
    for role in [r for r in people if r not in allowed]:
        assert getattr(login(people[role]), method)(url, data or {}).status_code == 404, role
    for role in [r for r in people if r in allowed]:
        expected = {200} if method == "get" else {200, 302}
        assert getattr(login(people[role]), method)(url, data or {}).status_code in expected, role


# Messages --------------------------------------------------------------------------------


def test_a_message_is_a_touchpoint_and_notifies_once_per_unread_thread(
    relationship, mentor, mentee
):
    first = svc.post_message(relationship, mentor, "  Hi there  ")
    relationship.refresh_from_db()
    assert first.body == "Hi there"
    assert relationship.last_touchpoint_at == first.created_at
    svc.post_message(relationship, mentor, "Also: read this")
    notices = Notification.objects.filter(kind="message_posted")
    assert [n.user for n in notices] == [mentee]
    assert notices.get().url == reverse("mentoring:messages", args=[relationship.pk])
    notices.update(read_at=timezone.now())
    svc.post_message(relationship, mentor, "Third")
    assert Notification.objects.filter(kind="message_posted", read_at=None).count() == 1
    svc.post_message(relationship, mentee, "Thanks!")
    assert Notification.objects.filter(kind="message_posted", user=mentor).count() == 1


def test_messages_need_a_body_a_participant_and_an_open_relationship(
    relationship, mentor, coordinator
):
    with pytest.raises(ValidationError, match="Write a message"):
        svc.post_message(relationship, mentor, "   ")
    with pytest.raises(ValidationError, match="Only the people"):
        svc.post_message(relationship, coordinator, "Hello pair")
    services.change_status(relationship, Status.COMPLETED, coordinator, "done")
    with pytest.raises(ValidationError, match="closed"):
        svc.post_message(relationship, mentor, "Late")
    assert not Message.objects.exists()


def test_only_the_pair_reads_and_writes_the_thread(relationship, people, login, mentor):
    svc.post_message(relationship, mentor, "PAIR-ONLY-MESSAGE")
    url = reverse("mentoring:messages", args=[relationship.pk])
    assert_roles(login, people, url, {"mentee", "mentor"})
    assert_roles(login, people, url, {"mentee", "mentor"}, "post", {"body": "hello"})
    assert Message.objects.filter(body="hello").count() == 2
    page = login(people["coordinator"]).get(relationship.get_absolute_url())
    assert page.status_code == 200 and "PAIR-ONLY-MESSAGE" not in page.content.decode()
    assert (
        "PAIR-ONLY-MESSAGE" in login(mentor).get(relationship.get_absolute_url()).content.decode()
    )


def test_posting_from_the_panel_returns_to_the_relationship(relationship, mentee, login):
    client = login(mentee)
    url = reverse("mentoring:messages", args=[relationship.pk])
    response = client.post(url, {"body": "From the panel", "back": "detail"})
    assert response.url == relationship.get_absolute_url()
    empty = client.post(url, {"body": "   ", "back": "detail"}, follow=True)
    assert "This field is required" in empty.content.decode()
    too_long = client.post(url, {"body": "x" * 6000})
    assert too_long.status_code == 400 and Message.objects.count() == 1


def test_the_thread_pages_from_the_newest_and_reads_oldest_first(relationship, mentor, login):
    start = timezone.now() - dt.timedelta(days=1)
    Message.objects.bulk_create(
        Message(relationship=relationship, author=mentor, body=f"msg-{n:02d}",
                created_at=start + dt.timedelta(minutes=n))
        for n in range(35)
    )  # fmt: skip
    client = login(mentor)
    url = reverse("mentoring:messages", args=[relationship.pk])
    newest = client.get(url).content.decode()
    assert "msg-34" in newest and "msg-04" not in newest
    assert newest.index("msg-05") < newest.index("msg-34")
    assert "msg-04" in client.get(url + "?page=2").content.decode()
    assert client.get(url + "?page=abc").status_code == 200


def test_messages_page_queries_do_not_grow(relationship, mentor, mentee, login):
    client = login(mentee)
    url = reverse("mentoring:messages", args=[relationship.pk])
    svc.post_message(relationship, mentor, "one")
    few = _queries(client, url)
    for n in range(10):
        svc.post_message(relationship, mentor if n % 2 else mentee, f"m{n}")
    assert _queries(client, url) == few


def test_another_relationships_thread_is_not_reachable(
    relationship, mentor, program, coordinator, login
):
    theirs = other_relationship(program, coordinator)
    url = reverse("mentoring:messages", args=[theirs.pk])
    assert login(mentor).post(url, {"body": "intrude"}).status_code == 404
    assert not Message.objects.exists()


# Journal ---------------------------------------------------------------------------------


def test_reflections_are_private_by_default_and_shareable(relationship, mentor, mentee):
    private = svc.write_reflection(relationship, mentee, "Nervous", "What surprised you?")
    shared = svc.write_reflection(relationship, mentee, "Proud", shared=True)
    own_mentor = svc.write_reflection(relationship, mentor, "Mentor thoughts")
    assert set(svc.visible_reflections(relationship, mentee)) == {private, shared, own_mentor} - {
        own_mentor
    }
    assert set(svc.visible_reflections(relationship, mentor)) == {shared, own_mentor}
    with pytest.raises(ValidationError, match="Only the author"):
        svc.set_reflection_shared(private, mentor, True)
    svc.set_reflection_shared(private, mentee, True)
    assert private in svc.visible_reflections(relationship, mentor)
    with pytest.raises(ValidationError, match="Only the author"):
        svc.delete_reflection(private, mentor)


def test_reflections_refuse_unknown_prompts_and_empty_bodies(relationship, mentee, coordinator):
    with pytest.raises(ValidationError, match="prompts"):
        svc.write_reflection(relationship, mentee, "text", "Invented prompt")
    with pytest.raises(ValidationError, match="Write your reflection"):
        svc.write_reflection(relationship, mentee, "  ")
    with pytest.raises(ValidationError, match="Only the people"):
        svc.write_reflection(relationship, coordinator, "Coordinator note")
    assert not Reflection.objects.exists()


def test_the_journal_is_for_participants_only(relationship, people, login, mentee, mentor):
    svc.write_reflection(relationship, mentee, "MENTEE-PRIVATE-ENTRY")
    svc.write_reflection(relationship, mentee, "MENTEE-SHARED-ENTRY", shared=True)
    url = reverse("mentoring:journal", args=[relationship.pk])
    assert_roles(login, people, url, {"mentee", "mentor"})
    mentor_page = login(mentor).get(url).content.decode()
    assert "MENTEE-SHARED-ENTRY" in mentor_page and "MENTEE-PRIVATE-ENTRY" not in mentor_page
    assert "MENTEE-PRIVATE-ENTRY" in login(mentee).get(url).content.decode()
    for page in (relationship.get_absolute_url(),):
        content = login(people["coordinator"]).get(page).content.decode()
        assert "MENTEE-SHARED-ENTRY" not in content and "MENTEE-PRIVATE-ENTRY" not in content


def test_writing_sharing_and_deleting_through_the_journal_page(relationship, mentee, mentor, login):
    client = login(mentee)
    url = reverse("mentoring:journal", args=[relationship.pk])
    prompt = relationship.program.prompt_list[0]
    assert client.post(url, {"prompt": prompt, "body": "I tried"}).status_code == 302
    entry = Reflection.objects.get()
    assert (entry.prompt, entry.shared, entry.author) == (prompt, False, mentee)
    bad = client.post(url, {"prompt": "Not offered", "body": "x"})
    assert bad.status_code == 400 and "valid choice" in bad.content.decode()
    assert client.post(url, {"body": ""}).status_code == 400
    share = reverse("mentoring:reflection_share", args=[relationship.pk, entry.pk])
    delete = reverse("mentoring:reflection_delete", args=[relationship.pk, entry.pk])
    # The other participant cannot touch it: it is not theirs.
    assert login(mentor).post(share, {"shared": "1"}).status_code == 404
    assert login(mentor).post(delete).status_code == 404
    client = login(mentee)
    assert client.post(share, {"shared": "1"}).status_code == 302
    entry.refresh_from_db()
    assert entry.shared
    assert client.post(delete).status_code == 302 and not Reflection.objects.exists()


def test_another_relationships_entry_gives_404_through_this_url(
    relationship, mentee, program, coordinator, login
):
    theirs = other_relationship(program, coordinator)
    their_mentee = theirs.mentees()[0]
    entry = svc.write_reflection(theirs, their_mentee, "Theirs")
    # Even its author cannot reach it through a relationship it does not belong to.
    mine = other_relationship_of(program, coordinator, their_mentee, relationship)
    for name in ("reflection_share", "reflection_delete"):
        url = reverse(f"mentoring:{name}", args=[mine.pk, entry.pk])
        assert login(their_mentee).post(url, {"shared": "1"}).status_code == 404
    entry.refresh_from_db()
    assert not entry.shared


def other_relationship_of(program, coordinator, user, relationship) -> Relationship:
    """A second relationship of `user`, with the mentor of `relationship`."""
    created = services.create_relationship(
        program.cohorts.get(), program.tracks.get(kind=Track.Kind.INTERMEDIATE),
        relationship.mentors(), [user], coordinator,
    )  # fmt: skip
    return services.change_status(created, Status.ACTIVE, coordinator, "ok")


# Wins ------------------------------------------------------------------------------------


def test_a_win_reaches_the_wall_only_when_everyone_consents(relationship, mentor, mentee):
    win = svc.post_win(relationship, mentee, "First solo project", "Shipped it", consent=True)
    assert not win.on_wall
    assert Notification.objects.get(kind="win_posted").user == mentor
    assert svc.set_wall_consent(win, mentor, True) is True
    win.refresh_from_db()
    assert win.on_wall and list(svc.wall(relationship.program)) == [win]
    assert svc.set_wall_consent(win, mentee, False) is False
    win.refresh_from_db()
    assert not win.on_wall and not svc.wall(relationship.program).exists()


def test_withdrawing_consent_works_even_after_closing(relationship, mentor, mentee, coordinator):
    win = svc.post_win(relationship, mentee, "Talk given", consent=True)
    svc.set_wall_consent(win, mentor, True)
    services.change_status(relationship, Status.COMPLETED, coordinator, "done")
    svc.set_wall_consent(win, mentor, False)
    win.refresh_from_db()
    assert not win.on_wall
    with pytest.raises(ValidationError, match="closed"):
        svc.post_win(relationship, mentee, "Another")


def test_the_other_side_and_coordinators_cheer_but_not_the_author(
    relationship, mentor, mentee, coordinator, other_mentor
):
    win = svc.post_win(relationship, mentee, "Promotion")
    with pytest.raises(ValidationError, match="own win"):
        svc.toggle_cheer(win, mentee)
    with pytest.raises(ValidationError):
        svc.toggle_cheer(win, other_mentor)
    assert svc.toggle_cheer(win, mentor) is True
    assert svc.toggle_cheer(win, coordinator) is True
    assert WinReaction.objects.filter(win=win).count() == 2
    assert svc.toggle_cheer(win, mentor) is False
    assert list(WinReaction.objects.values_list("user", flat=True)) == [coordinator.pk]


def test_wins_pages_answer_each_role(relationship, people, login, mentee):
    win = svc.post_win(relationship, mentee, "Got the job")
    url = reverse("mentoring:wins", args=[relationship.pk])
    assert_roles(login, people, url, {"mentee", "mentor", "coordinator"})
    # Only the pair posts; a coordinator's POST is refused like an outsider's.
    assert login(people["coordinator"]).post(url, {"title": "Hijack"}).status_code == 404
    cheer = reverse("mentoring:win_cheer", args=[relationship.pk, win.pk])
    assert_roles(login, people, cheer, {"mentor", "coordinator", "mentee"}, "post")
    consent = reverse("mentoring:win_consent", args=[relationship.pk, win.pk])
    assert_roles(login, people, consent, {"mentor", "mentee"}, "post", {"consent": "1"})
    delete = reverse("mentoring:win_delete", args=[relationship.pk, win.pk])
    for role in ("coordinator", "other_member", "other_coordinator", "other_mentor"):
        assert login(people[role]).post(delete).status_code == 404
    login(people["mentor"]).post(delete)  # not the author: refused with a message
    assert Win.objects.filter(pk=win.pk).exists()
    assert login(mentee).post(delete).status_code == 302
    assert not Win.objects.exists()


def test_posting_and_consenting_through_the_wins_page(relationship, mentee, mentor, login):
    url = reverse("mentoring:wins", args=[relationship.pk])
    client = login(mentee)
    assert client.post(url, {"title": "Passed the exam", "consent": "on"}).status_code == 302
    win = Win.objects.get()
    assert list(win.wall_consents.all()) == [mentee] and not win.on_wall
    assert client.post(url, {"title": ""}).status_code == 400
    assert client.post(url, {"title": "x" * 300}).status_code == 400
    consent = reverse("mentoring:win_consent", args=[relationship.pk, win.pk])
    login(mentor).post(consent, {"consent": "1"})
    win.refresh_from_db()
    assert win.on_wall and Win.objects.count() == 1


def test_another_relationships_win_gives_404_through_this_url(
    relationship, mentor, coordinator, program, login
):
    theirs = other_relationship(program, coordinator)
    win = svc.post_win(theirs, theirs.mentees()[0], "Theirs")
    for name, data in [("win_cheer", {}), ("win_consent", {"consent": "1"}), ("win_delete", {})]:
        url = reverse(f"mentoring:{name}", args=[relationship.pk, win.pk])
        assert login(mentor).post(url, data).status_code == 404
    assert not WinReaction.objects.exists() and not win.wall_consents.exists()


def test_the_wall_shows_consented_wins_to_the_programs_people(
    relationship, people, login, mentor, mentee, program, coordinator
):
    shown = svc.post_win(relationship, mentee, "WALL-WIN", consent=True)
    svc.set_wall_consent(shown, mentor, True)
    svc.post_win(relationship, mentee, "HIDDEN-WIN", consent=True)
    svc.toggle_cheer(shown, coordinator)
    url = reverse("mentoring:wins_wall", args=[program.slug])
    # other_mentor is an admitted member of the program: members see the wall.
    assert_roles(login, people, url, {"mentee", "mentor", "coordinator", "other_mentor"})
    content = login(people["other_mentor"]).get(url).content.decode()
    assert "WALL-WIN" in content and "HIDDEN-WIN" not in content and "1 cheer" in content
    cheer = login(coordinator).post(
        reverse("mentoring:win_cheer", args=[relationship.pk, shown.pk]), {"back": "wall"}
    )
    assert cheer.url == url and not WinReaction.objects.exists()


def test_the_wall_queries_do_not_grow_with_wins(
    relationship, mentor, mentee, coordinator, program, login
):
    client = login(mentee)
    url = reverse("mentoring:wins_wall", args=[program.slug])

    def add_wins(n):
        for i in range(n):
            win = svc.post_win(relationship, mentee, f"win {i}", consent=True)
            svc.set_wall_consent(win, mentor, True)
            svc.toggle_cheer(win, coordinator)
            svc.toggle_cheer(win, mentor)

    add_wins(1)
    few = _queries(client, url)
    add_wins(8)
    assert _queries(client, url) == few
    wins_page = reverse("mentoring:wins", args=[relationship.pk])
    many = _queries(client, wins_page)
    add_wins(3)
    assert _queries(client, wins_page) == many


def test_a_closed_relationship_hides_the_write_forms(relationship, mentee, coordinator, login):
    services.change_status(relationship, Status.COMPLETED, coordinator, "done")
    client = login(mentee)
    for name in ("messages", "journal", "wins"):
        content = client.get(reverse(f"mentoring:{name}", args=[relationship.pk])).content.decode()
        assert 'name="body"' not in content and 'name="title"' not in content, name
    assert (
        client.post(
            reverse("mentoring:journal", args=[relationship.pk]), {"body": "late"}
        ).status_code
        == 400
    )
    assert not Reflection.objects.exists()
