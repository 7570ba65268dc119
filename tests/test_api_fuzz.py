"""Schemathesis against the OpenAPI document, in process, as three roles and as nobody.

Each operation is fuzzed as the coordinator, a mentee and a member of another program, with
valid and invalid input (schemathesis' positive and negative modes), then without credentials.
Checks: no 5xx, every response matches its documented status, content type and schema,
invalid input gets a 4xx, and nothing but a 401 answers a request without a token.

FUZZ_EXAMPLES (default 100; `make fuzz` runs 1000) is the number of generated examples per
operation, shared by the three roles (a third each, rounded up), plus as many again without
a token; schemathesis' coverage phase adds its boundary cases on top for every role.
The app is called through its WSGI handler in the test's own transaction, so every request sees
the fixtures and everything is rolled back at the end.
"""

import hashlib
import json
import os
import re
from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import PositiveDataAcceptanceConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from lodestar.accounts.models import UserSkill
from lodestar.api.idempotency import KEY_PATTERN
from lodestar.api.models import ApiToken
from lodestar.programs.models import Cohort, IntakeQuestion, Membership, Role, Track
from lodestar.programs.states import Status
from lodestar.wsgi import application
from tests.conftest import make_user

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))
ROLES = ["coordinator", "mentee", "other_member"]
# Split, not multiplied, by role: 100 examples each cost over four minutes on two cores.
PER_ROLE = -(-EXAMPLES // len(ROLES))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
    positive_data_acceptance,
]
FUZZ_SETTINGS = settings(
    max_examples=PER_ROLE,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
# The token is ours to send (or not); generating or dropping it would blur what is tested.
schema.config.generation.update(with_security_parameters=False)
# A request that matches the document may be refused by a business rule (400) or not find its
# row (404), but never as malformed: a 422 there means the document and the code disagree.
schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
    expected_statuses=["2xx", "400", "401", "404", "409"]
)

# Rows of the running test that generated requests are steered to (filled by `world`).
REAL: dict = {}
# Requests sent, per operation, for the report at the end.
SENT: Counter = Counter()
_valid_key = re.compile(KEY_PATTERN)


@schema.hook
def flatmap_case(context, case):
    """Most valid requests aim at real rows and answers, so they get past the 404s and 400s."""
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
        if rnd.random() < 0.5:
            body["answers"] = {
                str(qid): value for qid, value in REAL["answers"].items() if rnd.random() < 0.7
            }
    return case


def _fresh_key(case) -> None:
    """A key per distinct request: identical requests replay, different ones never collide."""
    key = (case.headers or {}).get("Idempotency-Key")
    if key is None or not _valid_key.match(key):
        return  # absent, or the invalid part of a negative case
    request = json.dumps(
        [case.method, case.path_parameters, case.query, case.body], sort_keys=True, default=str
    )
    case.headers["Idempotency-Key"] = hashlib.sha256(request.encode()).hexdigest()


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
    """The cast, intake questions, a second open cohort and applicants to move; their tokens."""
    questions = {}
    for order, (kind, options, answer) in enumerate(
        [
            (IntakeQuestion.Kind.SHORT, [], "Data analyst"),
            (IntakeQuestion.Kind.LONG, [], "I want to learn statistics."),
            (IntakeQuestion.Kind.SINGLE, ["remote", "in person"], "remote"),
            (IntakeQuestion.Kind.MULTIPLE, ["python", "sql", "r"], ["sql", "r"]),
            (IntakeQuestion.Kind.SCALE, [], 4),
        ]
    ):
        question = IntakeQuestion.objects.create(
            program=program, text=f"Question {order}", kind=kind, options=options, order=order
        )
        questions[question.pk] = answer
    spring = program.cohorts.first()
    autumn = Cohort.objects.create(
        program=program,
        name="Autumn",
        applications_open=spring.applications_open,
        applications_close=spring.applications_close,
        starts_on=spring.starts_on,
        ends_on=spring.ends_on,
    )
    track = program.tracks.get(kind=Track.Kind.INTERMEDIATE)
    statuses = [Status.APPLIED, Status.WAITLISTED, Status.APPROVED, Status.ACTIVE] * 2
    for n, status in enumerate(statuses):
        Membership.objects.create(
            user=make_user(f"applicant-{n}@example.org"),
            program=program,
            cohort=spring,
            track=track,
            role=Role.MENTEE,
            status=status,
        )
    # Applying needs a skill; the coordinator may apply to their own program too.
    UserSkill.objects.create(user=cast["coordinator"], skill=skill, kind="have", level=3)
    REAL.update(
        slugs=[program.slug, program.slug, other_program.slug],
        cohort_ids=[spring.pk, autumn.pk, other_program.cohorts.first().pk],
        track_ids=list(program.tracks.values_list("pk", flat=True)),
        membership_ids=list(Membership.objects.values_list("pk", flat=True)),
        answers=questions,
    )
    yield {name: ApiToken.issue(user, "fuzz")[1] for name, user in cast.items()}
    REAL.clear()


@pytest.fixture
def token(world, role, cast) -> str:
    # Aim at the role's own memberships as often as at everyone else's.
    own = list(Membership.objects.filter(user=cast[role]).values_list("pk", flat=True))
    REAL["membership_ids"] = own * 3 + list(Membership.objects.values_list("pk", flat=True))
    return world[role]


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@FUZZ_SETTINGS
def test_api_as(case, role, token):
    SENT[case.operation.label] += 1
    _fresh_key(case)
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_without_credentials(case, world):
    SENT[case.operation.label] += 1
    response = case.call()
    case.validate_response(response, checks=[not_a_server_error, content_type_conformance])
    # Schemathesis also tries methods the path does not have: those are a 405 for everyone.
    expected = 401 if case.method.upper() == case.operation.method.upper() else 405
    assert response.status_code == expected, response.text


@pytest.fixture(scope="module", autouse=True)
def _report(request):
    """Print how many requests each operation got, over all roles, modes and phases."""
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None or not SENT:
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line(f"\nAPI fuzzing: requests per operation (FUZZ_EXAMPLES={EXAMPLES})")
        for label, count in sorted(SENT.items()):
            reporter.write_line(f"{count:7d}  {label}")
