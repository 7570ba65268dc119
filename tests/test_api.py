import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from lodestar.accounts.models import (
    AvailabilityWindow,
    ProfileLanguage,
    Skill,
    User,
    UserSkill,
)
from lodestar.api.api import api
from lodestar.api.models import ApiToken
from lodestar.programs import services
from lodestar.programs.models import Membership, Program, Role, Track
from lodestar.programs.states import Status


def bearer(user) -> dict[str, str]:
    _token, raw = ApiToken.issue(user, "tests")
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def api_get(client):
    """GET as `user`, through a token issued before the request (so outside query budgets)."""

    def _get(url: str, user, **params):
        headers = bearer(user) if user is not None else {}
        return client.get(url, params, headers=headers)

    return _get


def make_member(email: str, name: str) -> User:
    user = User.objects.create_user(email=email)
    user.profile.display_name = name
    user.profile.save()
    return user


def add_members(program: Program, count: int, status: str = Status.APPLIED) -> list[Membership]:
    cohort = program.cohorts.first()
    track = program.tracks.get(kind=Track.Kind.INTERMEDIATE)
    return [
        Membership.objects.create(
            user=make_member(f"member-{n}-{status}@example.org", f"Member {n}"),
            program=program,
            cohort=cohort,
            track=track,
            role=Role.MENTEE,
            status=status,
        )
        for n in range(count)
    ]


def draft_program(coordinator, slug: str = "secret-draft") -> Program:
    return services.create_program(
        coordinator, name="Secret draft", slug=slug, status=Program.ProgramStatus.DRAFT
    )


# Authentication


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer ",
        "Bearer lds_not-a-real-token",
        "Basic bWVudGVlQGV4YW1wbGUub3JnOnBhc3N3b3Jk",
        "lds_token-without-scheme",
    ],
)
def test_it_refuses_requests_without_a_valid_token(client, mentee, header):
    headers = {"Authorization": header} if header is not None else {}
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_it_refuses_a_revoked_token(client, mentee):
    token, raw = ApiToken.issue(mentee, "old script")
    token.revoke()
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401


def test_it_refuses_the_token_of_a_deactivated_member(client, mentee):
    headers = bearer(mentee)
    mentee.is_active = False
    mentee.save(update_fields=["is_active"])
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_it_ignores_the_browser_session(login, mentee):
    client = login(mentee)
    assert client.get("/api/v1/me").status_code == 401


def test_it_records_when_a_token_was_last_used(client, mentee):
    token, raw = ApiToken.issue(mentee, "script")
    assert token.last_used_at is None
    client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_every_endpoint_requires_a_token(client, program):
    for url in [
        "/api/v1/me",
        "/api/v1/me/programs",
        "/api/v1/programs",
        f"/api/v1/programs/{program.slug}",
        f"/api/v1/programs/{program.slug}/memberships",
    ]:
        assert client.get(url).status_code == 401, url


# /me


def test_me_returns_the_members_profile(api_get, mentee, skill):
    profile = mentee.profile
    profile.pronouns = "she/her"
    profile.headline = "Data analyst"
    profile.bio = "Learning statistics."
    profile.meeting_structure = "agenda"
    profile.learning_style = "doing"
    profile.formats = ["video", "async"]
    profile.links = ["https://example.org/mei"]
    profile.save()
    mentee.time_zone = "Europe/Berlin"
    mentee.save(update_fields=["time_zone"])
    ProfileLanguage.objects.create(user=mentee, language="de", proficiency="native")
    AvailabilityWindow.objects.create(
        user=mentee, weekday=2, start=dt.time(18, 0), end=dt.time(20, 30)
    )
    python = Skill.objects.create(name="Python", category=skill.category)
    UserSkill.objects.create(user=mentee, skill=python, kind="want", level=2, target_level=4)

    response = api_get("/api/v1/me", mentee)

    assert response.status_code == 200
    data = response.json()
    assert data["email"] == "mentee@example.org"
    assert data["display_name"] == "Mei Mentee"
    assert data["pronouns"] == "she/her"
    assert data["headline"] == "Data analyst"
    assert data["time_zone"] == "Europe/Berlin"
    assert data["meeting_structure"] == "agenda"
    assert data["feedback_style"] is None
    assert data["learning_style"] == "doing"
    assert data["formats"] == ["video", "async"]
    assert data["links"] == ["https://example.org/mei"]
    assert data["languages"] == [{"language": "de", "proficiency": "native"}]
    assert data["availability"] == [{"weekday": 2, "start": "18:00:00", "end": "20:30:00"}]
    assert {
        "skill": "Python",
        "skill_slug": "python",
        "kind": "want",
        "level": 2,
        "target_level": 4,
    } in data["skills"]
    assert {s["skill"] for s in data["skills"]} == {"SQL", "Python"}
    assert 0 < data["completeness"]["percent"] < 100
    assert "communication style" in data["completeness"]["missing"]
    assert "short bio" not in data["completeness"]["missing"]


def test_me_shows_only_the_token_owners_data(api_get, mentee, mentor):
    data = api_get("/api/v1/me", mentor).json()
    assert data["email"] == "mentor@example.org"


def test_me_programs_lists_only_the_members_own_memberships(api_get, mentee, other_member):
    response = api_get("/api/v1/me/programs", mentee)
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    [item] = data["items"]
    assert item["program"] == {"slug": "women-in-data", "name": "Women in Data"}
    assert item["cohort"]["name"] == "Spring"
    assert item["track"]["kind"] == "intermediate"
    assert item["role"] == "mentee"
    assert item["status"] == "approved"
    assert item["capacity"] is None
    assert item["applied_at"]


def test_me_programs_shows_a_mentors_capacity(api_get, mentor):
    [item] = api_get("/api/v1/me/programs", mentor).json()["items"]
    assert item["role"] == "mentor"
    assert item["capacity"] == 2


# /programs


def test_programs_excludes_drafts_the_member_does_not_coordinate(
    api_get, mentee, program, other_program, other_coordinator
):
    draft_program(other_coordinator)
    data = api_get("/api/v1/programs", mentee).json()
    assert data["count"] == 2
    assert [p["slug"] for p in data["items"]] == ["other-program", "women-in-data"]


def test_programs_includes_the_drafts_a_coordinator_runs(api_get, other_coordinator, program):
    draft_program(other_coordinator)
    slugs = [p["slug"] for p in api_get("/api/v1/programs", other_coordinator).json()["items"]]
    assert slugs == ["other-program", "secret-draft", "women-in-data"]


def test_programs_are_paginated(api_get, mentee, program, other_program, coordinator):
    draft_program(coordinator, "a-draft")  # coordinated by someone else: never counted
    first = api_get("/api/v1/programs", mentee, limit=1).json()
    second = api_get("/api/v1/programs", mentee, limit=1, offset=1).json()
    assert first["count"] == second["count"] == 2
    assert [p["slug"] for p in first["items"]] == ["other-program"]
    assert [p["slug"] for p in second["items"]] == ["women-in-data"]
    beyond = api_get("/api/v1/programs", mentee, offset=5).json()
    assert beyond == {"items": [], "count": 2}


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": "ten"}, {"offset": -1}, {"offset": "1e3x"}]
)
def test_bad_pagination_is_a_422_not_a_500(api_get, mentee, params):
    response = api_get("/api/v1/programs", mentee, **params)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_a_huge_limit_is_capped(api_get, mentee, program):
    response = api_get("/api/v1/programs", mentee, limit=10**9)
    assert response.status_code == 200


def test_program_list_query_budget(client, mentee, coordinator, django_assert_max_num_queries):
    for n in range(15):
        services.create_program(coordinator, name=f"Program {n}", slug=f"p-{n}", status="open")
    headers = bearer(mentee)
    # token, last-used stamp, count, page
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/programs", headers=headers)
    assert response.json()["count"] == 16  # and the mentee's own program


def test_program_detail_includes_tracks_and_cohorts(api_get, mentee, program):
    response = api_get(f"/api/v1/programs/{program.slug}", mentee)
    assert response.status_code == 200
    data = response.json()
    assert data["name"] == "Women in Data"
    assert data["status"] == "open"
    assert data["admission"] == "approval"
    assert [t["kind"] for t in data["tracks"]] == ["peer", "intermediate", "leadership"]
    [cohort] = data["cohorts"]
    assert cohort["name"] == "Spring"
    assert cohort["accepting_applications"] is True


def test_program_detail_query_budget(client, mentee, program, django_assert_max_num_queries):
    headers = bearer(mentee)
    # token, last-used stamp, program, tracks, cohorts
    with django_assert_max_num_queries(5):
        assert client.get(f"/api/v1/programs/{program.slug}", headers=headers).status_code == 200


def test_a_draft_is_404_to_a_non_coordinator(api_get, cast, coordinator):
    draft = draft_program(coordinator)
    for name in ["mentor", "mentee", "other_member", "other_coordinator"]:
        response = api_get(f"/api/v1/programs/{draft.slug}", cast[name])
        assert response.status_code == 404, name
        assert response.json() == {"detail": "Not Found"}
    assert api_get(f"/api/v1/programs/{draft.slug}", coordinator).status_code == 200


def test_an_unknown_program_is_404(api_get, mentee):
    assert api_get("/api/v1/programs/no-such-program", mentee).status_code == 404


@pytest.mark.parametrize("slug", ["nul%00byte", "x" * 61, "-leading-dash"])
def test_a_malformed_slug_is_a_422_not_a_500(api_get, coordinator, slug):
    for url in [f"/api/v1/programs/{slug}", f"/api/v1/programs/{slug}/memberships"]:
        response = api_get(url, coordinator)
        assert response.status_code == 422, url
        assert response.json()["detail"][0]["loc"] == ["path", "slug"]


# /programs/{slug}/memberships


def test_memberships_are_listed_for_the_coordinator(api_get, coordinator, mentor, mentee):
    response = api_get("/api/v1/programs/women-in-data/memberships", coordinator)
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2
    by_email = {m["user"]["email"]: m for m in data["items"]}
    assert set(by_email) == {"mentor@example.org", "mentee@example.org"}
    assert by_email["mentor@example.org"]["role"] == "mentor"
    assert by_email["mentor@example.org"]["user"]["display_name"] == "Mo Mentor"
    assert by_email["mentee@example.org"]["status"] == "approved"
    assert by_email["mentee@example.org"]["cohort"]["name"] == "Spring"


def test_memberships_exclude_other_programs(api_get, coordinator, mentee, other_member):
    data = api_get("/api/v1/programs/women-in-data/memberships", coordinator).json()
    assert "outsider@example.org" not in {m["user"]["email"] for m in data["items"]}


@pytest.mark.parametrize("name", ["mentor", "mentee", "other_member", "other_coordinator"])
def test_memberships_are_404_to_everyone_but_coordinators(api_get, cast, name):
    response = api_get("/api/v1/programs/women-in-data/memberships", cast[name])
    assert response.status_code == 404


def test_memberships_filter_by_status(api_get, coordinator, program, mentee):
    add_members(program, 3, Status.APPLIED)
    url = "/api/v1/programs/women-in-data/memberships"
    applied = api_get(url, coordinator, status="applied").json()
    assert applied["count"] == 3
    assert {m["status"] for m in applied["items"]} == {"applied"}
    approved = api_get(url, coordinator, status="approved").json()
    assert [m["user"]["email"] for m in approved["items"]] == ["mentee@example.org"]
    assert api_get(url, coordinator, status="completed").json() == {"items": [], "count": 0}


def test_memberships_reject_an_unknown_status(api_get, coordinator, program):
    response = api_get("/api/v1/programs/women-in-data/memberships", coordinator, status="pending")
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", "status"]


def test_memberships_are_paginated(api_get, coordinator, program):
    add_members(program, 5)
    url = "/api/v1/programs/women-in-data/memberships"
    pages = [api_get(url, coordinator, limit=2, offset=o).json() for o in (0, 2, 4)]
    assert [p["count"] for p in pages] == [5, 5, 5]
    assert [len(p["items"]) for p in pages] == [2, 2, 1]
    ids = [m["id"] for p in pages for m in p["items"]]
    assert len(set(ids)) == 5


def test_memberships_query_budget(client, coordinator, program, django_assert_max_num_queries):
    add_members(program, 12)
    headers = bearer(coordinator)
    # token, last-used stamp, program, coordinator check, count, page
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/programs/women-in-data/memberships", headers=headers)
    assert response.json()["count"] == 12
    assert all(m["user"]["display_name"].startswith("Member") for m in response.json()["items"])


def test_my_programs_query_budget(client, mentee, other_program, django_assert_max_num_queries):
    cohort = other_program.cohorts.first()
    Membership.objects.create(
        user=mentee,
        program=other_program,
        cohort=cohort,
        track=other_program.tracks.get(kind=Track.Kind.PEER),
        role=Role.PEER,
    )
    headers = bearer(mentee)
    # token, last-used stamp, count, page
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/me/programs", headers=headers)
    assert response.json()["count"] == 2


def test_me_query_budget(client, mentee, django_assert_max_num_queries):
    headers = bearer(mentee)
    # token, last-used stamp, ensure profile, user+profile, languages, availability, skills
    with django_assert_max_num_queries(7):
        assert client.get("/api/v1/me", headers=headers).status_code == 200


# Errors and the contract


def test_a_service_validation_error_becomes_a_400_with_its_messages():
    request = RequestFactory().get("/api/v1/programs")
    response = api.on_exception(
        request, ValidationError({"role": ["Choose mentor or mentee for this track."]})
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert b"Choose mentor or mentee for this track." in response.content


def test_the_openapi_document_lists_every_route(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "Lodestar API"
    assert set(document["paths"]) == {
        "/api/v1/me",
        "/api/v1/me/programs",
        "/api/v1/programs",
        "/api/v1/programs/{slug}",
        "/api/v1/programs/{slug}/memberships",
        "/api/v1/programs/{slug}/questions",
        "/api/v1/programs/{slug}/applications",
        "/api/v1/programs/{slug}/memberships/{id}/transitions",
        "/api/v1/matching/suggestions/{membership_id}",
        "/api/v1/matching/requests",
        "/api/v1/matching/requests/{id}/accept",
        "/api/v1/matching/requests/{id}/decline",
        "/api/v1/matching/requests/{id}/withdraw",
        "/api/v1/matching/programs/{slug}/rounds",
        "/api/v1/matching/rounds/{id}",
        "/api/v1/matching/rounds/{id}/publish",
        "/api/v1/mentoring/relationships",
        "/api/v1/mentoring/programs/{slug}/relationships",
        "/api/v1/mentoring/relationships/{id}",
        "/api/v1/mentoring/relationships/{id}/goals",
        "/api/v1/mentoring/relationships/{id}/sessions",
        "/api/v1/mentoring/relationships/{id}/checkins",
        "/api/v1/mentoring/relationships/{id}/goals/{goal_id}/milestones/{milestone_id}",
        "/api/v1/mentoring/relationships/{id}/sessions/{session_id}/confirm",
    }
    assert document["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    for path in document["paths"].values():
        for operation in path.values():
            assert operation["security"] == [{"TokenAuth": []}]


def test_the_docs_page_is_served(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content
