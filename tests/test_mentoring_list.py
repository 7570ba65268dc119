"""The coordinators' relationship list: filters, ordering, CSV, and no N+1."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from lodestar.mentoring.models import Relationship
from lodestar.mentoring.services import create_relationship
from lodestar.programs.models import Membership, Role

from .conftest import make_user

pytestmark = pytest.mark.django_db


def _pairs(program, coordinator, n, start=0):
    cohort, track = program.cohorts.get(), program.tracks.get(kind="intermediate")
    made = []
    for i in range(start, start + n):
        mentor = make_user(f"m{i}@example.org", f"Mentor {i}")
        mentee = make_user(f"e{i}@example.org", f"Mentee {i}")
        for user, role in [(mentor, Role.MENTOR), (mentee, Role.MENTEE)]:
            Membership.objects.create(
                user=user, program=program, cohort=cohort, track=track, role=role,
                status="active",
            )  # fmt: skip
        made.append(create_relationship(cohort, track, [mentor], [mentee], coordinator))
    return made


def _url(program, **query):
    return reverse("mentoring:program_list", args=[program.slug]), query


def test_filters_narrow_the_list(login, program, coordinator):
    quiet, busy, flagged = _pairs(program, coordinator, 3)
    Relationship.objects.filter(pk=busy.pk).update(
        status="active", session_count=5, last_touchpoint_at=timezone.now()
    )
    Relationship.objects.filter(pk=flagged.pk).update(
        needs_attention=True, attention_reason="Low pulse: 2/5 at the last check-in."
    )
    client = login(coordinator)
    url = reverse("mentoring:program_list", args=[program.slug])

    def listed(**query):
        return [r.pk for r in client.get(url, query).context["page"].object_list]

    assert set(listed()) == {quiet.pk, busy.pk, flagged.pk}
    assert listed(status="active") == [busy.pk]
    assert listed(attention="on") == [flagged.pk]
    assert listed(q="mentee 0") == [quiet.pk]
    assert listed(q="E1@EXAMPLE") == [busy.pk]
    assert listed(order="most_sessions")[0] == busy.pk
    assert listed(order="quiet")[-1] == busy.pk  # never-touched ones come first
    page = client.get(url, {"attention": "on"})
    assert b"Low pulse: 2/5" in page.content


def test_bad_filters_are_ignored_with_a_message_not_a_500(login, program, coordinator):
    _pairs(program, coordinator, 1)
    response = login(coordinator).get(
        reverse("mentoring:program_list", args=[program.slug]),
        {"cohort": "999999", "order": "drop table", "status": "nonsense"},
    )
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 1
    assert response.context["form"].errors


def test_the_list_runs_a_fixed_number_of_queries(
    login, program, coordinator, django_assert_max_num_queries
):
    _pairs(program, coordinator, 2)
    client = login(coordinator)
    url = reverse("mentoring:program_list", args=[program.slug])
    client.get(url)  # warm the session and caches
    with django_assert_max_num_queries(14) as few:
        client.get(url)
    _pairs(program, coordinator, 6, start=2)  # more rows must not mean more queries
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 8


def test_csv_has_both_sides_dates_and_is_safe_for_spreadsheets(login, program, coordinator):
    (rel,) = _pairs(program, coordinator, 1)
    mentee = rel.mentees()[0]
    mentee.profile.display_name = '=HYPERLINK("http://evil")'
    mentee.profile.save()
    Relationship.objects.filter(pk=rel.pk).update(
        session_count=3, last_touchpoint_at=timezone.now() - dt.timedelta(days=2)
    )
    response = login(coordinator).get(reverse("mentoring:program_csv", args=[program.slug]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    row = rows[0]
    assert row["mentor_emails"] == "m0@example.org" and row["mentee_emails"] == "e0@example.org"
    assert row["mentees"].startswith("'=")
    assert row["sessions"] == "3" and row["status"] == "Proposed"
    assert row["started_on"] == rel.started_on.isoformat() and row["last_touchpoint"]


def test_csv_follows_the_filters(login, program, coordinator):
    a, b = _pairs(program, coordinator, 2)
    Relationship.objects.filter(pk=a.pk).update(needs_attention=True)
    response = login(coordinator).get(
        reverse("mentoring:program_csv", args=[program.slug]), {"attention": "on"}
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [int(r["id"]) for r in rows] == [a.pk]


def test_a_coordinator_sets_up_a_group_with_two_mentors(
    login, program, coordinator, mentor, mentee
):
    other = _pairs(program, coordinator, 1)[0]
    second_mentor, second_mentee = other.mentors()[0], other.mentees()[0]
    url = reverse("mentoring:program_new", args=[program.slug])
    cohort, track = program.cohorts.get(), program.tracks.get(kind="intermediate")
    response = login(coordinator).post(
        url,
        {"cohort": cohort.pk, "track": track.pk, "mentors": [mentor.pk, second_mentor.pk],
         "mentees": [mentee.pk, second_mentee.pk]},
    )  # fmt: skip
    group = Relationship.objects.get(kind="group")
    assert response.status_code == 302 and response["Location"] == group.get_absolute_url()
    assert set(group.mentors()) == {mentor, second_mentor} and len(group.mentees()) == 2


@pytest.mark.parametrize(
    ("track_kind", "mentors", "mentees", "error"),
    [
        ("intermediate", 0, 1, "one or two mentors"),
        ("intermediate", 3, 1, "one or two mentors"),
        ("peer", 1, 2, "leave mentors empty"),
        ("peer", 0, 1, "two or three peers"),
    ],
)
def test_bad_setups_are_refused_with_a_reason(
    login, program, coordinator, track_kind, mentors, mentees, error
):
    pairs = _pairs(program, coordinator, 3)
    before = Relationship.objects.count()
    response = login(coordinator).post(
        reverse("mentoring:program_new", args=[program.slug]),
        {
            "cohort": program.cohorts.get().pk,
            "track": program.tracks.get(kind=track_kind).pk,
            "mentors": [p.mentors()[0].pk for p in pairs[:mentors]],
            "mentees": [p.mentees()[0].pk for p in pairs[:mentees]],
        },
    )
    assert response.status_code == 200 and error in response.content.decode()
    assert Relationship.objects.count() == before


def test_people_of_another_program_cannot_be_put_in_a_relationship(
    login, program, coordinator, mentor, other_member
):
    response = login(coordinator).post(
        reverse("mentoring:program_new", args=[program.slug]),
        {"cohort": program.cohorts.get().pk, "track": program.tracks.get(kind="intermediate").pk,
         "mentors": [mentor.pk], "mentees": [other_member.pk]},
    )  # fmt: skip
    assert response.status_code == 200 and not Relationship.objects.exists()


def test_people_outside_the_chosen_cohort_are_refused(login, program, coordinator, mentor, mentee):
    from lodestar.programs.models import Cohort

    first = program.cohorts.get()
    autumn = Cohort.objects.create(
        program=program, name="Autumn", applications_open=first.applications_open,
        applications_close=first.applications_close, starts_on=first.starts_on,
        ends_on=first.ends_on,
    )  # fmt: skip
    response = login(coordinator).post(
        reverse("mentoring:program_new", args=[program.slug]),
        {"cohort": autumn.pk, "track": program.tracks.get(kind="intermediate").pk,
         "mentors": [mentor.pk], "mentees": [mentee.pk]},
    )  # fmt: skip
    assert response.status_code == 200 and not Relationship.objects.exists()
    assert "Not admitted to this cohort" in response.content.decode()
