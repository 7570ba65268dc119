import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from lodestar.core.models import AuditLog
from lodestar.mentoring import agreements, services
from lodestar.mentoring.models import Agreement, AgreementAcceptance
from lodestar.mentoring.states import Status
from lodestar.notifications.models import Notification
from lodestar.programs.models import Track

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(program, mentor, mentee, coordinator):
    """A relationship waiting for its agreement (the program requires one)."""
    assert program.requires_agreement
    return services.create_relationship(
        program.cohorts.get(),
        program.tracks.get(kind=Track.Kind.INTERMEDIATE),
        [mentor],
        [mentee],
        coordinator,
    )


def terms(**overrides) -> dict:
    start = dt.date(2030, 3, 1)
    data = {
        "objectives": "Get confident with SQL",
        "success_measures": "Ship a report on my own",
        "starts_on": start,
        "ends_on": start + dt.timedelta(days=120),
        "cadence": "biweekly",
        "cadence_days": None,
        "meeting_minutes": 45,
        "channels": "Video",
        "boundaries": "No calls after 8pm",
        "confidentiality": "What we say stays between us",
    }
    return {**data, **overrides}


def post_terms(**overrides) -> dict:
    data = terms(**overrides)
    return {k: ("" if v is None else str(v)) for k, v in data.items()}


# Services


def test_a_first_draft_starts_from_the_program_and_cohort(proposed, program, cohort):
    program.objectives = "Grow data skills"
    program.success_measures = "A portfolio"
    program.save()
    proposed.refresh_from_db()
    initial = agreements.initial_for(proposed)
    assert initial["objectives"] == "Grow data skills"
    assert initial["success_measures"] == "A portfolio"
    assert initial["starts_on"] == cohort.starts_on and initial["ends_on"] == cohort.ends_on
    assert initial["cadence"] == "biweekly" and initial["cadence_days"] == 14


def test_a_later_draft_starts_from_the_latest_version(proposed, mentee):
    agreements.draft_agreement(proposed, mentee, terms(objectives="First take"))
    assert agreements.initial_for(proposed)["objectives"] == "First take"


def test_drafting_counts_as_the_drafters_acceptance_and_asks_the_others(proposed, mentor, mentee):
    agreement = agreements.draft_agreement(proposed, mentee, terms())
    assert agreement.version == 1 and agreement.drafted_by == mentee
    assert agreement.cadence_days == 14  # derived from the cadence
    assert list(agreement.acceptances.values_list("user", flat=True)) == [mentee.pk]
    assert agreement.accepted_at is None
    proposed.refresh_from_db()
    assert proposed.status == Status.PROPOSED
    asked = Notification.objects.filter(kind="agreement_drafted")
    assert [n.user for n in asked] == [mentor]
    assert "version 1" in asked[0].subject


def test_when_everyone_accepts_the_relationship_becomes_active(
    proposed, mentor, mentee, coordinator
):
    agreements.draft_agreement(proposed, mentee, terms())
    agreement = agreements.accept_agreement(proposed, mentor, 1)
    assert agreement.accepted_at is not None
    proposed.refresh_from_db()
    assert proposed.status == Status.ACTIVE
    event = proposed.events.last()
    assert event.to_status == Status.ACTIVE and event.actor == mentor
    assert "agreement" in event.note
    assert AuditLog.objects.filter(action="agreement.accepted", target_id=str(agreement.pk))
    assert AuditLog.objects.get(action="agreement.accepted").program_id == proposed.program_id
    told = set(
        Notification.objects.filter(kind="agreement_accepted").values_list("user", flat=True)
    )
    assert told == {mentor.pk, mentee.pk}


def test_an_edit_is_a_new_version_everyone_accepts_again(relationship, mentor, mentee):
    agreements.draft_agreement(relationship, mentor, terms())
    agreements.accept_agreement(relationship, mentee, 1)
    v2 = agreements.draft_agreement(relationship, mentee, terms(cadence="weekly"))
    assert v2.version == 2 and v2.cadence_days == 7
    found = agreements.versions(relationship)
    assert agreements.in_force(found).version == 1  # still the one in force
    assert agreements.pending(found).version == 2
    assert agreements.waiting_for(relationship, agreements.pending(found)) == [mentor]
    agreements.accept_agreement(relationship, mentor, 2)
    found = agreements.versions(relationship)
    assert agreements.in_force(found).version == 2 and agreements.pending(found) is None
    relationship.refresh_from_db()
    assert relationship.status == Status.ACTIVE
    # Accepting on an active relationship does not try another transition.
    assert not relationship.events.filter(note__contains="agreement").exists()


def test_a_second_draft_replaces_a_pending_one(proposed, mentor, mentee):
    agreements.draft_agreement(proposed, mentee, terms())
    v2 = agreements.draft_agreement(proposed, mentor, terms(objectives="Better"))
    assert v2.version == 2
    assert list(v2.acceptances.values_list("user", flat=True)) == [mentor.pk]
    with pytest.raises(ValidationError, match="newer version"):
        agreements.accept_agreement(proposed, mentee, 1)
    agreements.accept_agreement(proposed, mentee, 2)
    proposed.refresh_from_db()
    assert proposed.status == Status.ACTIVE


def test_accepting_twice_or_with_nothing_to_accept_is_refused(proposed, mentor, mentee):
    with pytest.raises(ValidationError, match="no agreement"):
        agreements.accept_agreement(proposed, mentee)
    agreements.draft_agreement(proposed, mentee, terms())
    with pytest.raises(ValidationError, match="already accepted"):
        agreements.accept_agreement(proposed, mentee, 1)
    agreements.accept_agreement(proposed, mentor, 1)
    with pytest.raises(ValidationError, match="already accepted"):
        agreements.accept_agreement(proposed, mentor, 1)
    assert AgreementAcceptance.objects.count() == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ends_on": dt.date(2030, 3, 1)}, "end after it starts"),
        ({"ends_on": dt.date(2029, 1, 1)}, "end after it starts"),
        ({"cadence": "custom", "cadence_days": None}, "custom cadence"),
        ({"cadence": "custom", "cadence_days": 200}, "90"),
        ({"cadence": "yearly"}, "how often"),
        ({"objectives": "   "}, "blank"),
        ({"meeting_minutes": 5}, "15"),
    ],
)
def test_bad_terms_are_refused_with_a_clear_message(proposed, mentee, overrides, message):
    with pytest.raises(ValidationError, match=message):
        agreements.draft_agreement(proposed, mentee, terms(**overrides))
    assert not Agreement.objects.exists()


def test_a_custom_cadence_keeps_its_days(proposed, mentee):
    agreement = agreements.draft_agreement(
        proposed, mentee, terms(cadence="custom", cadence_days=10)
    )
    assert agreement.cadence_days == 10


def test_only_participants_draft_or_accept(proposed, mentee, coordinator, other_mentor):
    for outsider in [coordinator, other_mentor]:
        with pytest.raises(ValidationError, match="Only the people"):
            agreements.draft_agreement(proposed, outsider, terms())
    agreements.draft_agreement(proposed, mentee, terms())
    with pytest.raises(ValidationError, match="Only the people"):
        agreements.accept_agreement(proposed, coordinator, 1)


def test_closed_relationships_refuse_drafts_and_acceptances(relationship, mentor, mentee):
    agreements.draft_agreement(relationship, mentor, terms())
    services.change_status(relationship, Status.COMPLETED, mentor)
    with pytest.raises(ValidationError, match="closed"):
        agreements.draft_agreement(relationship, mentee, terms())
    with pytest.raises(ValidationError, match="closed"):
        agreements.accept_agreement(relationship, mentee, 1)


def test_a_group_needs_every_participant(program, mentor, mentee, other_mentor, coordinator):
    from lodestar.accounts.models import User

    second = User.objects.get(email="theirmentee@example.org")
    group = services.create_relationship(
        program.cohorts.get(), program.tracks.get(kind="intermediate"), [mentor],
        [mentee, second], coordinator,
    )  # fmt: skip
    agreements.draft_agreement(group, mentor, terms())
    agreements.accept_agreement(group, mentee, 1)
    group.refresh_from_db()
    assert group.status == Status.PROPOSED
    agreements.accept_agreement(group, second, 1)
    group.refresh_from_db()
    assert group.status == Status.ACTIVE


# Views


@pytest.mark.parametrize(
    ("name", "method", "allowed"),
    [
        ("mentoring:agreement", "get", {"mentee", "mentor", "coordinator"}),
        ("mentoring:agreement_edit", "get", {"mentee", "mentor"}),
        ("mentoring:agreement_accept", "post", {"mentee", "mentor"}),
    ],
)
def test_agreement_pages_answer_each_role(
    name, method, allowed, proposed, cast, other_mentor, login
):
    url = reverse(name, args=[proposed.pk])
    anonymous = getattr(login(None), method)(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.url
    people = {**cast, "other_mentor": other_mentor}
    for role, user in people.items():
        response = getattr(login(user), method)(url)
        if role in allowed:
            assert response.status_code in ({200} if method == "get" else {302}), role
        else:
            assert response.status_code == 404, role


def test_the_pair_drafts_and_accepts_through_the_pages(proposed, mentor, mentee, login):
    client = login(mentee)
    page = client.get(reverse("mentoring:detail", args=[proposed.pk]))
    assert "Draft the agreement" in page.content.decode()
    response = client.post(reverse("mentoring:agreement_edit", args=[proposed.pk]), post_terms())
    assert response.status_code == 302
    assert response.url == reverse("mentoring:agreement", args=[proposed.pk])
    client = login(mentor)
    detail = client.get(reverse("mentoring:detail", args=[proposed.pk])).content.decode()
    assert "Accept version 1" in detail and "No calls after 8pm" in detail
    response = client.post(
        reverse("mentoring:agreement_accept", args=[proposed.pk]), {"version": "1"}
    )
    assert response.url == proposed.get_absolute_url()
    proposed.refresh_from_db()
    assert proposed.status == Status.ACTIVE
    followed = client.get(response.url).content.decode()
    assert "In force: version 1" in followed and "Accept version" not in followed


def test_the_versions_page_shows_the_one_in_force_and_the_pending_one(
    relationship, mentor, mentee, coordinator, login
):
    agreements.draft_agreement(relationship, mentor, terms(objectives="Version one text"))
    agreements.accept_agreement(relationship, mentee, 1)
    agreements.draft_agreement(relationship, mentee, terms(objectives="Version two text"))
    content = login(coordinator).get(reverse("mentoring:agreement", args=[relationship.pk]))
    text = content.content.decode()
    assert "Version one text" in text and "Version two text" in text
    assert "In force" in text and "Waiting for acceptance" in text
    assert "Mo Mentor" in text  # waiting for the mentor, and who accepted v1
    assert "Accept version" not in text and "Edit (new version)" not in text  # coordinators read


def test_a_bad_draft_shows_errors_and_saves_nothing(proposed, mentee, login):
    url = reverse("mentoring:agreement_edit", args=[proposed.pk])
    for data in [
        post_terms(ends_on="2029-01-01"),
        post_terms(cadence="custom"),
        post_terms(starts_on="not-a-date"),
        post_terms(meeting_minutes="lots"),
        {},
    ]:
        response = login(mentee).post(url, data)
        assert response.status_code == 200
        assert "invalid-feedback" in response.content.decode()
    assert not Agreement.objects.exists()
    response = login(mentee).post(url, post_terms(ends_on="2029-01-01"))
    assert "The agreement must end after it starts." in response.content.decode()


def test_a_bad_or_stale_acceptance_is_a_message_not_an_error(proposed, mentor, mentee, login):
    agreements.draft_agreement(proposed, mentee, terms())
    url = reverse("mentoring:agreement_accept", args=[proposed.pk])
    client = login(mentor)
    for data in [{}, {"version": "abc"}, {"version": "7"}]:
        response = client.post(url, {**data, "back": "agreement"})
        assert response.status_code == 302
        assert response.url == reverse("mentoring:agreement", args=[proposed.pk])
    assert AgreementAcceptance.objects.count() == 1
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("newer version" in m for m in messages)


def test_a_closed_relationship_offers_no_draft(relationship, mentor, login):
    services.change_status(relationship, Status.COMPLETED, mentor)
    client = login(mentor)
    response = client.get(reverse("mentoring:agreement_edit", args=[relationship.pk]))
    assert response.status_code == 302
    detail = client.get(relationship.get_absolute_url()).content.decode()
    assert "Draft the agreement" not in detail
    response = client.post(
        reverse("mentoring:agreement_edit", args=[relationship.pk]), post_terms()
    )
    assert not Agreement.objects.exists()


def test_the_agreement_panel_queries_do_not_grow_with_versions(
    relationship, mentor, mentee, django_assert_max_num_queries
):
    from lodestar.mentoring.access import get_relationship_for, viewer_of
    from lodestar.mentoring.views.agreement import panel_context

    for n in range(5):
        agreements.draft_agreement(relationship, mentor if n % 2 else mentee, terms())
    relationship = get_relationship_for(mentor, relationship.pk)
    viewer = viewer_of(relationship, mentor)
    with django_assert_max_num_queries(2):
        panel = panel_context(relationship, viewer)
        for a in panel["versions"]:
            list(a.acceptances.all())
    assert panel["pending"].version == 5 and panel["can_accept"]
