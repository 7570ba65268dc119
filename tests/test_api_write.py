"""The API's writes (applications, status changes), the questions, and `Idempotency-Key`."""

import datetime as dt
import io
import threading
import time

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from lodestar.accounts import privacy
from lodestar.accounts.models import UserSkill
from lodestar.api import tasks
from lodestar.api.idempotency import HEADER, REPLAYED_HEADER
from lodestar.api.models import ApiToken, IdempotencyRecord
from lodestar.programs import services
from lodestar.programs.models import (
    IntakeAnswer,
    IntakeQuestion,
    Membership,
    MembershipTransition,
    Program,
    Role,
    Track,
)
from lodestar.programs.states import Status
from tests.conftest import make_user
from tests.test_api import bearer, draft_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(skill):
    """A member with a skill and no membership yet, who may apply."""
    user = make_user("applicant@example.org", "Ada Applicant")
    UserSkill.objects.create(user=user, skill=skill, kind="want", level=1, target_level=3)
    return user


@pytest.fixture
def api_post(client):
    """POST JSON as `user` (a fresh token per call), with an optional Idempotency-Key."""

    def _post(url: str, user, body: dict, key: str | None = None, **headers):
        if user is not None:
            headers.update(bearer(user))
        if key is not None:
            headers[HEADER] = key
        return client.post(url, body, content_type="application/json", headers=headers)

    return _post


def application(program: Program, kind: str = Track.Kind.INTERMEDIATE, **extra) -> dict:
    body = {
        "cohort_id": program.cohorts.first().pk,
        "track_id": program.tracks.get(kind=kind).pk,
        "role": Role.MENTEE,
        "answers": {},
    }
    return {**body, **extra}


def applied_membership(program: Program, email: str = "waiting@example.org") -> Membership:
    return Membership.objects.create(
        user=make_user(email, "Walt Waiting"),
        program=program,
        cohort=program.cohorts.first(),
        track=program.tracks.get(kind=Track.Kind.INTERMEDIATE),
        role=Role.MENTEE,
        status=Status.APPLIED,
    )


APPLY = "/api/v1/programs/{}/applications"
TRANSITION = "/api/v1/programs/{}/memberships/{}/transitions"


# POST /programs/{slug}/applications


def test_a_member_applies_and_gets_their_membership(api_post, applicant, program):
    question = IntakeQuestion.objects.create(
        program=program, text="Format?", kind="single", options=["remote", "in person"]
    )
    body = application(program, answers={str(question.pk): "remote"})

    response = api_post(APPLY.format(program.slug), applicant, body)

    assert response.status_code == 201
    data = response.json()
    membership = Membership.objects.get(user=applicant)
    assert data["id"] == membership.pk
    assert data["program"] == {"slug": "women-in-data", "name": "Women in Data"}
    assert data["cohort"]["name"] == "Spring"
    assert data["track"]["kind"] == "intermediate"
    assert data["role"] == "mentee"
    assert data["status"] == "applied"
    assert data["capacity"] is None
    assert IntakeAnswer.objects.get(membership=membership).value == "remote"


def test_the_application_has_the_shape_of_my_memberships(api_post, client, applicant, program):
    created = api_post(APPLY.format(program.slug), applicant, application(program)).json()
    listed = client.get("/api/v1/me/programs", headers=bearer(applicant)).json()["items"]
    assert listed == [created]


def test_an_open_program_admits_at_once_and_a_mentor_gets_the_default_capacity(
    api_post, applicant, program
):
    program.admission = Program.Admission.OPEN
    program.save(update_fields=["admission"])
    response = api_post(APPLY.format(program.slug), applicant, application(program, role="mentor"))
    assert response.status_code == 201
    assert response.json()["status"] == "approved"
    assert response.json()["capacity"] == program.default_mentor_capacity


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"role": "peer"}, "Choose mentor or mentee for this track."),
        ({"answers": {"999999": "x"}}, "This question is not part of the application."),
    ],
)
def test_a_refused_application_is_a_400_with_the_reason(
    api_post, applicant, program, change, message
):
    response = api_post(APPLY.format(program.slug), applicant, application(program, **change))
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not Membership.objects.filter(user=applicant).exists()


def test_a_required_answer_is_asked_for(api_post, applicant, program):
    IntakeQuestion.objects.create(program=program, text="Why?", required=True)
    response = api_post(APPLY.format(program.slug), applicant, application(program))
    assert response.status_code == 400
    assert response.json() == {"detail": ["This question needs an answer."]}


def test_applying_twice_is_refused(api_post, mentee, program):
    response = api_post(APPLY.format(program.slug), mentee, application(program))
    assert response.status_code == 400
    assert response.json() == {"detail": ["You have already applied to Spring."]}


def test_a_cohort_of_another_program_is_refused(api_post, applicant, program, other_program):
    body = application(program, cohort_id=other_program.cohorts.first().pk)
    response = api_post(APPLY.format(program.slug), applicant, body)
    assert response.status_code == 400
    assert response.json() == {"detail": ["Choose a cohort and track of this program."]}


@pytest.mark.parametrize(
    "change",
    [
        {"cohort_id": 2**63},
        {"cohort_id": "1"},
        {"role": "guide"},
        {"capacity": 0},
        {"capacity": 2.5},
        {"answers": {"question": "x"}},
        {"answers": {"1": "nul\x00byte"}},
        {"answers": {"1": True}},
    ],
)
def test_a_malformed_application_is_a_422(api_post, applicant, program, change):
    response = api_post(APPLY.format(program.slug), applicant, application(program, **change))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "body"


def test_a_draft_cannot_be_applied_to_by_those_who_cannot_see_it(
    api_post, applicant, coordinator, program
):
    draft = draft_program(coordinator)
    response = api_post(APPLY.format(draft.slug), applicant, application(program))
    assert response.status_code == 404


def test_applying_needs_a_token(api_post, program):
    assert api_post(APPLY.format(program.slug), None, application(program)).status_code == 401


# POST /programs/{slug}/memberships/{id}/transitions


def test_the_coordinator_approves_an_application(api_post, coordinator, program):
    membership = applied_membership(program)
    url = TRANSITION.format(program.slug, membership.pk)

    response = api_post(url, coordinator, {"status": "approved", "note": "Welcome!"})

    assert response.status_code == 200
    data = response.json()
    assert data["id"] == membership.pk
    assert data["status"] == "approved"
    assert data["user"]["email"] == "waiting@example.org"
    membership.refresh_from_db()
    assert membership.status == Status.APPROVED
    transition = membership.transitions.last()
    assert (transition.from_status, transition.to_status) == ("applied", "approved")
    assert transition.actor == coordinator
    assert transition.note == "Welcome!"


def test_a_move_the_state_machine_forbids_is_a_400(api_post, coordinator, mentee, program):
    membership = mentee.memberships.get()
    response = api_post(
        TRANSITION.format(program.slug, membership.pk), coordinator, {"status": "applied"}
    )
    assert response.status_code == 400
    assert response.json() == {"detail": ["A membership that is Approved cannot become Applied."]}


def test_a_member_withdraws_themselves(api_post, mentee, program):
    membership = mentee.memberships.get()
    url = TRANSITION.format(program.slug, membership.pk)
    response = api_post(url, mentee, {"status": "withdrawn", "note": "Moving abroad"})
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    assert membership.transitions.last().actor == mentee


@pytest.mark.parametrize("target", ["active", "declined", "waitlisted"])
def test_a_member_may_not_make_a_coordinators_move(api_post, mentee, program, target):
    membership = mentee.memberships.get()
    response = api_post(TRANSITION.format(program.slug, membership.pk), mentee, {"status": target})
    assert response.status_code == 400
    membership.refresh_from_db()
    assert membership.status == Status.APPROVED


@pytest.mark.parametrize("name", ["mentor", "other_member", "other_coordinator"])
def test_anyone_else_gets_a_404(api_post, cast, program, name):
    membership = cast["mentee"].memberships.get()
    url = TRANSITION.format(program.slug, membership.pk)
    response = api_post(url, cast[name], {"status": "withdrawn"})
    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.status == Status.APPROVED


def test_a_membership_is_only_found_under_its_own_program(
    api_post, other_coordinator, other_member, program, other_program
):
    membership = other_member.memberships.get()
    url = TRANSITION.format(program.slug, membership.pk)
    assert api_post(url, other_coordinator, {"status": "withdrawn"}).status_code == 404


@pytest.mark.parametrize(
    "body", [{"status": "gone"}, {}, {"status": "withdrawn", "note": "x" * 2001}]
)
def test_a_malformed_transition_is_a_422(api_post, coordinator, mentee, program, body):
    membership = mentee.memberships.get()
    response = api_post(TRANSITION.format(program.slug, membership.pk), coordinator, body)
    assert response.status_code == 422


@pytest.mark.parametrize("membership_id", ["0", str(2**63), "abc"])
def test_a_malformed_membership_id_is_a_422(api_post, coordinator, program, membership_id):
    url = TRANSITION.format(program.slug, membership_id)
    assert api_post(url, coordinator, {"status": "withdrawn"}).status_code == 422


# GET /programs/{slug}/questions


def test_questions_are_listed_for_anyone_who_sees_the_program(client, cast, program):
    IntakeQuestion.objects.create(
        program=program,
        text="Preferred format?",
        help_text="Pick one",
        kind="single",
        options=["remote", "in person"],
        required=True,
        audience="mentees",
        order=2,
    )
    IntakeQuestion.objects.create(program=program, text="Why?", order=1)
    for name, user in cast.items():
        response = client.get(f"/api/v1/programs/{program.slug}/questions", headers=bearer(user))
        assert response.status_code == 200, name
        assert [q["text"] for q in response.json()] == ["Why?", "Preferred format?"]
    second = response.json()[1]
    assert second == {
        "id": second["id"],
        "text": "Preferred format?",
        "help_text": "Pick one",
        "kind": "single",
        "options": ["remote", "in person"],
        "required": True,
        "audience": "mentees",
    }


def test_questions_of_a_draft_are_404_to_others(client, coordinator, mentee):
    draft = draft_program(coordinator)
    url = f"/api/v1/programs/{draft.slug}/questions"
    assert client.get(url, headers=bearer(mentee)).status_code == 404
    assert client.get(url, headers=bearer(coordinator)).status_code == 200
    assert client.get(url).status_code == 401


def test_questions_query_budget(client, mentee, program, django_assert_max_num_queries):
    for n in range(8):
        IntakeQuestion.objects.create(program=program, text=f"Question {n}")
    headers = bearer(mentee)
    # token, last-used stamp, program, questions
    with django_assert_max_num_queries(4):
        response = client.get(f"/api/v1/programs/{program.slug}/questions", headers=headers)
    assert len(response.json()) == 8


# Idempotency-Key


def test_a_replay_returns_the_first_response_and_applies_once(api_post, applicant, program):
    url, body = APPLY.format(program.slug), application(program)
    first = api_post(url, applicant, body, key="apply-1")
    second = api_post(url, applicant, body, key="apply-1")
    assert first.status_code == second.status_code == 201
    assert second.content == first.content
    assert second[REPLAYED_HEADER] == "true"
    assert REPLAYED_HEADER not in first
    assert Membership.objects.filter(user=applicant).count() == 1
    assert MembershipTransition.objects.filter(membership__user=applicant).count() == 1


def test_a_replay_does_not_depend_on_json_key_order(client, applicant, program):
    body = application(program)
    url, headers = APPLY.format(program.slug), {**bearer(applicant), HEADER: "k"}
    first = client.post(url, body, content_type="application/json", headers=headers)
    reordered = dict(reversed(list(body.items())))
    second = client.post(url, reordered, content_type="application/json", headers=headers)
    assert second.status_code == 201
    assert second.content == first.content


def test_a_refusal_is_replayed_too(api_post, applicant, program, skill):
    """The first answer stands for the key, even once the request would now succeed."""
    url, body = APPLY.format(program.slug), application(program)
    applicant.skills.all().delete()
    first = api_post(url, applicant, body, key="apply-1")
    assert first.status_code == 400
    UserSkill.objects.create(user=applicant, skill=skill, kind="have", level=2)
    second = api_post(url, applicant, body, key="apply-1")
    assert (second.status_code, second.content) == (400, first.content)
    assert api_post(url, applicant, body, key="apply-2").status_code == 201


def test_the_same_key_with_another_body_is_a_422(api_post, applicant, program):
    url = APPLY.format(program.slug)
    api_post(url, applicant, application(program), key="apply-1")
    response = api_post(url, applicant, application(program, role="mentor"), key="apply-1")
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["header", HEADER]
    assert "already used for a different request" in error["msg"]
    assert Membership.objects.get(user=applicant).role == Role.MENTEE


def test_the_same_key_on_another_path_is_a_422(api_post, coordinator, program):
    first, second = applied_membership(program), applied_membership(program, "w2@example.org")
    body = {"status": "approved"}
    api_post(TRANSITION.format(program.slug, first.pk), coordinator, body, key="k")
    response = api_post(TRANSITION.format(program.slug, second.pk), coordinator, body, key="k")
    assert response.status_code == 422
    second.refresh_from_db()
    assert second.status == Status.APPLIED


def test_keys_are_per_user(api_post, applicant, program, skill):
    other = make_user("other-applicant@example.org")
    UserSkill.objects.create(user=other, skill=skill, kind="have", level=2)
    url, body = APPLY.format(program.slug), application(program)
    mine = api_post(url, applicant, body, key="same-key")
    theirs = api_post(url, other, body, key="same-key")
    assert mine.status_code == theirs.status_code == 201
    assert REPLAYED_HEADER not in theirs
    assert mine.json()["id"] != theirs.json()["id"]
    assert IdempotencyRecord.objects.filter(key="same-key").count() == 2


def test_a_key_is_kept_for_24_hours(api_post, coordinator, program):
    membership = applied_membership(program)
    url, body = TRANSITION.format(program.slug, membership.pk), {"status": "waitlisted"}
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert api_post(url, coordinator, body, key="move").status_code == 200
        membership.status = Status.APPLIED  # put back, so a second run would succeed again
        membership.save(update_fields=["status"])
        traveller.shift(dt.timedelta(hours=23, minutes=59))
        replayed = api_post(url, coordinator, body, key="move")
        assert replayed[REPLAYED_HEADER] == "true"
        assert membership.transitions.count() == 1
        traveller.shift(dt.timedelta(minutes=2))
        again = api_post(url, coordinator, body, key="move")
    assert again.status_code == 200
    assert REPLAYED_HEADER not in again
    assert membership.transitions.count() == 2
    assert IdempotencyRecord.objects.filter(key="move").count() == 1


def test_an_expired_key_runs_the_request_again(api_post, applicant, program):
    url, body = APPLY.format(program.slug), application(program)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        api_post(url, applicant, body, key="apply-1")
        traveller.shift(dt.timedelta(hours=25))
        response = api_post(url, applicant, body, key="apply-1")
    # Ran again, so the service now sees the first application.
    assert response.status_code == 400
    assert response.json() == {"detail": ["You have already applied to Spring."]}


@pytest.mark.parametrize("key", ["", "x" * 256, "with space", "naïve"])
def test_a_malformed_key_is_a_422(client, applicant, program, key):
    headers = {**bearer(applicant), HEADER: key.encode().decode("latin-1")}
    response = client.post(
        APPLY.format(program.slug),
        application(program),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["header", HEADER]
    assert not Membership.objects.filter(user=applicant).exists()


def test_requests_refused_before_they_run_are_not_recorded(api_post, applicant, program):
    url = APPLY.format(program.slug)
    assert api_post(url, None, application(program), key="k").status_code == 401
    assert api_post(url, applicant, {"role": "mentee"}, key="k").status_code == 422
    assert not IdempotencyRecord.objects.exists()
    # The key is still free for the real request.
    assert api_post(url, applicant, application(program), key="k").status_code == 201


def test_a_server_error_is_not_recorded_and_the_retry_runs(
    api_post, client, applicant, program, monkeypatch
):
    url, body = APPLY.format(program.slug), application(program)
    real_apply = services.apply

    def broken(*args, **kwargs):
        real_apply(*args, **kwargs)
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "apply", broken)
    client.raise_request_exception = False
    assert api_post(url, applicant, body, key="k").status_code == 500
    # Everything the failed request wrote is gone with it, the claim on the key included.
    assert not IdempotencyRecord.objects.exists()
    assert not Membership.objects.filter(user=applicant).exists()
    monkeypatch.setattr(services, "apply", real_apply)
    assert api_post(url, applicant, body, key="k").status_code == 201


def test_gets_ignore_the_key(client, mentee):
    headers = {**bearer(mentee), HEADER: "k"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert not IdempotencyRecord.objects.exists()


def test_a_post_without_a_key_runs_every_time(api_post, coordinator, program):
    membership = applied_membership(program)
    url = TRANSITION.format(program.slug, membership.pk)
    assert api_post(url, coordinator, {"status": "waitlisted"}).status_code == 200
    assert api_post(url, coordinator, {"status": "waitlisted"}).status_code == 400
    assert not IdempotencyRecord.objects.exists()


def test_purge_deletes_only_expired_records(applicant, capsys):
    now = timezone.now()
    for key, expires in [
        ("old", now - dt.timedelta(seconds=1)),
        ("new", now + dt.timedelta(hours=1)),
    ]:
        IdempotencyRecord.objects.create(
            user=applicant, key=key, fingerprint="0" * 64, status_code=201, expires_at=expires
        )
    out = io.StringIO()
    call_command("purge_idempotency", stdout=out)
    assert "Deleted 1 expired idempotency records." in out.getvalue()
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
    with time_machine.travel(now + dt.timedelta(hours=2)):
        assert tasks.purge_idempotency_periodic.call_local() == 1
    assert not IdempotencyRecord.objects.exists()


def test_deleting_an_account_forgets_responses_that_name_the_member(api_post, coordinator, program):
    membership = applied_membership(program)
    url = TRANSITION.format(program.slug, membership.pk)
    api_post(url, coordinator, {"status": "approved"}, key="approve")
    assert IdempotencyRecord.objects.filter(user=coordinator).exists()
    privacy.delete_account(membership.user)
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs concurrent writers: PostgreSQL only"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_uses_run_once_and_the_second_waits(applicant, program, monkeypatch):
    """Two requests with one new key: the second waits for the first, then gets its replay."""
    url, body = APPLY.format(program.slug), application(program)
    _token, raw = ApiToken.issue(applicant, "race")
    headers = {"Authorization": f"Bearer {raw}", HEADER: "race"}
    first_is_running, finish_first = threading.Event(), threading.Event()
    real_apply = services.apply

    def slow_apply(*args, **kwargs):
        membership = real_apply(*args, **kwargs)
        first_is_running.set()
        finish_first.wait(timeout=10)
        return membership

    monkeypatch.setattr(services, "apply", slow_apply)
    responses = {}

    def send(name):
        try:
            responses[name] = Client().post(
                url, body, content_type="application/json", headers=headers
            )
        finally:
            connection.close()

    first = threading.Thread(target=send, args=("first",))
    first.start()
    assert first_is_running.wait(timeout=10)
    second = threading.Thread(target=send, args=("second",))
    second.start()
    # The second request is stuck on the first one's uncommitted key, not running.
    _wait_for_a_lock_wait()
    finish_first.set()
    first.join(timeout=10)
    second.join(timeout=10)

    assert responses["first"].status_code == responses["second"].status_code == 201
    assert responses["second"].content == responses["first"].content
    assert responses["second"][REPLAYED_HEADER] == "true"
    assert Membership.objects.filter(user=applicant).count() == 1


def _wait_for_a_lock_wait(seconds: float = 10) -> None:
    deadline = timezone.now() + dt.timedelta(seconds=seconds)
    with connection.cursor() as cursor:
        while timezone.now() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the second request never waited for the first")
