"""Deleting an account leaves no row anywhere that still carries the member's personal data."""

import datetime as dt
import json

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse

from lodestar.accounts import privacy
from lodestar.accounts.models import (
    AvailabilityWindow,
    DemographicAnswer,
    DemographicQuestion,
    ProfileLanguage,
    SkillSuggestion,
)
from lodestar.api.models import ApiToken
from lodestar.programs import services
from lodestar.programs.models import IntakeQuestion, OnboardingItem, Track
from lodestar.programs.states import Status
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

EMAIL = "zoe.quartermaine@example.org"
NAME = "Zoe Quartermaine"


@pytest.fixture
def zoe(program, coordinator, skill, django_capture_on_commit_callbacks):
    """A member who touched every part of the foundation."""
    user = make_user(EMAIL, NAME)
    profile = user.profile
    profile.bio = "Bio of Zoe"
    profile.save()
    ProfileLanguage.objects.create(user=user, language="fr")
    AvailabilityWindow.objects.create(user=user, weekday=2, start=dt.time(8), end=dt.time(9))
    user.skills.create(skill=skill, kind="want", level=1, target_level=3)
    question = DemographicQuestion.objects.create(key="age", label="Age", options=["18-24"])
    DemographicAnswer.objects.create(user=user, question=question, value="18-24")
    SkillSuggestion.objects.create(name="Origami", suggested_by=user)
    ApiToken.issue(user, "laptop")
    intake = IntakeQuestion.objects.create(program=program, text="Why?", kind="short")
    OnboardingItem.objects.create(program=program, text="Read")
    cohort = program.cohorts.get()
    track = program.tracks.get(kind=Track.Kind.INTERMEDIATE)
    with django_capture_on_commit_callbacks(execute=True):  # the coordinator's digest
        membership = services.apply(user, program, cohort, track, "mentee", {intake.pk: "Growth"})
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(membership, Status.APPROVED, coordinator, "Welcome Zoe")
        services.invite(program, cohort, EMAIL, "mentor", coordinator)
    services.set_onboarding_item(membership, program.onboarding_items.get(), True)
    Client().post(reverse("account_login"), {"login": EMAIL, "password": "wrong-password-1"})
    return user


def _rows_mentioning(needles: list[str], user_id: int) -> list[str]:
    found = []
    for model in apps.get_models():
        text_fields = [
            f.name
            for f in model._meta.get_fields()
            if isinstance(
                f, models.CharField | models.TextField | models.EmailField | models.JSONField
            )
        ]
        user_fks = [
            f.name
            for f in model._meta.get_fields()
            if isinstance(f, models.ForeignKey | models.OneToOneField)
            and f.related_model is apps.get_model("accounts", "User")
        ]
        for row in model.objects.all().values(*text_fields, *user_fks):
            for name in text_fields:
                value = row[name]
                text = json.dumps(value) if not isinstance(value, str) else value
                if any(n.lower() in (text or "").lower() for n in needles):
                    found.append(f"{model._meta.label}.{name}")
            for name in user_fks:
                if row[name] == user_id:
                    found.append(f"{model._meta.label}.{name}")
    return found


def test_deletion_leaves_no_personal_data_anywhere(zoe, coordinator):
    needles = [EMAIL, NAME, "Bio of Zoe"]
    user_id = zoe.pk
    assert _rows_mentioning(needles, user_id)  # the scan does find her before
    privacy.delete_account(zoe)
    assert _rows_mentioning(needles, user_id) == []
    # Shared records stay, anonymized: the coordinator's digest and the accepted suggestion.
    digest = coordinator.notifications.get(kind="application_digest")
    assert privacy.FORMER_MEMBER in digest.body
    assert SkillSuggestion.objects.get(name="Origami").suggested_by is None


def test_deletion_through_the_page_signs_out_every_device(zoe):
    laptop, phone = Client(), Client()
    laptop.force_login(zoe)
    phone.force_login(zoe)
    response = laptop.post(
        reverse("accounts:delete"), {"confirm_email": EMAIL, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert phone.get(reverse("accounts:profile")).status_code == 302
    assert _rows_mentioning([EMAIL, NAME], zoe.pk) == []


def test_export_of_a_typical_member_is_complete(zoe, client):
    from lodestar.notifications.models import Preference, QuietHours

    Preference.objects.create(user=zoe, kind="goal_comment", delivery="off")
    QuietHours.objects.create(user=zoe, starts=dt.time(22), ends=dt.time(7))
    client.force_login(zoe)
    data = json.loads(client.get(reverse("accounts:export")).content)
    assert data["account"]["email"] == EMAIL
    assert data["demographics"] == {"age": "18-24"}
    assert data["programs"][0]["answers"][0]["answer"] == "Growth"
    assert data["programs"][0]["onboarding_done"] == ["Read"]
    assert data["notifications"]["received"]
    assert data["notifications"]["preferences"] == {"goal_comment": "off"}
    assert data["notifications"]["quiet_hours"] == {"from": "22:00:00", "until": "07:00:00"}
    assert [t["name"] for t in data["api_tokens"]] == ["laptop"]


def test_other_members_are_untouched(zoe, mentee):
    privacy.delete_account(zoe)
    mentee.refresh_from_db()
    assert mentee.memberships.count() == 1


@pytest.fixture
def zoe_mentored(zoe, program, mentor, coordinator, skill):
    """Zoe wrote in every part of a relationship's workspace."""
    from lodestar.mentoring import models as m
    from lodestar.mentoring.services import create_relationship

    cohort, track = program.cohorts.get(), program.tracks.get(kind=Track.Kind.INTERMEDIATE)
    rel = create_relationship(cohort, track, [mentor], [zoe], coordinator)
    today = dt.datetime.now(dt.UTC).date()
    agreement = m.Agreement.objects.create(
        relationship=rel, version=1, objectives="Zoe objectives", success_measures="x",
        starts_on=today, ends_on=today + dt.timedelta(days=90), cadence_days=14, drafted_by=zoe,
    )  # fmt: skip
    m.AgreementAcceptance.objects.create(agreement=agreement, user=zoe)
    goal = m.Goal.objects.create(relationship=rel, owner=zoe, title="Zoe goal secret")
    goal.skills.add(skill)
    m.GoalComment.objects.create(goal=goal, author=zoe, body="Zoe comment")
    session = m.SessionLog.objects.create(
        relationship=rel, logged_by=zoe, occurred_at=dt.datetime.now(dt.UTC),
        duration_minutes=45, format="video", confirmed_by=zoe,
    )  # fmt: skip
    m.PrivateNote.objects.create(session=session, author=zoe, body="Zoe private note")
    m.ActionItem.objects.create(relationship=rel, assignee=zoe, title="Zoe action", created_by=zoe)
    m.Message.objects.create(relationship=rel, author=zoe, body="Hello from me")
    m.Reflection.objects.create(relationship=rel, author=zoe, body="Zoe reflection secret")
    win = m.Win.objects.create(relationship=rel, author=zoe, title="Zoe win")
    win.wall_consents.add(zoe)
    m.WinReaction.objects.create(win=win, user=zoe)
    m.CheckIn.objects.create(relationship=rel, author=zoe, rating=4, meeting_as_agreed="yes")
    m.SkillAssessment.objects.create(
        relationship=rel, mentee=zoe, assessor=zoe, skill=skill, stage="start", level=2
    )
    m.Closure.objects.create(relationship=rel, user=zoe, objectives_met="yes", reflection="Zoe end")
    m.Concern.objects.create(program=program, relationship=rel, reporter=zoe, category="other",
                             body="Zoe concern")  # fmt: skip
    return zoe


def test_export_includes_the_mentoring_workspace(zoe_mentored, client):
    client.force_login(zoe_mentored)
    (rel,) = json.loads(client.get(reverse("accounts:export")).content)["relationships"]
    assert rel["agreements"][0]["objectives"] == "Zoe objectives"
    assert rel["goals"][0]["title"] == "Zoe goal secret" and rel["goals"][0]["skills"] == ["SQL"]
    assert rel["private_notes"][0]["body"] == "Zoe private note"
    assert rel["reflections"][0]["body"] == "Zoe reflection secret"
    assert rel["messages"][0]["body"] == "Hello from me"
    assert rel["check_ins"][0]["rating"] == 4 and rel["closure"][0]["reflection"] == "Zoe end"
    assert rel["skill_assessments"][0]["level"] == 2 and rel["wins"][0]["title"] == "Zoe win"
    assert rel["concerns_reported"][0]["body"] == "Zoe concern"


def test_deletion_covers_the_mentoring_workspace(zoe_mentored, mentor):
    needles = [EMAIL, NAME, "Zoe private note", "Zoe reflection secret", "Zoe goal secret"]
    user_id = zoe_mentored.pk
    assert _rows_mentioning(needles, user_id)
    privacy.delete_account(zoe_mentored)
    left = _rows_mentioning(needles, user_id)
    assert left == [], "\n".join(left)
    # The pair's shared thread stays for the mentor, without its author.
    from lodestar.mentoring.models import Message

    assert Message.objects.get(body="Hello from me").author is None


def test_export_includes_meetings_bookings_and_survey_answers(zoe_mentored, client, skill):
    import datetime as _dt

    from django.utils import timezone

    from lodestar.feedback.models import Answer, Question, Response, Round, Survey
    from lodestar.scheduling.models import Attendee, AwayPeriod, Meeting

    rel = zoe_mentored.relationship_roles.get().relationship
    meeting = Meeting.objects.create(
        relationship=rel, starts_at=timezone.now(), duration_minutes=30, format="video",
        agenda="Zoe agenda",
    )  # fmt: skip
    Attendee.objects.create(meeting=meeting, user=zoe_mentored)
    AwayPeriod.objects.create(user=zoe_mentored, starts_on=_dt.date(2026, 12, 20),
                              ends_on=_dt.date(2026, 12, 31), note="Holidays")  # fmt: skip
    survey = Survey.objects.create(program=rel.program, title="Pulse")
    question = Question.objects.create(survey=survey, kind="scale", text="Useful?")
    survey_round = Round.objects.create(survey=survey, key="k", closes_at=timezone.now())
    response = Response.objects.create(round=survey_round, user=zoe_mentored)
    Answer.objects.create(response=response, question=question, value=5)
    client.force_login(zoe_mentored)
    data = json.loads(client.get(reverse("accounts:export")).content)
    assert data["scheduling"]["meetings"][0]["agenda"] == "Zoe agenda"
    assert data["scheduling"]["away"][0]["note"] == "Holidays"
    assert data["feedback"]["survey_responses"][0]["answers"] == [
        {"question": "Useful?", "value": 5}
    ]
