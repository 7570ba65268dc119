"""Feedback and insights, end to end in a real browser.

A coordinator builds a survey with a 1-5 question and a text question, schedules it once for
the program, and opens it; the scheduler sends it; two members answer; the coordinator sees the
answers in the results, on the dashboard and in the CSV export.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from lodestar.feedback.models import Response, Round
from lodestar.feedback.surveys import run_schedules
from tests.browser.test_matching_journey import _log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

USEFUL = "How useful is the program so far?"
CHANGE = "What should we change?"


def _build(page, shoot, program) -> None:
    page.goto(reverse("feedback:surveys", args=[program.slug]))
    page.get_by_role("link", name="New survey").click()
    page.get_by_label(re.compile(r"^Title")).fill("Mid-cohort pulse")
    page.get_by_role("button", name="Create the survey").click()
    for kind, text, required in (("1 to 5", USEFUL, True), ("Short text", CHANGE, False)):
        page.get_by_label("Kind of question").select_option(label=kind)
        page.get_by_role("textbox", name=re.compile(r"^Question")).fill(text)
        if required:
            page.get_by_label("An answer is required").check()
        page.get_by_role("button", name="Add the question").click()
        expect(page.get_by_text(text).first).to_be_visible()
    page.get_by_label(re.compile(r"^Send")).select_option(label="Once, to an audience")
    page.get_by_role("button", name="Add the schedule").click()
    shoot(page, "01-builder")
    page.get_by_role("button", name="Open the survey").click()
    expect(page.get_by_text("Open", exact=True).first).to_be_visible()


def _answer(page, shoot, email: str, rating: str, text: str) -> None:
    _log_in(page, email)
    page.goto(reverse("feedback:my_surveys"))
    page.get_by_role("link", name=re.compile("Mid-cohort pulse")).first.click()
    page.get_by_role("group", name=re.compile(re.escape(USEFUL))).get_by_label(rating).check()
    page.get_by_label(CHANGE).fill(text)
    shoot(page, f"02-answer-{rating}")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("button", name="Save my changes")).to_be_visible()


def test_coordinator_builds_a_survey_members_answer_results_show_it(
    new_page, shoot, program, coordinator, mentor, mentee
):
    coord = new_page()
    _log_in(coord, coordinator.email)
    _build(coord, shoot, program)
    assert run_schedules() >= 1
    survey_round = Round.objects.get(survey__program=program)
    assert set(survey_round.invitees.all()) >= {mentor, mentee}

    _answer(new_page(), shoot, mentee.email, "4", "More office hours please")
    _answer(new_page(), shoot, mentor.email, "2", "Shorter surveys")
    assert Response.objects.filter(round=survey_round).count() == 2

    coord.goto(reverse("feedback:surveys", args=[program.slug]))
    coord.get_by_role("link", name="Results").first.click()
    expect(coord.get_by_text("More office hours please")).to_be_visible()
    expect(coord.get_by_text("Shorter surveys")).to_be_visible()
    expect(coord.get_by_text(re.compile(r"\b3(\.0)?\b")).first).to_be_visible()  # the average
    shoot(coord, "03-results")

    coord.goto(reverse("insights:dashboard", args=[program.slug]))
    satisfaction = coord.get_by_role("region", name="Satisfaction")
    # CSAT: one of the two ratings is a 4 or a 5, and there is no other source yet.
    expect(satisfaction).to_contain_text(re.compile(r"CSAT[^\n]*\n?\s*50(\.0)?"))
    # The section arrived through htmx and Chart.js drew its chart from the embedded data.
    canvas = satisfaction.locator("canvas[data-chart]").first
    expect(canvas).to_have_attribute("data-drawn", "1")
    assert canvas.evaluate("c => Boolean(window.Chart.getChart(c))")
    shoot(coord, "04-dashboard")
    export = coord.request.get(reverse("insights:export", args=[program.slug, "survey_responses"]))
    assert export.ok and "More office hours please" in export.text()
