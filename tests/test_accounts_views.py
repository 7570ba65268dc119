"""The member's own pages under /me/ and the coordinators' skill list under /skills/."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lodestar.accounts.models import (
    AvailabilityWindow,
    DemographicAnswer,
    DemographicQuestion,
    Profile,
    ProfileLanguage,
    Skill,
    SkillCategory,
    SkillSuggestion,
    User,
    UserSkill,
)
from lodestar.core.models import AuditLog
from lodestar.programs import services as program_services
from lodestar.programs.models import Membership, MembershipTransition
from lodestar.programs.states import Status

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("account_login")

ANONYMOUS_GETS = [
    reverse("accounts:profile"),
    reverse("accounts:profile_edit"),
    reverse("accounts:style"),
    reverse("accounts:languages"),
    reverse("accounts:availability"),
    reverse("accounts:skills"),
    reverse("accounts:demographics"),
    reverse("accounts:privacy"),
    reverse("accounts:export"),
    reverse("accounts:delete"),
    reverse("api_tokens"),
    reverse("accounts:taxonomy"),
    reverse("accounts:skill_suggest"),
    reverse("accounts:skill_edit", args=[1]),
]

ANONYMOUS_POSTS = [
    reverse("accounts:language_delete", args=[1]),
    reverse("accounts:availability_delete", args=[1]),
    reverse("accounts:skill_delete", args=[1]),
    reverse("accounts:suggestion_review", args=[1]),
    reverse("accounts:delete"),
    reverse("accounts:profile_edit"),
]


def _text(response) -> str:
    return response.content.decode()


def _count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# Anonymous visitors


@pytest.mark.parametrize("url", ANONYMOUS_GETS)
def test_it_sends_anonymous_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(f"{LOGIN_URL}?next=")


@pytest.mark.parametrize("url", ANONYMOUS_POSTS)
def test_it_sends_anonymous_posts_to_login(client, url):
    response = client.post(url)
    assert response.status_code == 302
    assert response.url.startswith(f"{LOGIN_URL}?next=")


# Profile


def _profile_data(**overrides) -> dict:
    data = {
        "display_name": "Mei Ling",
        "pronouns": "she/her",
        "headline": "Data analyst",
        "affiliation": "Acme",
        "location": "Lisbon",
        "time_zone": "Europe/Lisbon",
        "bio": "I like tidy tables.",
        "objectives": "Learn dbt.",
        "formats": ["video", "async"],
        "links": "https://example.org/mei\nhttp://mei.example.com",
    }
    return data | overrides


def test_it_saves_profile_and_time_zone(login, mentee):
    response = login(mentee).post(reverse("accounts:profile_edit"), _profile_data())
    assert response.status_code == 302
    assert response.url == reverse("accounts:profile")
    profile = Profile.objects.get(user=mentee)
    assert profile.display_name == "Mei Ling"
    assert profile.headline == "Data analyst"
    assert profile.formats == ["video", "async"]
    assert profile.links == ["https://example.org/mei", "http://mei.example.com"]
    mentee.refresh_from_db()
    assert mentee.time_zone == "Europe/Lisbon"


def test_it_rejects_unknown_time_zone(login, mentee):
    response = login(mentee).post(
        reverse("accounts:profile_edit"), _profile_data(time_zone="Mars/Base")
    )
    assert response.status_code == 200
    assert "Mars/Base is not one of the available choices" in _text(response)
    mentee.refresh_from_db()
    assert mentee.time_zone == ""
    assert Profile.objects.get(user=mentee).display_name == "Mei Mentee"


def test_it_rejects_non_web_link(login, mentee):
    response = login(mentee).post(
        reverse("accounts:profile_edit"), _profile_data(links="ftp://files.example.org")
    )
    assert response.status_code == 200
    assert "ftp://files.example.org is not a web address" in _text(response)
    profile = Profile.objects.get(user=mentee)
    assert profile.links == []
    assert profile.display_name == "Mei Mentee"
    mentee.refresh_from_db()
    assert mentee.time_zone == ""


def test_it_requires_all_four_style_answers(login, mentee):
    client = login(mentee)
    partial = {
        "meeting_structure": "agenda",
        "feedback_style": "direct",
        "conversation_mode": "live",
    }
    response = client.post(reverse("accounts:style"), partial)
    assert response.status_code == 200
    assert "This field is required." in _text(response)
    assert Profile.objects.get(user=mentee).meeting_structure == ""

    response = client.post(reverse("accounts:style"), partial | {"learning_style": "doing"})
    assert response.status_code == 302
    profile = Profile.objects.get(user=mentee)
    assert (profile.meeting_structure, profile.learning_style) == ("agenda", "doing")


# Languages


def test_it_adds_a_language(login, mentee):
    response = login(mentee).post(
        reverse("accounts:languages"), {"language": "fr", "proficiency": "conversational"}
    )
    assert response.status_code == 302
    assert mentee.languages.get().proficiency == "conversational"


def test_it_rejects_a_duplicate_language(login, mentee):
    ProfileLanguage.objects.create(user=mentee, language="fr")
    response = login(mentee).post(
        reverse("accounts:languages"), {"language": "fr", "proficiency": "native"}
    )
    assert response.status_code == 200
    assert "This language is already on your profile." in _text(response)
    assert mentee.languages.get().proficiency == "fluent"


def test_it_removes_own_language(login, mentee):
    lang = ProfileLanguage.objects.create(user=mentee, language="fr")
    response = login(mentee).post(reverse("accounts:language_delete", args=[lang.pk]))
    assert response.status_code == 302
    assert not mentee.languages.exists()


def test_it_refuses_to_remove_another_members_language(login, mentee, other_member):
    lang = ProfileLanguage.objects.create(user=other_member, language="fr")
    response = login(mentee).post(reverse("accounts:language_delete", args=[lang.pk]))
    assert response.status_code == 404
    assert ProfileLanguage.objects.filter(pk=lang.pk).exists()


# Availability


def test_it_adds_an_availability_window(login, mentee):
    response = login(mentee).post(
        reverse("accounts:availability"), {"weekday": 2, "start": "09:00", "end": "11:30"}
    )
    assert response.status_code == 302
    window = mentee.availability.get()
    assert (window.weekday, window.start, window.end) == (2, dt.time(9), dt.time(11, 30))


def test_it_rejects_a_window_that_ends_before_it_starts(login, mentee):
    response = login(mentee).post(
        reverse("accounts:availability"), {"weekday": 2, "start": "11:00", "end": "09:00"}
    )
    assert response.status_code == 200
    assert "The window must end after it starts." in _text(response)
    assert not mentee.availability.exists()


def test_it_rejects_an_overlapping_window(login, mentee):
    AvailabilityWindow.objects.create(user=mentee, weekday=2, start=dt.time(9), end=dt.time(11))
    response = login(mentee).post(
        reverse("accounts:availability"), {"weekday": 2, "start": "10:00", "end": "12:00"}
    )
    assert response.status_code == 200
    assert "This window overlaps one you already have that day." in _text(response)
    assert mentee.availability.count() == 1


def test_it_allows_the_same_hours_on_another_day(login, mentee):
    AvailabilityWindow.objects.create(user=mentee, weekday=2, start=dt.time(9), end=dt.time(11))
    response = login(mentee).post(
        reverse("accounts:availability"), {"weekday": 3, "start": "09:00", "end": "11:00"}
    )
    assert response.status_code == 302
    assert mentee.availability.count() == 2


def test_it_refuses_to_delete_another_members_window(login, mentee, other_member):
    window = AvailabilityWindow.objects.create(
        user=other_member, weekday=1, start=dt.time(9), end=dt.time(10)
    )
    response = login(mentee).post(reverse("accounts:availability_delete", args=[window.pk]))
    assert response.status_code == 404
    assert AvailabilityWindow.objects.filter(pk=window.pk).exists()


# Skills


@pytest.fixture
def python_skill(skill) -> Skill:
    return Skill.objects.create(name="Python", category=skill.category)


def _have(skill: Skill, level: int = 3) -> dict:
    return {"have-kind": "have", "have-skill": skill.pk, "have-level": level}


def _want(skill: Skill, level: int, target: int | str) -> dict:
    return {
        "want-kind": "want",
        "want-skill": skill.pk,
        "want-level": level,
        "want-target_level": target,
    }


def test_it_adds_a_have_skill(login, mentee, python_skill):
    response = login(mentee).post(reverse("accounts:skills"), _have(python_skill, 3))
    assert response.status_code == 302
    item = mentee.skills.get(skill=python_skill)
    assert (item.kind, item.level, item.target_level) == ("have", 3, None)


def test_it_adds_a_want_skill_with_target_above_level(login, mentee, python_skill):
    response = login(mentee).post(reverse("accounts:skills"), _want(python_skill, 2, 4))
    assert response.status_code == 302
    item = mentee.skills.get(skill=python_skill)
    assert (item.kind, item.level, item.target_level) == ("want", 2, 4)


@pytest.mark.parametrize("target", [3, 1])
def test_it_rejects_a_target_not_above_level(login, mentee, python_skill, target):
    response = login(mentee).post(reverse("accounts:skills"), _want(python_skill, 3, target))
    assert response.status_code == 200
    assert "The target must be above your current level." in _text(response)
    assert not mentee.skills.filter(skill=python_skill).exists()


def test_it_requires_a_target_for_a_want_skill(login, mentee, python_skill):
    response = login(mentee).post(reverse("accounts:skills"), _want(python_skill, 3, ""))
    assert response.status_code == 200
    assert "Choose the level you aim for." in _text(response)
    assert not mentee.skills.filter(skill=python_skill).exists()


def test_it_rejects_a_duplicate_skill(login, mentee, skill):
    # The cast's mentee already has SQL at level 4.
    response = login(mentee).post(reverse("accounts:skills"), _have(skill, 2))
    assert response.status_code == 200
    assert "This skill is already in your list." in _text(response)
    assert mentee.skills.get(skill=skill).level == 4


def test_it_returns_the_skills_partial_for_htmx(login, mentee, python_skill):
    response = login(mentee).post(
        reverse("accounts:skills"), _have(python_skill, 3), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    body = _text(response)
    assert "<html" not in body
    assert 'id="skills"' in body
    assert "Python" in body
    assert mentee.skills.filter(skill=python_skill).exists()


def test_it_returns_the_full_skills_page_without_htmx(login, mentee):
    response = login(mentee).get(reverse("accounts:skills"))
    assert response.status_code == 200
    assert "<html" in _text(response)
    assert 'id="skills"' in _text(response)


def test_it_deletes_own_skill_with_htmx_partial(login, mentee, skill):
    item = mentee.skills.get(skill=skill)
    response = login(mentee).post(
        reverse("accounts:skill_delete", args=[item.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "<html" not in _text(response)
    assert not mentee.skills.exists()


def test_it_refuses_to_delete_another_members_skill(login, mentee, other_member, skill):
    item = other_member.skills.get(skill=skill)
    response = login(mentee).post(reverse("accounts:skill_delete", args=[item.pk]))
    assert response.status_code == 404
    assert UserSkill.objects.filter(pk=item.pk).exists()


def test_skills_page_queries_do_not_grow_with_skills(login, mentee, skill):
    client = login(mentee)
    url = reverse("accounts:skills")
    few = _count_queries(client, url)
    for i in range(12):
        extra = Skill.objects.create(name=f"Skill {i}", category=skill.category)
        UserSkill.objects.create(user=mentee, skill=extra, kind="have", level=2)
        UserSkill.objects.create(user=mentee, skill=extra, kind="want", level=2, target_level=5)
    assert _count_queries(client, url) == few


def test_it_records_who_suggested_a_skill(login, mentee, skill):
    response = login(mentee).post(
        reverse("accounts:skill_suggest"),
        {"name": "  dbt   core ", "category": skill.category.pk, "note": "Our stack uses it."},
    )
    assert response.status_code == 302
    suggestion = SkillSuggestion.objects.get()
    assert suggestion.name == "dbt core"
    assert suggestion.suggested_by == mentee
    assert suggestion.status == SkillSuggestion.Status.PENDING


def test_it_rejects_suggesting_an_existing_skill(login, mentee, skill):
    response = login(mentee).post(reverse("accounts:skill_suggest"), {"name": "sql"})
    assert response.status_code == 200
    assert "sql is already in the skill list." in _text(response)
    assert not SkillSuggestion.objects.exists()


# The skill taxonomy, curated by coordinators


def test_taxonomy_is_hidden_from_members(login, mentee, other_member):
    for user in (mentee, other_member):
        assert login(user).get(reverse("accounts:taxonomy")).status_code == 404


def test_taxonomy_is_shown_to_any_coordinator(login, coordinator, program, other_coordinator):
    for user in (coordinator, other_coordinator):
        response = login(user).get(reverse("accounts:taxonomy"))
        assert response.status_code == 200
        assert "SQL" in _text(response)


def test_members_cannot_add_skills_to_the_taxonomy(login, mentee, skill):
    response = login(mentee).post(
        reverse("accounts:taxonomy"), {"skill-name": "Rust", "skill-category": skill.category.pk}
    )
    assert response.status_code == 404
    assert not Skill.objects.filter(name="Rust").exists()


def test_coordinator_adds_a_skill(login, coordinator, program, skill):
    response = login(coordinator).post(
        reverse("accounts:taxonomy"),
        {"skill-name": "Rust", "skill-category": skill.category.pk, "skill-is_active": "on"},
    )
    assert response.status_code == 302
    created = Skill.objects.get(name="Rust")
    assert AuditLog.objects.filter(action="skill.created", target_id=str(created.pk)).exists()


@pytest.mark.filterwarnings("error::django.core.paginator.UnorderedObjectListWarning")
def test_taxonomy_queries_do_not_grow_with_skills(
    login, coordinator, program, mentee, skill, django_assert_max_num_queries
):
    client = login(coordinator)
    url = reverse("accounts:taxonomy")

    def add(count: int, start: int) -> None:
        for i in range(start, start + count):
            category = SkillCategory.objects.create(name=f"Category {i}")
            extra = Skill.objects.create(name=f"Skill {i:02}", category=category)
            UserSkill.objects.create(user=mentee, skill=extra, kind="have", level=3)
            SkillSuggestion.objects.create(name=f"Idea {i}", suggested_by=mentee)

    add(4, 0)  # 5 skills with the cast's SQL
    five = _count_queries(client, url)
    add(25, 4)  # 30 skills: a full first page and a second one
    thirty = _count_queries(client, url)
    assert thirty == five
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


@pytest.fixture
def suggestion(mentee, skill) -> SkillSuggestion:
    return SkillSuggestion.objects.create(name="dbt", category=skill.category, suggested_by=mentee)


def _review(client, suggestion: SkillSuggestion, decision: str, **extra):
    return client.post(
        reverse("accounts:suggestion_review", args=[suggestion.pk]),
        {"decision": decision, **extra},
        follow=True,
    )


def test_accepting_a_suggestion_creates_the_skill(login, coordinator, program, suggestion):
    response = _review(login(coordinator), suggestion, "accept")
    assert "dbt is now a skill." in _text(response)
    suggestion.refresh_from_db()
    assert suggestion.status == SkillSuggestion.Status.ACCEPTED
    assert suggestion.reviewed_by == coordinator
    assert suggestion.skill == Skill.objects.get(name="dbt")


def test_accepting_uses_the_chosen_category(login, coordinator, program, suggestion):
    tools = SkillCategory.objects.create(name="Tools")
    _review(login(coordinator), suggestion, "accept", category=tools.pk)
    assert Skill.objects.get(name="dbt").category == tools


def test_accepting_needs_a_category(login, coordinator, program, mentee):
    suggestion = SkillSuggestion.objects.create(name="dbt", suggested_by=mentee)
    response = _review(login(coordinator), suggestion, "accept")
    assert "Choose a category for the new skill." in _text(response)
    suggestion.refresh_from_db()
    assert suggestion.status == SkillSuggestion.Status.PENDING
    assert not Skill.objects.filter(name="dbt").exists()


def test_declining_a_suggestion_marks_it_rejected(login, coordinator, program, suggestion):
    response = _review(login(coordinator), suggestion, "reject")
    assert "Suggestion declined." in _text(response)
    suggestion.refresh_from_db()
    assert suggestion.status == SkillSuggestion.Status.REJECTED
    assert suggestion.reviewed_by == coordinator
    assert not Skill.objects.filter(name="dbt").exists()


def test_reviewing_a_suggestion_twice_is_an_error(login, coordinator, program, suggestion):
    client = login(coordinator)
    _review(client, suggestion, "reject")
    response = _review(client, suggestion, "accept")
    assert "This suggestion was already reviewed." in _text(response)
    suggestion.refresh_from_db()
    assert suggestion.status == SkillSuggestion.Status.REJECTED
    assert not Skill.objects.filter(name="dbt").exists()


def test_members_cannot_review_suggestions(login, mentee, suggestion):
    response = login(mentee).post(
        reverse("accounts:suggestion_review", args=[suggestion.pk]), {"decision": "accept"}
    )
    assert response.status_code == 404
    suggestion.refresh_from_db()
    assert suggestion.status == SkillSuggestion.Status.PENDING


def test_members_cannot_edit_taxonomy_skills(login, mentee, skill):
    client = login(mentee)
    url = reverse("accounts:skill_edit", args=[skill.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "NoSQL", "category": skill.category.pk}).status_code == 404
    skill.refresh_from_db()
    assert skill.name == "SQL"


# Demographics


@pytest.fixture
def question(db) -> DemographicQuestion:
    return DemographicQuestion.objects.create(
        key="identity", label="How do you describe yourself?", options=["Two-Spirit", "Other"]
    )


def _answer(client, question: DemographicQuestion, value: str, consent: bool = True):
    data = {f"q{question.pk}": value}
    if consent:
        data["consent"] = "on"
    return client.post(reverse("accounts:demographics"), data)


def test_answers_need_consent_to_the_notice(login, mentee, question):
    response = _answer(login(mentee), question, "Two-Spirit", consent=False)
    assert response.status_code == 200
    assert "Tick the box to agree" in _text(response)
    assert not mentee.demographics.exists()
    _answer(login(mentee), question, "Two-Spirit")
    mentee.profile.refresh_from_db()
    assert mentee.profile.demographics_consent_at is not None


def test_withdrawing_consent_deletes_every_answer(login, mentee, question):
    _answer(login(mentee), question, "Two-Spirit")
    response = _answer(login(mentee), question, "", consent=False)
    assert response.status_code == 302
    assert not mentee.demographics.exists()
    mentee.profile.refresh_from_db()
    assert mentee.profile.demographics_consent_at is None


def test_it_saves_demographic_answers(login, mentee, question):
    response = _answer(login(mentee), question, "Two-Spirit")
    assert response.status_code == 302
    assert mentee.demographics.get(question=question).value == "Two-Spirit"


def test_it_accepts_prefer_not_to_say(login, mentee, question):
    response = _answer(login(mentee), question, "prefer_not_to_say")
    assert response.status_code == 302
    assert mentee.demographics.get(question=question).value == "prefer_not_to_say"


def test_it_rejects_an_answer_not_offered(login, mentee, question):
    response = _answer(login(mentee), question, "Martian")
    assert response.status_code == 200
    assert "Martian is not one of the available choices" in _text(response)
    assert not DemographicAnswer.objects.exists()


def test_a_blank_answer_clears_it(login, mentee, question):
    DemographicAnswer.objects.create(user=mentee, question=question, value="Other")
    response = _answer(login(mentee), question, "")
    assert response.status_code == 302
    assert not mentee.demographics.exists()


def test_coordinators_never_see_demographic_answers(login, coordinator, mentee, question):
    DemographicAnswer.objects.create(user=mentee, question=question, value="Two-Spirit")
    membership = Membership.objects.get(user=mentee)
    response = login(coordinator).get(
        reverse("programs:membership", args=[membership.program.slug, membership.pk])
    )
    assert response.status_code == 200
    assert "Mei Mentee" in _text(response)
    assert "Two-Spirit" not in _text(response)


def test_members_see_only_their_own_answers(login, mentee, other_member, question):
    DemographicAnswer.objects.create(user=mentee, question=question, value="Two-Spirit")
    response = login(other_member).get(reverse("accounts:demographics"))
    assert response.status_code == 200
    assert 'value="Two-Spirit" selected' not in _text(response)
    assert not other_member.demographics.exists()


# Export


def test_export_contains_the_members_own_data(login, cast, mentee):
    ProfileLanguage.objects.create(user=mentee, language="pt", proficiency="native")
    response = login(mentee).get(reverse("accounts:export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="lodestar-data-')
    data = json.loads(response.content)
    assert data["account"]["email"] == "mentee@example.org"
    assert data["profile"]["display_name"] == "Mei Mentee"
    assert data["skills"] == [{"skill": "SQL", "kind": "have", "level": 4, "target_level": None}]
    assert data["languages"] == [{"language": "pt", "proficiency": "native"}]
    assert [m["program"] for m in data["programs"]] == ["Women in Data"]
    body = response.content.decode()
    for name, other in cast.items():
        if name != "mentee":
            assert other.email not in body


# Account deletion


def _delete(client, email: str, password: str):
    return client.post(reverse("accounts:delete"), {"confirm_email": email, "password": password})


def test_it_refuses_deletion_with_the_wrong_password(login, mentee):
    response = _delete(login(mentee), mentee.email, "not-my-password")
    assert response.status_code == 200
    assert "The password is not correct." in _text(response)
    assert User.objects.filter(pk=mentee.pk).exists()


def test_it_refuses_deletion_with_the_wrong_email(login, mentee, mentor):
    response = _delete(login(mentee), mentor.email, PASSWORD)
    assert response.status_code == 200
    assert "This is not the e-mail address of your account." in _text(response)
    assert User.objects.filter(pk=mentee.pk).exists()
    assert User.objects.filter(pk=mentor.pk).exists()


def test_it_deletes_the_account_and_logs_out(login, mentee, mentor):
    ProfileLanguage.objects.create(user=mentee, language="pt")
    client = login(mentee)
    response = _delete(client, mentee.email.upper(), PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert not User.objects.filter(pk=mentee.pk).exists()
    assert not Profile.objects.filter(user_id=mentee.pk).exists()
    assert not UserSkill.objects.filter(user_id=mentee.pk).exists()
    assert not ProfileLanguage.objects.filter(user_id=mentee.pk).exists()
    assert not Membership.objects.filter(user_id=mentee.pk).exists()
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("accounts:profile")).status_code == 302
    # Nobody else is touched.
    assert Membership.objects.filter(user=mentor).exists()
    assert AuditLog.objects.filter(action="account.deleted", target_id=str(mentee.pk)).exists()


def test_deleting_an_account_keeps_status_changes_it_made(login, coordinator, program, mentee):
    membership = Membership.objects.get(user=mentee)
    program_services.transition(membership, Status.ACTIVE, coordinator, note="Welcome")
    made = MembershipTransition.objects.get(membership=membership, actor=coordinator)

    response = _delete(login(coordinator), coordinator.email, PASSWORD)
    assert response.status_code == 302
    assert not User.objects.filter(pk=coordinator.pk).exists()
    made.refresh_from_db()
    assert made.actor is None
    assert made.note == "Welcome"
    membership.refresh_from_db()
    assert membership.status == Status.ACTIVE
