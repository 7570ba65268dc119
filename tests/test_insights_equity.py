"""Equity indicators: aggregate only, small groups hidden with their complements."""

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lodestar.accounts.models import DemographicAnswer, DemographicQuestion
from lodestar.insights import equity
from lodestar.insights.models import InsightSettings
from lodestar.insights.queries import Scope
from lodestar.mentoring.models import Participant, Relationship
from lodestar.programs.models import Cohort, Membership, Role

from .conftest import make_user

pytestmark = pytest.mark.django_db
_seq = itertools.count()


@pytest.fixture
def gender(db):
    return DemographicQuestion.objects.create(
        key="gender", label="Gender", options=["Woman", "Man", "Non-binary"]
    )


def _mentees(program, question, value, n, cohort=None, matched=0, consent=True):
    cohort = cohort or program.cohorts.first()
    track = program.tracks.get(kind="intermediate")
    users = []
    for i in range(n):
        user = make_user(f"eq{next(_seq)}@example.org", f"Equity {value}")
        Membership.objects.create(
            user=user, program=program, cohort=cohort, track=track, role=Role.MENTEE,
            status="active",
        )  # fmt: skip
        if consent:
            user.profile.demographics_consent_at = timezone.now()
            user.profile.save()
        if value is not None:
            DemographicAnswer.objects.create(user=user, question=question, value=value)
        if i < matched:
            rel = Relationship.objects.create(
                program=program, cohort=cohort, track=track, status="active",
                started_on=timezone.localdate() + dt.timedelta(days=3),
            )  # fmt: skip
            Participant.objects.create(relationship=rel, user=user, role="mentee")
        users.append(user)
    return users


def _table(program, cohort=None):
    tables, threshold = equity.build(Scope(program, cohort))
    (table,) = tables
    return {row.key: row for row in table.rows}, table.total, threshold


@pytest.mark.parametrize(
    "who,expected",
    [
        (None, 302),
        ("other_member", 404),
        ("other_coordinator", 404),
        ("other_mentor", 404),
        ("mentee", 404),
        ("mentor", 404),
        ("coordinator", 200),
    ],
)
def test_only_the_programs_coordinators_see_equity(request, login, program, who, expected):
    user = request.getfixturevalue(who) if who else None
    response = login(user).get(reverse("insights:equity", args=[program.slug]))
    assert response.status_code == expected


def test_small_groups_and_their_complements_are_hidden(program, gender):
    _mentees(program, gender, "Woman", 12)
    _mentees(program, gender, "Man", 11)
    _mentees(program, gender, "Non-binary", 3)
    _mentees(program, gender, None, 2)
    rows, total, threshold = _table(program)
    assert threshold == 10
    assert rows["Woman"].people == 12
    # Non-binary (3) and not answered (2) make only 5 together, so men are hidden as well.
    assert rows["Non-binary"].people is None
    assert rows[equity.NOT_ANSWERED].people is None
    assert rows["Man"].people is None
    assert rows["prefer_not_to_say"].people == 0
    assert total.people == 28
    # Nothing about a hidden group is shown through its rates either.
    assert all(v.text == equity.HIDDEN for v in rows["Non-binary"].ordered)


def test_answers_without_consent_count_as_not_answered(program, gender):
    _mentees(program, gender, "Woman", 10)
    _mentees(program, gender, "Man", 10, consent=False)
    rows, total, _ = _table(program)
    assert rows["Woman"].people == 10
    assert rows["Man"].people == 0
    assert rows[equity.NOT_ANSWERED].people == 10


def test_threshold_comes_from_settings_and_never_drops_below_five(program, gender):
    InsightSettings.objects.create(program=program, suppression_threshold=5)
    _mentees(program, gender, "Woman", 5)
    _mentees(program, gender, "Man", 6)
    rows, total, threshold = _table(program)
    assert threshold == 5
    assert rows["Woman"].people == 5 and rows["Man"].people == 6
    InsightSettings.objects.filter(program=program).update(suppression_threshold=2)
    assert _table(program)[2] == 5


def test_a_lone_group_hides_the_total(program, gender):
    _mentees(program, gender, "Woman", 4)
    rows, total, _ = _table(program)
    assert rows["Woman"].people is None
    assert total is None


def test_cohort_views_hide_groups_small_in_any_cohort(program, gender):
    spring = program.cohorts.first()
    autumn = Cohort.objects.create(
        program=program, name="Autumn",
        applications_open=spring.applications_open, applications_close=spring.applications_close,
        starts_on=spring.starts_on + dt.timedelta(days=180),
        ends_on=spring.ends_on + dt.timedelta(days=180),
    )  # fmt: skip
    _mentees(program, gender, "Woman", 12, cohort=spring)
    _mentees(program, gender, "Woman", 3, cohort=autumn)
    _mentees(program, gender, "Man", 15, cohort=spring)
    _mentees(program, gender, "Man", 12, cohort=autumn)
    _mentees(program, gender, "Non-binary", 10, cohort=spring)
    # Program-wide every group is large: all shown.
    rows, total, _ = _table(program)
    assert (rows["Woman"].people, rows["Man"].people) == (15, 27)
    # Spring alone would show 12 women, and 15 - 12 gives autumn's 3: hidden in every cohort
    # view, with a complement so the spring total does not give it back.
    rows, total, _ = _table(program, spring)
    assert rows["Woman"].people is None
    assert rows["Non-binary"].people is None  # the next smallest, as complement
    assert rows["Man"].people == 15
    rows, total, _ = _table(program, autumn)
    assert rows["Woman"].people is None


def test_rates_and_notable_differences_are_flagged(program, gender):
    _mentees(program, gender, "Woman", 20, matched=18)
    _mentees(program, gender, "Man", 20, matched=10)
    rows, total, _ = _table(program)
    match = {k: r.values["match"] for k, r in rows.items() if r.people}
    assert match["Woman"].text == "90.0%" and match["Woman"].flag == "higher"
    assert match["Man"].text == "50.0%" and match["Man"].flag == "lower"
    assert total.values["match"].text == "70.0%"
    # Time to match: started three days after joining.
    assert rows["Woman"].values["days"].text == "3.0"
    # Completion has no closed relationships yet: too few to show.
    assert rows["Woman"].values["completion"].text == equity.HIDDEN


def test_page_shows_no_figure_for_hidden_groups(login, program, coordinator, gender):
    _mentees(program, gender, "Woman", 12)
    _mentees(program, gender, "Non-binary", 3)
    client = login(coordinator)
    html = client.get(reverse("insights:equity", args=[program.slug])).content.decode()
    assert "Gender" in html and "<caption" in html
    # Both groups hidden (the 12 as complement of the 3); their sum of 15 reveals neither.
    assert ">12<" not in html and ">3<" not in html and "<td>15</td>" in html
    _mentees(program, gender, "Non-binary", 1)
    Membership.objects.filter(user__demographics__value="Woman").delete()
    html = client.get(reverse("insights:equity", args=[program.slug])).content.decode()
    assert "Hidden: it would reveal a small group." in html
    assert ">4<" not in html


def test_page_without_questions_says_so(login, program, coordinator):
    response = login(coordinator).get(reverse("insights:equity", args=[program.slug]))
    assert "No demographic questions" in response.content.decode()


def test_equity_page_query_count_does_not_grow(login, program, coordinator, gender):
    client = login(coordinator)
    url = reverse("insights:equity", args=[program.slug])
    _mentees(program, gender, "Woman", 3, matched=1)
    client.get(url)
    counts = []
    for extra in (0, 12):
        _mentees(program, gender, "Man", extra, matched=extra // 2)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"cohort": program.cohorts.first().pk}).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
