"""Program announcements: audience filters, notifications in bulk, read tracking, permissions."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from lodestar.core.models import AuditLog
from lodestar.notifications.models import Notification
from lodestar.programs.announcements import audience, post_announcement
from lodestar.programs.models import Announcement, AnnouncementRead, Cohort, Role
from lodestar.programs.states import Status

from .conftest import _member, make_user

pytestmark = pytest.mark.django_db

XSS = "<script>alert('x')</script>"


@pytest.fixture
def second_cohort(program):
    first = program.cohorts.first()
    return Cohort.objects.create(
        program=program,
        name="Autumn",
        applications_open=first.applications_open,
        applications_close=first.applications_close,
        starts_on=first.starts_on,
        ends_on=first.ends_on,
    )


def post(coordinator, program, **kw):
    return post_announcement(
        coordinator, program, kw.pop("title", "News"), kw.pop("body", "Hello"), **kw
    )


def list_url(program):
    return reverse("programs:announcements", args=[program.slug])


def detail_url(a):
    return reverse("programs:announcement", args=[a.program.slug, a.pk])


# Audience ------------------------------------------------------------------------------------


def test_audience_is_admitted_members_matching_role_and_cohort(
    program, cohort, second_cohort, mentor, mentee, other_member, skill
):
    applicant = make_user("applicant@example.org")
    m = _member(program, applicant, Role.MENTEE, skill)
    m.status = Status.APPLIED
    m.save()
    both = make_user("both@example.org")
    _member(program, both, Role.BOTH, skill)
    autumn = make_user("autumn@example.org")
    m = _member(program, autumn, Role.MENTEE, skill)
    m.cohort = second_cohort
    m.save()

    assert set(audience(program)) == {mentor, mentee, both, autumn}
    assert set(audience(program, Role.MENTEE)) == {mentee, both, autumn}
    assert set(audience(program, Role.MENTOR)) == {mentor, both}
    assert set(audience(program, Role.MENTEE, cohort)) == {mentee, both}
    assert set(audience(program, "", second_cohort)) == {autumn}
    assert list(audience(program, Role.PEER)) == []


def test_posting_notifies_each_recipient_in_bulk(
    program, coordinator, mentor, mentee, django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):  # fmt: skip
    with (
        django_capture_on_commit_callbacks(execute=True),
        django_assert_max_num_queries(6),
    ):
        a = post(coordinator, program, title="Kick-off", role=Role.MENTEE)
    [n] = Notification.objects.filter(kind="announcement")
    assert n.user == mentee
    assert n.url == detail_url(a)
    assert "Kick-off" in n.subject and "Hello" in n.body
    assert [m.to for m in mail.outbox] == [["mentee@example.org"]]
    assert AuditLog.objects.filter(action="announcement.posted", program_id=program.pk).exists()


def test_posting_many_costs_the_same_queries(
    program, coordinator, skill, django_assert_max_num_queries
):
    for i in range(40):
        _member(program, make_user(f"m{i}@example.org"), Role.MENTEE, skill)
    with django_assert_max_num_queries(6):  # as for a single recipient
        post(coordinator, program)
    assert Notification.objects.filter(kind="announcement").count() == 40


def test_nobody_matching_is_refused_without_writing(program, coordinator, mentee):
    with pytest.raises(ValidationError, match="Nobody"):
        post(coordinator, program, role=Role.PEER)
    assert not Announcement.objects.exists() and not Notification.objects.exists()


def test_a_cohort_of_another_program_is_refused(program, coordinator, mentee, other_program):
    with pytest.raises(ValidationError):
        post(coordinator, program, cohort=other_program.cohorts.first())
    assert not Announcement.objects.exists()


# Pages: permissions --------------------------------------------------------------------------

SEE = {"mentee": 200, "mentor": 200, "coordinator": 200, "other_mentor": 200}


@pytest.mark.parametrize(
    "role",
    ["anonymous", "other_member", "other_coordinator", "mentee", "mentor", "other_mentor",
     "coordinator"],
)  # fmt: skip
def test_who_may_open_the_announcements_page(role, request, program, coordinator, mentee, login):
    user = None if role == "anonymous" else request.getfixturevalue(role)
    a = post(coordinator, program, title="All hands")
    response = login(user).get(list_url(program))
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response.url
        return
    assert response.status_code == SEE.get(role, 404)
    detail = login(user).get(detail_url(a))
    assert detail.status_code == SEE.get(role, 404)
    if response.status_code == 200:
        assert "All hands" in response.content.decode()


def test_members_see_only_what_is_addressed_to_them(program, coordinator, mentee, mentor, login):
    for_mentors = post(coordinator, program, title="Mentors only", role=Role.MENTOR)
    post(coordinator, program, title="For everyone")
    page = login(mentee).get(list_url(program)).content.decode()
    assert "For everyone" in page and "Mentors only" not in page
    assert login(mentee).get(detail_url(for_mentors)).status_code == 404
    assert login(mentor).get(detail_url(for_mentors)).status_code == 200


def test_an_applicant_not_yet_admitted_gets_404(program, coordinator, mentee, skill, login):
    applicant = make_user("applicant@example.org")
    m = _member(program, applicant, Role.MENTEE, skill)
    m.status = Status.APPLIED
    m.save()
    a = post(coordinator, program)
    assert login(applicant).get(list_url(program)).status_code == 404
    assert login(applicant).get(detail_url(a)).status_code == 404


def test_an_announcement_id_of_another_program_is_404(
    program, other_program, coordinator, other_coordinator, mentee, other_member, login
):
    theirs = post(other_coordinator, other_program)
    url = reverse("programs:announcement", args=[program.slug, theirs.pk])
    assert login(coordinator).get(url).status_code == 404
    assert login(mentee).get(url).status_code == 404


# Writing -------------------------------------------------------------------------------------


def test_coordinator_posts_from_the_page(program, coordinator, mentee, mentor, cohort, login):
    response = login(coordinator).post(
        list_url(program),
        {"title": "Schedule change", "body": "Line one\nLine two", "role": "mentee",
         "cohort": cohort.pk},
    )  # fmt: skip
    a = Announcement.objects.get()
    assert response.status_code == 302 and response.url == detail_url(a)
    assert (a.author, a.role, a.cohort) == (coordinator, "mentee", cohort)
    assert list(Notification.objects.values_list("user", flat=True)) == [mentee.pk]


@pytest.mark.parametrize("role", ["mentee", "mentor", "other_coordinator", "other_member"])
def test_only_the_programs_coordinators_may_post(role, request, program, login):
    user = request.getfixturevalue(role)
    response = login(user).post(list_url(program), {"title": "Hijack", "body": "x"})
    assert response.status_code == 404
    assert not Announcement.objects.exists()


def test_bad_input_shows_the_form_again(program, coordinator, mentee, other_program, login):
    client = login(coordinator)
    response = client.post(list_url(program), {"title": "", "body": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    foreign = other_program.cohorts.first().pk
    response = client.post(list_url(program), {"title": "T", "body": "B", "cohort": foreign})
    assert response.status_code == 200
    response = client.post(list_url(program), {"title": "T", "body": "B", "role": "peer"})
    assert "Nobody in the program matches" in response.content.decode()
    assert not Announcement.objects.exists()


def test_stored_payload_is_escaped(program, coordinator, mentee, login):
    a = post(coordinator, program, title=XSS, body=XSS)
    for user in (mentee, coordinator):
        for url in (list_url(program), detail_url(a)):
            page = login(user).get(url).content.decode()
            assert XSS not in page
            assert "&lt;script&gt;" in page


# Read tracking -------------------------------------------------------------------------------


def test_opening_marks_read_and_coordinators_see_how_many(
    program, coordinator, mentee, mentor, login
):
    a = post(coordinator, program)
    assert "read by 0 of 2" in login(coordinator).get(list_url(program)).content.decode()
    assert "unread" in login(mentee).get(list_url(program)).content.decode()
    login(mentee).get(detail_url(a))
    login(mentee).get(detail_url(a))  # twice: still one read
    assert AnnouncementRead.objects.filter(announcement=a, user=mentee).count() == 1
    assert Notification.objects.get(user=mentee).read_at is not None  # the bell clears too
    assert Notification.objects.get(user=mentor).read_at is None
    login(coordinator).get(detail_url(a))  # a coordinator reading is not a member reading
    page = login(coordinator).get(detail_url(a)).content.decode()
    assert "Read by 1 of 2 members" in page
    member_page = login(mentee).get(list_url(program)).content.decode()
    assert "badge text-bg-primary" not in member_page


def test_list_pages_have_a_query_budget(
    program, coordinator, mentee, mentor, skill, login, django_assert_max_num_queries
):
    for i in range(5):
        _member(program, make_user(f"m{i}@example.org"), Role.MENTEE, skill)
    for i in range(30):
        a = post(coordinator, program, title=f"News {i}")
        AnnouncementRead.objects.create(announcement=a, user=mentee)
    for user in (coordinator, mentee):
        client = login(user)
        with django_assert_max_num_queries(11):
            response = client.get(list_url(program))
        assert response.status_code == 200
        assert response.content.decode().count('class="fw-semibold"') == 25


# Was it clear? Questions and answers. ---------------------------------------------------------


def test_members_say_whether_it_was_clear_and_coordinators_see_the_count(
    program, coordinator, mentee, mentor, login
):
    a = post(coordinator, program)
    login(mentee).post(detail_url(a), {"action": "unclear"})
    login(mentee).post(detail_url(a), {"action": "clear"})  # changing one's mind
    login(mentor).post(detail_url(a), {"action": "unclear"})
    page = login(coordinator).get(detail_url(a)).content.decode()
    assert "Clear to 1, not clear to 1." in page
    # A coordinator's reaction is refused: they wrote it.
    assert login(coordinator).post(detail_url(a), {"action": "clear"}).status_code == 404


def test_a_question_reaches_the_coordinators_and_the_answer_everyone(
    program, coordinator, mentee, mentor, login
):
    from lodestar.notifications.models import Notification
    from lodestar.programs.models import AnnouncementQuestion

    a = post(coordinator, program)
    login(mentee).post(detail_url(a), {"action": "ask", "body": "Is the venue accessible?"})
    question = AnnouncementQuestion.objects.get()
    assert Notification.objects.filter(user=coordinator, kind="announcement_question").exists()
    assert login(mentee).post(detail_url(a), {"action": "answer", "question": question.pk,
                                              "answer": "Mine"}).status_code == 404  # fmt: skip
    login(coordinator).post(
        detail_url(a), {"action": "answer", "question": question.pk, "answer": "Yes, step-free."}
    )
    question.refresh_from_db()
    assert question.answer == "Yes, step-free." and question.answered_by == coordinator
    assert Notification.objects.filter(user=mentee, kind="announcement_answer").exists()
    assert "Yes, step-free." in login(mentor).get(detail_url(a)).content.decode()


def test_empty_questions_and_answers_are_refused_with_a_message(
    program, coordinator, mentee, login
):
    from lodestar.programs.models import AnnouncementQuestion

    a = post(coordinator, program)
    response = login(mentee).post(detail_url(a), {"action": "ask", "body": "   "}, follow=True)
    assert "Write your question." in response.content.decode()
    assert not AnnouncementQuestion.objects.exists()


def test_outsiders_cannot_react_or_ask(program, coordinator, mentee, other_member, login):
    a = post(coordinator, program)
    response = login(other_member).post(detail_url(a), {"action": "ask", "body": "Hi"})
    assert response.status_code == 404


def test_a_malformed_question_id_is_a_404_not_a_500(program, coordinator, mentee, login):
    a = post(coordinator, program)
    for bad in ("abc", "²", "9" * 40):
        response = login(coordinator).post(
            detail_url(a), {"action": "answer", "question": bad, "answer": "x"}
        )
        assert response.status_code == 404


def test_members_do_not_see_who_asked(program, coordinator, mentee, mentor, login):
    a = post(coordinator, program)
    login(mentee).post(detail_url(a), {"action": "ask", "body": "When is the next session?"})
    page = login(mentor).get(detail_url(a)).content.decode()
    assert "When is the next session?" in page and "A member asked" in page
    assert mentee.name not in page
    assert mentee.name in login(coordinator).get(detail_url(a)).content.decode()
