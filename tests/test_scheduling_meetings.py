import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from lodestar.mentoring import services
from lodestar.mentoring.models import Goal, Relationship, SessionLog
from lodestar.mentoring.states import Status
from lodestar.notifications.models import Notification
from lodestar.programs.models import Track
from lodestar.scheduling import meetings as svc
from lodestar.scheduling.models import Attendee, Meeting

from .conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def rel(relationship):
    relationship.started_on = timezone.localdate() - dt.timedelta(days=60)
    relationship.save(update_fields=["started_on"])
    return relationship


def soon(hours: int = 48) -> dt.datetime:
    return (timezone.now() + dt.timedelta(hours=hours)).replace(second=0, microsecond=0)


def propose(rel, user, hours=48, **extra) -> Meeting:
    data = {"starts_at": soon(hours), "duration_minutes": 60, "format": "video"}
    data.update(extra)
    return svc.propose_meeting(rel, user, **data)


def past_meeting(rel, proposer, hours_ago=3, status=Meeting.Status.ACCEPTED) -> Meeting:
    return Meeting.objects.create(
        relationship=rel,
        proposed_by=proposer,
        starts_at=timezone.now() - dt.timedelta(hours=hours_ago),
        duration_minutes=60,
        format="video",
        status=status,
    )


def group(program, coordinator, mentor):
    a, b = make_user("ga@example.org", "Gia"), make_user("gb@example.org", "Gus")
    created = services.create_relationship(
        program.cohorts.get(),
        program.tracks.get(kind=Track.Kind.INTERMEDIATE),
        [mentor],
        [a, b],
        coordinator,
    )
    return services.change_status(created, Status.ACTIVE, coordinator, "ok"), a, b


def ics_of(notification: Notification) -> Calendar:
    return Calendar.from_ical(notification.attachments[0]["content"])


# Services --------------------------------------------------------------------------------


def test_proposing_invites_the_other_side_with_an_ics(rel, mentor, mentee, skill):
    goal = Goal.objects.create(relationship=rel, owner=mentee, title="Learn SQL")
    m = propose(
        rel, mentee, agenda="Window functions", location="https://meet.example/x", goals=[goal]
    )
    assert m.status == Meeting.Status.PROPOSED and m.proposed_by == mentee
    assert [(a.user, a.response) for a in m.attendees.all()] == [(mentor, "pending")]
    assert list(m.goals.all()) == [goal]
    note = Notification.objects.get(user=mentor, kind="meeting_invitation")
    assert note.attachments[0]["mimetype"] == "text/calendar; method=REQUEST"
    assert ics_of(note)["method"] == "REQUEST"
    assert not Notification.objects.filter(user=mentee, kind="meeting_invitation").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"starts_at": None}, "Choose when to meet."),
        ({"hours": -1}, "cannot be in the past"),
        ({"hours": 24 * 400}, "within the next year"),
        ({"duration_minutes": 5}, "between 15 and 240"),
        ({"format": "carrier-pigeon"}, "Choose how you will meet."),
        ({"location": "x" * 301}, "under 300"),
    ],
)
def test_bad_proposals_are_refused_with_a_clear_message(rel, mentee, change, message):
    hours = change.pop("hours", 48)
    with pytest.raises(ValidationError) as exc:
        propose(rel, mentee, hours=hours, **change)
    assert message in " ".join(exc.value.messages)
    assert not Meeting.objects.exists() and not Attendee.objects.exists()


def test_goals_of_another_relationship_are_refused(rel, mentee, other_mentor):
    theirs = other_mentor.relationship_roles.get().relationship
    goal = Goal.objects.create(relationship=theirs, owner=other_mentor, title="Not yours")
    with pytest.raises(ValidationError, match="goals of this relationship"):
        propose(rel, mentee, goals=[goal])
    assert not Meeting.objects.exists()


def test_closed_paused_and_outsiders_cannot_book(rel, mentee, mentor, coordinator, other_member):
    with pytest.raises(ValidationError):
        propose(rel, coordinator)
    with pytest.raises(ValidationError):
        propose(rel, other_member)
    services.change_status(rel, Status.PAUSED, mentor, until=timezone.localdate() + dt.timedelta(9))
    with pytest.raises(ValidationError, match="paused"):
        propose(rel, mentee)
    services.change_status(rel, Status.ENDED, mentor, "moved on")
    with pytest.raises(ValidationError, match="closed"):
        propose(rel, mentee)
    assert not Meeting.objects.exists()


def test_accepting_confirms_and_sends_the_confirmed_event_to_both(rel, mentor, mentee):
    m = propose(rel, mentee)
    m = svc.answer_meeting(m, mentor, accept=True)
    assert m.status == Meeting.Status.ACCEPTED and m.sequence == 0
    for user in (mentor, mentee):
        event = ics_of(Notification.objects.get(user=user, kind="meeting_accepted")).walk("VEVENT")[
            0
        ]
        assert event["status"] == "CONFIRMED"
    with pytest.raises(ValidationError, match="no longer waiting"):
        svc.answer_meeting(m, mentor, accept=False)


def test_the_proposer_cannot_answer_their_own_invitation(rel, mentee):
    m = propose(rel, mentee)
    with pytest.raises(ValidationError, match="the others answer"):
        svc.answer_meeting(m, mentee, accept=True)


def test_declining_cancels_the_tentative_event(rel, mentor, mentee):
    m = propose(rel, mentee)
    m = svc.answer_meeting(m, mentor, accept=False, message="Travelling that week")
    assert m.status == Meeting.Status.DECLINED and m.sequence == 1
    assert m.message == "Travelling that week"
    note = Notification.objects.get(user=mentee, kind="meeting_declined")
    assert ics_of(note)["method"] == "CANCEL"


def test_proposing_another_time_declines_and_replaces(rel, mentor, mentee):
    m = propose(rel, mentee)
    new = svc.propose_another_time(m, mentor, starts_at=soon(72), message="Thursday instead?")
    m.refresh_from_db()
    assert m.status == Meeting.Status.DECLINED
    assert new.replaces == m and new.proposed_by == mentor and new.starts_at == soon(72)
    assert [a.user for a in new.attendees.all()] == [mentee]
    assert Notification.objects.filter(user=mentee, kind="meeting_invitation").exists()
    assert new.uid != m.uid


def test_rescheduling_keeps_the_uid_grows_the_sequence_and_asks_again(rel, mentor, mentee):
    m = svc.answer_meeting(propose(rel, mentee), mentor, accept=True)
    uid = m.uid
    m = svc.reschedule_meeting(m, mentor, starts_at=soon(96), message="Clash at work")
    assert (m.uid, m.sequence, m.status) == (uid, 1, Meeting.Status.PROPOSED)
    assert m.proposed_by == mentor
    assert [(a.user, a.response) for a in m.attendees.all()] == [(mentee, "pending")]
    event = ics_of(Notification.objects.get(user=mentee, kind="meeting_updated")).walk("VEVENT")[0]
    assert event["sequence"] == 1 and event["dtstart"].dt == soon(96)
    with pytest.raises(ValidationError, match="different time"):
        svc.reschedule_meeting(m, mentor, starts_at=soon(96))


def test_cancelling_needs_a_message_and_sends_cancel(rel, mentor, mentee):
    m = propose(rel, mentee)
    with pytest.raises(ValidationError, match="why you cancel"):
        svc.cancel_meeting(m, mentor, "  ")
    m = svc.cancel_meeting(m, mentor, "Sick today")
    assert (m.status, m.sequence) == (Meeting.Status.CANCELLED, 1)
    assert (
        ics_of(Notification.objects.get(user=mentee, kind="meeting_cancelled"))["method"]
        == "CANCEL"
    )
    with pytest.raises(ValidationError, match="can no longer change"):
        svc.cancel_meeting(m, mentor, "again")


def test_group_meeting_is_accepted_once_everyone_answered_and_one_accepted(
    program, coordinator, mentor
):
    rel, a, b = group(program, coordinator, mentor)
    m = propose(rel, mentor)
    assert {x.user for x in m.attendees.all()} == {a, b}
    m = svc.answer_meeting(m, a, accept=False)
    assert m.status == Meeting.Status.PROPOSED
    assert Notification.objects.filter(user=mentor, kind="meeting_answered").exists()
    m = svc.answer_meeting(m, b, accept=True)
    assert m.status == Meeting.Status.ACCEPTED
    m2 = propose(rel, mentor, hours=100)
    svc.answer_meeting(m2, a, accept=False)
    m2 = svc.answer_meeting(m2, b, accept=False)
    assert m2.status == Meeting.Status.DECLINED


def test_it_happened_logs_the_session_once_then_the_other_confirms(rel, mentor, mentee):
    m = past_meeting(rel, mentee)
    first = svc.confirm_happened(m, mentee)
    again = svc.confirm_happened(m, mentee)  # a double tap changes nothing
    assert first.pk == again.pk and SessionLog.objects.count() == 1
    m.refresh_from_db()
    assert m.session == first and first.logged_by == mentee and first.duration_minutes == 60
    rel.refresh_from_db()
    assert rel.session_count == 1
    confirmed = svc.confirm_happened(m, mentor)
    assert confirmed.pk == first.pk and confirmed.confirmed_by == mentor
    assert SessionLog.objects.count() == 1


def test_it_happened_only_after_an_accepted_meeting_ends(rel, mentor, mentee):
    upcoming = svc.answer_meeting(propose(rel, mentee), mentor, accept=True)
    with pytest.raises(ValidationError, match="once it has ended"):
        svc.confirm_happened(upcoming, mentee)
    declined = past_meeting(rel, mentee, status=Meeting.Status.DECLINED)
    with pytest.raises(ValidationError, match="accepted meeting"):
        svc.confirm_happened(declined, mentor)
    assert not SessionLog.objects.exists()


# Views -----------------------------------------------------------------------------------

OUTSIDERS = ["other_member", "other_coordinator", "other_mentor"]


@pytest.fixture
def meeting(rel, mentee):
    return propose(
        rel,
        mentee,
        agenda="Secret agenda words",
        location="https://meet.example/abc",
        message="Looking forward",
    )


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404_on_every_meeting_page(request, login, meeting, rel, who):
    client = login(request.getfixturevalue(who))
    pk = meeting.pk
    for name in ["meeting", "meeting_counter", "meeting_reschedule", "meeting_ics"]:
        assert client.get(reverse(f"scheduling:{name}", args=[pk])).status_code == 404
    for name in ["meeting_answer", "meeting_cancel", "meeting_agenda", "meeting_happened"]:
        assert (
            client.post(
                reverse(f"scheduling:{name}", args=[pk]), {"response": "accept", "message": "x"}
            ).status_code
            == 404
        )
    assert client.get(reverse("scheduling:meeting_new", args=[rel.pk])).status_code == 404
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PROPOSED and meeting.sequence == 0


def test_anonymous_is_sent_to_login(login, meeting, rel):
    client = login(None)
    for url in [
        reverse("scheduling:meeting", args=[meeting.pk]),
        reverse("scheduling:meeting_new", args=[rel.pk]),
        reverse("scheduling:meetings"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_coordinator_sees_metadata_but_not_the_pairs_words_and_cannot_act(
    login, meeting, rel, coordinator
):
    client = login(coordinator)
    page = client.get(reverse("scheduling:meeting", args=[meeting.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Secret agenda words" not in body and "meet.example" not in body
    assert "Looking forward" not in body and "Mo Mentor" in body
    detail = client.get(rel.get_absolute_url()).content.decode()
    assert "meetings-h" in detail and "Secret agenda words" not in detail
    for name in ["meeting_answer", "meeting_cancel", "meeting_happened"]:
        assert (
            client.post(
                reverse(f"scheduling:{name}", args=[meeting.pk]), {"message": "x"}
            ).status_code
            == 404
        )
    assert client.get(reverse("scheduling:meeting_new", args=[rel.pk])).status_code == 404


def test_mentor_answers_from_the_meeting_page(login, meeting, mentor):
    client = login(mentor)
    page = client.get(reverse("scheduling:meeting", args=[meeting.pk])).content.decode()
    assert "Secret agenda words" in page and "Your answer" in page
    response = client.post(
        reverse("scheduling:meeting_answer", args=[meeting.pk]), {"response": "accept"}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.ACCEPTED


def test_bad_answer_is_refused_without_change(login, meeting, mentor):
    client = login(mentor)
    response = client.post(
        reverse("scheduling:meeting_answer", args=[meeting.pk]), {"response": "maybe"}, follow=True
    )
    assert "Choose to accept or decline." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PROPOSED


def test_mentee_is_prompted_for_the_agenda_and_saves_it(login, rel, mentee, mentor):
    m = propose(rel, mentor)
    client = login(mentee)
    page = client.get(reverse("scheduling:meeting", args=[m.pk])).content.decode()
    assert "Add your agenda" in page
    assert "Add your agenda" in client.get(rel.get_absolute_url()).content.decode()
    client.post(reverse("scheduling:meeting_agenda", args=[m.pk]), {"agenda": "Career plans"})
    m.refresh_from_db()
    assert m.agenda == "Career plans"
    assert (
        "Add your agenda:"
        not in client.get(reverse("scheduling:meeting", args=[m.pk])).content.decode()
    )


def test_propose_page_offers_slots_and_books_one(
    login, rel, mentee, mentor, django_capture_on_commit_callbacks
):
    from lodestar.accounts.models import AvailabilityWindow

    for user in (mentor, mentee):
        AvailabilityWindow.objects.bulk_create(
            AvailabilityWindow(user=user, weekday=d, start=dt.time(9), end=dt.time(17))
            for d in range(7)
        )
    client = login(mentee)
    url = reverse("scheduling:meeting_new", args=[rel.pk])
    page = client.get(url)
    assert page.status_code == 200
    slots = [c for c, _label in page.context["form"].fields["slot"].choices if c != "custom"]
    assert len(slots) == 8
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "slot": slots[0],
                "duration_minutes": "60",
                "format": "phone",
                "location": "+33 1 23",
                "agenda": "Intro",
            },
        )
    m = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == m.get_absolute_url()
    assert m.starts_at == dt.datetime.fromisoformat(slots[0]) and m.format == "phone"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [mentor.email]
    name, content, mimetype = mail.outbox[0].attachments[0]
    assert (name, mimetype) == ("invite.ics", "text/calendar; method=REQUEST")
    assert "BEGIN:VEVENT" in content


def test_custom_time_in_the_viewers_zone_and_bad_input(login, rel, mentee):
    mentee.time_zone = "America/New_York"
    mentee.save(update_fields=["time_zone"])
    client = login(mentee)
    url = reverse("scheduling:meeting_new", args=[rel.pk])
    bad = client.post(url, {"slot": "custom", "duration_minutes": "60", "format": "video"})
    assert bad.status_code == 400 and "Give the date and time you suggest." in bad.content.decode()
    past = client.post(
        url,
        {
            "slot": "custom",
            "custom_start": "2020-01-01T10:00",
            "duration_minutes": "60",
            "format": "video",
        },
    )
    assert past.status_code == 400 and "cannot be in the past" in past.content.decode()
    forged = client.post(
        url, {"slot": "2020-01-01T10:00:00+00:00", "duration_minutes": "60", "format": "video"}
    )
    assert forged.status_code == 400 and "no longer offered" in forged.content.decode()
    assert not Meeting.objects.exists()
    year = timezone.now().year + 1
    client.post(
        url,
        {
            "slot": "custom",
            "custom_start": f"{year}-01-15T10:00",
            "duration_minutes": "45",
            "format": "video",
        },
    )
    # 10:00 in New York in January is 15:00 UTC.
    assert Meeting.objects.get().starts_at == dt.datetime(year, 1, 15, 15, tzinfo=dt.UTC)


def test_reschedule_and_cancel_views(login, meeting, mentor, mentee):
    client = login(mentor)
    url = reverse("scheduling:meeting_reschedule", args=[meeting.pk])
    assert client.get(url).status_code == 200
    when = timezone.localtime(soon(120)).strftime("%Y-%m-%dT%H:%M")
    client.post(url, {"slot": "custom", "custom_start": when, "duration_minutes": "30"})
    meeting.refresh_from_db()
    assert (meeting.sequence, meeting.duration_minutes) == (1, 30)
    client.post(reverse("scheduling:meeting_cancel", args=[meeting.pk]), {"message": ""})
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PROPOSED  # a message is required
    client.post(reverse("scheduling:meeting_cancel", args=[meeting.pk]), {"message": "Sorry"})
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED


def test_counter_view_replaces_the_invitation(login, meeting, mentor):
    client = login(mentor)
    when = timezone.localtime(soon(100)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("scheduling:meeting_counter", args=[meeting.pk]),
        {"slot": "custom", "custom_start": when, "duration_minutes": "60"},
    )
    new = Meeting.objects.get(replaces=meeting)
    assert response["Location"] == new.get_absolute_url()


def test_it_happened_button_leads_to_the_session(login, rel, mentee, mentor):
    m = past_meeting(rel, mentor)
    client = login(mentee)
    panel = client.get(rel.get_absolute_url()).content.decode()
    assert "It happened" in panel
    response = client.post(reverse("scheduling:meeting_happened", args=[m.pk]))
    m.refresh_from_db()
    assert response["Location"] == reverse("mentoring:session", args=[rel.pk, m.session_id])
    assert "It happened" not in client.get(rel.get_absolute_url()).content.decode()


def test_my_meetings_lists_upcoming_and_past_without_n_plus_1(
    login, rel, mentee, mentor, program, coordinator, django_assert_max_num_queries
):
    for h in (30, 40, 50):
        propose(rel, mentee, hours=h)
    past_meeting(rel, mentor)
    grp, a, b = group(program, coordinator, mentor)
    propose(grp, mentor, hours=60)
    client = login(mentor)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("scheduling:meetings"))
    assert len(page.context["page"].object_list) == 4
    assert len(page.context["waiting"]) == 3
    for h in (70, 80, 90, 110):
        propose(rel, mentee, hours=h)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("scheduling:meetings"))
    assert len(page.context["page"].object_list) == 8
    past = client.get(reverse("scheduling:meetings") + "?show=past")
    assert len(past.context["page"].object_list) == 1
    assert len(login(b).get(reverse("scheduling:meetings")).context["page"].object_list) == 1


def test_relationship_page_panel_for_each_role(
    login, rel, mentee, mentor, coordinator, django_assert_max_num_queries
):
    propose(rel, mentee, agenda="Pair words")
    for user in (mentee, mentor, coordinator):
        body = login(user).get(rel.get_absolute_url()).content.decode()
        assert "meetings-h" in body
    assert "Propose a meeting" in login(mentor).get(rel.get_absolute_url()).content.decode()
    assert (
        "Propose a meeting" not in login(coordinator).get(rel.get_absolute_url()).content.decode()
    )


def test_closed_relationship_hides_the_write_forms(login, rel, mentee, mentor):
    m = propose(rel, mentee)
    services.change_status(rel, Status.ENDED, mentor, "done")
    client = login(mentee)
    page = client.get(reverse("scheduling:meeting", args=[m.pk])).content.decode()
    assert "Cancel the meeting" not in page and "Reschedule" not in page
    assert client.get(reverse("scheduling:meeting_new", args=[rel.pk])).status_code == 302
    client.post(reverse("scheduling:meeting_cancel", args=[m.pk]), {"message": "x"})
    m.refresh_from_db()
    assert m.status == Meeting.Status.PROPOSED


def test_meeting_ids_of_another_relationship_are_not_reachable(login, rel, mentee, other_mentor):
    theirs = Relationship.objects.get(participants__user=other_mentor)
    theirs.status = Status.ACTIVE
    theirs.save()
    other = propose(theirs, other_mentor)
    client = login(mentee)
    assert client.get(reverse("scheduling:meeting", args=[other.pk])).status_code == 404
