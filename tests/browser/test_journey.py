"""The newcomer's journey, end to end in a real browser.

Sign up, verify the e-mail address from the test outbox, complete the profile, the style
questionnaire and the skills, apply to a program; a coordinator approves the application; the
member sees the welcome message and ticks the onboarding checklist. Locators go by label and
role, so the journey also checks that every control it uses is labelled.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from lodestar.accounts.models import User
from lodestar.programs.models import (
    IntakeQuestion,
    Membership,
    OnboardingCompletion,
    OnboardingItem,
)
from lodestar.programs.states import Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "ada@example.org"
MEMBER_PASSWORD = "a-long-and-unusual-passphrase-42"
COORDINATOR_PASSWORD = "coordinators-passphrase-2026"
WELCOME = "Welcome to Women in Data! Your kick-off call is on the first Monday."
# "Password" alone, not "Password (again)"; whatever the label's suffix.
PASSWORD_LABEL = re.compile(r"^Password(?!\s*\(again\))")
QUESTION = "What do you want to be able to do in six months?"
ONBOARDING = "Read the code of conduct"


@pytest.fixture
def journey_program(program, coordinator, skill):
    """The `program` of tests/conftest.py (open, approval required, a cohort taking applications
    today, the coordinator coord@example.org), with a welcome message, a required reflective
    question and one onboarding item."""
    coordinator.set_password(COORDINATOR_PASSWORD)
    coordinator.save(update_fields=["password"])
    program.welcome_message = WELCOME
    program.save(update_fields=["welcome_message"])
    IntakeQuestion.objects.create(
        program=program, text=QUESTION, kind=IntakeQuestion.Kind.LONG, required=True
    )
    OnboardingItem.objects.create(program=program, text=ONBOARDING)
    return program


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _confirmation_link() -> str:
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    message = mail.outbox[0]
    assert message.to == [EMAIL]
    match = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body)
    assert match, message.body
    # The link's host is the live server's; keep the path so the protocol setting cannot matter.
    return _path(match.group(0))


def _sign_up(page, shoot) -> None:
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label(PASSWORD_LABEL).fill(MEMBER_PASSWORD)
    page.get_by_label("Password (again)").fill(MEMBER_PASSWORD)
    shoot(page, "01-signup")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name=re.compile("verify", re.I))).to_be_visible()
    shoot(page, "02-verification-sent")

    page.goto(_confirmation_link())
    shoot(page, "03-confirm-email")
    page.get_by_role("button", name="Confirm").click()
    # Confirming in the browser that signed up logs the member in and lands on the home page.
    expect(page.get_by_role("heading", name=re.compile("Welcome", re.I))).to_be_visible()
    assert User.objects.get(email=EMAIL).emailaddress_set.get().verified


def _complete_profile(page, shoot) -> None:
    page.goto("/me/edit/")
    page.get_by_label("Display name").fill("Ada Lovelace")
    page.get_by_label("Pronouns").fill("she/her")
    page.get_by_label("Headline").fill("Data analyst")
    page.get_by_label("Time zone").select_option("Europe/London")
    page.get_by_label("Short bio").fill("Analyst moving into data engineering.")
    page.get_by_label("Learning objectives").fill("Design a data warehouse on my own.")
    page.get_by_label("Video call").check()
    shoot(page, "04-profile-edit")
    page.get_by_role("button", name=re.compile("Save", re.I)).click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    shoot(page, "05-profile")

    page.goto("/me/style/")
    answers = {
        "In a meeting I prefer": "A short agenda, then see where it goes",
        "I take feedback best when it is": "Direct and candid",
        "I think best when": "Talking it through live",
        "I learn best": "By doing",
    }
    for question, answer in answers.items():
        page.get_by_role("group", name=question).get_by_label(answer).check()
    shoot(page, "06-style")
    page.get_by_role("button", name=re.compile("Save", re.I)).click()
    expect(page.get_by_text("Your communication and learning style are saved.")).to_be_visible()

    user = User.objects.select_related("profile").get(email=EMAIL)
    assert user.profile.display_name == "Ada Lovelace"
    assert user.time_zone == "Europe/London"
    assert user.profile.formats == ["video"]
    assert user.profile.learning_style == "doing"


def _add_skill(page, shoot) -> None:
    page.goto("/me/skills/")
    form = page.get_by_role("form", name="Add a skill I have")
    form.get_by_label("Skill").select_option(label="SQL")
    form.get_by_label("Your level").select_option(label="3 - Competent")
    form.get_by_role("button", name="Add skill I have").click()
    have = page.get_by_role("region", name="Skills I have")
    expect(have.get_by_role("listitem").filter(has_text="SQL")).to_contain_text("level 3")
    shoot(page, "07-skills")
    skill = User.objects.get(email=EMAIL).skills.get()
    assert (skill.skill.name, skill.kind, skill.level) == ("SQL", "have", 3)


def _apply(page, shoot, program) -> Membership:
    page.goto(f"/programs/{program.slug}/apply/")
    page.get_by_label("Track").select_option(label="Intermediate")
    page.get_by_role("group", name="I want to join as").get_by_label("Mentee", exact=True).check()
    page.get_by_label(QUESTION).fill("Build and run a small data pipeline in production.")
    shoot(page, "08-apply")
    page.get_by_role("button", name="Submit application").click()
    expect(page.get_by_text("Your application is in.")).to_be_visible()
    shoot(page, "09-application")
    membership = Membership.objects.get(user__email=EMAIL, program=program)
    assert membership.status == Status.APPLIED
    assert membership.answers.get().value == "Build and run a small data pipeline in production."
    # The coordinator hears about it (the digest job runs inline in tests).
    assert any(m.to == ["coord@example.org"] for m in mail.outbox)
    return membership


def _approve(page, shoot, program, membership) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("coord@example.org")
    page.get_by_label(PASSWORD_LABEL).fill(COORDINATOR_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=re.compile("Welcome", re.I))).to_be_visible()

    page.goto(f"/programs/{program.slug}/review/")
    applications = page.get_by_role("table", name="Applications")
    expect(applications.get_by_role("row").filter(has_text="Ada Lovelace")).to_have_count(1)
    applications.get_by_role("checkbox", name="Select Ada Lovelace").check()
    page.get_by_label("Action").select_option(Status.APPROVED)
    page.get_by_label("Message").fill("Glad to have you with us.")
    shoot(page, "10-review")
    page.get_by_role("button", name="Apply", exact=True).click()
    expect(page.get_by_text("1 applications are now approved.")).to_be_visible()
    shoot(page, "11-reviewed")
    membership.refresh_from_db()
    assert membership.status == Status.APPROVED
    assert membership.transitions.last().actor.email == "coord@example.org"
    approved = [m for m in mail.outbox if m.to == [EMAIL] and WELCOME in m.body]
    assert len(approved) == 1, [m.subject for m in mail.outbox]
    assert "Glad to have you with us." in approved[0].body


def _onboard(page, shoot, program, membership) -> None:
    page.goto("/")
    expect(page.get_by_text(f"Finish onboarding for {program.name}: 1 left")).to_be_visible()
    shoot(page, "12-home-approved")
    page.get_by_role("link", name=re.compile("Finish onboarding")).click()
    expect(page.get_by_role("heading", name=f"Welcome to {program.name}")).to_be_visible()
    expect(page.get_by_text(WELCOME)).to_be_visible()
    checklist = page.get_by_role("region", name="Onboarding checklist")
    expect(checklist.get_by_text(ONBOARDING, exact=True)).to_be_visible()
    shoot(page, "13-membership")
    with page.expect_response(re.compile(r"/onboarding/\d+/$")) as response:
        checklist.get_by_role("button", name=re.compile(rf"^Mark done\s*:\s*{ONBOARDING}$")).click()
    # htmx swapped the checklist in place; a full-page post would mean htmx did not load.
    assert response.value.ok
    assert response.value.request.headers.get("hx-request") == "true"
    expect(
        checklist.get_by_role("button", name=re.compile(rf"^Undo\s*:\s*{ONBOARDING}$"))
    ).to_be_visible()
    shoot(page, "14-onboarding-done")
    completion = OnboardingCompletion.objects.get(membership=membership)
    assert completion.item.text == ONBOARDING

    # The checklist is done, so the home page no longer asks for it.
    page.goto("/")
    expect(page.get_by_text("Finish onboarding")).to_have_count(0)


def test_newcomer_signs_up_applies_is_approved_and_onboards(new_page, shoot, journey_program):
    member = new_page()
    _sign_up(member, shoot)
    _complete_profile(member, shoot)
    _add_skill(member, shoot)
    membership = _apply(member, shoot, journey_program)

    coordinator = new_page()
    _approve(coordinator, shoot, journey_program, membership)

    _onboard(member, shoot, journey_program, membership)
