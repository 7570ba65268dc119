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
    client.force_login(zoe)
    data = json.loads(client.get(reverse("accounts:export")).content)
    assert data["account"]["email"] == EMAIL
    assert data["demographics"] == {"age": "18-24"}
    assert data["programs"][0]["answers"][0]["answer"] == "Growth"
    assert data["programs"][0]["onboarding_done"] == ["Read"]
    assert data["notifications"]
    assert [t["name"] for t in data["api_tokens"]] == ["laptop"]


def test_other_members_are_untouched(zoe, mentee):
    privacy.delete_account(zoe)
    mentee.refresh_from_db()
    assert mentee.memberships.count() == 1
