"""The fixed cast every view test uses, and the test-wide settings.

program: "Women in Data" (approval required, open), with a cohort accepting applications,
its three default tracks, a coordinator, an approved mentor and an approved mentee.
other_program: a second program with its own coordinator and member, who must be refused.
"""

import datetime as dt

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from lodestar.accounts.models import Skill, SkillCategory, User, UserSkill
from lodestar.mentoring.services import change_status, create_relationship
from lodestar.programs import services
from lodestar.programs.models import Cohort, Membership, Program, Role, Track
from lodestar.programs.states import Status

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _huey_immediate():
    """Jobs run inline in tests; tests of the real queue switch this off themselves."""
    previous = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = previous


def make_user(email: str, name: str = "", **extra) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD, **extra)
    if name:
        user.profile.display_name = name
        user.profile.save()
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def skill(db) -> Skill:
    category = SkillCategory.objects.create(name="Data")
    return Skill.objects.create(name="SQL", category=category)


def _program(slug: str, name: str, coordinator: User) -> Program:
    program = services.create_program(
        coordinator,
        name=name,
        slug=slug,
        status=Program.ProgramStatus.OPEN,
        admission=Program.Admission.APPROVAL,
    )
    today = timezone.localdate()
    Cohort.objects.create(
        program=program,
        name="Spring",
        applications_open=today - dt.timedelta(days=10),
        applications_close=today + dt.timedelta(days=20),
        starts_on=today + dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=200),
    )
    return program


def _member(program: Program, user: User, role: str, skill: Skill) -> Membership:
    UserSkill.objects.get_or_create(user=user, skill=skill, kind="have", defaults={"level": 4})
    return Membership.objects.create(
        user=user,
        program=program,
        cohort=program.cohorts.first(),
        track=program.tracks.get(kind=Track.Kind.INTERMEDIATE),
        role=role,
        status=Status.APPROVED,
        capacity=2 if role == Role.MENTOR else None,
    )


@pytest.fixture
def coordinator(db) -> User:
    return make_user("coord@example.org", "Cora Coordinator")


@pytest.fixture
def program(coordinator, skill) -> Program:
    return _program("women-in-data", "Women in Data", coordinator)


@pytest.fixture
def cohort(program) -> Cohort:
    return program.cohorts.first()


@pytest.fixture
def mentor(program, skill) -> User:
    user = make_user("mentor@example.org", "Mo Mentor")
    _member(program, user, Role.MENTOR, skill)
    return user


@pytest.fixture
def mentee(program, skill) -> User:
    user = make_user("mentee@example.org", "Mei Mentee")
    _member(program, user, Role.MENTEE, skill)
    return user


@pytest.fixture
def other_coordinator(db, skill) -> User:
    user = make_user("othercoord@example.org", "Otto Other")
    _program("other-program", "Other Program", user)
    return user


@pytest.fixture
def other_program(other_coordinator) -> Program:
    return Program.objects.get(slug="other-program")


@pytest.fixture
def other_member(other_program, skill) -> User:
    user = make_user("outsider@example.org", "Oona Outsider")
    _member(other_program, user, Role.MENTEE, skill)
    return user


@pytest.fixture
def cast(coordinator, mentor, mentee, other_member, other_coordinator) -> dict[str, User]:
    return {
        "coordinator": coordinator,
        "mentor": mentor,
        "mentee": mentee,
        "other_member": other_member,
        "other_coordinator": other_coordinator,
    }


@pytest.fixture
def relationship(program, mentor, mentee, coordinator):
    """An active one-to-one relationship between the mentor and the mentee."""
    created = create_relationship(
        program.cohorts.first(),
        program.tracks.get(kind=Track.Kind.INTERMEDIATE),
        [mentor],
        [mentee],
        coordinator,
    )
    active = change_status(created, "active", coordinator, "Agreed on paper")
    # Started a week ago, so a session "two hours ago" is valid even just after midnight.
    active.started_on = timezone.localdate() - dt.timedelta(days=7)
    active.save(update_fields=["started_on"])
    return active


@pytest.fixture
def other_mentor(program, skill, coordinator) -> User:
    """A mentor in the same program and cohort, with a relationship of their own."""
    user = make_user("othermentor@example.org", "Olu Othermentor")
    _member(program, user, Role.MENTOR, skill)
    their_mentee = make_user("theirmentee@example.org", "Tara Theirmentee")
    _member(program, their_mentee, Role.MENTEE, skill)
    create_relationship(
        program.cohorts.first(),
        program.tracks.get(kind=Track.Kind.INTERMEDIATE),
        [user],
        [their_mentee],
        coordinator,
    )
    return user


@pytest.fixture
def login(client):
    def _login(user: User | None):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return _login
