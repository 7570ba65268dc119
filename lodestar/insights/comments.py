"""The program's qualitative feedback in one place: written survey answers (taggable) and
the comments people leave with session ratings, newest first, searchable.

Same audience and same names as a survey's own results page: the program's coordinators.
Anonymous-channel messages are not here; they stay in their own inbox.
"""

from __future__ import annotations

from collections import Counter

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lodestar.feedback.models import Answer, SessionRating
from lodestar.feedback.surveys import TEXT_KINDS, tag_answer

from .queries import Scope

SOURCES = {
    "surveys": gettext_lazy("Written survey answers"),
    "ratings": gettext_lazy("Session rating comments"),
}
SEARCH_MAX = 100
TOP_TAGS = 12


def survey_comments(scope: Scope, search: str = "") -> QuerySet[Answer]:
    answers = Answer.objects.filter(question__kind__in=TEXT_KINDS).exclude(value="")
    if scope.program is not None:
        answers = answers.filter(question__survey__program=scope.program)
    if scope.cohort is not None:
        answers = answers.filter(response__user_id__in=scope.members().values("user_id"))
    if search:
        answers = answers.filter(Q(value__icontains=search) | Q(tags__icontains=search))
    return answers.select_related(
        "question__survey", "response__user__profile", "response__round"
    ).order_by("-response__submitted_at", "-id")


def rating_comments(scope: Scope, search: str = "") -> QuerySet[SessionRating]:
    ratings = SessionRating.objects.filter(**scope.f("session__relationship__")).exclude(comment="")
    if search:
        ratings = ratings.filter(comment__icontains=search)
    return ratings.select_related(
        "user__profile", "session__relationship__cohort", "session__relationship__track"
    ).order_by("-created_at", "-id")


def top_tags(scope: Scope) -> list[tuple[str, int]]:
    """The most used tags on the program's written answers, with how often."""
    counts: Counter = Counter()
    tagged = survey_comments(scope).exclude(tags="").values_list("tags", flat=True)
    for tags in tagged.order_by():
        counts.update(t.strip() for t in tags.split(",") if t.strip())
    return counts.most_common(TOP_TAGS)


def clean_search(raw: str) -> str:
    return " ".join(raw.split())[:SEARCH_MAX]


def tag_program_answer(scope: Scope, answer_pk: int, actor, tags: str) -> Answer:
    """Tag a written answer of this program's surveys (any other answer is refused)."""
    answer = survey_comments(scope).filter(pk=answer_pk).first()
    if answer is None:
        raise ValidationError(_("This answer is not one of this program's written answers."))
    return tag_answer(answer, actor, tags)
