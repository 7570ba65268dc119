"""Demo feedback: a mid-program survey with two rounds of answers (some written answers
tagged), and ratings with comments on a share of the logged sessions.

Written straight to the tables, deterministic with the seed's random generator; the demo
mentee is invited to the open round but has not answered, so their home page asks them.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from lodestar.core.seeding import keep_timestamps
from lodestar.mentoring.models import Participant, SessionLog
from lodestar.mentoring.states import Status as RelStatus
from lodestar.programs.models import Program

from .models import Answer, Question, Response, Round, Section, SessionRating, Survey

DEMO_MENTEE = "mentee@demo.lodestar.test"
ANSWER_SHARE = 0.7
RATED_SHARE = 0.45
COMMENTED_SHARE = 0.35

VALUABLE = [
    ("Having someone outside my team to think out loud with.", "praise"),
    ("The mock interview before my promotion review.", "career, praise"),
    ("Working through a real dataset together instead of tutorials.", "skills"),
    ("Learning how my mentor plans a project before writing any code.", "skills"),
    ("Honest feedback on my portfolio.", "career"),
    ("Just knowing I have a fixed slot every two weeks keeps me going.", "cadence"),
    ("Hearing how others handled impostor syndrome.", "wellbeing"),
    ("The reading list and the follow-up questions on it.", "resources"),
]
CHANGE = [
    ("Finding a time across our time zones is hard; evening slots would help.", "scheduling"),
    ("More structure in the first two sessions.", "onboarding"),
    ("I would like a workshop on negotiation.", "workshops"),
    ("Nothing so far.", ""),
    ("A shared space for notes between sessions.", "tools"),
    ("Our sessions keep getting moved; a fixed day would help.", "scheduling, cadence"),
    ("Matching could ask more about what we want to learn.", "matching"),
]
RATING_COMMENTS = [
    "Very practical, I left with three concrete next steps.",
    "We ran out of time, but the first half was great.",
    "Helpful walkthrough of the SQL window functions.",
    "A bit rushed today.",
    "Exactly what I needed before my presentation.",
    "Good conversation about career paths in data.",
    "We mostly caught up; fine, but less focused than usual.",
]
MEETING_OFTEN = ["Every week", "Every two weeks", "Every month", "Less often"]


def seed(rng: random.Random) -> dict[str, int]:
    now = timezone.now()
    surveys = 0
    responses: list[Response] = []
    answers: list[Answer] = []
    for program in Program.objects.exclude(status=Program.ProgramStatus.DRAFT).order_by("pk"):
        people = _participants(program)
        if not people:
            continue
        survey, questions = _survey(program)
        surveys += 1
        for key, opened, closes in (
            ("demo-earlier", now - dt.timedelta(days=75), now - dt.timedelta(days=61)),
            ("demo-current", now - dt.timedelta(days=5), now + dt.timedelta(days=9)),
        ):
            found = Round.objects.create(survey=survey, key=key, opens_at=opened, closes_at=closes)
            found.invitees.set(people)
            for user in people:
                if user.email == DEMO_MENTEE and key == "demo-current":
                    continue  # left for the demo to answer
                if rng.random() > ANSWER_SHARE:
                    continue
                submitted = opened + (min(closes, now) - opened) * rng.uniform(0.05, 1)
                response = Response(round=found, user=user, submitted_at=submitted)
                responses.append(response)
                answers += _answers(rng, response, questions)
    Response.objects.bulk_create(responses, batch_size=500)
    Answer.objects.bulk_create(answers, batch_size=500)
    ratings = _ratings(rng)
    return {
        "surveys": surveys,
        "survey responses": len(responses),
        "session ratings": ratings,
    }


def _participants(program: Program) -> list:
    """Everyone in an open or finished relationship of the program, once."""
    found = {}
    for p in (
        Participant.objects.filter(relationship__program=program)
        .exclude(relationship__status=RelStatus.PROPOSED)
        .select_related("user")
        .order_by("user_id")
    ):
        found[p.user_id] = p.user
    return list(found.values())


def _survey(program: Program) -> tuple[Survey, dict[str, Question]]:
    survey = Survey.objects.create(
        program=program,
        title="Mid-program check-in",
        intro="Five minutes on how mentoring is going. Coordinators read every answer.",
        status=Survey.Status.OPEN,
    )
    sessions = Section.objects.create(survey=survey, title="Your sessions", order=0)
    overall = Section.objects.create(survey=survey, title="Overall", order=1)
    specs = [
        ("useful", sessions, Question.Kind.SCALE, "How useful have your sessions been?", []),
        ("often", sessions, Question.Kind.SINGLE, "How often do you meet?", MEETING_OFTEN),
        ("valuable", sessions, Question.Kind.LONG, "What has been most valuable so far?", []),
        ("nps", overall, Question.Kind.NPS, "How likely are you to recommend the program?", []),
        ("change", overall, Question.Kind.SHORT, "One thing you would change?", []),
    ]
    questions = {}
    for order, (key, section, kind, text, options) in enumerate(specs):
        questions[key] = Question.objects.create(
            survey=survey, section=section, kind=kind, text=text, options=options,
            required=kind in (Question.Kind.SCALE, Question.Kind.NPS), order=order,
        )  # fmt: skip
    return survey, questions


def _answers(rng: random.Random, response: Response, questions: dict) -> list[Answer]:
    useful = rng.choices([2, 3, 4, 5], [1, 2, 5, 4])[0]
    out = [
        Answer(response=response, question=questions["useful"], value=useful),
        Answer(
            response=response,
            question=questions["often"],
            value=rng.choices(MEETING_OFTEN, [2, 5, 3, 1])[0],
        ),
        Answer(
            response=response,
            question=questions["nps"],
            value=min(10, max(0, useful * 2 + rng.randint(-2, 1))),
        ),
    ]
    for key, bank, share in (("valuable", VALUABLE, 0.8), ("change", CHANGE, 0.6)):
        if rng.random() < share:
            text, tags = rng.choice(bank)
            # Coordinators have tagged about half of them so far.
            out.append(
                Answer(
                    response=response,
                    question=questions[key],
                    value=text,
                    tags=tags if rng.random() < 0.5 else "",
                )
            )
    return out


def _ratings(rng: random.Random) -> int:
    """Mentees rate a share of their sessions a few hours after, some with a comment."""
    mentees = dict(
        Participant.objects.filter(role=Participant.Role.MENTEE)
        .order_by("id")
        .values_list("relationship_id", "user_id")
    )
    now = timezone.now()
    ratings = []
    for relationship_id, session_id, occurred_at in SessionLog.objects.order_by("id").values_list(
        "relationship_id", "id", "occurred_at"
    ):
        mentee = mentees.get(relationship_id)
        if mentee is None or rng.random() > RATED_SHARE:
            continue
        comment = rng.choice(RATING_COMMENTS) if rng.random() < COMMENTED_SHARE else ""
        ratings.append(
            SessionRating(
                session_id=session_id,
                user_id=mentee,
                rating=rng.choices([2, 3, 4, 5], [1, 2, 6, 5])[0],
                comment=comment,
                created_at=min(occurred_at + dt.timedelta(hours=rng.uniform(1, 30)), now),
            )
        )
    with keep_timestamps(SessionRating):
        SessionRating.objects.bulk_create(ratings, batch_size=500)
    return len(ratings)
