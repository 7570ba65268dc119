"""The program comments browser: written answers and rating comments, search, tags, cohorts,
and nothing from another program."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lodestar.core.models import AuditLog
from lodestar.feedback.models import Answer, Question, Response, Round, SessionRating, Survey
from lodestar.mentoring.models import SessionLog
from lodestar.programs.models import Cohort

from .conftest import make_user

pytestmark = pytest.mark.django_db


def _written(program, user, text, tags="", days_ago=1, title="Mid-term"):
    survey, _ = Survey.objects.get_or_create(program=program, title=title, status="open")
    question, _ = Question.objects.get_or_create(survey=survey, kind="long", text="Anything else?")
    rnd, _ = Round.objects.get_or_create(
        survey=survey, key="once", defaults={"closes_at": timezone.now() + dt.timedelta(days=7)}
    )
    response, _ = Response.objects.get_or_create(round=rnd, user=user)
    Response.objects.filter(pk=response.pk).update(
        submitted_at=timezone.now() - dt.timedelta(days=days_ago)
    )
    return Answer.objects.create(response=response, question=question, value=text, tags=tags)


def _rated(relationship, user, rating, comment):
    session = SessionLog.objects.create(
        relationship=relationship, logged_by=user, occurred_at=timezone.now(),
        duration_minutes=30, format="video",
    )  # fmt: skip
    return SessionRating.objects.create(session=session, user=user, rating=rating, comment=comment)


def _url(program, **params):
    url = reverse("insights:comments", args=[program.slug])
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def _shown(response) -> list[str]:
    assert response.status_code == 200
    items = response.context["items"]
    return [getattr(i, "value", None) or i.comment for i in items]


@pytest.mark.parametrize(
    "who,expected",
    [
        (None, 302),
        ("other_member", 404),
        ("other_coordinator", 404),
        ("mentor", 404),
        ("mentee", 404),
        ("coordinator", 200),
    ],
)
def test_only_the_programs_coordinators_browse_comments(request, login, program, who, expected):
    user = request.getfixturevalue(who) if who else None
    assert login(user).get(_url(program)).status_code == expected


def test_written_answers_newest_first_and_only_this_programs(
    login, program, other_program, coordinator, mentee, other_member
):
    _written(program, mentee, "Older: more structure please", days_ago=5)
    _written(program, mentee, "Newer: loved the workshop", days_ago=1, title="Closing")
    _written(other_program, other_member, "OTHER PROGRAM SECRET")
    client = login(coordinator)
    response = client.get(_url(program))
    assert _shown(response) == ["Newer: loved the workshop", "Older: more structure please"]
    html = response.content.decode()
    assert "OTHER PROGRAM SECRET" not in html
    assert "2 comments" in html
    assert reverse("feedback:results", args=[Survey.objects.get(title="Closing").pk]) in html


def test_search_finds_words_in_answers_and_tags(login, program, coordinator, mentee, mentor):
    _written(program, mentee, "The schedule was hard", tags="scheduling")
    _written(program, mentor, "Great pairing", tags="matching, praise", title="Mentors")
    _written(program, mentor, "Nothing to add", title="Mentors 2")
    client = login(coordinator)
    assert _shown(client.get(_url(program, q="SCHEDUL"))) == ["The schedule was hard"]
    assert _shown(client.get(_url(program, q="praise"))) == ["Great pairing"]
    empty = client.get(_url(program, q="zebra"))
    assert _shown(empty) == [] and "No comment matches this search." in empty.content.decode()
    # An overlong or odd search is trimmed, never an error.
    assert client.get(_url(program, q="x" * 500)).status_code == 200
    tags = dict(client.get(_url(program)).context["tags"])
    assert tags == {"scheduling": 1, "matching": 1, "praise": 1}


def test_the_cohort_filter_keeps_that_cohorts_members(
    login, program, coordinator, mentee, mentor, cohort
):
    later = Cohort.objects.create(
        program=program, name="Later cohort", applications_open=cohort.applications_open,
        applications_close=cohort.applications_close, starts_on=cohort.starts_on,
        ends_on=cohort.ends_on,
    )  # fmt: skip
    mentor.memberships.filter(program=program).update(cohort=later)
    _written(program, mentee, "From the first cohort")
    _written(program, mentor, "From spring", title="Mentors")
    client = login(coordinator)
    assert _shown(client.get(_url(program, cohort=later.pk))) == ["From spring"]
    assert len(_shown(client.get(_url(program, cohort="garbage")))) == 2
    # The cohort form keeps the tab and the search it was chosen from.
    html = client.get(_url(program, source="ratings", q="spring")).content.decode()
    form = html.split('aria-label="Filter by cohort"')[1].split("</form>")[0]
    assert '<input type="hidden" name="source" value="ratings">' in form
    assert '<input type="hidden" name="q" value="spring">' in form
    hostile = client.get(_url(program), {"q": '"><script>x</script>'}).content.decode()
    assert "<script>x</script>" not in hostile and "&quot;&gt;&lt;script&gt;" in hostile


def test_rating_comments_tab(login, program, coordinator, relationship, mentee, other_member):
    _rated(relationship, mentee, 5, "Really useful session")
    _rated(relationship, mentee, 2, "")  # no comment: not listed
    client = login(coordinator)
    response = client.get(_url(program, source="ratings"))
    assert _shown(response) == ["Really useful session"]
    assert "Rated 5 of 5" in response.content.decode()
    assert _shown(client.get(_url(program, source="ratings", q="nothing"))) == []
    # An unknown source falls back to the written answers.
    assert client.get(_url(program, source="../etc")).context["source"] == "surveys"


def test_empty_state(login, program, coordinator):
    response = login(coordinator).get(_url(program))
    assert "No comments yet." in response.content.decode()


def test_tagging_an_answer_keeps_the_filters(login, program, coordinator, mentee):
    answer = _written(program, mentee, "Needs more office hours")
    client = login(coordinator)
    url = reverse("insights:comment_tags", args=[program.slug, answer.pk])
    response = client.post(url, {"tags": " Office Hours, office hours ,access", "back": "q=hours"})
    assert response.status_code == 302
    assert response["Location"] == _url(program) + f"?q=hours#answer-{answer.pk}"
    answer.refresh_from_db()
    assert answer.tags == "office hours, access"
    assert AuditLog.objects.filter(action="survey.answer_tagged").count() == 1
    # A back value that is not a plain query string is dropped.
    response = client.post(url, {"tags": "x", "back": "//evil.example.org"})
    assert response["Location"] == _url(program) + f"#answer-{answer.pk}"


def test_tags_on_another_programs_answer_are_refused(
    login, program, other_program, coordinator, other_member
):
    foreign = _written(other_program, other_member, "Not yours")
    client = login(coordinator)
    url = reverse("insights:comment_tags", args=[program.slug, foreign.pk])
    response = client.post(url, {"tags": "hijack"}, follow=True)
    assert "not one of this program" in response.content.decode()
    foreign.refresh_from_db()
    assert foreign.tags == ""
    too_long = client.post(
        reverse("insights:comment_tags", args=[program.slug, foreign.pk]),
        {"tags": "y" * 300},
        follow=True,
    )
    assert too_long.status_code == 200 and foreign.tags == ""


def test_query_count_does_not_grow_with_comments(login, program, coordinator, relationship):
    client = login(coordinator)

    def queries(url) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    def add(start, n):
        for i in range(start, start + n):
            user = make_user(f"c{i}@example.org", f"Commenter {i}")
            _written(program, user, f"Comment {i}", tags=f"t{i % 3}")
            _rated(relationship, user, 4, f"Rating comment {i}")

    add(0, 2)
    small = {s: queries(_url(program, source=s)) for s in ("surveys", "ratings")}
    add(2, 30)  # more than a page
    assert {s: queries(_url(program, source=s)) for s in ("surveys", "ratings")} == small
    page2 = client.get(_url(program, page=2))
    assert len(_shown(page2)) == 32 - page2.context["items"].paginator.per_page
