"""The demo data command: each seeded test pays for one run (about two seconds), so they are few."""

import io

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.management import call_command

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
        for app in ("accounts", "programs", "core", "account")
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
    pair = Relationship.objects.filter(participants__user__email="mentee@demo.lodestar.test").get()
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
