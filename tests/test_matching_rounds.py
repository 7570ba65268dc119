import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from lodestar.accounts.models import ProfileLanguage, UserSkill
from lodestar.matching import rounds
from lodestar.matching.models import MatchRound, ProposedPair
from lodestar.mentoring.models import Relationship
from lodestar.notifications.models import Notification
from lodestar.programs.models import Membership, Role, Track
from lodestar.programs.states import Status
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def person(program, skill, email, name, role, capacity=None, level=4):
    user = make_user(email, name)
    ProfileLanguage.objects.create(user=user, language="en", proficiency="fluent")
    if role == Role.MENTOR:
        UserSkill.objects.create(user=user, skill=skill, kind="have", level=level)
    else:
        UserSkill.objects.create(user=user, skill=skill, kind="want", level=1, target_level=3)
    return Membership.objects.create(
        user=user,
        program=program,
        cohort=program.cohorts.get(),
        track=program.tracks.get(kind=Track.Kind.INTERMEDIATE),
        role=role,
        status=Status.APPROVED,
        capacity=capacity,
    )


@pytest.fixture
def cohort_people(program, skill):
    mentors = [
        person(program, skill, "ana@example.org", "Ana Mentor", Role.MENTOR, capacity=1, level=5),
        person(program, skill, "ben@example.org", "Ben Mentor", Role.MENTOR, capacity=2, level=4),
    ]
    mentees = [
        person(program, skill, f"e{i}@example.org", f"Mentee {i}", Role.MENTEE) for i in range(3)
    ]
    return mentees, mentors


def run(program, coordinator, capture, previous=None):
    with capture(execute=True):
        matching_round = rounds.start_round(program, program.cohorts.get(), coordinator, previous)
    matching_round.refresh_from_db()
    return matching_round


def test_a_round_matches_everyone_within_capacity(
    program, coordinator, cohort_people, django_capture_on_commit_callbacks
):
    mentees, mentors = cohort_people
    matching_round = run(program, coordinator, django_capture_on_commit_callbacks)
    assert matching_round.status == MatchRound.Status.READY
    pairs = list(matching_round.pairs.all())
    assert {p.mentee for p in pairs} == set(mentees)
    load = {m: sum(1 for p in pairs if p.mentor == m) for m in mentors}
    assert load == {mentors[0]: 1, mentors[1]: 2}
    assert matching_round.metrics["matched"] == 3 and matching_round.metrics["optimal"]
    assert all("English" in p.explanation for p in pairs)
    assert matching_round.inputs["mentees"] == [m.pk for m in mentees]
    assert rounds.run_round(matching_round.pk) is False  # a re-run job changes nothing


def test_unmatched_mentees_get_a_reason(
    program, coordinator, cohort_people, skill, django_capture_on_commit_callbacks
):
    extra = person(program, skill, "e9@example.org", "Mentee 9", Role.MENTEE)
    matching_round = run(program, coordinator, django_capture_on_commit_callbacks)
    assert matching_round.metrics["matched"] == 3
    unmatched = matching_round.unmatched.get()
    assert unmatched.mentee.pk in {extra.pk} | {p.pk for p in cohort_people[0]}
    assert "full" in unmatched.reason


def test_locks_and_exclusions_survive_a_resolve(
    program, coordinator, cohort_people, django_capture_on_commit_callbacks
):
    first = run(program, coordinator, django_capture_on_commit_callbacks)
    keep, drop = list(first.pairs.order_by("id"))[:2]
    rounds.toggle_lock(keep, coordinator)
    rounds.exclude_pair(drop, coordinator)
    second = run(program, coordinator, django_capture_on_commit_callbacks, previous=first)
    assert second.pairs.filter(mentee=keep.mentee, mentor=keep.mentor, locked=True).exists()
    assert not second.pairs.filter(mentee=drop.mentee, mentor=drop.mentor).exists()


def test_swap_exchanges_mentors_and_locks(
    program, coordinator, cohort_people, django_capture_on_commit_callbacks
):
    matching_round = run(program, coordinator, django_capture_on_commit_callbacks)
    a, b = list(matching_round.pairs.all())[:2]
    if a.mentor_id == b.mentor_id:
        a = matching_round.pairs.exclude(mentor_id=b.mentor_id).first()
    before = (a.mentor_id, b.mentor_id)
    rounds.swap_mentors(a, b, coordinator)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (b.mentor_id, a.mentor_id) == before and a.locked and b.locked


def test_publish_then_both_accept_starts_the_relationship(
    program, coordinator, cohort_people, django_capture_on_commit_callbacks
):
    matching_round = run(program, coordinator, django_capture_on_commit_callbacks)
    pair = matching_round.pairs.first()
    with pytest.raises(ValidationError):
        rounds.respond(pair, pair.mentee.user, True)  # not published yet
    assert rounds.publish(matching_round, coordinator) == 3
    assert Notification.objects.filter(kind="match_proposed").count() == 6
    with pytest.raises(ValidationError):
        rounds.toggle_lock(pair, coordinator)  # published rounds are frozen
    assert rounds.respond(pair, pair.mentee.user, True) is None
    relationship = rounds.respond(pair, pair.mentor.user, True)
    assert relationship.source == Relationship.Source.ROUND
    with pytest.raises(ValidationError, match="already answered"):
        rounds.respond(pair, pair.mentor.user, False)
    other = matching_round.pairs.exclude(pk=pair.pk).first()
    rounds.respond(other, other.mentor.user, False)
    other.refresh_from_db()
    assert other.mentor_response == ProposedPair.Response.DECLINED


def test_matched_mentees_leave_the_pool(
    program, coordinator, cohort_people, django_capture_on_commit_callbacks
):
    first = run(program, coordinator, django_capture_on_commit_callbacks)
    rounds.publish(first, coordinator)
    pair = first.pairs.first()
    rounds.respond(pair, pair.mentee.user, True)
    rounds.respond(pair, pair.mentor.user, True)
    second = run(program, coordinator, django_capture_on_commit_callbacks)
    assert pair.mentee.pk not in second.inputs["mentees"]
    assert second.metrics["mentees"] == 2


def test_csv_export_neutralizes_formulas(
    program, coordinator, cohort_people, django_capture_on_commit_callbacks
):
    mentee = cohort_people[0][0]
    mentee.user.profile.display_name = "=HYPERLINK(1)"
    mentee.user.profile.save()
    matching_round = run(program, coordinator, django_capture_on_commit_callbacks)
    text = rounds.export_csv(matching_round)
    assert "'=HYPERLINK(1)" in text and "\n=HYPERLINK" not in text


def test_round_pages_are_for_coordinators(
    cast, login, program, cohort_people, django_capture_on_commit_callbacks
):
    matching_round = run(program, cast["coordinator"], django_capture_on_commit_callbacks)
    for name in ("matching:round", "matching:round_csv"):
        url = reverse(name, args=[matching_round.pk])
        for who in ("mentee", "mentor", "other_member", "other_coordinator"):
            assert login(cast[who]).get(url).status_code == 404
        assert login(cast["coordinator"]).get(url).status_code == 200
    page = login(cast["coordinator"]).get(matching_round.get_absolute_url()).content.decode()
    assert "Ana Mentor" in page and "Publish" in page


def test_round_actions_through_the_page(
    login, coordinator, program, cohort_people, django_capture_on_commit_callbacks
):
    matching_round = run(program, coordinator, django_capture_on_commit_callbacks)
    client = login(coordinator)
    url = reverse("matching:round_action", args=[matching_round.pk])
    pair = matching_round.pairs.first()
    client.post(url, {"action": "lock", "pair": pair.pk})
    pair.refresh_from_db()
    assert pair.locked
    response = client.post(url, {"action": "swap", "swap": [pair.pk]}, follow=True)
    assert "Tick exactly two pairs" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "resolve"})
    new = MatchRound.objects.exclude(pk=matching_round.pk).get()
    assert response.url == new.get_absolute_url() and new.previous == matching_round
    client.post(reverse("matching:round_action", args=[new.pk]), {"action": "publish"})
    new.refresh_from_db()
    assert new.status == MatchRound.Status.PUBLISHED
    assert client.post(url, {"action": "nonsense"}).status_code == 302


def test_progress_partial_for_a_running_round(login, coordinator, program):
    matching_round = MatchRound.objects.create(
        program=program, cohort=program.cohorts.get(), status=MatchRound.Status.RUNNING, progress=40
    )
    response = login(coordinator).get(matching_round.get_absolute_url(), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and "40%" in body and 'hx-trigger="every 2s"' in body


def test_settings_page_validates_weights(login, coordinator, program):
    from lodestar.matching.engine.model import COMPONENTS

    url = reverse("matching:settings", args=[program.slug])
    options = {"mode": "max_matched", "min_score": 0.3, "algorithm": "optimal", "suggestions": 5}
    data = {f"w_{c}": 0 for c in COMPONENTS} | options
    response = login(coordinator).post(url, data)
    assert "At least one weight must be above zero." in response.content.decode()
    data["w_skills"] = 2
    assert login(coordinator).post(url, data).status_code == 302
    assert program.matching_settings.weights["skills"] == 2
    assert login(make_user("x@example.org")).get(url).status_code == 404


def test_progress_poll_links_to_the_result_once_ready(login, coordinator, program):
    matching_round = MatchRound.objects.create(
        program=program, cohort=program.cohorts.get(), status=MatchRound.Status.READY
    )
    response = login(coordinator).get(matching_round.get_absolute_url(), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="progress"' in body and "show the result" in body and "every 2s" not in body


def test_stable_rounds_follow_the_mentees_rankings(
    program, coordinator, cohort_people, django_capture_on_commit_callbacks
):
    from lodestar.matching import services
    from lodestar.matching.suggestions import settings_for

    mentees, mentors = cohort_people
    settings = settings_for(program)
    settings.algorithm, settings.ranked_requests = "stable", True
    settings.save()
    # Everyone would score Ana highest; Mentee 2 ranks Ana first and says why.
    services.save_ranking(mentees[2], [(mentors[0], "Ana built the SQL course I learned from")])
    matching_round = run(program, coordinator, django_capture_on_commit_callbacks)
    assert matching_round.metrics["algorithm"] == "stable"
    pairs = {p.mentee: p.mentor for p in matching_round.pairs.all()}
    assert len(pairs) == 3
    assert sum(1 for m in pairs.values() if m == mentors[0]) == 1  # capacity 1 holds


def test_ranking_is_validated(program, cohort_people, other_program):
    from lodestar.matching import services

    mentees, mentors = cohort_people
    with pytest.raises(ValidationError, match="only once"):
        services.save_ranking(mentees[0], [(mentors[0], "a"), (mentors[0], "b")])
    with pytest.raises(ValidationError, match="reason"):
        services.save_ranking(mentees[0], [(mentors[0], "  ")])
    services.save_ranking(mentees[0], [(mentors[1], "x"), (mentors[0], "y")])
    assert [(c.rank, c.mentor) for c in mentees[0].ranking.all()] == [
        (1, mentors[1]),
        (2, mentors[0]),
    ]


def test_ranking_page_saves_the_order(login, program, cohort_people):
    mentees, mentors = cohort_people
    url = reverse("matching:ranking", args=[mentees[0].pk])
    client = login(mentees[0].user)
    response = client.post(
        url,
        {"mentor_1": mentors[1].pk, "reason_1": "Statistics", "mentor_2": mentors[0].pk,
         "reason_2": ""},
    )  # fmt: skip
    assert "Give a reason for Ana Mentor." in response.content.decode()
    assert not mentees[0].ranking.exists()
    client.post(url, {"mentor_1": mentors[1].pk, "reason_1": "Statistics"})
    assert [c.mentor for c in mentees[0].ranking.all()] == [mentors[1]]


def test_max_min_rounds_lift_the_worst_pair(
    program, coordinator, cohort_people, django_capture_on_commit_callbacks
):
    from lodestar.matching.suggestions import settings_for

    settings = settings_for(program)
    settings.algorithm = "optimal"
    settings.save()
    optimal = run(program, coordinator, django_capture_on_commit_callbacks)
    settings.algorithm = "maxmin"
    settings.save()
    fair = run(program, coordinator, django_capture_on_commit_callbacks)
    assert fair.metrics["algorithm"] == "maxmin"
    worst = {r: min(p.score for p in r.pairs.all()) for r in (optimal, fair)}
    assert fair.pairs.count() == optimal.pairs.count()  # as many mentees matched
    assert worst[fair] >= worst[optimal]
