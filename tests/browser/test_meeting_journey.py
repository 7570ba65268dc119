"""Scheduling, end to end in a real browser.

The mentee proposes one of the mutual free slots, the mentor accepts, both get the invitation
e-mail with an .ics attachment, the reminder job sends the reminders, and after the meeting the
mentee confirms in one tap that it happened, which logs the session.
"""

import datetime as dt
import re

import icalendar
import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from lodestar.accounts.models import AvailabilityWindow
from lodestar.mentoring.models import SessionLog
from lodestar.notifications.models import Notification
from lodestar.scheduling import reminders
from lodestar.scheduling.models import Meeting
from tests.browser.test_matching_journey import _log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def available(mentor, mentee):
    """Both are free every day from 8:00 to 20:00, the mentor in Paris, the mentee in New York."""
    for user, zone in ((mentor, "Europe/Paris"), (mentee, "America/New_York")):
        user.time_zone = zone
        user.save()
        AvailabilityWindow.objects.bulk_create(
            AvailabilityWindow(user=user, weekday=d, start=dt.time(8), end=dt.time(20))
            for d in range(7)
        )


def _ics(message) -> icalendar.Calendar:
    (attachment,) = [a for a in message.attachments if a[0].endswith(".ics")]
    return icalendar.Calendar.from_ical(attachment[1])


def test_propose_accept_invite_remind_and_confirm(
    new_page, shoot, relationship, available, mentor, mentee
):
    mei, mo = new_page(), new_page()
    _log_in(mei, mentee.email)
    mei.goto(relationship.get_absolute_url())
    meetings = mei.get_by_role("region", name="Meetings")
    meetings.get_by_role("link", name="Propose a meeting").click()
    when = mei.get_by_role("group", name=re.compile("^When"))
    when.get_by_role("radio").first.check()
    mei.get_by_label("Agenda").fill("Review my first dashboard")
    shoot(mei, "01-propose")
    mei.get_by_role("button", name="Send the invitation").click()
    expect(mei.get_by_role("region", name="Agenda")).to_contain_text("Review my first dashboard")
    meeting = Meeting.objects.get(relationship=relationship)
    assert meeting.status == Meeting.Status.PROPOSED and meeting.starts_at > timezone.now()

    _log_in(mo, mentor.email)
    mo.goto(meeting.get_absolute_url())
    mo.get_by_role("button", name="Accept").click()
    expect(mo.get_by_text("Accepted").first).to_be_visible()
    shoot(mo, "02-accepted")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.ACCEPTED

    # Both were invited by e-mail with a calendar file that names this meeting.
    invited = {m.to[0] for m in mail.outbox if any(a[0].endswith(".ics") for a in m.attachments)}
    assert invited == {mentor.email, mentee.email}
    for message in mail.outbox:
        if any(a[0].endswith(".ics") for a in message.attachments):
            (event,) = _ics(message).walk("VEVENT")
            assert str(meeting.uid) in str(event["UID"])

    # The reminder job, run the day before and again: each person reminded once.
    day_before = meeting.starts_at - dt.timedelta(hours=23)
    assert reminders.send_meeting_reminders(now=day_before) == 2
    assert reminders.send_meeting_reminders(now=day_before) == 0
    reminded = Notification.objects.filter(kind="reminder_meeting_24h")
    assert {n.user_id for n in reminded} == {mentor.pk, mentee.pk}

    # The meeting takes place; afterwards the mentee confirms it in one tap.
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(hours=2))
    mei.goto(relationship.get_absolute_url())
    mei.get_by_role("region", name="Meetings").get_by_role("button", name="It happened").click()
    shoot(mei, "03-happened")
    session = SessionLog.objects.get(relationship=relationship)
    assert session.logged_by == mentee and session.duration_minutes == meeting.duration_minutes
    meeting.refresh_from_db()
    assert meeting.session == session
