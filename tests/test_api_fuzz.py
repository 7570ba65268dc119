"""Schemathesis against the OpenAPI document, in process, as three roles and as nobody.

Each operation is fuzzed as the coordinator, a mentee and a member of another program, with
valid and invalid input (schemathesis' positive and negative modes), then without credentials.
Checks: no 5xx, every response matches its documented status, content type and schema,
invalid input gets a 4xx, and nothing but a 401 answers a request without a token.

Examples per operation and role come from FUZZ_EXAMPLES (default 100; `make fuzz` runs 1000).
The app is called through its WSGI handler in the test's own transaction, so every request sees
the fixtures and everything is rolled back at the end.
"""

import os
from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from lodestar.api.models import ApiToken
from lodestar.programs.models import IntakeQuestion, Membership, Role, Track
from lodestar.programs.states import Status
from lodestar.wsgi import application
from tests.conftest import make_user

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))
ROLES = ["coordinator", "mentee", "other_member"]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
# The token is ours to send (or not); generating or dropping it would blur what is tested.
schema.config.generation.update(with_security_parameters=False)

# Rows of the running test that generated requests are steered to (filled by `world`).
REAL: dict[str, list] = {}
# Requests sent, per operation, for the report at the end.
SENT: Counter = Counter()


@schema.hook
def flatmap_case(context, case):
    """Valid requests aim at real rows half of the time, so they get past the 404s."""
    if case.meta is None or case.meta.generation.mode.is_negative or not REAL:
        # Changing an invalid request could make it valid; leave those as generated.
        return st.just(case)
    return st.randoms(use_true_random=False).map(lambda rnd: _aim(case, rnd))


def _aim(case, rnd):
    params = case.path_parameters or {}
    if "slug" in params and rnd.random() < 0.8:
        params["slug"] = rnd.choice(REAL["slugs"])
    if "id" in params and rnd.random() < 0.8:
        params["id"] = rnd.choice(REAL["membership_ids"])
    body = case.body
    if isinstance(body, dict) and "cohort_id" in body and rnd.random() < 0.8:
        body["cohort_id"] = rnd.choice(REAL["cohort_ids"])
        body["track_id"] = rnd.choice(REAL["track_ids"])
        answers = body.get("answers")
        if isinstance(answers, dict):
            body["answers"] = {
                str(rnd.choice(REAL["question_ids"])): value for value in answers.values()
            }
    if case.headers and "Idempotency-Key" in case.headers and rnd.random() < 0.5:
        # Without a key half of the time, so most requests run rather than replay.
        del case.headers["Idempotency-Key"]
    return case


@pytest.fixture
def in_process_requests(settings):
    """Let the WSGI handler reuse the test's connection, as Django's test client does."""
    settings.ALLOWED_HOSTS = ["localhost"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(cast, program, other_program, skill, in_process_requests):
    for order, (kind, options) in enumerate(
        [
            (IntakeQuestion.Kind.SHORT, []),
            (IntakeQuestion.Kind.LONG, []),
            (IntakeQuestion.Kind.SINGLE, ["remote", "in person"]),
            (IntakeQuestion.Kind.MULTIPLE, ["python", "sql", "r"]),
            (IntakeQuestion.Kind.SCALE, []),
        ]
    ):
        IntakeQuestion.objects.create(
            program=program, text=f"Question {order}", kind=kind, options=options, order=order
        )
    cohort = program.cohorts.first()
    track = program.tracks.get(kind=Track.Kind.INTERMEDIATE)
    for n, status in enumerate([Status.APPLIED, Status.WAITLISTED, Status.ACTIVE]):
        Membership.objects.create(
            user=make_user(f"applicant-{n}@example.org"),
            program=program,
            cohort=cohort,
            track=track,
            role=Role.MENTEE,
            status=status,
        )
    REAL.update(
        slugs=[program.slug, other_program.slug],
        membership_ids=list(Membership.objects.values_list("pk", flat=True)),
        cohort_ids=[c.pk for c in program.cohorts.all()] + [other_program.cohorts.first().pk],
        track_ids=list(program.tracks.values_list("pk", flat=True)),
        question_ids=list(program.questions.values_list("pk", flat=True)),
    )
    yield {name: ApiToken.issue(user, "fuzz")[1] for name, user in cast.items()}
    REAL.clear()


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@FUZZ_SETTINGS
def test_api_as(case, role, world):
    SENT[case.operation.label] += 1
    case.call_and_validate(headers={"Authorization": f"Bearer {world[role]}"}, checks=CHECKS)


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_without_credentials(case, world):
    SENT[case.operation.label] += 1
    if case.headers:
        case.headers.pop("Authorization", None)
    response = case.call()
    case.validate_response(response, checks=[not_a_server_error, content_type_conformance])
    # Schemathesis also tries methods the path does not have: those are a 405 for everyone.
    expected = 401 if case.method.upper() == case.operation.method.upper() else 405
    assert response.status_code == expected, response.text
