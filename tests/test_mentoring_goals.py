import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from lodestar.accounts.models import Skill, User, UserSkill
from lodestar.core.models import AuditLog
from lodestar.mentoring import assessments, goals, services
from lodestar.mentoring.access import get_relationship_for, viewer_of
from lodestar.mentoring.models import Goal, GoalComment, GoalMilestone, SkillAssessment
from lodestar.mentoring.states import Status
from lodestar.mentoring.views.goals import assessment_panel, goals_panel
from lodestar.notifications.models import Notification
from lodestar.programs.models import Program

pytestmark = pytest.mark.django_db


@pytest.fixture
def goal(relationship, mentee, skill):
    return goals.create_goal(
        relationship,
        mentee,
        skills=[skill],
        title="Write my own reports",
        description="Stop asking for help with joins",
        success_criteria="Three reports shipped",
        target_date=dt.date(2030, 6, 1),
    )


@pytest.fixture
def python(skill) -> Skill:
    return Skill.objects.create(name="Python", category=skill.category)


@pytest.fixture
def theirs(other_mentor, coordinator):
    """The other mentor's relationship and a goal in it."""
    their_mentee = User.objects.get(email="theirmentee@example.org")
    relationship = their_mentee.relationship_roles.get().relationship
    services.change_status(relationship, Status.ACTIVE, coordinator)
    return goals.create_goal(relationship, their_mentee, title="Their goal")


def outsiders(cast, other_mentor):
    return [cast["other_member"], cast["other_coordinator"], other_mentor]


# Goals: services


def test_the_mentee_writes_goals_and_nobody_else_does(relationship, mentor, coordinator, goal):
    assert goal.owner.email == "mentee@example.org" and goal.status == Goal.Status.NOT_STARTED
    assert [s.name for s in goal.skills.all()] == ["SQL"]
    for other in [mentor, coordinator]:
        with pytest.raises(ValidationError, match="mentees"):
            goals.create_goal(relationship, other, title="Not mine to write")
    assert Goal.objects.count() == 1


def test_a_goal_needs_a_title_and_current_skills(relationship, mentee, python):
    with pytest.raises(ValidationError):
        goals.create_goal(relationship, mentee, title="   ")
    python.is_active = False
    python.save()
    with pytest.raises(ValidationError, match="current skill"):
        goals.create_goal(relationship, mentee, skills=[python], title="Learn Python")
    assert not Goal.objects.exists()


def test_only_the_owner_changes_a_goal(goal, mentor, coordinator):
    for other in [mentor, coordinator]:
        with pytest.raises(ValidationError, match="Only the mentee"):
            goals.update_goal(goal, other, title="Hijacked")
        with pytest.raises(ValidationError, match="Only the mentee"):
            goals.set_goal_status(goal, other, Goal.Status.DROPPED)
        with pytest.raises(ValidationError, match="Only the mentee"):
            goals.add_milestone(goal, other, "Sneaky step")
    goal.refresh_from_db()
    assert goal.title == "Write my own reports" and goal.status == Goal.Status.NOT_STARTED
    assert not goal.milestones.exists()


def test_in_a_group_each_mentee_owns_their_goals(
    program, mentor, mentee, other_mentor, coordinator
):
    second = User.objects.get(email="theirmentee@example.org")
    group = services.create_relationship(
        program.cohorts.get(), program.tracks.get(kind="intermediate"), [mentor],
        [mentee, second], coordinator,
    )  # fmt: skip
    mine = goals.create_goal(group, mentee, title="Mine")
    with pytest.raises(ValidationError, match="Only the mentee"):
        goals.update_goal(mine, second, title="Yours now")
    assert goals.create_goal(group, second, title="Theirs").owner == second


def test_a_status_change_is_audited_and_told_to_the_mentor(goal, mentee, mentor):
    goals.set_goal_status(goal, mentee, Goal.Status.IN_PROGRESS)
    goals.update_goal(goal, mentee, status=Goal.Status.ACHIEVED)
    logs = AuditLog.objects.filter(action="goal.status", target_id=str(goal.pk)).order_by("id")
    assert [(log.data["old"], log.data["new"]) for log in logs] == [
        ("not_started", "in_progress"),
        ("in_progress", "achieved"),
    ]
    assert logs[0].program_id == goal.relationship.program_id
    assert Notification.objects.filter(kind="goal_status", user=mentor).count() == 2
    goals.set_goal_status(goal, mentee, Goal.Status.ACHIEVED)  # no change, no new entry
    assert logs.count() == 2
    with pytest.raises(ValidationError):
        goals.set_goal_status(goal, mentee, "finished")


def test_progress_from_milestones(goal, mentee):
    mode = Program.GoalProgress.MILESTONES
    assert goals.progress_percent(goal, mode) == 0
    first = goals.add_milestone(goal, mentee, "Learn joins", dt.date(2030, 2, 1))
    goals.add_milestone(goal, mentee, "Window functions", dt.date(2030, 3, 1))
    goals.add_milestone(goal, mentee, "Someday")
    goals.set_milestone_done(first, mentee, True)
    goal = Goal.objects.prefetch_related("milestones").get(pk=goal.pk)
    assert goals.progress_percent(goal, mode) == 33
    assert goals.next_milestone(goal).title == "Window functions"
    goals.set_milestone_done(first, mentee, False)
    goal = Goal.objects.prefetch_related("milestones").get(pk=goal.pk)
    assert goals.progress_percent(goal, mode) == 0 and goals.next_milestone(goal) == first
    goal.status = Goal.Status.ACHIEVED
    assert goals.progress_percent(goal, mode) == 100


def test_manual_progress_is_set_by_the_mentee_where_the_program_says_so(goal, mentee, mentor):
    with pytest.raises(ValidationError, match="milestones"):
        goals.set_progress(goal, mentee, 40)
    program = goal.relationship.program
    program.goal_progress = Program.GoalProgress.MANUAL
    program.save()
    goals.set_progress(goal, mentee, 40)
    goals.add_milestone(goal, mentee, "Ignored for progress")
    assert goals.progress_percent(goal, Program.GoalProgress.MANUAL) == 40
    for bad in [-1, 101, "lots", None]:
        with pytest.raises(ValidationError, match="0 to 100"):
            goals.set_progress(goal, mentee, bad)
    with pytest.raises(ValidationError, match="Only the mentee"):
        goals.set_progress(goal, mentor, 90)
    goal.refresh_from_db()
    assert goal.progress == 40


def test_the_owner_manages_milestones(goal, mentee, mentor):
    milestone = goals.add_milestone(goal, mentee, "Draft", dt.date(2030, 1, 1))
    goals.update_milestone(milestone, mentee, "Draft v2", None)
    milestone.refresh_from_db()
    assert milestone.title == "Draft v2" and milestone.due_on is None
    with pytest.raises(ValidationError, match="title"):
        goals.add_milestone(goal, mentee, "  ")
    with pytest.raises(ValidationError, match="Only the mentee"):
        goals.set_milestone_done(milestone, mentor, True)
    with pytest.raises(ValidationError, match="Only the mentee"):
        goals.delete_milestone(milestone, mentor)
    goals.delete_milestone(milestone, mentee)
    assert not GoalMilestone.objects.exists()


def test_participants_comment_and_the_others_are_told(goal, mentor, mentee, coordinator):
    goals.add_comment(goal, mentor, "Nice goal. Start with joins.")
    assert Notification.objects.get(kind="goal_comment").user == mentee
    with pytest.raises(ValidationError, match="Write a comment"):
        goals.add_comment(goal, mentee, "   ")
    with pytest.raises(ValidationError, match="Only the people"):
        goals.add_comment(goal, coordinator, "Coordinators only read")
    assert GoalComment.objects.count() == 1


def test_closed_relationships_keep_goals_read_only(goal, relationship, mentor, mentee):
    services.change_status(relationship, Status.COMPLETED, mentor)
    goal.relationship.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        goals.create_goal(relationship, mentee, title="Too late")
    with pytest.raises(ValidationError, match="closed"):
        goals.update_goal(goal, mentee, title="Too late")
    with pytest.raises(ValidationError, match="closed"):
        goals.add_comment(goal, mentor, "Too late")


# Goals: views

GOAL_PAGES = [
    ("mentoring:goal", "get", {"mentee", "mentor", "coordinator"}),
    ("mentoring:goal_edit", "get", {"mentee"}),
    ("mentoring:goal_status", "post", {"mentee"}),
    ("mentoring:goal_progress", "post", {"mentee"}),
    ("mentoring:goal_comment", "post", {"mentee", "mentor"}),
    ("mentoring:milestone_add", "post", {"mentee"}),
    ("mentoring:milestone_edit", "get", {"mentee"}),
    ("mentoring:milestone_toggle", "post", {"mentee"}),
    ("mentoring:milestone_delete", "post", {"mentee"}),
]


def _args(name, relationship, goal, milestone):
    if name.startswith("mentoring:milestone_") and name != "mentoring:milestone_add":
        return [relationship.pk, goal.pk, milestone.pk]
    return [relationship.pk, goal.pk]


@pytest.mark.parametrize(("name", "method", "allowed"), GOAL_PAGES)
def test_goal_pages_answer_each_role(
    name, method, allowed, relationship, goal, mentee, cast, other_mentor, login
):
    milestone = goals.add_milestone(goal, mentee, "Step one")
    url = reverse(name, args=_args(name, relationship, goal, milestone))
    anonymous = getattr(login(None), method)(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.url
    people = {**cast, "other_mentor": other_mentor}
    # Refused first, so an allowed delete cannot hide a leak.
    for role in sorted(people, key=lambda r: r in allowed):
        response = getattr(login(people[role]), method)(url)
        if role in allowed:
            assert response.status_code in ({200} if method == "get" else {302}), role
        else:
            assert response.status_code == 404, role


def test_goal_add_answers_each_role(relationship, cast, other_mentor, login):
    url = reverse("mentoring:goal_add", args=[relationship.pk])
    assert login(None).get(url).status_code == 302
    for role in ["mentor", "coordinator", "other_member", "other_coordinator"]:
        assert login(cast[role]).get(url).status_code == 404, role
    assert login(other_mentor).get(url).status_code == 404
    assert login(cast["mentee"]).get(url).status_code == 200


def test_assessment_page_answers_each_role(relationship, cast, other_mentor, login):
    url = reverse("mentoring:assessment", args=[relationship.pk, "start"])
    assert login(None).get(url).status_code == 302
    for user in [
        cast["coordinator"],
        cast["other_member"],
        cast["other_coordinator"],
        other_mentor,
    ]:
        assert login(user).get(url).status_code == 404
    for role in ["mentee", "mentor"]:
        assert login(cast[role]).get(url).status_code == 200, role
    bad = reverse("mentoring:assessment", args=[relationship.pk, "halfway"])
    assert login(cast["mentee"]).get(bad).status_code == 404


def test_a_goal_of_another_relationship_is_not_found_through_this_one(
    relationship, goal, theirs, mentee, mentor, login
):
    their_milestone = goals.add_milestone(theirs, theirs.owner, "Their step")
    for user in [mentee, mentor]:
        client = login(user)
        assert (
            client.get(reverse("mentoring:goal", args=[relationship.pk, theirs.pk])).status_code
            == 404
        )
        response = client.post(
            reverse("mentoring:goal_comment", args=[relationship.pk, theirs.pk]), {"body": "Hi"}
        )
        assert response.status_code == 404
    client = login(mentee)
    for name in ["mentoring:goal_edit", "mentoring:goal_status"]:
        url = reverse(name, args=[relationship.pk, theirs.pk])
        assert client.post(url, {"status": "dropped", "title": "x"}).status_code == 404
    url = reverse("mentoring:milestone_toggle", args=[relationship.pk, goal.pk, their_milestone.pk])
    assert client.post(url, {"done": "1"}).status_code == 404
    url = reverse("mentoring:milestone_delete", args=[relationship.pk, goal.pk, their_milestone.pk])
    assert client.post(url).status_code == 404
    theirs.refresh_from_db()
    their_milestone.refresh_from_db()
    assert theirs.status == "not_started" and their_milestone.done_at is None
    assert not GoalComment.objects.exists()


def test_the_mentee_adds_a_goal_and_works_it_through_the_pages(
    relationship, mentee, mentor, skill, login
):
    client = login(mentee)
    response = client.post(
        reverse("mentoring:goal_add", args=[relationship.pk]),
        {
            "title": "Lead a data review",
            "description": "Run the monthly review",
            "success_criteria": "Team asks me first",
            "target_date": "2030-09-01",
            "status": "in_progress",
            "skills": [str(skill.pk)],
        },
    )
    goal = Goal.objects.get()
    assert response.status_code == 302 and response.url == goals.goal_url(goal)
    assert goal.owner == mentee and list(goal.skills.all()) == [skill]
    base = [relationship.pk, goal.pk]
    client.post(
        reverse("mentoring:milestone_add", args=base),
        {"title": "Shadow one", "due_on": "2030-04-01"},
    )
    client.post(reverse("mentoring:milestone_add", args=base), {"title": "Run one", "due_on": ""})
    first = goal.milestones.get(title="Shadow one")
    client.post(reverse("mentoring:milestone_toggle", args=[*base, first.pk]), {"done": "1"})
    first.refresh_from_db()
    assert first.done_at is not None
    page = client.get(goals.goal_url(goal)).content.decode()
    assert 'value="50"' in page and "Progress: 50%" in page
    response = client.post(
        reverse("mentoring:goal_edit", args=base),
        {"title": "Lead two reviews", "status": "in_progress"},
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.title == "Lead two reviews" and not goal.skills.exists()
    client = login(mentor)
    client.post(reverse("mentoring:goal_comment", args=base), {"body": "Proud of you"})
    page = client.get(goals.goal_url(goal)).content.decode()
    assert "Proud of you" in page and "Mark done" not in page and "Edit goal" not in page
    detail = client.get(relationship.get_absolute_url()).content.decode()
    assert "Lead two reviews" in detail and "Next milestone:" in detail and "Run one" in detail


def test_bad_goal_input_shows_errors_and_saves_nothing(relationship, goal, mentee, login):
    client = login(mentee)
    add = reverse("mentoring:goal_add", args=[relationship.pk])
    for data in [
        {},
        {"title": ""},
        {"title": "x", "target_date": "soon"},
        {"title": "x", "status": "done"},
        {"title": "x", "skills": ["999999"]},
        {"title": "x" * 500},
    ]:
        response = client.post(add, data)
        assert response.status_code == 200, data
        assert "invalid-feedback" in response.content.decode()
    assert Goal.objects.count() == 1
    base = [relationship.pk, goal.pk]
    for name, data in [
        ("mentoring:goal_status", {"status": "done"}),
        ("mentoring:goal_progress", {"progress": "lots"}),
        ("mentoring:goal_progress", {"progress": "50"}),  # refused: milestones mode
        ("mentoring:milestone_add", {"title": ""}),
        ("mentoring:milestone_add", {"title": "x", "due_on": "tomorrow"}),
        ("mentoring:goal_comment", {"body": "   "}),
    ]:
        response = client.post(reverse(name, args=base), data)
        assert response.status_code == 302, name
        assert list(response.wsgi_request._messages), name
    goal.refresh_from_db()
    assert goal.status == "not_started" and goal.progress == 0
    assert not goal.milestones.exists() and not goal.comments.exists()
    response = client.post(reverse("mentoring:goal_edit", args=base), {"title": ""})
    assert response.status_code == 200
    goal.refresh_from_db()
    assert goal.title == "Write my own reports"


def test_a_closed_relationship_hides_the_goal_forms(relationship, goal, mentor, mentee, login):
    services.change_status(relationship, Status.COMPLETED, mentor)
    client = login(mentee)
    page = client.get(goals.goal_url(goal)).content.decode()
    assert "Add milestone" not in page and "Post comment" not in page and "Edit goal" not in page
    assert client.get(reverse("mentoring:goal_add", args=[relationship.pk])).status_code == 302
    response = client.post(
        reverse("mentoring:milestone_add", args=[relationship.pk, goal.pk]), {"title": "Late"}
    )
    assert response.status_code == 302 and not goal.milestones.exists()


def test_the_coordinator_reads_goals_without_forms(relationship, goal, mentor, coordinator, login):
    goals.add_comment(goal, mentor, "Going well")
    page = login(coordinator).get(goals.goal_url(goal)).content.decode()
    assert "Write my own reports" in page and "Going well" in page
    assert "Post comment" not in page and "Add milestone" not in page
    detail = login(coordinator).get(relationship.get_absolute_url()).content.decode()
    assert "Write my own reports" in detail and "Add a goal" not in detail


def _many_goals(relationship, mentee, skill, n):
    for i in range(n):
        goal = goals.create_goal(relationship, mentee, skills=[skill], title=f"Goal {i}")
        goals.add_milestone(goal, mentee, "Step", dt.date(2030, 1, 1 + i))
        goals.add_comment(goal, mentee, "Note to self")


def test_the_goals_panel_and_page_do_not_grow_with_goals(
    relationship, mentee, mentor, skill, login, django_assert_max_num_queries
):
    _many_goals(relationship, mentee, skill, 6)
    loaded = get_relationship_for(mentor, relationship.pk)
    viewer = viewer_of(loaded, mentor)
    with django_assert_max_num_queries(4):
        panel = goals_panel(loaded, viewer)
    assert len(panel["goals"]) == 6 and all(g.percent == 0 for g in panel["goals"])
    assert panel["goals"][0].next_milestone.title == "Step"
    with django_assert_max_num_queries(4):
        grid = assessment_panel(loaded, viewer)["grids"]
    assert [r.skill.name for r in grid[0].rows] == ["SQL"]
    client = login(mentor)
    goal = Goal.objects.first()
    with django_assert_max_num_queries(20):
        assert client.get(goals.goal_url(goal)).status_code == 200


def test_the_relationship_page_does_not_grow_with_goals(
    relationship, mentee, mentor, skill, login, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(mentor)
    _many_goals(relationship, mentee, skill, 1)
    with CaptureQueriesContext(connection) as one:
        client.get(relationship.get_absolute_url())
    _many_goals(relationship, mentee, skill, 5)
    with CaptureQueriesContext(connection) as six:
        client.get(relationship.get_absolute_url())
    assert len(six) == len(one)


# Skill self-assessments


@pytest.fixture
def wants_python(mentee, python):
    return UserSkill.objects.create(user=mentee, skill=python, kind="want", level=2, target_level=4)


def test_targeted_skills_are_goal_skills_and_wanted_skills(
    relationship, goal, mentee, wants_python, mentor
):
    names = [s.name for s in assessments.targeted_skills(relationship, mentee)]
    assert names == ["Python", "SQL"]
    # The mentor's own "have" skills are not the mentee's targets.
    assert assessments.targeted_skills(relationship, mentor) == []


def test_rating_a_stage_again_updates_it(relationship, goal, mentee, skill, wants_python, python):
    assert (
        assessments.save_assessment(
            relationship, mentee, mentee, "start", {skill.pk: 2, python.pk: None}
        )
        == 1
    )
    assessments.save_assessment(relationship, mentee, mentee, "start", {skill.pk: 3, python.pk: 1})
    rows = SkillAssessment.objects.filter(relationship=relationship, assessor=mentee, stage="start")
    assert {(r.skill.name, r.level) for r in rows} == {("SQL", 3), ("Python", 1)}
    assessments.save_assessment(relationship, mentee, mentee, "midpoint", {skill.pk: 4})
    assert SkillAssessment.objects.count() == 3


def test_the_mentor_adds_their_view(relationship, goal, mentee, mentor, skill):
    assessments.save_assessment(relationship, mentee, mentee, "start", {skill.pk: 2})
    assessments.save_assessment(relationship, mentor, mentee, "start", {skill.pk: 3})
    mine = SkillAssessment.objects.get(assessor=mentor)
    assert mine.mentee == mentee and mine.level == 3
    grid = assessments.grid(relationship)
    assert grid[0].mentee == mentee
    assert grid[0].rows[0].cells == [(2, [3]), (None, []), (None, [])]


def test_bad_assessments_are_refused(
    relationship, goal, mentee, mentor, skill, python, coordinator
):
    cases = [
        (mentee, mentee, "start", {skill.pk: 6}, "1 to 5"),
        (mentee, mentee, "start", {skill.pk: "x"}, "1 to 5"),
        (mentee, mentee, "start", {python.pk: 3}, "targets"),
        (mentee, mentee, "start", {skill.pk: None}, "at least one"),
        (mentee, mentee, "soon", {skill.pk: 3}, "start, midpoint"),
        (mentee, mentor, "start", {skill.pk: 3}, "Only the mentee"),  # rating the mentor
        (coordinator, mentee, "start", {skill.pk: 3}, "Only the mentee"),
    ]
    for assessor, rated, stage, levels, message in cases:
        with pytest.raises(ValidationError, match=message):
            assessments.save_assessment(relationship, assessor, rated, stage, levels)
    assert not SkillAssessment.objects.exists()


def test_a_closed_relationship_takes_only_the_closing_assessment(
    relationship, goal, mentee, mentor, skill
):
    services.change_status(relationship, Status.COMPLETED, mentor)
    with pytest.raises(ValidationError, match="closed"):
        assessments.save_assessment(relationship, mentee, mentee, "midpoint", {skill.pk: 3})
    assessments.save_assessment(relationship, mentee, mentee, "close", {skill.pk: 4})
    assert SkillAssessment.objects.get().stage == "close"


def test_rating_through_the_page(relationship, goal, mentee, mentor, skill, coordinator, login):
    url = reverse("mentoring:assessment", args=[relationship.pk, "start"])
    field = f"level_{mentee.pk}_{skill.pk}"
    response = login(mentee).post(url, {field: "2"})
    assert response.status_code == 302 and response.url == relationship.get_absolute_url()
    response = login(mentee).post(url, {field: "4"})
    assert SkillAssessment.objects.get().level == 4
    page = login(mentee).get(url).content.decode()
    assert '<option value="4" selected>' in page
    login(mentor).post(url, {field: "3"})
    assert SkillAssessment.objects.get(assessor=mentor).level == 3
    detail = login(coordinator).get(relationship.get_absolute_url()).content.decode()
    assert "Skill growth" in detail and "4 / " in detail
    assert reverse("mentoring:assessment", args=[relationship.pk, "start"]) not in detail


def test_bad_assessment_input_is_a_message(relationship, goal, mentee, skill, python, login):
    url = reverse("mentoring:assessment", args=[relationship.pk, "midpoint"])
    client = login(mentee)
    for data in [
        {},
        {f"level_{mentee.pk}_{skill.pk}": "9"},
        {f"level_{mentee.pk}_{skill.pk}": "abc"},
        {f"level_{mentee.pk}_{python.pk}": "3"},
    ]:
        response = client.post(url, data)
        assert response.status_code == 200, data
    assert not SkillAssessment.objects.exists()


def test_with_no_targeted_skills_the_page_says_what_to_do(relationship, mentee, login):
    page = login(mentee).get(reverse("mentoring:assessment", args=[relationship.pk, "start"]))
    assert "No targeted skills yet" in page.content.decode()


def test_manual_progress_through_the_page(relationship, goal, mentee, login):
    program = relationship.program
    program.goal_progress = Program.GoalProgress.MANUAL
    program.save()
    client = login(mentee)
    page = client.get(goals.goal_url(goal)).content.decode()
    assert "Save progress" in page
    client.post(
        reverse("mentoring:goal_progress", args=[relationship.pk, goal.pk]), {"progress": "70"}
    )
    goal.refresh_from_db()
    assert goal.progress == 70
    detail = client.get(relationship.get_absolute_url()).content.decode()
    assert 'max="100" value="70"' in detail


def test_in_a_group_the_mentor_rates_each_mentee(
    program, mentor, mentee, other_mentor, coordinator, skill, python, login
):
    second = User.objects.get(email="theirmentee@example.org")
    UserSkill.objects.create(user=second, skill=python, kind="want", level=1, target_level=3)
    group = services.create_relationship(
        program.cohorts.get(), program.tracks.get(kind="intermediate"), [mentor],
        [mentee, second], coordinator,
    )  # fmt: skip
    goals.create_goal(group, mentee, skills=[skill], title="SQL")
    url = reverse("mentoring:assessment", args=[group.pk, "start"])
    page = login(mentor).get(url).content.decode()
    assert "Mei Mentee" in page and "Tara Theirmentee" in page
    response = login(mentor).post(
        url, {f"level_{mentee.pk}_{skill.pk}": "2", f"level_{second.pk}_{python.pk}": "3"}
    )
    assert response.status_code == 302
    assert {(a.mentee, a.skill, a.level) for a in SkillAssessment.objects.all()} == {
        (mentee, skill, 2),
        (second, python, 3),
    }
    # A mentee only sees and rates their own skills.
    page = login(second).get(url).content.decode()
    assert f"level_{mentee.pk}_" not in page
    login(second).post(url, {f"level_{mentee.pk}_{skill.pk}": "5"})
    assert not SkillAssessment.objects.filter(assessor=second).exists()
