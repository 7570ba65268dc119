"""The anonymous channel: nothing stored leads back to the sender, and the token is the key."""

import json
import logging

import pytest
from django.apps import apps
from django.core import mail
from django.core.cache import cache
from django.db import models
from django.urls import reverse

from lodestar.core.models import AuditLog
from lodestar.feedback import anonymous
from lodestar.feedback.models import AnonymousMessage, AnonymousThread, hash_token
from lodestar.notifications.models import Notification

pytestmark = pytest.mark.django_db

SECRET_TEXT = "The workshop room is not accessible for wheelchairs"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _send(client, program, body=SECRET_TEXT, kind="concern"):
    return client.post(
        reverse("feedback:anonymous_new", args=[program.slug]), {"kind": kind, "body": body}
    )


def _token_from(response) -> str:
    link = response.context["link"]
    return link.rstrip("/").rsplit("/", 1)[1]


def _rows_pointing_at(user) -> list[str]:
    """Every text field naming the user and every foreign key to them, across all models."""
    needles = [user.email.lower(), user.name.lower()]
    found = []
    user_model = apps.get_model("accounts", "User")
    for model in apps.get_models():
        if model is user_model or model._meta.label in {
            "accounts.Profile",
            "account.EmailAddress",
        }:
            continue
        fields = model._meta.get_fields()
        texts = [
            f.name
            for f in fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        fks = [
            f.name
            for f in fields
            if isinstance(f, models.ForeignKey | models.OneToOneField)
            and f.related_model is user_model
        ]
        for row in model.objects.all().values("pk", *texts, *fks):
            for name in texts:
                value = row[name]
                text = value if isinstance(value, str) else json.dumps(value)
                if any(n in (text or "").lower() for n in needles):
                    found.append(f"{model._meta.label}.{name}:{row['pk']}")
            for name in fks:
                if row[name] == user.pk:
                    found.append(f"{model._meta.label}.{name}:{row['pk']}")
    return found


def test_member_sends_and_nothing_stored_leads_back_to_them(
    login, program, mentee, coordinator, django_capture_on_commit_callbacks
):
    client = login(mentee)  # signing in is audited; sending must add nothing
    before = set(_rows_pointing_at(mentee))
    audit_before = AuditLog.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(client, program)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = _token_from(response)
    assert len(token) == 43

    thread = AnonymousThread.objects.get()
    assert thread.program == program and thread.kind == "concern"
    assert thread.token_hash == hash_token(token)
    message = thread.messages.get()
    assert message.body == SECRET_TEXT and message.from_sender and message.coordinator is None
    # No row anywhere gained a pointer to the sender, and the raw token is stored nowhere.
    assert set(_rows_pointing_at(mentee)) == before
    for model in apps.get_models():
        for row in model.objects.all().values():
            assert token not in json.dumps(row, default=str), model._meta.label
    # No audit entry at all for the sending.
    assert AuditLog.objects.count() == audit_before
    # The coordinators are told, without the text or the sender.
    note = Notification.objects.get(user=coordinator, kind="anonymous_received")
    assert note.url == reverse("feedback:anonymous_inbox", args=[program.slug])
    for text in [note.subject, note.body, *(m.body for m in mail.outbox)]:
        assert SECRET_TEXT not in text
        assert mentee.name not in text and mentee.email not in text
    assert not Notification.objects.filter(user=mentee, kind__startswith="anonymous").exists()
    # The link is shown once: the session does not hold it.
    assert token not in json.dumps(dict(client.session.items()), default=str)


def test_sender_reads_replies_and_answers_signed_out(login, program, mentee, coordinator):
    token = _token_from(_send(login(mentee), program))
    thread = AnonymousThread.objects.get()
    anonymous.coordinator_reply(thread, coordinator, "Thank you, we are moving the workshop.")

    anonymous_client = login(None)
    url = reverse("feedback:anonymous_thread", args=[token])
    page = anonymous_client.get(url)
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "no-referrer"
    content = page.content.decode()
    assert "we are moving the workshop" in content
    assert coordinator.name not in content  # replies come from "the coordinators"

    response = anonymous_client.post(url, {"body": "Thanks, that helps."})
    assert response.status_code == 302
    assert list(thread.messages.values_list("from_sender", "coordinator")) == [
        (True, None),
        (False, coordinator.pk),
        (True, None),
    ]


def test_wrong_token_is_404_and_never_logged_in_full(login, caplog):
    caplog.set_level(logging.DEBUG)
    wrong = "A" * 43
    client = login(None)
    response = client.get(reverse("feedback:anonymous_thread", args=[wrong]))
    assert response.status_code == 404
    assert "does not open a conversation" in response.content.decode()
    assert client.post(reverse("feedback:anonymous_thread", args=["short"])).status_code == 404
    assert wrong not in caplog.text
    assert "Not Found" in caplog.text  # logged once, redacted


def test_closed_thread_refuses_replies_from_both_sides(login, program, mentee, coordinator):
    token = _token_from(_send(login(mentee), program))
    thread = AnonymousThread.objects.get()
    client = login(coordinator)
    response = client.post(reverse("feedback:anonymous_close", args=[program.slug, thread.pk]))
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.is_closed
    response = client.post(
        reverse("feedback:anonymous_reply", args=[program.slug, thread.pk]), {"body": "late"}
    )
    assert AnonymousMessage.objects.count() == 1
    page = login(None).post(
        reverse("feedback:anonymous_thread", args=[token]), {"body": "one more"}, follow=True
    )
    assert "closed this conversation" in page.content.decode()
    assert AnonymousMessage.objects.count() == 1


def test_threads_are_rate_limited_per_member_per_day(login, program, mentee, mentor):
    client = login(mentee)
    for _ in range(anonymous.THREADS_PER_DAY):
        assert _send(client, program).status_code == 200
    response = _send(client, program)
    assert "Try again tomorrow" in response.content.decode()
    assert AnonymousThread.objects.count() == anonymous.THREADS_PER_DAY
    # Another member is counted on their own.
    assert _send(login(mentor), program).status_code == 200
    assert AnonymousThread.objects.count() == anonymous.THREADS_PER_DAY + 1


def test_replies_are_rate_limited_per_thread_per_day(login, program, mentee, monkeypatch):
    monkeypatch.setattr(anonymous, "REPLIES_PER_DAY", 2)
    token = _token_from(_send(login(mentee), program))
    client = login(None)
    url = reverse("feedback:anonymous_thread", args=[token])
    for i in range(3):
        client.post(url, {"body": f"reply {i}"})
    assert AnonymousMessage.objects.filter(from_sender=True).count() == 3  # first + 2 replies


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "concern", "body": "   "}, "This field is required"),
        ({"kind": "gossip", "body": "hi"}, "Select a valid choice"),
        ({"kind": "concern", "body": "x" * 5001}, "at most 5000"),
    ],
)
def test_bad_input_is_refused_clearly(login, program, mentee, data, message):
    response = login(mentee).post(reverse("feedback:anonymous_new", args=[program.slug]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AnonymousThread.objects.exists()


def test_coordinator_inbox_shows_threads_without_any_sender(
    login, program, mentee, coordinator, django_assert_max_num_queries
):
    client = login(mentee)
    for _ in range(3):
        _send(client, program)
    thread = AnonymousThread.objects.first()
    anonymous.coordinator_reply(thread, coordinator, "We hear you")
    client = login(coordinator)
    with django_assert_max_num_queries(11):
        page = client.get(reverse("feedback:anonymous_inbox", args=[program.slug]))
    content = page.content.decode()
    assert content.count(SECRET_TEXT) == 3
    assert mentee.name not in content and mentee.email not in content
    assert AuditLog.objects.filter(action="anonymous.read", actor=coordinator).exists()
    closed = client.get(reverse("feedback:anonymous_inbox", args=[program.slug]) + "?state=closed")
    assert SECRET_TEXT not in closed.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 302),
        ("other_member", 404),
        ("other_coordinator", 404),
        ("coordinator", 404),
        ("mentor", 200),
        ("mentee", 200),
    ],
)
def test_who_may_open_the_form(request, login, program, coordinator, who, status):
    user = request.getfixturevalue(who) if who else None
    response = login(user).get(reverse("feedback:anonymous_new", args=[program.slug]))
    assert response.status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 302),
        ("other_member", 404),
        ("other_coordinator", 404),
        ("mentor", 404),
        ("mentee", 404),
        ("coordinator", 200),
    ],
)
def test_only_coordinators_reach_the_inbox_and_its_actions(
    request, login, program, mentee, coordinator, who, status
):
    _send(login(mentee), program)
    thread = AnonymousThread.objects.get()
    user = request.getfixturevalue(who) if who else None
    client = login(user)
    assert client.get(reverse("feedback:anonymous_inbox", args=[program.slug])).status_code == (
        status
    )
    post_status = 302 if status == 200 else status
    reply = client.post(
        reverse("feedback:anonymous_reply", args=[program.slug, thread.pk]), {"body": "ok"}
    )
    assert reply.status_code == post_status
    close = client.post(reverse("feedback:anonymous_close", args=[program.slug, thread.pk]))
    assert close.status_code == post_status
    thread.refresh_from_db()
    assert thread.is_closed is (who == "coordinator")
    assert thread.messages.count() == (2 if who == "coordinator" else 1)


def test_thread_of_another_program_is_404_for_its_coordinator(
    login, program, mentee, other_coordinator, other_program
):
    _send(login(mentee), program)
    thread = AnonymousThread.objects.get()
    client = login(other_coordinator)
    url = reverse("feedback:anonymous_close", args=[other_program.slug, thread.pk])
    assert client.post(url).status_code == 404
    thread.refresh_from_db()
    assert not thread.is_closed


def test_actions_need_post(login, program, mentee, coordinator):
    _send(login(mentee), program)
    thread = AnonymousThread.objects.get()
    client = login(coordinator)
    for name in ["feedback:anonymous_reply", "feedback:anonymous_close"]:
        assert client.get(reverse(name, args=[program.slug, thread.pk])).status_code == 405


def test_relationship_page_links_participants_to_the_channel(
    login, relationship, mentee, coordinator
):
    link = reverse("feedback:anonymous_new", args=[relationship.program.slug])
    assert link in login(mentee).get(relationship.get_absolute_url()).content.decode()
    assert link not in login(coordinator).get(relationship.get_absolute_url()).content.decode()
