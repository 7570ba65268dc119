"""Matching, end to end in a real browser.

A mentee sees her suggested mentors with the reasons, asks one of them with a note; the mentor
accepts and the relationship starts. A coordinator then runs a round for the cohort's remaining
mentees, locks a pair, swaps the mentors of two pairs, solves again and publishes. Locators go by
label and role, so the journey also checks that every control it uses is labelled.
"""

import re

import pytest
from playwright.sync_api import expect

from lodestar.accounts.models import ProfileLanguage, Skill, UserSkill
from lodestar.matching.models import MatchRequest, MatchRound
from lodestar.mentoring.models import Relationship
from lodestar.notifications.models import Notification
from lodestar.programs.models import Membership, Role, Track
from lodestar.programs.states import Status
from tests.browser.test_journey import PASSWORD_LABEL
from tests.conftest import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "You run SQL in production every day; I want to learn how to design a schema."


def _member(program, email, name, role, *, have=(), want=(), capacity=None) -> Membership:
    """An approved member of the program's cohort and intermediate track who speaks English.
    `have` is (skill, level) pairs, `want` (skill, level, target) triples."""
    user = make_user(email, name)
    ProfileLanguage.objects.create(user=user, language="en", proficiency="fluent")
    for skill, level in have:
        UserSkill.objects.create(user=user, skill=skill, kind="have", level=level)
    for skill, level, target in want:
        UserSkill.objects.create(
            user=user, skill=skill, kind="want", level=level, target_level=target
        )
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
def people(program, skill) -> dict[str, Membership]:
    """Three mentors with one place each and distinct skills; Mei wants SQL, which only Mo has
    at a higher level; Rae and Sol both want Python and statistics, so each of them fits both
    Ana and Ben and a swap of their mentors stays a feasible pair."""
    python = Skill.objects.create(name="Python", category=skill.category)
    stats = Skill.objects.create(name="Statistics", category=skill.category)
    return {
        "mo": _member(program, "mo@example.org", "Mo Mentor", Role.MENTOR,
                      have=[(skill, 5)], capacity=1),
        "ana": _member(program, "ana@example.org", "Ana Mentor", Role.MENTOR,
                       have=[(python, 5), (stats, 3)], capacity=1),
        "ben": _member(program, "ben@example.org", "Ben Mentor", Role.MENTOR,
                       have=[(stats, 5), (python, 3)], capacity=1),
        "mei": _member(program, "mei@example.org", "Mei Mentee", Role.MENTEE,
                       want=[(skill, 1, 3)]),
        "rae": _member(program, "rae@example.org", "Rae Mentee", Role.MENTEE,
                       want=[(python, 1, 4), (stats, 1, 2)]),
        "sol": _member(program, "sol@example.org", "Sol Mentee", Role.MENTEE,
                       want=[(stats, 1, 4), (python, 1, 2)]),
    }  # fmt: skip


def _log_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=re.compile("Welcome", re.I))).to_be_visible()


def _mentee_requests(page, shoot, program, mei: Membership) -> MatchRequest:
    _log_in(page, "mei@example.org")
    page.goto(f"/programs/{program.slug}/members/{mei.pk}/")
    shoot(page, "01-membership")
    page.get_by_role("link", name="Find your mentor").click()
    expect(page.get_by_role("heading", name=f"Find your mentor in {program.name}")).to_be_visible()

    suggested = page.get_by_role("region", name="Suggested for you")
    cards = suggested.get_by_role("article")
    expect(cards.first).to_be_visible()
    # Every suggestion says why in words; Mo's names the shared language and the skill.
    for card in cards.all():
        expect(card).to_contain_text("Both speak English")
    mo = suggested.get_by_role("article", name=re.compile(r"^Mo Mentor\b"))
    expect(mo).to_contain_text("Both speak English")
    expect(mo).to_contain_text(re.compile(r"wants to grow in SQL \(from 1 to 3\)"))
    expect(mo).to_contain_text("level 5")
    # Every mentor of the cohort can also be browsed and asked, each button naming its mentor.
    browse = page.get_by_role("region", name="All mentors in your cohort")
    for name in ("Mo Mentor", "Ana Mentor", "Ben Mentor"):
        expect(browse.get_by_role("button", name=f"Ask {name}")).to_be_visible()
    shoot(page, "02-suggestions")

    mo.get_by_label("Why Mo Mentor? (a sentence or two)").fill(NOTE)
    mo.get_by_role("button", name="Ask Mo Mentor").click()
    expect(page.get_by_role("heading", name="Mei Mentee asks Mo Mentor")).to_be_visible()
    expect(page.get_by_text("Request sent to Mo Mentor.")).to_be_visible()
    expect(page.get_by_text("Waiting for the mentor")).to_be_visible()
    expect(page.get_by_text(NOTE)).to_be_visible()
    expect(page.get_by_role("button", name="Withdraw my request")).to_be_visible()
    shoot(page, "03-request-sent")

    request = MatchRequest.objects.get()
    assert (request.mentee_id, request.mentor.user.email) == (mei.pk, "mo@example.org")
    assert request.status == MatchRequest.Status.PENDING and request.note == NOTE
    assert "Both speak English" in request.explanation and "SQL" in request.explanation
    return request


def _mentor_accepts(page, shoot, request: MatchRequest) -> None:
    _log_in(page, "mo@example.org")
    page.goto("/matching/requests/")
    waiting = page.get_by_role("region", name="Waiting for your answer")
    expect(waiting).to_contain_text(NOTE[:60])
    shoot(page, "04-mentor-requests")
    waiting.get_by_role("link", name="Mei Mentee").click()
    expect(page.get_by_role("heading", name="Mei Mentee asks Mo Mentor")).to_be_visible()
    expect(page.get_by_role("region", name="Why Lodestar suggested this pair")).to_contain_text(
        "Both speak English"
    )
    expect(page.get_by_role("region", name="About the mentee")).to_contain_text(
        "Wants to grow SQL from 1 to 3"
    )
    shoot(page, "05-request-for-mentor")
    page.get_by_role("button", name="Accept").click()

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Mo Mentor")
    expect(heading).to_contain_text("Mei Mentee")
    expect(page.get_by_text("You are now mentoring Mei Mentee.")).to_be_visible()
    shoot(page, "06-relationship")

    relationship = Relationship.objects.get()
    assert relationship.source == Relationship.Source.REQUEST
    assert page.url.endswith(relationship.get_absolute_url())
    assert [u.email for u in relationship.mentors()] == ["mo@example.org"]
    assert [u.email for u in relationship.mentees()] == ["mei@example.org"]
    request.refresh_from_db()
    assert request.status == MatchRequest.Status.ACCEPTED


def _ready_round(page) -> None:
    """The round page once solved. Jobs run inline in tests (the round's job is queued on
    commit, and the live server commits), so the redirect lands on the solved round; a failed
    round's alert ends the wait early with a clear failure."""
    ready = page.get_by_text("Ready for review", exact=True)
    expect(ready.or_(page.get_by_role("alert"))).to_be_visible()
    expect(ready).to_be_visible()


def _pairs(page):
    return page.get_by_role("region", name="Proposed pairs").get_by_role("table")


def _pair_row(page, mentee: str):
    return _pairs(page).get_by_role("row").filter(has_text=mentee)


def _mentors_in(page, people: dict[str, Membership]) -> dict[str, str]:
    """Each remaining mentee's proposed mentor, as the table shows it."""
    shown = {}
    for key in ("rae", "sol"):
        row = _pair_row(page, people[key].user.name)
        expect(row).to_have_count(1)
        text = row.inner_text()
        mentors = [people[m].user.name for m in ("ana", "ben") if people[m].user.name in text]
        assert len(mentors) == 1, text
        shown[key] = mentors[0]
    return shown


def _coordinator_runs_a_round(page, shoot, program, people: dict[str, Membership]) -> None:
    _log_in(page, "coord@example.org")
    page.goto(f"/matching/program/{program.slug}/rounds/")
    expect(page.get_by_role("heading", name="Matching rounds")).to_be_visible()
    start = page.get_by_role("region", name="Run a round")
    start.get_by_label("Cohort").select_option(label=program.cohorts.get().name)
    shoot(page, "07-rounds")
    start.get_by_role("button", name="Run matching").click()
    _ready_round(page)
    first = MatchRound.objects.get()
    expect(
        page.get_by_role("heading", name=re.compile(rf"^Round {first.pk} · Spring"))
    ).to_be_visible()

    # Only the two mentees without a mentor are proposed, each with a free mentor and a reason;
    # Mei has Mo now, and Mo is full.
    pairs = _pairs(page)
    expect(pairs.get_by_role("row")).to_have_count(3)  # the header and two pairs
    expect(pairs).not_to_contain_text("Mei Mentee")
    expect(pairs).not_to_contain_text("Mo Mentor")
    for key in ("rae", "sol"):
        expect(_pair_row(page, people[key].user.name)).to_contain_text("Both speak English")
    proposed = _mentors_in(page, people)
    assert set(proposed.values()) == {"Ana Mentor", "Ben Mentor"}, proposed
    shoot(page, "08-round-ready")

    # Lock Rae's pair.
    _pair_row(page, "Rae Mentee").get_by_role("button", name="Lock Rae Mentee").click()
    expect(
        _pair_row(page, "Rae Mentee").get_by_role("button", name="Unlock Rae Mentee")
    ).to_be_visible()
    expect(_pair_row(page, "Rae Mentee")).to_contain_text("locked")
    expect(_pair_row(page, "Sol Mentee")).not_to_contain_text("locked")
    assert first.pairs.get(mentee=people["rae"]).locked

    # Swap the mentors of the two pairs.
    page.get_by_label("Select the pair of Rae Mentee to swap").check()
    page.get_by_label("Select the pair of Sol Mentee to swap").check()
    shoot(page, "09-swap-ticked")
    page.get_by_role("button", name="Swap the two ticked pairs").click()
    swapped = {"rae": proposed["sol"], "sol": proposed["rae"]}
    expect(_pair_row(page, "Rae Mentee")).to_contain_text(swapped["rae"])
    expect(_pair_row(page, "Sol Mentee")).to_contain_text(swapped["sol"])
    assert _mentors_in(page, people) == swapped
    for key in ("rae", "sol"):
        expect(_pair_row(page, people[key].user.name)).to_contain_text("locked")
    shoot(page, "10-swapped")

    # Solve again: a new round that keeps the locked, swapped pairs, with fresh reasons.
    page.get_by_role("button", name="Solve again").click()
    expect(page.get_by_text("Solving again with your locks and exclusions.")).to_be_visible()
    _ready_round(page)
    second = MatchRound.objects.exclude(pk=first.pk).get()
    assert second.previous_id == first.pk
    expect(
        page.get_by_role("heading", name=re.compile(rf"^Round {second.pk} · Spring"))
    ).to_be_visible()
    # The result compares with the previous run.
    expect(page.get_by_role("columnheader", name=f"Round {first.pk}")).to_be_visible()
    expect(_pairs(page).get_by_role("row")).to_have_count(3)
    assert _mentors_in(page, people) == swapped
    for key in ("rae", "sol"):
        row = _pair_row(page, people[key].user.name)
        expect(row).to_contain_text("locked")
        expect(row).to_contain_text("Both speak English")
    shoot(page, "11-solved-again")

    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published: 2 pairs were asked to confirm.")).to_be_visible()
    expect(page.get_by_text("Published", exact=True)).to_be_visible()
    # A published round is frozen: no more review controls.
    expect(page.get_by_role("button", name="Publish")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^(Lock|Unlock|Exclude)"))).to_have_count(0)
    shoot(page, "12-published")

    newest = MatchRound.objects.order_by("-created_at", "-id").first()
    assert newest.pk == second.pk
    assert newest.status == MatchRound.Status.PUBLISHED and newest.published_at is not None
    pairs = list(newest.pairs.select_related("mentee__user__profile", "mentor__user__profile"))
    assert {(p.mentee.user.name, p.mentor.user.name) for p in pairs} == {
        ("Rae Mentee", swapped["rae"]),
        ("Sol Mentee", swapped["sol"]),
    }
    people_in_pairs = {u for p in pairs for u in (p.mentee.user_id, p.mentor.user_id)}
    notified = Notification.objects.filter(kind="match_proposed")
    assert set(notified.values_list("user_id", flat=True)) == people_in_pairs
    assert notified.count() == 4
    # Nobody outside the round heard about it.
    for key in ("mei", "mo"):
        assert not notified.filter(user=people[key].user).exists()


def test_mentee_requests_mentor_accepts_coordinator_runs_and_publishes_a_round(
    new_page, shoot, program, people
):
    mentee = new_page()
    request = _mentee_requests(mentee, shoot, program, people["mei"])

    mentor = new_page()
    _mentor_accepts(mentor, shoot, request)

    coordinator = new_page()
    _coordinator_runs_a_round(coordinator, shoot, program, people)
