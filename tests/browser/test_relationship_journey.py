"""A mentoring relationship, end to end in a real browser.

A matched pair drafts and accepts an agreement (the relationship starts), the mentee adds a
goal with two milestones, the mentor logs a session with an action item, the mentee completes a
milestone, both check in, and the pair closes the relationship, the mentee opting in to mentor
next time. Locators go by label and role, so every control used is also labelled.
"""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lodestar.mentoring.models import ActionItem, CheckIn, Closure, Goal, SessionLog
from lodestar.mentoring.services import create_relationship
from lodestar.notifications.models import Notification
from lodestar.programs.models import Track
from tests.browser.test_matching_journey import _log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pair(program, mentor, mentee, coordinator):
    """Mo and Mei, matched last week: the program asks for an agreement first."""
    created = create_relationship(
        program.cohorts.get(),
        program.tracks.get(kind=Track.Kind.INTERMEDIATE),
        [mentor],
        [mentee],
        coordinator,
    )
    # A week back, so the session "three hours ago" is valid even just after midnight.
    created.started_on = timezone.localdate() - dt.timedelta(days=7)
    created.save(update_fields=["started_on"])
    return created


def _open(page, relationship) -> None:
    page.goto(f"/relationships/{relationship.pk}/")
    expect(page.get_by_role("heading", name="Mei Mentee & Mo Mentor")).to_be_visible()


def _agree(mo, mei, shoot, relationship) -> None:
    _open(mo, relationship)
    expect(mo.get_by_text("Proposed", exact=True)).to_be_visible()
    mo.get_by_role("link", name="Draft the agreement").click()
    mo.get_by_label("Objectives").fill("Mei designs and ships her first SQL dashboard.")
    mo.get_by_label("How we will measure success").fill("The dashboard is used by her team.")
    mo.get_by_label("How often we meet").select_option(label="Every two weeks")
    mo.get_by_label("Preferred channels").fill("Video call, chat in between")
    shoot(mo, "01-agreement-draft")
    mo.get_by_role("button", name="Save and accept this draft").click()
    expect(mo.get_by_text("Waiting for: Mei Mentee")).to_be_visible()

    _open(mei, relationship)
    agreement = mei.get_by_role("region", name="Agreement")
    expect(agreement).to_contain_text("Mei designs and ships her first SQL dashboard.")
    agreement.get_by_role("button", name="Accept version 1").click()
    expect(mei.get_by_text("Active", exact=True).first).to_be_visible()
    shoot(mei, "02-agreement-accepted")


def _goal_with_milestones(mei, shoot, relationship) -> None:
    _open(mei, relationship)
    mei.get_by_role("link", name="Add a goal").click()
    mei.get_by_label(re.compile(r"^Goal\b")).fill("Ship a SQL dashboard")
    mei.get_by_label("Success criteria").fill("My team uses it every week")
    mei.get_by_role("button", name="Save goal").click()
    expect(mei.get_by_role("heading", name="Ship a SQL dashboard")).to_be_visible()
    for title in ("Write the first join", "Present it to the team"):
        mei.get_by_label(re.compile(r"^Milestone\b")).fill(title)
        mei.get_by_role("button", name="Add milestone").click()
        expect(mei.get_by_text(title, exact=True)).to_be_visible()
    shoot(mei, "03-goal")


def _log_session(mo, shoot, relationship) -> None:
    _open(mo, relationship)
    mo.get_by_role("link", name="Log a session").click()
    when = timezone.localtime() - dt.timedelta(hours=3)
    mo.get_by_label("When").fill(when.strftime("%Y-%m-%dT%H:%M"))
    mo.get_by_label("Duration (minutes)").fill("45")
    mo.get_by_label("Format").select_option(label="Video call")
    mo.get_by_label("Shared notes").fill("We sketched the schema and wrote a first join.")
    mo.get_by_label("Action item 1").fill("Read the chapter on indexes")
    mo.get_by_label("Assigned to").first.select_option(label="Mei Mentee")
    shoot(mo, "04-session-form")
    mo.get_by_role("button", name="Log the session").click()
    expect(mo.get_by_text("We sketched the schema and wrote a first join.")).to_be_visible()


def _complete_milestone(mei, shoot, relationship) -> None:
    _open(mei, relationship)
    expect(mei.get_by_text("Read the chapter on indexes").first).to_be_visible()
    mei.get_by_role("link", name="Ship a SQL dashboard").first.click()
    mei.get_by_role("button", name=re.compile(r"^Mark done\s*: Write the first join")).click()
    expect(
        mei.get_by_role("button", name=re.compile(r"^Reopen\s*: Write the first join"))
    ).to_be_visible()
    expect(mei.get_by_text("50%").first).to_be_visible()
    shoot(mei, "05-milestone-done")


def _check_in(page, shoot, relationship, name: str) -> None:
    _open(page, relationship)
    page.get_by_role("link", name="Check in now").first.click()
    page.get_by_role("group", name=re.compile("How is it going")).get_by_label("4").check()
    page.get_by_role("group", name="Are you meeting as agreed?").get_by_label("Yes").check()
    page.get_by_role("group", name="Is this a good fit?").get_by_label("Yes").check()
    shoot(page, f"06-checkin-{name}")
    page.get_by_role("button", name="Send my check-in").click()
    expect(page.get_by_role("heading", name="Mei Mentee & Mo Mentor")).to_be_visible()


def _close(mei, mo, shoot, relationship) -> None:
    _open(mei, relationship)
    mei.get_by_role("link", name="Close the relationship").click()
    mei.get_by_role("group", name="Did we meet our objectives?").get_by_label("Yes").check()
    mei.get_by_label("Final reflection").fill("I can write SQL on my own now.")
    mei.get_by_label("I would like to mentor in a future cohort").check()
    shoot(mei, "07-close")
    mei.get_by_role("button", name="Close the relationship").click()
    expect(mei.get_by_text("Completed", exact=True).first).to_be_visible()

    _open(mo, relationship)
    mo.get_by_role("link", name="Add my closing words").first.click()
    mo.get_by_role("group", name="Did we meet our objectives?").get_by_label("Yes").check()
    mo.get_by_role("button", name="Add my closing words").click()
    expect(mo.get_by_text("I can write SQL on my own now.")).to_be_visible()
    shoot(mo, "08-closed")


def test_a_pair_agrees_sets_goals_meets_checks_in_and_closes(
    new_page, shoot, pair, mentor, mentee, coordinator
):
    mo, mei = new_page(), new_page()
    _log_in(mo, mentor.email)
    _log_in(mei, mentee.email)

    _agree(mo, mei, shoot, pair)
    pair.refresh_from_db()
    assert pair.status == "active" and pair.agreements.get().accepted_at is not None

    _goal_with_milestones(mei, shoot, pair)
    goal = Goal.objects.get(relationship=pair)
    assert goal.owner == mentee and goal.milestones.count() == 2

    _log_session(mo, shoot, pair)
    session = SessionLog.objects.get(relationship=pair)
    assert session.logged_by == mentor and session.duration_minutes == 45
    assert ActionItem.objects.get(relationship=pair).assignee == mentee

    _complete_milestone(mei, shoot, pair)
    assert goal.milestones.filter(done_at__isnull=False).count() == 1

    _check_in(mei, shoot, pair, "mentee")
    _check_in(mo, shoot, pair, "mentor")
    assert CheckIn.objects.filter(relationship=pair, good_fit=True).count() == 2

    _close(mei, mo, shoot, pair)
    pair.refresh_from_db()
    assert pair.status == "completed"
    assert Closure.objects.get(relationship=pair, user=mentee).mentor_next_time
    assert Closure.objects.filter(relationship=pair).count() == 2
    # The coordinator hears that Mei would like to mentor next time (the graduation path).
    assert Notification.objects.filter(user=coordinator, kind="closure_would_mentor").exists()
