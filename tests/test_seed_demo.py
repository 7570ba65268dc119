"""The demo data command: each seeded test pays for one run (about two seconds), so they are few."""

import datetime as dt
import io

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.management import call_command
from django.db.models import Avg, F
from django.utils import timezone

from lodestar.accounts.models import Profile, User, UserSkill, time_zone_choices
from lodestar.programs.models import (
    Cohort,
    Coordinator,
    IntakeAnswer,
    IntakeQuestion,
    Invitation,
    Membership,
    Program,
    Role,
    Track,
)
from lodestar.programs.states import TRANSITIONS, Status

DEMO_PASSWORD = "lodestar-demo-2026"
COORDINATOR = "coordinator@demo.lodestar.test"
MENTOR = "mentor@demo.lodestar.test"
MENTEE = "mentee@demo.lodestar.test"
ADMIN = "admin@demo.lodestar.test"
LOGINS = [COORDINATOR, MENTOR, MENTEE, ADMIN]


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for app in ("accounts", "programs", "core", "account", "mentoring")
        for model in apps.get_app_config(app).get_models()
    }


@pytest.fixture
def seeded(db) -> str:
    return seed()


def test_it_builds_a_community_of_about_300_members_in_three_programs(seeded):
    assert 280 <= User.objects.count() <= 320
    assert Profile.objects.count() == User.objects.count()
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == User.objects.count()
    zones = set(User.objects.exclude(time_zone="").values_list("time_zone", flat=True))
    assert zones <= set(dict(time_zone_choices()))
    assert len(zones) > 20
    assert UserSkill.objects.filter(kind="have").exists()
    assert UserSkill.objects.filter(kind="want", target_level__isnull=True).count() == 0

    assert Program.objects.count() == 3
    assert Cohort.objects.count() == 6
    for program in Program.objects.all():
        assert program.tracks.count() == 3
        assert sum(cohort.is_accepting() for cohort in program.cohorts.all()) == 1
        assert program.memberships.filter(status=Status.COMPLETED).exists()
        kinds = set(program.questions.values_list("kind", flat=True))
        assert kinds == set(IntakeQuestion.Kind.values)
        assert program.onboarding_items.exists()
    assert IntakeAnswer.objects.exists()
    graduation = Invitation.objects.filter(kind=Invitation.Kind.GRADUATION)
    assert graduation.filter(source__status=Status.COMPLETED, source__role=Role.MENTEE).exists()


def test_memberships_cover_every_status_and_follow_the_state_machine(seeded):
    assert set(Membership.objects.values_list("status", flat=True)) == set(Status.values)
    for membership in Membership.objects.select_related("track").prefetch_related("transitions"):
        steps = [(t.from_status, t.to_status) for t in membership.transitions.all()]
        assert steps[0] == ("", Status.APPLIED)
        assert all(step in TRANSITIONS for step in steps[1:])
        assert steps[-1][1] == membership.status
        if membership.track.kind == Track.Kind.PEER:
            assert membership.role == Role.PEER
        else:
            assert membership.role in {Role.MENTOR, Role.MENTEE}


def test_the_demo_logins_can_sign_in_and_hold_their_roles(seeded):
    for email in LOGINS:
        user = User.objects.get(email=email)
        assert user.is_active
        assert user.check_password(DEMO_PASSWORD)
        assert EmailAddress.objects.filter(
            user=user, email=email, verified=True, primary=True
        ).exists()
        assert email in seeded
    assert DEMO_PASSWORD in seeded

    admin = User.objects.get(email=ADMIN)
    assert admin.is_staff and admin.is_superuser
    coordinator = User.objects.get(email=COORDINATOR)
    assert not coordinator.is_staff
    assert Coordinator.objects.filter(user=coordinator).count() == 3
    current = next(
        c for c in Program.objects.get(slug="women-in-data").cohorts.all() if c.is_accepting()
    )
    for email, role in [(MENTOR, Role.MENTOR), (MENTEE, Role.MENTEE)]:
        membership = Membership.objects.get(user__email=email, cohort=current)
        assert (membership.role, membership.status) == (role, Status.ACTIVE)


def test_running_it_twice_changes_nothing(seeded):
    before = row_counts()
    assert "already present" in seed()
    assert row_counts() == before


def test_is_empty_tells_an_empty_database_from_a_used_one(db):
    with pytest.raises(SystemExit) as empty:
        call_command("is_empty", stdout=io.StringIO())
    assert empty.value.code == 0
    User.objects.create_user(email="someone@example.org", password="x")
    with pytest.raises(SystemExit) as used:
        call_command("is_empty", stdout=io.StringIO())
    assert used.value.code == 1


@pytest.mark.django_db
def test_demo_logins_have_a_relationship_and_requests_to_answer():
    from django.core.management import call_command

    from lodestar.matching.models import MatchRequest
    from lodestar.mentoring.models import Relationship

    call_command("seed_demo", stdout=io.StringIO())
    pair = Relationship.objects.filter(
        participants__user__email="mentee@demo.lodestar.test", status="active"
    ).get()
    assert [u.email for u in pair.mentors()] == ["mentor@demo.lodestar.test"]
    assert (
        MatchRequest.objects.filter(
            mentor__user__email="mentor@demo.lodestar.test", status="pending"
        ).count()
        == 2
    )
    from lodestar.matching.services import mentor_load
    from lodestar.programs.models import Membership

    for mentor in Membership.objects.filter(role="mentor", status="active"):
        assert mentor_load(mentor) <= mentor.capacity


def test_relationships_cover_every_state_with_consistent_timelines(seeded):
    from lodestar.mentoring.models import Closure, Relationship
    from lodestar.mentoring.states import TRANSITIONS, Status

    assert set(Relationship.objects.values_list("status", flat=True)) == set(Status.values)
    today = timezone.localdate()
    relationships = Relationship.objects.select_related("cohort").prefetch_related(
        "events", "agreements__acceptances", "participants", "sessions", "closures"
    )
    for r in relationships:
        steps = [(e.from_status, e.to_status) for e in r.events.all()]
        assert steps[0] == ("", Status.PROPOSED)
        assert all(step in TRANSITIONS for step in steps[1:])
        assert steps[-1][1] == r.status
        times = [e.created_at for e in r.events.all()]
        assert times == sorted(times)
        assert r.cohort.starts_on - dt.timedelta(days=3) <= r.started_on <= today
        assert r.session_count == len(r.sessions.all())
        assert all(s.occurred_at.date() >= r.started_on for s in r.sessions.all())
        everyone = {p.user_id for p in r.participants.all()}
        first = r.agreements.get(version=1)
        accepted = {a.user_id for a in first.acceptances.all()}
        if r.status == Status.PROPOSED:
            assert first.accepted_at is None and len(accepted) == 1
            assert r.session_count == 0
        else:
            assert first.accepted_at is not None and accepted == everyone
        if r.status == Status.PAUSED:
            assert r.paused_until > today
        if r.status in {Status.COMPLETED, Status.ENDED}:
            assert r.started_on < r.ended_on <= today
            assert all(s.occurred_at.date() <= r.ended_on for s in r.sessions.all())
        if r.status == Status.COMPLETED:
            assert {c.user_id for c in r.closures.all()} == everyone
        if r.status == Status.ENDED:
            assert r.end_reason
    assert Relationship.objects.filter(agreements__version=2).exists()
    assert Closure.objects.filter(mentor_next_time=True).exists()
    assert Relationship.objects.filter(end_reason__startswith="Rematch requested").exists()
    assert Relationship.objects.filter(needs_attention=True).exists()
    assert "relationships needing attention" in seeded


def test_relationships_have_every_kind_of_record(seeded):
    from lodestar.mentoring import models as m

    for model in [
        m.Goal,
        m.GoalMilestone,
        m.GoalComment,
        m.SessionLog,
        m.PrivateNote,
        m.ActionItem,
        m.Message,
        m.WinReaction,
        m.SkillAssessment,
    ]:
        assert model.objects.exists(), model
    assert m.Goal.objects.filter(skills__isnull=False).exists()
    assert m.Goal.objects.filter(status=m.Goal.Status.ACHIEVED).exists()
    assert m.GoalMilestone.objects.filter(done_at__isnull=False).exists()
    assert m.GoalMilestone.objects.filter(done_at__isnull=True).exists()
    assert m.SessionLog.objects.filter(confirmed_at__isnull=False).exists()
    assert set(m.SessionLog.objects.values_list("format", flat=True)) == set(
        m.SessionLog.Format.values
    )
    assert m.Reflection.objects.filter(shared=True).exists()
    assert m.Reflection.objects.filter(shared=False).exists()
    wall = m.Win.objects.filter(on_wall=True).prefetch_related(
        "wall_consents", "relationship__participants"
    )
    assert wall.exists()
    for win in wall:
        assert {u.pk for u in win.wall_consents.all()} == {
            p.user_id for p in win.relationship.participants.all()
        }
    assert (
        m.CheckIn.objects.filter(rating__gte=4).count()
        > 3 * m.CheckIn.objects.filter(rating__lte=2).count()
    )
    assert m.CheckIn.objects.filter(rating__lte=2).exists()
    assert m.CheckIn.objects.filter(good_fit=False).exists()
    stages = set(m.SkillAssessment.objects.values_list("stage", flat=True))
    assert stages == set(m.SkillAssessment.Stage.values)
    start = m.SkillAssessment.objects.filter(stage="start", assessor=F("mentee"))
    close = m.SkillAssessment.objects.filter(stage="close", assessor=F("mentee"))
    assert close.aggregate(a=Avg("level"))["a"] > start.aggregate(a=Avg("level"))["a"]
    assert m.SkillAssessment.objects.exclude(assessor=F("mentee")).exists()
    assert m.Concern.objects.filter(reporter__isnull=False).count() == 1
    anonymous = m.Concern.objects.get(reporter__isnull=True)
    assert anonymous.relationship is None
    assert m.Concern.objects.values("program").distinct().count() == 1


def test_the_demo_pair_shares_a_rich_active_relationship(seeded):
    from lodestar.mentoring.models import Relationship

    pair = Relationship.objects.get(
        participants__user__email=MENTEE, cohort__ends_on__gte=timezone.localdate()
    )
    assert pair.status == "active"
    assert {u.email for u in pair.mentors()} == {MENTOR}
    assert pair.agreements.filter(accepted_at__isnull=False).exists()
    assert pair.session_count == pair.sessions.count() >= 3
    assert not pair.needs_attention
    goals = pair.goals.filter(owner__email=MENTEE)
    assert goals.count() >= 2
    assert all(g.milestones.count() >= 2 for g in goals)
    overdue = pair.action_items.filter(
        assignee__email=MENTEE, done_at__isnull=True, due_on__lt=timezone.localdate()
    )
    assert overdue.exists()
    assert pair.messages.count() >= 2
    assert pair.wins.exists()
    assert pair.checkins.filter(author__email=MENTEE).exists()


def test_feedback_and_insights_have_demo_data(seeded, client):
    from lodestar.feedback.models import Answer, Response, SessionRating, Survey
    from lodestar.feedback.surveys import rounds_of
    from lodestar.insights.models import Alert
    from lodestar.mentoring.models import SessionTally

    assert "surveys" in seeded and "session ratings" in seeded
    survey = Survey.objects.get(program__slug="women-in-data")
    # Two rounds of answers, written answers partly tagged, ratings with and without comments.
    assert Response.objects.filter(round__survey=survey).values("round").distinct().count() == 2
    written = Answer.objects.filter(question__survey=survey, question__kind__in=["short", "long"])
    assert written.exclude(tags="").exists() and written.filter(tags="").exists()
    assert SessionRating.objects.exclude(comment="").exists()
    assert SessionRating.objects.filter(comment="").exists()
    for rating in SessionRating.objects.select_related("session")[:50]:
        assert rating.created_at >= rating.session.occurred_at
    # The demo mentee still has the open round to answer.
    mentee = User.objects.get(email=MENTEE)
    to_answer, _answered = rounds_of(mentee)
    assert any(r.survey_id == survey.pk for r in to_answer)
    # The daily scan has run, and the dashboards' monthly tallies are there.
    assert Alert.objects.filter(program__slug="women-in-data").exists()
    assert SessionTally.objects.exists()
    client.login(email=COORDINATOR, password=DEMO_PASSWORD)
    page = client.get(f"/insights/{survey.program.slug}/comments/")
    assert page.status_code == 200 and page.context["items"].paginator.count > 20
