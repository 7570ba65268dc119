import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from lodestar.core.models import AuditLog
from lodestar.mentoring import concerns
from lodestar.mentoring.access import viewer_of
from lodestar.mentoring.models import Concern
from lodestar.mentoring.services import change_status
from lodestar.mentoring.views.concerns import _panel
from lodestar.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def report(relationship, user, anonymous=False, body="He was rude in our session"):
    return concerns.report_concern(relationship, user, "conduct", body, anonymous)


def test_a_named_report_goes_to_the_coordinators_only(relationship, mentor, mentee, coordinator):
    concern = report(relationship, mentee)
    assert (concern.reporter, concern.relationship, concern.program) == (
        mentee,
        relationship,
        relationship.program,
    )
    told = Notification.objects.get(kind="concern_reported")
    assert told.user == coordinator and "Mei Mentee" in told.body
    assert told.url == reverse("mentoring:concerns", args=[relationship.program.slug])
    # The text stays on the concerns page, out of e-mails.
    assert "rude" not in told.body
    assert not Notification.objects.filter(user=mentor, kind__startswith="concern").exists()
    assert AuditLog.objects.filter(action="concern.reported", actor=mentee).exists()


def test_an_anonymous_report_keeps_no_link_to_the_reporter(
    relationship, mentor, mentee, coordinator
):
    audits_before = set(AuditLog.objects.values_list("pk", flat=True))
    notes_before = set(Notification.objects.values_list("pk", flat=True))
    concern = report(relationship, mentee, anonymous=True)
    concern.refresh_from_db()
    assert concern.reporter is None and concern.relationship is None
    assert concern.reported_on == timezone.localdate()
    # No audit entry at all: not by the reporter, not about the concern.
    assert not AuditLog.objects.exclude(pk__in=audits_before).exists()
    new_notes = Notification.objects.exclude(pk__in=notes_before)
    assert [n.user for n in new_notes] == [coordinator]
    for n in new_notes:
        text = f"{n.subject} {n.body} {n.url}"
        for identity in (mentee.name, mentee.email, str(relationship.pk), mentor.name):
            assert identity not in text
        assert "anonymously" in n.body


def test_anonymous_reports_are_limited_to_three_a_day_per_person(relationship, mentor, mentee):
    for _ in range(3):
        report(relationship, mentee, anonymous=True)
    with pytest.raises(ValidationError, match="Try again tomorrow"):
        report(relationship, mentee, anonymous=True)
    assert Concern.objects.count() == 3
    # The limit is per person, and named reports are not limited by it.
    report(relationship, mentor, anonymous=True)
    report(relationship, mentee)
    assert Concern.objects.count() == 5


def test_the_anonymous_limit_resets_the_next_day(relationship, mentee):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(3):
            report(relationship, mentee, anonymous=True)
        traveller.shift(dt.timedelta(days=1))
        report(relationship, mentee, anonymous=True)
    assert Concern.objects.count() == 4


def test_the_limit_key_is_a_keyed_hash_that_rotates_daily(mentee, settings):
    import hashlib
    import hmac

    today = timezone.localdate()
    key = concerns._limit_key(mentee, today)
    expected = hmac.new(
        settings.SECRET_KEY.encode(), f"concern:{mentee.pk}:{today}".encode(), hashlib.sha256
    ).hexdigest()
    assert key == f"concern-limit:{expected}"
    assert key != concerns._limit_key(mentee, today + dt.timedelta(days=1))
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert key != concerns._limit_key(mentee, today)


def test_a_report_needs_a_participant_a_category_and_a_text(relationship, mentee, coordinator):
    with pytest.raises(ValidationError):
        report(relationship, coordinator)
    with pytest.raises(ValidationError):
        concerns.report_concern(relationship, mentee, "gossip", "Something", False)
    with pytest.raises(ValidationError):
        concerns.report_concern(relationship, mentee, "safety", "   ", True)
    assert not Concern.objects.exists()
    assert not Notification.objects.filter(kind="concern_reported").exists()


def test_a_concern_can_be_reported_after_the_relationship_ended(relationship, mentor, mentee):
    change_status(relationship, "ended", mentor, "Moved")
    assert report(relationship, mentee).pk


def test_resolving_a_concern_is_audited_and_tells_a_named_reporter(
    relationship, mentee, coordinator
):
    concern = report(relationship, mentee)
    concerns.resolve_concern(concern, coordinator, "Talked with both; apology made")
    concern.refresh_from_db()
    assert concern.resolved_at and concern.resolution == "Talked with both; apology made"
    assert AuditLog.objects.filter(action="concern.resolved", actor=coordinator).exists()
    told = Notification.objects.get(user=mentee, kind="concern_resolved")
    assert "apology" not in told.body
    with pytest.raises(ValidationError, match="already resolved"):
        concerns.resolve_concern(concern, coordinator, "Again")


def test_resolving_needs_a_note(relationship, mentee, coordinator):
    concern = report(relationship, mentee, anonymous=True)
    with pytest.raises(ValidationError, match="how"):
        concerns.resolve_concern(concern, coordinator, " ")
    concern.refresh_from_db()
    assert concern.resolved_at is None


# Pages


def test_report_page_is_for_the_participants(relationship, cast, other_mentor, login):
    url = reverse("mentoring:concern_report", args=[relationship.pk])
    data = {"category": "safety", "body": "Unsafe"}
    assert login(None).get(url).status_code == 302
    for who in (cast["other_member"], cast["other_coordinator"], other_mentor, cast["coordinator"]):
        assert login(who).get(url).status_code == 404
        assert login(who).post(url, data).status_code == 404
    assert not Concern.objects.exists()
    for who in ("mentor", "mentee"):
        assert b"Report anonymously" in login(cast[who]).get(url).content


def test_reporting_anonymously_through_the_page(relationship, mentee, login):
    response = login(mentee).post(
        reverse("mentoring:concern_report", args=[relationship.pk]),
        {"category": "safety", "body": "Unsafe meeting place", "anonymous": "on"},
    )
    assert response.url == relationship.get_absolute_url()
    concern = Concern.objects.get()
    assert concern.reporter is None and concern.relationship is None
    assert concern.category == "safety"


def test_the_fourth_anonymous_report_is_a_message(relationship, mentee, login):
    client = login(mentee)
    url = reverse("mentoring:concern_report", args=[relationship.pk])
    data = {"category": "other", "body": "Again", "anonymous": "on"}
    for _ in range(3):
        assert client.post(url, data).status_code == 302
    response = client.post(url, data)
    assert response.status_code == 200 and b"Try again tomorrow" in response.content
    assert Concern.objects.count() == 3


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"category": "gossip", "body": "x"},
        {"category": "safety", "body": ""},
        {"category": "safety", "body": "x" * 5001},
    ],
)
def test_bad_report_input_changes_nothing(relationship, mentee, login, data):
    response = login(mentee).post(reverse("mentoring:concern_report", args=[relationship.pk]), data)
    assert response.status_code == 200 and b"alert-danger" in response.content
    assert not Concern.objects.exists()


def test_reporting_on_another_relationship_is_a_404(relationship, mentee, other_mentor, login):
    theirs = other_mentor.relationship_roles.get().relationship
    response = login(mentee).post(
        reverse("mentoring:concern_report", args=[theirs.pk]),
        {"category": "safety", "body": "x"},
    )
    assert response.status_code == 404 and not Concern.objects.exists()


def test_concerns_list_is_for_the_programs_coordinators(
    relationship, cast, other_mentor, program, login
):
    report(relationship, cast["mentee"], body="Named concern text")
    url = reverse("mentoring:concerns", args=[program.slug])
    assert login(None).get(url).status_code == 302
    for who in ("other_member", "other_coordinator", "mentor", "mentee"):
        assert login(cast[who]).get(url).status_code == 404
    assert login(other_mentor).get(url).status_code == 404
    page = login(cast["coordinator"]).get(url).content.decode()
    assert "Named concern text" in page and "reported by Mei Mentee" in page


def test_the_list_filters_open_and_resolved(relationship, mentee, coordinator, program, login):
    report(relationship, mentee, body="Still open")
    done = report(relationship, mentee, anonymous=True, body="Sorted out")
    concerns.resolve_concern(done, coordinator, "Handled")
    client = login(coordinator)
    url = reverse("mentoring:concerns", args=[program.slug])
    open_page = client.get(url).content.decode()
    assert "Still open" in open_page and "Sorted out" not in open_page
    resolved = client.get(url + "?state=resolved").content.decode()
    assert "Sorted out" in resolved and "Handled" in resolved and "Still open" not in resolved
    assert "anonymous" in resolved
    everything = client.get(url + "?state=all&page=abc").content.decode()
    assert "Still open" in everything and "Sorted out" in everything
    assert client.get(url + "?state=<script>").status_code == 200


def test_another_programs_concerns_do_not_show(
    relationship, mentee, coordinator, other_program, login
):
    Concern.objects.create(program=other_program, category="other", body="Elsewhere")
    page = login(coordinator).get(reverse("mentoring:concerns", args=[relationship.program.slug]))
    assert b"Elsewhere" not in page.content


def test_the_list_paginates_without_n_plus_one(
    relationship, mentee, mentor, coordinator, program, login, django_assert_max_num_queries
):
    url = reverse("mentoring:concerns", args=[program.slug])
    client = login(coordinator)
    report(relationship, mentee)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(30):
        report(relationship, mentor if i % 2 else mentee, anonymous=False, body=f"Concern {i}")
    with django_assert_max_num_queries(len(few)):
        page = client.get(url).content.decode()
    assert "Page 1 of 2" in page
    assert "Concern 29" in page  # newest first
    assert "Concern 0<" not in client.get(url).content.decode()


def test_resolving_through_the_page(relationship, mentee, coordinator, program, login):
    concern = report(relationship, mentee)
    url = reverse("mentoring:concern_resolve", args=[program.slug, concern.pk])
    client = login(coordinator)
    assert client.get(url).status_code == 405
    response = client.post(url, {"resolution": ""}, follow=True)
    assert b"alert-danger" in response.content
    concern.refresh_from_db()
    assert concern.resolved_at is None
    response = client.post(url, {"resolution": "Spoke with both"})
    assert response.url == reverse("mentoring:concerns", args=[program.slug])
    concern.refresh_from_db()
    assert concern.resolution == "Spoke with both"
    response = client.post(url, {"resolution": "Twice"}, follow=True)
    assert b"already resolved" in response.content


def test_resolve_is_for_the_programs_coordinators_only(
    relationship, cast, other_mentor, program, other_program, login
):
    concern = report(relationship, cast["mentee"])
    url = reverse("mentoring:concern_resolve", args=[program.slug, concern.pk])
    assert login(None).post(url, {"resolution": "x"}).status_code == 302
    for who in ("other_member", "other_coordinator", "mentor", "mentee"):
        assert login(cast[who]).post(url, {"resolution": "x"}).status_code == 404
    assert login(other_mentor).post(url, {"resolution": "x"}).status_code == 404
    # IDOR: another program's coordinator, through their own program's URL.
    theirs = reverse("mentoring:concern_resolve", args=[other_program.slug, concern.pk])
    assert login(cast["other_coordinator"]).post(theirs, {"resolution": "x"}).status_code == 404
    concern.refresh_from_db()
    assert concern.resolved_at is None


def test_the_panel_offers_reporting_to_participants_and_the_list_to_coordinators(
    relationship, mentee, coordinator
):
    report(relationship, mentee)

    def render(user):
        viewer = viewer_of(relationship, user)
        context = {"panel": _panel(relationship, viewer), "relationship": relationship}
        return render_to_string("mentoring/concerns/panel.html", {**context, "viewer": viewer})

    assert "Report a concern" in render(mentee) and "open concern" not in render(mentee)
    for_coordinator = render(coordinator)
    assert "1 open concern in this program" in for_coordinator
    assert "Report a concern" not in for_coordinator


def test_reading_the_concerns_is_audited(program, coordinator, mentee, login):
    from lodestar.core.models import AuditLog
    from lodestar.mentoring.models import Concern

    concern = Concern.objects.create(program=program, category="safety", body="Unsafe meetup")
    login(coordinator).get(reverse("mentoring:concerns", args=[program.slug]))
    entry = AuditLog.objects.get(action="concerns.read")
    assert entry.actor == coordinator and entry.data["ids"] == [concern.pk]
    assert "Unsafe meetup" not in str(entry.data)  # the trail says what was read, not its text
