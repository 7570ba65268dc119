"""A mentee's suggested mentors, with the engine's reasons."""

from dataclasses import dataclass

import numpy as np
from django.db.models import Count

from lodestar.programs.models import Membership

from .engine.explain import explain_pair
from .engine.model import Explanation, Mode, Options
from .engine.scoring import MentorIndex, scorer_for
from .engine.suggest import suggest
from .models import MatchingSettings, MatchRequest
from .profiles import mentee_profile, mentor_profile, mentors_with_load


@dataclass
class Suggestion:
    mentor: Membership
    score: float
    explanation: Explanation | None

    @property
    def percent(self) -> int:
        return round(100 * self.score)

    @property
    def text(self) -> str:
        return self.explanation.text if self.explanation else ""


def settings_for(program) -> MatchingSettings:
    settings, _created = MatchingSettings.objects.get_or_create(program=program)
    return settings


def engine_options(settings: MatchingSettings) -> Options:
    return Options(
        mode=Mode(settings.mode),
        min_score=settings.min_score,
        exclude_same_affiliation=settings.exclude_same_affiliation,
    )


def _index(mentee: Membership, mentors: list[Membership]) -> MentorIndex:
    settings = settings_for(mentee.program)
    profiles = [mentor_profile(m, (m.capacity or 0) - m.load) for m in mentors]
    return MentorIndex.build(
        profiles, settings.engine_weights(), engine_options(settings), [mentee_profile(mentee)]
    )


def suggest_for(mentee: Membership, k: int | None = None) -> list[Suggestion]:
    """The best mentors with free places who are open to requests, best first."""
    mentors = [
        m
        for m in mentors_with_load(mentee.cohort).exclude(user_id=mentee.user_id)
        if m.accepting_requests and m.load < (m.capacity or 0)
    ]
    if not mentors:
        return []
    k = k or settings_for(mentee.program).suggestions
    by_id = {str(m.pk): m for m in mentors}
    ranked = suggest(mentee_profile(mentee), _index(mentee, mentors), k=k)
    found = [Suggestion(by_id[mentor_id], score, why) for mentor_id, score, why in ranked]
    # Rotation: a mentor who already has as many requests waiting as free places goes to the
    # end of the list, so one popular mentor is not everybody's first suggestion.
    waiting = dict(
        MatchRequest.objects.filter(
            mentor__in=[s.mentor for s in found], status=MatchRequest.Status.PENDING
        )
        .exclude(mentee=mentee)
        .values_list("mentor")
        .annotate(n=Count("id"))
    )
    return sorted(
        found, key=lambda s: waiting.get(s.mentor.pk, 0) >= (s.mentor.capacity or 0) - s.mentor.load
    )


def explain(mentee: Membership, mentor: Membership) -> Suggestion:
    """Score and reasons for one pair, for a request made while browsing."""
    index = _index(mentee, [mentor])
    scorer = scorer_for(index, [mentee_profile(mentee)])
    score = float(scorer.block(np.array([0]))[0][0])
    if not np.isfinite(score):
        return Suggestion(mentor, 0.0, None)
    return Suggestion(mentor, score, explain_pair(scorer, 0, 0, score))
