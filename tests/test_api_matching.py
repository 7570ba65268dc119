import pytest

from lodestar.accounts.models import ProfileLanguage, UserSkill
from lodestar.matching.models import MatchRequest, MatchRound
from lodestar.mentoring.models import Relationship
from lodestar.programs.models import Membership
from tests.test_api import bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(program, mentor, mentee, skill):
    for user in (mentor, mentee):
        ProfileLanguage.objects.create(user=user, language="en", proficiency="fluent")
    UserSkill.objects.create(user=mentee, skill=skill, kind="want", level=1, target_level=3)
    return Membership.objects.get(user=mentee), Membership.objects.get(user=mentor)


def test_suggest_request_accept_through_the_api(client, ready, mentee, mentor, other_member):
    mentee_m, mentor_m = ready
    url = f"/api/v1/matching/suggestions/{mentee_m.pk}"
    found = client.get(url, headers=bearer(mentee)).json()
    assert found[0]["mentor_membership_id"] == mentor_m.pk and "English" in found[0]["explanation"]
    assert client.get(url, headers=bearer(other_member)).status_code == 404
    assert client.get(url).status_code == 401
    made = client.post(
        "/api/v1/matching/requests",
        {"mentee_membership_id": mentee_m.pk, "mentor_membership_id": mentor_m.pk, "note": "Hi"},
        content_type="application/json",
        headers=bearer(mentee),
    )
    assert made.status_code == 201 and made.json()["status"] == "pending"
    rid = made.json()["id"]
    assert (
        client.post(
            f"/api/v1/matching/requests/{rid}/accept", headers=bearer(other_member)
        ).status_code
        == 404
    )
    refused = client.post(f"/api/v1/matching/requests/{rid}/accept", headers=bearer(mentee))
    assert refused.status_code == 400
    accepted = client.post(f"/api/v1/matching/requests/{rid}/accept", headers=bearer(mentor))
    assert accepted.status_code == 200 and accepted.json()["status"] == "proposed"  # agreement next
    assert Relationship.objects.count() == 1
    listed = client.get("/api/v1/matching/requests", headers=bearer(mentor)).json()
    assert [r["status"] for r in listed["items"]] == ["accepted"]


def test_bad_request_input_is_a_4xx(client, ready, mentee):
    mentee_m, mentor_m = ready
    for body in (
        {"mentee_membership_id": mentee_m.pk, "mentor_membership_id": mentor_m.pk, "note": ""},
        {"mentee_membership_id": "x", "mentor_membership_id": mentor_m.pk, "note": "a"},
        {"mentee_membership_id": mentee_m.pk, "mentor_membership_id": 999999, "note": "a"},
    ):
        response = client.post(
            "/api/v1/matching/requests", body, content_type="application/json",
            headers=bearer(mentee),
        )  # fmt: skip
        assert response.status_code in (400, 422), body
    assert not MatchRequest.objects.exists()


def test_rounds_through_the_api(
    client, ready, program, coordinator, mentor, django_capture_on_commit_callbacks
):
    cohort = program.cohorts.get()
    url = f"/api/v1/matching/programs/{program.slug}/rounds"
    assert client.post(url, {"cohort_id": cohort.pk}, content_type="application/json",
                       headers=bearer(mentor)).status_code == 404  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            url, {"cohort_id": cohort.pk}, content_type="application/json",
            headers=bearer(coordinator),
        )  # fmt: skip
    assert started.status_code == 202
    rid = started.json()["id"]
    detail = client.get(f"/api/v1/matching/rounds/{rid}", headers=bearer(coordinator)).json()
    assert detail["status"] == "ready" and len(detail["pairs"]) == 1
    assert client.get(f"/api/v1/matching/rounds/{rid}", headers=bearer(mentor)).status_code == 404
    published = client.post(f"/api/v1/matching/rounds/{rid}/publish", headers=bearer(coordinator))
    assert published.json()["status"] == "published"
    assert MatchRound.objects.get().status == "published"
    listed = client.get(url, headers=bearer(coordinator)).json()
    assert [r["id"] for r in listed["items"]] == [rid]
