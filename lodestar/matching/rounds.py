"""Coordinator rounds: build the engine's input from a cohort, solve, store, review, publish."""

import math

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lodestar.core.models import audit
from lodestar.core.spreadsheet import to_csv
from lodestar.mentoring.models import Relationship
from lodestar.mentoring.services import create_relationship
from lodestar.notifications.services import notify
from lodestar.programs.models import Membership

from .engine.explain import explain_pair, unmatched_reason
from .engine.fairness import max_min
from .engine.model import Mode, Weights
from .engine.scoring import score_matrix
from .engine.solve import Problem, Solution, solve
from .engine.stable import stable_from_scores
from .models import MatchRound, ProposedPair, RoundExclusion, UnmatchedReason
from .profiles import mentee_profile, mentees_of, mentor_profile, mentors_with_load
from .services import is_matched, mentor_load
from .suggestions import engine_options, settings_for


@transaction.atomic
def start_round(program, cohort, actor, previous: MatchRound | None = None) -> MatchRound:
    """Queue a round; a re-solve carries the previous round's locks and exclusions."""
    if cohort.program_id != program.pk:
        raise ValidationError(_("Choose a cohort of this program."))
    settings = settings_for(program)
    matching_round = MatchRound.objects.create(
        program=program,
        cohort=cohort,
        created_by=actor,
        weights=settings.weights,
        options={
            "mode": settings.mode,
            "min_score": settings.min_score,
            "exclude_same_affiliation": settings.exclude_same_affiliation,
        },
        previous=previous,
    )
    if previous is not None:
        matching_round.inputs = {
            "locked": [[p.mentee_id, p.mentor_id] for p in previous.pairs.filter(locked=True)]
        }
        matching_round.save(update_fields=["inputs"])
        RoundExclusion.objects.bulk_create(
            RoundExclusion(round=matching_round, mentee_id=x.mentee_id, mentor_id=x.mentor_id)
            for x in previous.exclusions.all()
        )
    audit(actor, "match_round.started", matching_round, program.pk)
    from .tasks import run_round_task

    transaction.on_commit(lambda: run_round_task(matching_round.pk))
    return matching_round


def run_round(round_id: int) -> bool:
    """Solve a queued round. Claimed first, so a job that runs twice solves it once."""
    claimed = MatchRound.objects.filter(pk=round_id, status=MatchRound.Status.QUEUED).update(
        status=MatchRound.Status.RUNNING, progress=5
    )
    if not claimed:
        return False
    matching_round = MatchRound.objects.select_related("cohort", "program").get(pk=round_id)
    try:
        _solve(matching_round)
    except Exception as exc:  # a failed round says why; the coordinator can run it again
        MatchRound.objects.filter(pk=round_id).update(
            status=MatchRound.Status.FAILED, error=str(exc)[:2000]
        )
        raise
    return True


def _progress(matching_round: MatchRound, value: int) -> None:
    MatchRound.objects.filter(pk=matching_round.pk).update(progress=value)


def _solve(matching_round: MatchRound) -> None:
    cohort = matching_round.cohort
    mentees = [m for m in mentees_of(cohort) if not is_matched(m)]
    mentors = [
        m for m in mentors_with_load(cohort) if m.accepting_requests and (m.capacity or 0) > m.load
    ]
    mentee_pos = {m.pk: i for i, m in enumerate(mentees)}
    mentor_pos = {m.pk: j for j, m in enumerate(mentors)}
    locked = [
        (mentee_pos[a], mentor_pos[b])
        for a, b in matching_round.inputs.get("locked", [])
        if a in mentee_pos and b in mentor_pos
    ]
    exclusions = [(str(x.mentee_id), str(x.mentor_id)) for x in matching_round.exclusions.all()]
    options = engine_options(settings_for(matching_round.program))
    weights = Weights(**{k: float(v) for k, v in matching_round.weights.items()})
    _progress(matching_round, 20)
    mentor_profiles = [mentor_profile(m, (m.capacity or 0) - m.load) for m in mentors]
    mentee_profiles = [mentee_profile(m) for m in mentees]
    inputs = {
        "mentees": [m.pk for m in mentees],
        "mentors": {str(m.pk): (m.capacity or 0) - m.load for m in mentors},
        "locked": [[mentees[i].pk, mentors[j].pk] for i, j in locked],
        "exclusions": [[int(a), int(b)] for a, b in exclusions],
    }
    pairs, unmatched, certificate = [], [], None
    if mentees and mentors:
        scorer = score_matrix(mentee_profiles, mentor_profiles, weights, options, exclusions)
        _progress(matching_round, 50)
        capacity = np.array([p.capacity for p in mentor_profiles])
        algorithm = settings_for(matching_round.program).algorithm
        if algorithm == "stable":
            solution = _stable(scorer, capacity, locked, _rankings(mentees, mentor_pos), options)
        elif algorithm == "maxmin":
            problem = Problem(capacity=capacity, scores=scorer, locked=locked)
            solution = max_min(problem, options)
            certificate = solution.certificate
        else:
            solution = solve(Problem(capacity=capacity, scores=scorer, locked=locked), options)
            certificate = solution.certificate
        _progress(matching_round, 80)
        load = np.bincount(solution.mentor_of[solution.mentor_of >= 0], minlength=len(mentors))
        for i, j in enumerate(solution.mentor_of):
            if j >= 0:
                why = explain_pair(scorer, i, int(j), float(solution.score_of[i]))
                pairs.append(
                    ProposedPair(
                        round=matching_round,
                        mentee=mentees[i],
                        mentor=mentors[j],
                        score=float(solution.score_of[i]),
                        components={k: _number(v) for k, v in why.components.items()},
                        explanation=why.text,
                        locked=bool(solution.locked[i]),
                    )
                )
            else:
                reason = unmatched_reason(
                    scorer, i, load, capacity, options.min_score, Mode(options.mode)
                )
                unmatched.append(
                    UnmatchedReason(round=matching_round, mentee=mentees[i], reason=reason[:300])
                )
    else:
        reason = _("No mentor has a free place.") if mentees else ""
        unmatched = [
            UnmatchedReason(round=matching_round, mentee=m, reason=reason) for m in mentees
        ]
    scores = [p.score for p in pairs]
    metrics = {
        "mentees": len(mentees),
        "mentors": len(mentors),
        "matched": len(pairs),
        "match_rate": round(len(pairs) / len(mentees), 4) if mentees else 0.0,
        "total_score": round(sum(scores), 4),
        "worst_score": round(min(scores), 4) if scores else None,
        "mean_score": round(sum(scores) / len(scores), 4) if scores else None,
        "algorithm": settings_for(matching_round.program).algorithm,
        "optimal": bool(certificate.optimal) if certificate else None,
        "gap": round(float(certificate.gap), 6) if certificate else 0.0,
    }
    with transaction.atomic():
        ProposedPair.objects.bulk_create(pairs)
        UnmatchedReason.objects.bulk_create(unmatched)
        MatchRound.objects.filter(pk=matching_round.pk).update(
            status=MatchRound.Status.READY, progress=100, inputs=inputs, metrics=metrics
        )


def _rankings(mentees, mentor_pos: dict[int, int]) -> dict[int, list[int]]:
    """Rankings mentees entered (ranked mode), as engine positions, best first."""
    from .models import RankedChoice

    rows = {m.pk: i for i, m in enumerate(mentees)}
    result: dict[int, list[int]] = {}
    for choice in RankedChoice.objects.filter(mentee_id__in=rows).order_by("mentee_id", "rank"):
        if choice.mentor_id in mentor_pos:
            result.setdefault(rows[choice.mentee_id], []).append(mentor_pos[choice.mentor_id])
    return result


def _stable(scorer, capacity, locked, rankings, options) -> Solution:
    """Mentee-proposing deferred acceptance around the locked pairs, as a solver Solution."""
    dense = scorer.dense().astype(np.float64)
    n_e = dense.shape[0]
    mentor_of = np.full(n_e, -1, dtype=np.int64)
    is_locked = np.zeros(n_e, dtype=bool)
    free_places = capacity.copy()
    for i, j in locked:
        mentor_of[i], is_locked[i] = j, True
        free_places[j] -= 1
    rows = np.flatnonzero(~is_locked)
    local = {int(r): k for k, r in enumerate(rows)}
    # A mentee's own ranking comes first, then every other mentor by score, so ranking only a
    # few mentors never leaves them unmatched while someone else fitting has a free place.
    completed = {}
    for i, prefs in rankings.items():
        if i in local:
            rest = [int(j) for j in np.argsort(-dense[i], kind="stable") if int(j) not in prefs]
            completed[local[i]] = [*prefs, *rest]
    chosen = stable_from_scores(dense[rows], free_places, options.min_score, completed)
    mentor_of[rows] = chosen
    score_of = np.array(
        [dense[i, j] if j >= 0 else np.nan for i, j in enumerate(mentor_of)], dtype=np.float64
    )
    return Solution(mentor_of=mentor_of, score_of=score_of, locked=is_locked, certificate=None)


def _number(value) -> float | None:
    """A component value for JSON: not applicable (None or NaN) stays None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), 4)


def _editable(matching_round: MatchRound) -> None:
    # Read the status afresh: the round may have been published since this page loaded.
    ready = MatchRound.objects.filter(pk=matching_round.pk, status=MatchRound.Status.READY)
    if not ready.exists():
        raise ValidationError(_("Only a round ready for review can be changed."))


@transaction.atomic
def toggle_lock(pair: ProposedPair, actor) -> ProposedPair:
    _editable(pair.round)
    pair.locked = not pair.locked
    pair.save(update_fields=["locked"])
    audit(actor, "match_round.lock" if pair.locked else "match_round.unlock", pair.round,
          pair.round.program_id, mentee=pair.mentee_id, mentor=pair.mentor_id)  # fmt: skip
    return pair


@transaction.atomic
def exclude_pair(pair: ProposedPair, actor) -> None:
    """Rule this pair out: it disappears now and the next re-solve will not propose it."""
    matching_round = pair.round
    _editable(matching_round)
    RoundExclusion.objects.get_or_create(
        round=matching_round, mentee_id=pair.mentee_id, mentor_id=pair.mentor_id
    )
    UnmatchedReason.objects.create(
        round=matching_round, mentee_id=pair.mentee_id, reason=_("Pair excluded by a coordinator.")
    )
    pair.delete()
    audit(actor, "match_round.exclude", matching_round, matching_round.program_id,
          mentee=pair.mentee_id, mentor=pair.mentor_id)  # fmt: skip


@transaction.atomic
def swap_mentors(first: ProposedPair, second: ProposedPair, actor) -> None:
    """Exchange the mentors of two pairs and lock both, so a re-solve keeps the swap."""
    if first.round_id != second.round_id or first.pk == second.pk:
        raise ValidationError(_("Choose two different pairs of the same round."))
    _editable(first.round)
    first.mentor_id, second.mentor_id = second.mentor_id, first.mentor_id
    for pair in (first, second):
        pair.locked = True
        pair.explanation = _("Swapped by a coordinator; re-solve to see the new reasons.")
        pair.save(update_fields=["mentor", "locked", "explanation"])
    audit(actor, "match_round.swap", first.round, first.round.program_id,
          pairs=[first.pk, second.pk])  # fmt: skip


@transaction.atomic
def publish(matching_round: MatchRound, actor) -> int:
    locked = MatchRound.objects.select_for_update().get(pk=matching_round.pk)
    _editable(locked)
    locked.status, locked.published_at = MatchRound.Status.PUBLISHED, timezone.now()
    locked.save(update_fields=["status", "published_at", "updated_at"])
    pairs = list(locked.pairs.select_related("mentee__user", "mentor__user", "round__program"))
    for pair in pairs:
        for person in (pair.mentee.user, pair.mentor.user):
            notify(
                person,
                "match_proposed",
                {"pair": pair, "program": locked.program},
                _pair_url(pair),
            )
    audit(actor, "match_round.published", locked, locked.program_id, pairs=len(pairs))
    return len(pairs)


def _pair_url(pair: ProposedPair) -> str:
    from django.urls import reverse

    return reverse("matching:pair", args=[pair.pk])


@transaction.atomic
def respond(pair: ProposedPair, user, accept: bool) -> Relationship | None:
    """One side answers a published pair; when both accept, the relationship starts."""
    pair = (
        ProposedPair.objects.select_for_update()
        .select_related("round", "mentee", "mentor")
        .get(pk=pair.pk)
    )
    if pair.round.status != MatchRound.Status.PUBLISHED:
        raise ValidationError(_("This match has not been published."))
    side = (
        "mentee_response"
        if pair.mentee.user_id == user.pk
        else "mentor_response"
        if pair.mentor.user_id == user.pk
        else None
    )
    if side is None:
        raise ValidationError(_("Only the two people matched can answer."))
    if getattr(pair, side) != ProposedPair.Response.WAITING:
        raise ValidationError(_("You have already answered."))
    setattr(
        pair, side, ProposedPair.Response.ACCEPTED if accept else ProposedPair.Response.DECLINED
    )
    pair.save(update_fields=[side])
    audit(user, f"match_pair.{'accepted' if accept else 'declined'}", pair.round,
          pair.round.program_id, pair=pair.pk)  # fmt: skip
    both = pair.mentee_response == pair.mentor_response == ProposedPair.Response.ACCEPTED
    if not both:
        return None
    mentor = Membership.objects.select_for_update().get(pk=pair.mentor_id)
    if mentor_load(mentor) >= (mentor.capacity or 0):
        raise ValidationError(_("The mentor has no free place any more."))
    if is_matched(pair.mentee):
        raise ValidationError(_("The mentee has been matched in the meantime."))
    return create_relationship(
        pair.mentee.cohort,
        pair.mentee.track,
        [mentor.user],
        [pair.mentee.user],
        user,
        source=Relationship.Source.ROUND,
        explanation=pair.explanation,
        score=pair.score,
    )


def export_csv(matching_round: MatchRound) -> str:
    pairs = matching_round.pairs.select_related("mentee__user__profile", "mentor__user__profile")
    return to_csv(
        ["mentee", "mentee_email", "mentor", "mentor_email", "score", "locked", "explanation"],
        (
            [
                p.mentee.user.name,
                p.mentee.user.email,
                p.mentor.user.name,
                p.mentor.user.email,
                f"{p.score:.4f}",
                "yes" if p.locked else "no",
                p.explanation,
            ]
            for p in pairs
        ),
    )
