"""Notification preferences, quiet hours, e-mails (text + HTML, unsubscribe), digests, the bell."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from lodestar.notifications import kinds
from lodestar.notifications.digest import send_digests
from lodestar.notifications.models import Delivery, Notification, Preference, QuietHours
from lodestar.notifications.services import (
    delivery_for,
    notify,
    quiet_until,
    recover_stale_claims,
    send_notification_email,
    unsubscribe_token,
)

pytestmark = pytest.mark.django_db

XSS = "<script>alert('x')</script><img src=x onerror=alert(1)>"
ICS = {"filename": "invite.ics", "mimetype": "text/calendar", "content": "BEGIN:VCALENDAR\r\n"}


def note(user, kind="relationship_status", body="Body\nsecond line", url="/x/", **extra):
    return Notification.objects.create(
        user=user, kind=kind, subject="Subject", body=body, url=url, **extra
    )


def at(year, month, day, hour, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC)


# The catalogue --------------------------------------------------------------------------------


def test_known_kinds_have_a_label_group_and_default():
    info = kinds.kind_info("goal_comment")
    assert info.group.key == "progress"
    assert info.default == Delivery.DIGEST
    assert str(info.label) == "Comments on goals"


def test_unknown_kind_of_a_known_prefix_gets_its_group():
    info = kinds.kind_info("meeting_invite_updated")
    assert info.group.key == "meetings"
    assert info.default == Delivery.INSTANT
    assert kinds.kind_info("nudge_profile_incomplete").default == Delivery.DIGEST
    assert kinds.kind_info("something_new").group.key == "other"


def test_every_existing_template_kind_is_in_a_real_group():
    from pathlib import Path

    folder = Path(__file__).resolve().parent.parent / "lodestar/templates/notifications"
    found = {p.name.removesuffix("_subject.txt") for p in folder.glob("*_subject.txt")}
    found.discard("invitation")  # e-mailed to people without an account, not a notification
    assert {k for k in found if kinds.kind_info(k).group.key == "other"} == set()


def test_preference_resolution_kind_then_group_then_default(mentee):
    assert delivery_for(mentee, "goal_comment") == Delivery.DIGEST  # the kind's default
    Preference.objects.create(user=mentee, kind="group:progress", delivery=Delivery.INSTANT)
    assert delivery_for(mentee, "goal_comment") == Delivery.INSTANT
    assert delivery_for(mentee, "session_new_kind") == Delivery.INSTANT  # same group, unlisted
    Preference.objects.create(user=mentee, kind="goal_comment", delivery=Delivery.OFF)
    assert delivery_for(mentee, "goal_comment") == Delivery.OFF
    assert delivery_for(mentee, "goal_status") == Delivery.INSTANT


# Sending one notification --------------------------------------------------------------------


def test_instant_sends_text_and_html_with_link_and_headers(mentee, settings):
    settings.SITE_URL = "https://mentors.example.org"
    n = note(mentee)
    assert send_notification_email(n.pk) is True
    [message] = mail.outbox
    assert message.to == ["mentee@example.org"]
    assert "Body\nsecond line" in message.body
    assert "https://mentors.example.org/x/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "<div>Body</div><div>second line</div>" in html
    assert 'href="https://mentors.example.org/x/"' in html
    assert message.extra_headers["Message-ID"] == f"<notification-{n.pk}@mentors.example.org>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://mentors.example.org/notifications/unsubscribe/")
    assert unsubscribe.strip("<>") in message.body
    n.refresh_from_db()
    assert n.emailed_at <= timezone.now()  # the real send time, not the claim


def test_the_message_id_is_the_same_for_a_resend(mentee):
    n = note(mentee)
    send_notification_email(n.pk)
    Notification.objects.filter(pk=n.pk).update(emailed_at=None, email_claimed_at=None)
    send_notification_email(n.pk)
    first, second = mail.outbox
    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"]


def test_the_html_part_escapes_a_stored_payload(mentee):
    n = Notification.objects.create(user=mentee, kind="goal_comment", subject=XSS, body=XSS)
    Preference.objects.create(user=mentee, kind="goal_comment", delivery=Delivery.INSTANT)
    send_notification_email(n.pk)
    html = mail.outbox[0].alternatives[0][0]
    assert "<script>" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert XSS in mail.outbox[0].body  # the text part is plain text


def test_off_marks_it_handled_without_email(mentee):
    Preference.objects.create(user=mentee, kind="relationship_status", delivery=Delivery.OFF)
    n = note(mentee)
    assert send_notification_email(n.pk) is False
    assert mail.outbox == []
    n.refresh_from_db()
    assert n.emailed_at is not None
    assert send_digests(everyone=True) == 0


def test_digest_leaves_it_pending(mentee):
    Preference.objects.create(user=mentee, kind="group:relationship", delivery=Delivery.DIGEST)
    n = note(mentee)
    assert send_notification_email(n.pk) is False
    assert mail.outbox == []
    n.refresh_from_db()
    assert n.emailed_at is None


def test_attachments_are_kept(mentee):
    n = note(mentee, kind="meeting_invite", attachments=[ICS])
    send_notification_email(n.pk)
    assert mail.outbox[0].attachments == [("invite.ics", ICS["content"], "text/calendar")]


def test_notify_still_creates_in_app_row_and_emails_after_commit(
    mentee, django_capture_on_commit_callbacks
):
    Preference.objects.create(user=mentee, kind="membership_completed", delivery=Delivery.OFF)
    with django_capture_on_commit_callbacks(execute=True):
        n = notify(mentee, "membership_completed", {"program": mentee.memberships.get().program})
    assert Notification.objects.filter(pk=n.pk, read_at__isnull=True).exists()
    assert mail.outbox == []  # off: kept in-app only


# Quiet hours ---------------------------------------------------------------------------------


def test_quiet_hours_overnight_in_the_members_time_zone(mentee):
    mentee.time_zone = "Europe/Paris"  # UTC+1 in January
    quiet = QuietHours.objects.create(user=mentee, starts=dt.time(22), ends=dt.time(7))
    # 23:30 in Paris: quiet until 07:00 Paris the next morning, 06:00 UTC.
    assert quiet_until(mentee, at(2025, 1, 15, 22, 30), quiet) == at(2025, 1, 16, 6)
    # 05:00 in Paris, after midnight: still quiet, until 07:00 the same day.
    assert quiet_until(mentee, at(2025, 1, 16, 4), quiet) == at(2025, 1, 16, 6)
    # 21:30 UTC is 22:30 in Paris but 21:30 in UTC: the member's zone decides.
    assert quiet_until(mentee, at(2025, 1, 15, 21, 30), quiet) == at(2025, 1, 16, 6)
    assert quiet_until(mentee, at(2025, 1, 15, 12), quiet) is None
    assert quiet_until(mentee, at(2025, 1, 16, 6), quiet) is None  # 07:00 Paris: over


def test_quiet_hours_within_a_day_and_default_zone(mentee, settings):
    settings.TIME_ZONE = "America/New_York"
    quiet = QuietHours.objects.create(user=mentee, starts=dt.time(12), ends=dt.time(14))
    # 17:00 UTC = 12:00 New York (EST).
    assert quiet_until(mentee, at(2025, 1, 15, 17), quiet) == at(2025, 1, 15, 19)
    assert quiet_until(mentee, at(2025, 1, 15, 12), quiet) is None


def test_an_instant_email_in_quiet_hours_is_rescheduled_for_their_end(mentee):
    mentee.time_zone = "Europe/Paris"
    mentee.save()
    QuietHours.objects.create(user=mentee, starts=dt.time(22), ends=dt.time(7))
    n = note(mentee)
    HUEY.flush()
    with time_machine.travel(at(2025, 1, 15, 23), tick=False):
        assert send_notification_email(n.pk) is False
        assert mail.outbox == []
        [task] = HUEY.scheduled()
    assert task.args == (n.pk,)
    assert task.eta == dt.datetime(2025, 1, 16, 6)  # Huey keeps naive UTC
    n.refresh_from_db()
    assert n.emailed_at is None
    # When the task runs at the end of the quiet hours, it sends.
    with time_machine.travel(at(2025, 1, 16, 6), tick=False):
        assert len(HUEY.read_schedule(dt.datetime(2025, 1, 16, 6))) == 1
        assert send_notification_email(n.pk) is True
    HUEY.flush()


# Claims and crash recovery -------------------------------------------------------------------


def test_a_claim_left_by_a_dead_worker_is_released_and_sent_once(mentee):
    now = timezone.now()
    stale = note(mentee, email_claimed_at=now - dt.timedelta(minutes=20))
    fresh = note(mentee, email_claimed_at=now - dt.timedelta(minutes=1))
    sent = note(mentee, emailed_at=now - dt.timedelta(hours=2))
    assert recover_stale_claims(now) == 1
    assert len(mail.outbox) == 1  # the stale one, through the (immediate) queue
    assert mail.outbox[0].extra_headers["Message-ID"].startswith(f"<notification-{stale.pk}@")
    assert recover_stale_claims(now) == 0
    fresh.refresh_from_db()
    sent.refresh_from_db()
    assert fresh.emailed_at is None and fresh.email_claimed_at  # still held by its live worker
    assert sent.emailed_at < now


def test_a_claimed_notification_is_not_sent_again(mentee):
    n = note(mentee, email_claimed_at=timezone.now())
    assert send_notification_email(n.pk) is False
    assert mail.outbox == []


# Unsubscribe ---------------------------------------------------------------------------------


def test_unsubscribe_get_asks_and_post_turns_the_kind_off(mentee, login):
    client = login(None)
    url = reverse("notifications:unsubscribe", args=[unsubscribe_token(mentee, ["goal_comment"])])
    response = client.get(url)
    assert response.status_code == 200
    assert "Comments on goals" in response.content.decode()
    assert not Preference.objects.exists()  # a GET (a link scanner) changes nothing
    pending = note(mentee, kind="goal_comment")
    response = client.post(url)
    assert response.status_code == 200
    assert Preference.objects.get(user=mentee, kind="goal_comment").delivery == Delivery.OFF
    pending.refresh_from_db()
    assert pending.emailed_at is not None  # won't come in the next digest either
    assert delivery_for(mentee, "goal_status") == Delivery.DIGEST  # another kind: untouched


def test_one_click_post_from_a_mail_client_needs_no_csrf_token(mentee):
    client = Client(enforce_csrf_checks=True)
    url = reverse("notifications:unsubscribe", args=[unsubscribe_token(mentee, ["win_posted"])])
    response = client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert Preference.objects.get(user=mentee, kind="win_posted").delivery == Delivery.OFF


def test_other_forms_still_need_csrf(mentee):
    client = Client(enforce_csrf_checks=True)
    client.force_login(mentee)
    assert client.post(reverse("notifications:read_all")).status_code == 403


def test_a_tampered_token_shows_a_clear_page(mentee, login):
    token = unsubscribe_token(mentee, ["goal_comment"])
    for bad in [token[:-2] + "xx", "nonsense", token.replace(":", "", 1)]:
        response = login(None).post(reverse("notifications:unsubscribe", args=[bad]))
        assert response.status_code == 400
        assert "does not work" in response.content.decode()
    assert not Preference.objects.exists()


def test_a_token_for_one_kind_cannot_be_turned_into_another(mentee, login):
    from django.core import signing

    token = unsubscribe_token(mentee, ["goal_comment"])
    payload = signing.loads(token, salt="lodestar.notifications.unsubscribe")
    assert payload["k"] == ["goal_comment"]
    forged = signing.dumps({"u": mentee.pk, "k": ["membership_approved"]}, salt="other-salt")
    response = login(None).post(reverse("notifications:unsubscribe", args=[forged]))
    assert response.status_code == 400
    assert not Preference.objects.exists()


def test_an_old_token_says_so(mentee, login):
    token = unsubscribe_token(mentee, ["goal_comment"])
    with time_machine.travel(timezone.now() + dt.timedelta(days=400)):
        response = login(None).get(reverse("notifications:unsubscribe", args=[token]))
    assert response.status_code == 400
    assert "too old" in response.content.decode()


def test_a_token_of_a_deleted_member_shows_a_clear_page(mentee, login):
    token = unsubscribe_token(mentee, ["goal_comment"])
    mentee.delete()
    response = login(None).post(reverse("notifications:unsubscribe", args=[token]))
    assert response.status_code == 400


# Digest --------------------------------------------------------------------------------------


def test_digest_sends_once_at_the_members_morning(mentee):
    mentee.time_zone = "America/New_York"
    mentee.save()
    with time_machine.travel(at(2025, 1, 15, 1)):
        a = note(mentee, kind="goal_comment", body="First")
        b = note(mentee, kind="session_logged", body="Second", attachments=[ICS])
        note(mentee, kind="relationship_status", body="Instant, not for the digest")
    assert send_digests(now=at(2025, 1, 15, 8)) == 0  # 03:00 in New York
    assert send_digests(now=at(2025, 1, 15, 13)) == 1  # 08:00 in New York
    assert send_digests(now=at(2025, 1, 15, 13)) == 0  # a second run sends nothing
    assert send_digests(everyone=True) == 0
    [message] = mail.outbox
    assert "First" in message.body and "Second" in message.body
    assert "Instant, not for the digest" not in message.body
    assert message.attachments == [("invite.ics", ICS["content"], "text/calendar")]
    assert "First" in message.alternatives[0][0]
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.emailed_at is not None and a.emailed_at < timezone.now() + dt.timedelta(days=1)


def test_digest_waits_for_the_end_of_quiet_hours(mentee):
    QuietHours.objects.create(user=mentee, starts=dt.time(23), ends=dt.time(9, 30))
    with time_machine.travel(at(2025, 1, 15, 1)):
        note(mentee, kind="goal_comment")
    assert send_digests(now=at(2025, 1, 15, 8)) == 0
    assert send_digests(now=at(2025, 1, 15, 10)) == 1


def test_digest_skips_rows_another_run_claimed(mentee):
    now = timezone.now()
    note(mentee, kind="goal_comment", body="mine")
    note(mentee, kind="goal_comment", body="taken", email_claimed_at=now)
    assert send_digests(everyone=True) == 1
    assert "mine" in mail.outbox[0].body
    assert "taken" not in mail.outbox[0].body


def test_digest_escapes_html(mentee):
    note(mentee, kind="goal_comment", body=XSS)
    send_digests(everyone=True)
    html = mail.outbox[0].alternatives[0][0]
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_send_digests_command(mentee):
    from io import StringIO

    from django.core.management import call_command

    note(mentee, kind="goal_comment")
    out = StringIO()
    call_command("send_digests", "--now", stdout=out)
    call_command("send_digests", "--now", stdout=out)
    assert len(mail.outbox) == 1
    assert "1 digest(s) sent" in out.getvalue()


# Pages ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["notifications:list", "notifications:preferences"], ids=["list", "preferences"]
)
def test_pages_ask_anonymous_visitors_to_sign_in(name, login):
    response = login(None).get(reverse(name))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


@pytest.mark.parametrize("role", ["mentee", "mentor", "coordinator", "other_member"])
def test_everyone_edits_only_their_own_preferences(role, cast, login):
    user = cast[role]
    client = login(user)
    assert client.get(reverse("notifications:preferences")).status_code == 200
    response = client.post(
        reverse("notifications:preferences"),
        {
            **{f"group__{k}": g.default for k, g in kinds.GROUPS.items()},
            "group__progress": Delivery.OFF,
            "quiet_starts": "22:00",
            "quiet_ends": "07:00",
        },
    )
    assert response.status_code == 302
    assert list(Preference.objects.values_list("user", "kind", "delivery")) == [
        (user.pk, "group:progress", "off")
    ]
    quiet = QuietHours.objects.get()
    assert (quiet.user, quiet.starts, quiet.ends) == (user, dt.time(22), dt.time(7))


def test_preferences_refuse_half_quiet_hours_without_writing(mentee, login):
    data = {f"group__{k}": Delivery.OFF for k in kinds.GROUPS}
    response = login(mentee).post(
        reverse("notifications:preferences"), {**data, "quiet_starts": "22:00"}
    )
    assert response.status_code == 200
    assert "Give both ends" in response.content.decode()
    assert not Preference.objects.exists() and not QuietHours.objects.exists()


def test_preferences_show_an_unsubscribed_kind_and_can_reset_it(mentee, login):
    Preference.objects.create(user=mentee, kind="goal_comment", delivery=Delivery.OFF)
    QuietHours.objects.create(user=mentee, starts=dt.time(22), ends=dt.time(7))
    client = login(mentee)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert 'name="kind__goal_comment"' in page
    assert 'value="22:00"' in page
    data = {f"group__{k}": g.default for k, g in kinds.GROUPS.items()}
    client.post(reverse("notifications:preferences"), {**data, "kind__goal_comment": ""})
    assert not Preference.objects.filter(kind="goal_comment").exists()
    assert not QuietHours.objects.exists()  # both emptied: no quiet hours


def test_mark_one_read_only_for_its_owner(mentee, mentor, login):
    mine, theirs = note(mentee, url="/programs/"), note(mentor)
    client = login(mentee)
    response = client.post(reverse("notifications:read", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    response = client.post(reverse("notifications:read", args=[mine.pk]), {"open": "1"})
    assert response.url == "/programs/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.get(reverse("notifications:read", args=[mine.pk])).status_code == 405
    assert login(None).post(reverse("notifications:read", args=[mine.pk])).status_code == 302


def test_mark_read_never_redirects_off_site(mentee, login):
    n = note(mentee, url="https://evil.example/")
    response = login(mentee).post(reverse("notifications:read", args=[n.pk]), {"open": "1"})
    assert response.url == reverse("notifications:list")


def test_list_shows_the_bell_count_and_has_a_query_budget(
    mentee, login, django_assert_max_num_queries
):
    for i in range(30):
        note(mentee, body=f"n{i}")
    Notification.objects.filter(body="n0").update(read_at=timezone.now())
    client = login(mentee)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("notifications:list"))
    page = response.content.decode()
    assert '29<span class="visually-hidden"> unread' in page
    assert page.count("Mark as read<span") == 25  # one button per unread item on the page
    newest = Notification.objects.first()
    assert reverse("notifications:read", args=[newest.pk]) in page
