import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from lodestar.feedback import metrics, surveys
from lodestar.feedback.models import Answer, Response, Round, Schedule, Survey
from lodestar.mentoring.figures import refresh_sessions
from lodestar.mentoring.models import Agreement, SessionLog
from lodestar.mentoring.services import change_status
from lodestar.notifications.models import Notification
from lodestar.scheduling.models import SentReminder

pytestmark = pytest.mark.django_db


# Pure metrics --------------------------------------------------------------------------------


def test_nps_is_promoters_minus_detractors_in_percent():
    # 2 promoters (10, 9), 2 passives (8, 7), 2 detractors (6, 0): 2/6 - 2/6 = 0.
    assert metrics.nps([10, 9, 8, 7, 6, 0]) == 0
    # 3 promoters of 4, no detractor: 75.
    assert metrics.nps([10, 10, 9, 8]) == 75
    # 1 promoter, 3 detractors of 4: 25 - 75 = -50.
    assert metrics.nps([0, 5, 6, 10]) == -50
    assert metrics.nps([10]) == 100 and metrics.nps([6]) == -100
    assert metrics.nps([]) is None
    assert metrics.nps_groups([10, 9, 8, 7, 6, 0]) == {
        "promoters": 2, "passives": 2, "detractors": 2
    }  # fmt: skip


def test_average_distribution_option_counts_and_rate():
    assert metrics.average([1, 2, 4]) == pytest.approx(7 / 3)
    assert metrics.average([]) is None
    assert metrics.distribution([1, 1, 5, 9], range(1, 6)) == [
        (1, 2),
        (2, 0),
        (3, 0),
        (4, 0),
        (5, 1),
    ]
    counts = metrics.option_counts([["A", "B"], "A", ["C"], "Gone"], ["A", "B", "C", "D"])
    assert counts == [("A", 2), ("B", 1), ("C", 1), ("D", 0), ("Gone", 1)]
    assert metrics.rate(1, 4) == 25 and metrics.rate(3, 0) is None


# Builder ---------------------------------------------------------------------------------------


@pytest.fixture
def survey(program, coordinator):
    survey = surveys.create_survey(program, coordinator, "Midpoint survey", "Tell us")
    surveys.save_question(survey, coordinator, kind="scale", text="How useful?", options=[],
                          required=True)  # fmt: skip
    surveys.save_question(survey, coordinator, kind="single", text="Format?",
                          options=["Video", "In person"])  # fmt: skip
    surveys.save_question(survey, coordinator, kind="long", text="Anything else?", options=[])
    return survey


@pytest.fixture
def open_survey(survey, coordinator):
    return surveys.open_survey(survey, coordinator)


def test_choice_questions_need_two_options(survey, coordinator):
    with pytest.raises(ValidationError, match="at least two choices"):
        surveys.save_question(survey, coordinator, kind="multiple", text="Pick", options=["Only"])
    assert surveys.parse_options(" A \n\nB\nA\n") == ["A", "B"]
    # Text questions drop stray choices.
    q = surveys.save_question(survey, coordinator, kind="short", text="Why?", options=["x", "y"])
    assert q.options == [] and q.order == 3


def test_builder_refuses_a_one_choice_question_with_a_clear_message(login, coordinator, survey):
    response = login(coordinator).post(
        reverse("feedback:question_add", args=[survey.pk]),
        {"kind": "single", "text": "Pick one", "options": "Only one"},
    )
    assert response.status_code == 400
    assert "at least two choices" in response.content.decode()
    assert survey.questions.count() == 3


def test_builder_adds_a_question_with_options_one_per_line(login, coordinator, survey):
    response = login(coordinator).post(
        reverse("feedback:question_add", args=[survey.pk]),
        {"kind": "multiple", "text": "Topics", "options": "SQL\r\nPython\r\n", "required": "on"},
    )
    assert response.status_code == 302
    q = survey.questions.get(text="Topics")
    assert q.options == ["SQL", "Python"] and q.required


def test_questions_move_up_and_down(survey, coordinator):
    first, second, third = surveys.questions_of(survey)
    surveys.move_question(third, coordinator, up=True)
    assert [q.text for q in surveys.questions_of(survey)] == [first.text, third.text, second.text]
    surveys.move_question(first, coordinator, up=False)
    assert [q.text for q in surveys.questions_of(survey)] == [third.text, first.text, second.text]


def test_sections_group_questions(survey, coordinator):
    section = surveys.add_section(survey, coordinator, "About sessions")
    q = surveys.save_question(survey, coordinator, kind="scale", text="Sessions?", options=[],
                              section=section)  # fmt: skip
    ordered = surveys.questions_of(survey)
    assert ordered[0] == q  # sectioned questions first, then the rest
    assert surveys.grouped(ordered)[0] == (section, [q])


def test_an_open_survey_is_frozen(open_survey, coordinator, login):
    question = open_survey.questions.first()
    with pytest.raises(ValidationError, match="frozen"):
        surveys.save_question(open_survey, coordinator, kind="short", text="New", options=[])
    response = login(coordinator).post(
        reverse("feedback:question_edit", args=[open_survey.pk, question.pk]),
        {"kind": "short", "text": "Changed"},
    )
    assert response.status_code == 400
    question.refresh_from_db()
    assert question.text == "How useful?"
    login(coordinator).post(reverse("feedback:survey_close", args=[open_survey.pk]))
    open_survey.refresh_from_db()
    assert open_survey.status == Survey.Status.CLOSED


def test_opening_needs_a_question(program, coordinator):
    empty = surveys.create_survey(program, coordinator, "Empty")
    with pytest.raises(ValidationError, match="at least one question"):
        surveys.open_survey(empty, coordinator)


def test_recurring_schedule_needs_every_days(open_survey, coordinator, login):
    response = login(coordinator).post(
        reverse("feedback:schedule_add", args=[open_survey.pk]),
        {"trigger": "recurring", "answer_within_days": 14},
    )
    assert response.status_code == 400
    assert "every how many days" in response.content.decode()
    assert not open_survey.schedules.exists()


# Schedules -------------------------------------------------------------------------------------


def _log_session(relationship, user, when=None):
    session = SessionLog.objects.create(
        relationship=relationship, logged_by=user, occurred_at=when or timezone.now(),
        duration_minutes=60, format="video",
    )  # fmt: skip
    refresh_sessions(relationship.pk)
    return session


def _schedule(survey, **kwargs):
    return Schedule.objects.create(survey=survey, **kwargs)


def test_first_session_round_is_sent_once(open_survey, relationship, mentor, mentee):
    schedule = _schedule(open_survey, trigger="first_session")
    assert surveys.run_schedules() == 0  # no session yet
    _log_session(relationship, mentor)
    assert surveys.run_schedules() == 1
    assert surveys.run_schedules() == 0
    found = Round.objects.get()
    assert found.key == f"first_session:{schedule.pk}:{relationship.pk}"
    assert found.relationship == relationship
    assert set(found.invitees.all()) == {mentor, mentee}
    assert Notification.objects.filter(kind="survey_invitation").count() == 2
    assert found.closes_at - found.opens_at == dt.timedelta(days=14)


def test_a_draft_survey_sends_nothing(survey, relationship, mentor):
    _schedule(survey, trigger="first_session")
    _log_session(relationship, mentor)
    assert surveys.run_schedules() == 0


def test_role_filter_applies_to_relationship_participants(open_survey, relationship, mentee):
    _schedule(open_survey, trigger="first_session", role="mentee")
    _log_session(relationship, mentee)
    surveys.run_schedules()
    assert list(Round.objects.get().invitees.all()) == [mentee]


def test_midpoint_uses_the_accepted_agreement(open_survey, relationship):
    today = timezone.localdate()
    Agreement.objects.create(
        relationship=relationship, version=1, objectives="x", success_measures="y",
        starts_on=today, ends_on=today + dt.timedelta(days=20), cadence_days=14,
        accepted_at=timezone.now(),
    )  # fmt: skip
    _schedule(open_survey, trigger="midpoint")
    now = timezone.now()
    assert surveys.run_schedules(now + dt.timedelta(days=5)) == 0
    assert surveys.run_schedules(now + dt.timedelta(days=11)) == 1
    assert surveys.run_schedules(now + dt.timedelta(days=12)) == 0
    assert Round.objects.get().key.startswith("midpoint:")


def test_midpoint_falls_back_to_the_cohort(open_survey, relationship, cohort):
    _schedule(open_survey, trigger="midpoint")
    middle = cohort.starts_on + (cohort.ends_on - cohort.starts_on) / 2
    when = timezone.make_aware(dt.datetime.combine(middle, dt.time(12)))
    assert surveys.run_schedules(when) == 1


def test_closing_round_after_completion(open_survey, relationship, coordinator):
    _schedule(open_survey, trigger="closing")
    assert surveys.run_schedules() == 0
    change_status(relationship, "completed", coordinator)
    assert surveys.run_schedules() == 1
    assert surveys.run_schedules() == 0


def test_once_goes_to_the_admitted_audience_once(
    open_survey, mentor, mentee, other_member, coordinator
):
    schedule = _schedule(open_survey, trigger="once", role="mentor")
    call_command("send_surveys", stdout=io.StringIO())
    call_command("send_surveys", stdout=io.StringIO())
    found = Round.objects.get()
    assert found.key == f"once:{schedule.pk}"
    assert list(found.invitees.all()) == [mentor]
    schedule.refresh_from_db()
    assert not schedule.is_active


def test_recurring_sends_every_n_days(open_survey, mentor, mentee):
    schedule = _schedule(open_survey, trigger="recurring", every_days=30)
    now = timezone.now()
    assert surveys.run_schedules(now) == 1
    assert surveys.run_schedules(now) == 0
    assert surveys.run_schedules(now + dt.timedelta(days=29)) == 0
    assert surveys.run_schedules(now + dt.timedelta(days=30)) == 1
    schedule.refresh_from_db()
    assert Round.objects.count() == 2
    assert set(Round.objects.get(key__endswith=now.date().isoformat()).invitees.all()) == {
        mentor, mentee
    }  # fmt: skip


def test_reminders_go_once_to_those_who_have_not_answered(open_survey, mentor, mentee):
    _schedule(open_survey, trigger="once")
    now = timezone.now()
    surveys.run_schedules(now)
    found = Round.objects.get()
    assert surveys.send_reminders(now) == 0  # too early
    surveys.submit_response(
        found, mentee, {q.pk: 4 for q in open_survey.questions.filter(kind="scale")}, now
    )
    later = found.closes_at - dt.timedelta(days=2)
    assert surveys.send_reminders(later) == 1
    assert surveys.send_reminders(later) == 0
    reminded = Notification.objects.filter(kind="survey_reminder")
    assert [n.user for n in reminded] == [mentor]
    assert SentReminder.objects.filter(
        user=mentor, key=f"survey_round:{found.pk}:reminder"
    ).exists()


# Answering -------------------------------------------------------------------------------------


@pytest.fixture
def sent(open_survey, relationship, mentor):
    _schedule(open_survey, trigger="first_session")
    _log_session(relationship, mentor)
    surveys.run_schedules()
    return Round.objects.get()


def _answers(survey, scale="4", single="Video", text="Great mentor"):
    by_kind = {q.kind: q for q in survey.questions.all()}
    return {
        f"q{by_kind['scale'].pk}": scale,
        f"q{by_kind['single'].pk}": single,
        f"q{by_kind['long'].pk}": text,
    }


def test_required_questions_must_be_answered(login, mentee, sent):
    data = _answers(sent.survey, scale="")
    response = login(mentee).post(reverse("feedback:answer", args=[sent.pk]), data)
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_answer_values_must_be_valid(login, mentee, sent):
    response = login(mentee).post(
        reverse("feedback:answer", args=[sent.pk]), _answers(sent.survey, scale="9")
    )
    assert response.status_code == 400
    assert not Response.objects.exists()
    with pytest.raises(ValidationError):
        surveys.submit_response(sent, mentee, {sent.survey.questions.get(kind="single").pk: "Nope"})


def test_one_response_per_person_editable_until_the_deadline(login, mentee, sent):
    client = login(mentee)
    url = reverse("feedback:answer", args=[sent.pk])
    assert client.post(url, _answers(sent.survey)).status_code == 302
    assert client.post(url, _answers(sent.survey, scale="2", text="")).status_code == 302
    response = Response.objects.get()
    assert response.user == mentee
    values = {a.question.kind: a.value for a in response.answers.select_related("question")}
    assert values == {"scale": 2, "single": "Video"}  # the emptied text answer is gone
    page = client.get(url).content.decode()
    assert "Save my changes" in page


def test_after_the_deadline_answers_are_read_only(login, mentee, sent):
    client = login(mentee)
    url = reverse("feedback:answer", args=[sent.pk])
    client.post(url, _answers(sent.survey))
    Round.objects.filter(pk=sent.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    client.post(url, _answers(sent.survey, scale="1"))
    assert Answer.objects.get(question__kind="scale").value == 4
    page = client.get(url).content.decode()
    assert "answers can no longer change" in page and "disabled" in page
    sent.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        surveys.submit_response(sent, mentee, {})


def test_members_see_only_their_own_answers(login, mentor, mentee, sent):
    login(mentor).post(
        reverse("feedback:answer", args=[sent.pk]), _answers(sent.survey, text="Mentor secret")
    )
    page = login(mentee).get(reverse("feedback:answer", args=[sent.pk])).content.decode()
    assert "Mentor secret" not in page
    mine = login(mentee).get(reverse("feedback:my_surveys")).content.decode()
    assert "Midpoint survey" in mine and "Not answered yet" in mine


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("other_member", 404), ("other_coordinator", 404),
     ("other_mentor", 404), ("coordinator", 404), ("mentor", 200), ("mentee", 200)],
)  # fmt: skip
def test_only_invitees_open_a_round(request, login, sent, who, status):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    client = login(user)
    url = reverse("feedback:answer", args=[sent.pk])
    assert client.get(url).status_code == status
    client.post(url, _answers(sent.survey))
    assert Response.objects.filter(round=sent).count() == (1 if status == 200 else 0)


# Coordinator pages: permissions ----------------------------------------------------------------


def _coordinator_get_urls(survey):
    question = survey.questions.first()
    return [
        reverse("feedback:surveys", args=[survey.program.slug]),
        reverse("feedback:survey_new", args=[survey.program.slug]),
        reverse("feedback:survey", args=[survey.pk]),
        reverse("feedback:survey_preview", args=[survey.pk]),
        reverse("feedback:question_edit", args=[survey.pk, question.pk]),
        reverse("feedback:results", args=[survey.pk]),
        reverse("feedback:results_csv", args=[survey.pk]),
    ]


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("other_member", 404), ("other_coordinator", 404),
     ("other_mentor", 404), ("mentor", 404), ("mentee", 404), ("coordinator", 200)],
)  # fmt: skip
def test_coordinator_pages(request, login, survey, who, status):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    client = login(user)
    for url in _coordinator_get_urls(survey):
        assert client.get(url).status_code == status, url


@pytest.mark.parametrize(
    "who", ["anonymous", "other_member", "other_coordinator", "other_mentor", "mentor", "mentee"]
)
def test_outsiders_cannot_change_a_survey(request, login, survey, who):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    client = login(user)
    question = survey.questions.first()
    posts = [
        ("feedback:survey_edit", [survey.pk], {"title": "Hacked"}),
        ("feedback:section_add", [survey.pk], {"title": "Hacked"}),
        ("feedback:question_add", [survey.pk], {"kind": "short", "text": "Hacked"}),
        ("feedback:question_delete", [survey.pk, question.pk], {}),
        ("feedback:question_move", [survey.pk, question.pk], {"direction": "down"}),
        ("feedback:schedule_add", [survey.pk], {"trigger": "once", "answer_within_days": 7}),
        ("feedback:survey_open", [survey.pk], {}),
    ]
    for name, args, data in posts:
        assert client.post(reverse(name, args=args), data).status_code in {302, 404}
        if user is not None:
            assert client.post(reverse(name, args=args), data).status_code == 404, name
    survey.refresh_from_db()
    assert survey.title == "Midpoint survey" and survey.status == Survey.Status.DRAFT
    assert survey.questions.count() == 3 and not survey.sections.exists()
    assert not survey.schedules.exists()


def test_coordinator_builds_a_survey_end_to_end(login, coordinator, program):
    client = login(coordinator)
    response = client.post(
        reverse("feedback:survey_new", args=[program.slug]), {"title": "Pulse", "intro": "Hi"}
    )
    survey = Survey.objects.get(title="Pulse")
    assert response.url == reverse("feedback:survey", args=[survey.pk])
    client.post(reverse("feedback:section_add", args=[survey.pk]), {"title": "Part one"})
    client.post(
        reverse("feedback:question_add", args=[survey.pk]),
        {"kind": "nps", "text": "Recommend us?", "section": survey.sections.get().pk},
    )
    preview = client.get(reverse("feedback:survey_preview", args=[survey.pk])).content.decode()
    assert "Part one" in preview and "Recommend us?" in preview and 'value="10"' in preview
    client.post(reverse("feedback:survey_open", args=[survey.pk]))
    client.post(
        reverse("feedback:schedule_add", args=[survey.pk]),
        {"trigger": "once", "answer_within_days": 7},
    )
    survey.refresh_from_db()
    assert survey.status == "open" and survey.schedules.get().trigger == "once"


# Results ---------------------------------------------------------------------------------------


def test_results_show_figures_comments_and_rate(login, coordinator, mentor, mentee, sent):
    survey = sent.survey
    login(mentor).post(
        reverse("feedback:answer", args=[sent.pk]), _answers(survey, scale="5", text="Very helpful")
    )
    login(mentee).post(
        reverse("feedback:answer", args=[sent.pk]),
        _answers(survey, scale="2", single="In person", text="Too short"),
    )
    page = login(coordinator).get(reverse("feedback:results", args=[survey.pk])).content.decode()
    assert "Average: 3.50 / 5" in page
    assert "2 responses from 2 invitations (100%)" in page
    assert "Very helpful" in page and "Too short" in page
    searched = login(coordinator).get(
        reverse("feedback:results", args=[survey.pk]), {"q": "helpful"}
    )
    assert (
        "Very helpful" in searched.content.decode() and "Too short" not in searched.content.decode()
    )
    answer = Answer.objects.get(value="Too short")
    login(coordinator).post(
        reverse("feedback:answer_tags", args=[survey.pk, answer.pk]),
        {"tags": "Length, length , pace"},
    )
    answer.refresh_from_db()
    assert answer.tags == "length, pace"
    by_tag = login(coordinator).get(reverse("feedback:results", args=[survey.pk]), {"q": "pace"})
    assert "Too short" in by_tag.content.decode() and "Very helpful" not in by_tag.content.decode()


def test_nps_results(program, coordinator, mentor, mentee):
    survey = surveys.create_survey(program, coordinator, "NPS")
    q = surveys.save_question(survey, coordinator, kind="nps", text="Recommend?", options=[])
    surveys.open_survey(survey, coordinator)
    found = surveys.send_round(survey, "manual", [mentor, mentee], timezone.now())
    surveys.submit_response(found, mentor, {q.pk: 10})
    surveys.submit_response(found, mentee, {q.pk: 3})
    [result] = surveys.question_results(survey, [q])
    assert result.nps == 0 and result.count == 2
    assert result.groups == {"promoters": 1, "passives": 0, "detractors": 1}


def test_tags_of_another_survey_answer_are_refused(
    login, coordinator, other_coordinator, sent, mentee
):
    login(mentee).post(reverse("feedback:answer", args=[sent.pk]), _answers(sent.survey))
    answer = Answer.objects.get(question__kind="long")
    other = surveys.create_survey(
        sent.survey.program.__class__.objects.get(slug="other-program"), other_coordinator, "Theirs"
    )
    response = login(other_coordinator).post(
        reverse("feedback:answer_tags", args=[other.pk, answer.pk]), {"tags": "x"}
    )
    assert response.status_code == 404
    answer.refresh_from_db()
    assert answer.tags == ""


def test_csv_export_has_one_row_per_response(login, coordinator, mentee, sent):
    login(mentee).post(
        reverse("feedback:answer", args=[sent.pk]), _answers(sent.survey, text="=cmd()")
    )
    response = login(coordinator).get(reverse("feedback:results_csv", args=[sent.survey.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][-3:] == ["How useful?", "Format?", "Anything else?"]
    assert len(rows) == 2
    assert rows[1][3] == "Mei Mentee" and rows[1][-3:] == ["4", "Video", "'=cmd()"]


# Query budgets ---------------------------------------------------------------------------------


def _many_rounds(survey, people, n):
    for i in range(n):
        found = surveys.send_round(survey, f"manual:{i}", people, timezone.now())
        for person in people:
            surveys.submit_response(
                found,
                person,
                {
                    q.pk: "4"
                    if q.kind == "scale"
                    else "Video"
                    if q.kind == "single"
                    else f"text {i}"
                    for q in survey.questions.all()
                },
            )


@pytest.mark.parametrize("n", [1, 6])
def test_pages_keep_a_query_budget(
    login, coordinator, mentor, mentee, open_survey, program, n, django_assert_max_num_queries
):
    for i in range(n):
        surveys.create_survey(program, coordinator, f"Survey {i}")
    _many_rounds(open_survey, [mentor, mentee], n)
    client = login(coordinator)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("feedback:surveys", args=[program.slug])).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("feedback:results", args=[open_survey.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("feedback:survey", args=[open_survey.pk])).status_code == 200
    member = login(mentee)
    with django_assert_max_num_queries(8):
        assert member.get(reverse("feedback:my_surveys")).status_code == 200


def test_two_schedules_on_the_same_moment_each_send(open_survey, relationship, mentor, mentee):
    _schedule(open_survey, trigger="first_session", role="mentor")
    _schedule(open_survey, trigger="first_session", role="mentee")
    _log_session(relationship, mentor)
    assert surveys.run_schedules() == 2
    invited = [set(r.invitees.all()) for r in Round.objects.order_by("key")]
    assert invited in ([{mentor}, {mentee}], [{mentee}, {mentor}])
