"""Every URL of the site, requested by every member of the cast.

The list of URL names comes from the resolver, so a page added tomorrow fails this test until
someone states here who may see it. Pages nobody may see fail closed: outsiders get 404 (not
403), so the existence of another program's records does not leak.
"""

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from lodestar.accounts.models import AvailabilityWindow, ProfileLanguage, SkillSuggestion, UserSkill
from lodestar.api.models import ApiToken
from lodestar.feedback.models import (
    AnonymousThread,
    Answer,
    Question,
    Response,
    Round,
    Schedule,
    Section,
    Survey,
)
from lodestar.insights.models import Alert
from lodestar.matching.models import MatchRequest, MatchRound, ProposedPair
from lodestar.mentoring.models import (
    ActionItem,
    Concern,
    Goal,
    GoalMilestone,
    Reflection,
    SessionLog,
    Win,
)
from lodestar.mentoring.services import create_relationship
from lodestar.notifications.models import Notification
from lodestar.programs import services
from lodestar.programs.models import Announcement, IntakeQuestion, OnboardingItem
from lodestar.scheduling.models import (
    Attendee,
    AwayPeriod,
    Booking,
    Event,
    Meeting,
    OfficeHours,
    OfficeHourSlot,
    SpeedRound,
)

# other_mentor mentors another pair of the same program and cohort.
ROLES = ["mentee", "mentor", "other_member", "other_mentor", "other_coordinator", "coordinator"]

# Reviewed: pages anyone may open without signing in.
PUBLIC = {"home", "programs:list", "programs:detail", "healthz"}
# Reviewed: allauth's own pages (sign-in, sign-up, password reset, e-mail, MFA). allauth checks
# them itself; test_security_accounts.py covers what we rely on.
ALLAUTH = {
    "account_login", "account_logout", "account_inactive", "account_signup",
    "account_reauthenticate", "account_request_reauthentication_code",
    "account_confirm_reauthentication_code", "account_email", "account_email_verification_sent",
    "account_change_password", "account_set_password", "account_reset_password",
    "account_confirm_login_code", "account_confirm_email", "account_reset_password_from_key_done",
    "account_reset_password_from_key", "account_reset_password_done", "mfa_index",
    "mfa_authenticate", "mfa_reauthenticate", "mfa_activate_totp", "mfa_deactivate_totp",
    "mfa_view_recovery_codes", "mfa_generate_recovery_codes", "mfa_download_recovery_codes",
}  # fmt: skip
# Reviewed: pages whose URL carries its own secret (a calendar feed token); tested with their
# token, a wrong one and a revoked one in test_scheduling_calendar.py.
BY_TOKEN = {"scheduling:feed", "notifications:unsubscribe", "feedback:anonymous_thread"}
# The REST API is checked operation by operation in test_api.py and test_api_fuzz.py.
API_PREFIX = "api:"


@dataclass
class Page:
    """Who may use a URL. `allowed` roles get 200 (GET) or a redirect/200 (POST)."""

    args: str = ""  # which objects fill the URL, see `url_args`
    allowed: set[str] = field(default_factory=set)
    method: str = "get"


EVERYONE = set(ROLES)
COORDINATOR = {"coordinator"}
SKILL_MANAGERS = {"coordinator", "other_coordinator"}  # coordinators of any program
MEMBERSHIP = {"mentee", "coordinator"}  # the member and their program's coordinators
PAIR = {"mentee", "mentor"}  # the relationship's participants
PAIR_AND_COORD = PAIR | COORDINATOR  # ... and their program's coordinators (read only)
PROGRAM_PEOPLE = {"mentee", "mentor", "other_mentor", "coordinator"}  # admitted + coordinators
HOST = {"mentor", "coordinator"}  # who hosts office hours or an event, and coordinators

PAGES: dict[str, Page] = {
    # A member's own pages: there is no object id, each one only ever sees their own.
    "accounts:profile": Page(allowed=EVERYONE),
    "accounts:profile_edit": Page(allowed=EVERYONE),
    "accounts:style": Page(allowed=EVERYONE),
    "accounts:languages": Page(allowed=EVERYONE),
    "accounts:availability": Page(allowed=EVERYONE),
    "accounts:skills": Page(allowed=EVERYONE),
    "accounts:demographics": Page(allowed=EVERYONE),
    "accounts:privacy": Page(allowed=EVERYONE),
    "accounts:export": Page(allowed=EVERYONE),
    "accounts:delete": Page(allowed=EVERYONE),
    "accounts:skill_suggest": Page(allowed=EVERYONE),
    "notifications:list": Page(allowed=EVERYONE),
    "notifications:read_all": Page(allowed=EVERYONE, method="post"),
    "notifications:preferences": Page(allowed=EVERYONE),
    "notifications:read": Page("notification", {"mentee"}, "post"),
    "api_tokens": Page(allowed=EVERYONE),
    # Objects that belong to the mentee.
    "accounts:language_delete": Page("language", {"mentee"}, "post"),
    "accounts:availability_delete": Page("window", {"mentee"}, "post"),
    "accounts:skill_delete": Page("user_skill", {"mentee"}, "post"),
    "api_token_revoke": Page("token", {"mentee"}, "post"),
    "programs:invitation": Page("invitation", {"mentee"}),
    # The organization's skill list.
    "accounts:taxonomy": Page(allowed=SKILL_MANAGERS),
    "accounts:skill_edit": Page("skill", SKILL_MANAGERS),
    "accounts:suggestion_review": Page("suggestion", SKILL_MANAGERS, "post"),
    # Programs.
    "programs:create": Page(allowed=set()),  # instance admins (staff) only; none in the cast
    "programs:apply": Page("program", EVERYONE),
    "programs:edit": Page("program", COORDINATOR),
    "programs:review": Page("program", COORDINATOR),
    "programs:tracks": Page("program", COORDINATOR),
    "programs:cohorts": Page("program", COORDINATOR),
    "programs:cohort": Page("cohort", COORDINATOR),
    "programs:questions": Page("program", COORDINATOR),
    "programs:question_delete": Page("question", COORDINATOR, "post"),
    "programs:onboarding": Page("program", COORDINATOR),
    "programs:onboarding_delete": Page("item", COORDINATOR, "post"),
    "programs:coordinators": Page("program", COORDINATOR),
    "programs:invitations": Page("program", COORDINATOR),
    "programs:membership": Page("membership", MEMBERSHIP),
    "programs:transition": Page("membership", MEMBERSHIP, "post"),
    "programs:graduate": Page("membership", COORDINATOR, "post"),
    "programs:onboarding_toggle": Page("onboarding", {"mentee"}, "post"),
    "programs:announcements": Page("program", PROGRAM_PEOPLE),
    "programs:announcement": Page("announcement", PROGRAM_PEOPLE),
    # Mentoring relationships: the pair and their program's coordinators.
    "mentoring:list": Page(allowed=EVERYONE),
    "mentoring:detail": Page("relationship", {"mentee", "mentor", "coordinator"}),
    "mentoring:status": Page("relationship", {"mentee", "mentor", "coordinator"}, "post"),
    "mentoring:program_list": Page("program", COORDINATOR),
    "mentoring:program_csv": Page("program", COORDINATOR),
    "mentoring:program_new": Page("program", COORDINATOR),
    # The relationship workspace: the pair writes, coordinators read what is not private.
    "mentoring:agreement": Page("relationship", PAIR_AND_COORD),
    "mentoring:agreement_edit": Page("relationship", PAIR),
    "mentoring:agreement_accept": Page("relationship", PAIR, "post"),
    "mentoring:goal": Page("goal", PAIR_AND_COORD),
    "mentoring:goal_add": Page("relationship", {"mentee"}),  # goals belong to mentees
    "mentoring:goal_edit": Page("goal", {"mentee"}),
    "mentoring:goal_status": Page("goal", {"mentee"}, "post"),
    "mentoring:goal_progress": Page("goal", {"mentee"}, "post"),
    "mentoring:goal_comment": Page("goal", PAIR, "post"),
    "mentoring:milestone_add": Page("goal", {"mentee"}, "post"),
    "mentoring:milestone_edit": Page("milestone", {"mentee"}),
    "mentoring:milestone_toggle": Page("milestone", {"mentee"}, "post"),
    "mentoring:milestone_delete": Page("milestone", {"mentee"}, "post"),
    "mentoring:assessment": Page("stage", PAIR),
    "mentoring:sessions": Page("relationship", PAIR_AND_COORD),
    "mentoring:session_new": Page("relationship", PAIR),
    "mentoring:session": Page("session", PAIR_AND_COORD),  # coordinators: metadata only
    "mentoring:session_edit": Page("session", {"mentor"}),  # who logged it, until confirmed
    "mentoring:session_delete": Page("session", {"mentor"}, "post"),
    "mentoring:session_confirm": Page("session", PAIR, "post"),
    "mentoring:session_note": Page("session", PAIR, "post"),
    "mentoring:actions": Page("relationship", PAIR),
    "mentoring:action_toggle": Page("action", PAIR, "post"),
    "mentoring:messages": Page("relationship", PAIR),
    "mentoring:journal": Page("relationship", PAIR),
    "mentoring:reflection_share": Page("reflection", {"mentee"}, "post"),
    "mentoring:reflection_delete": Page("reflection", {"mentee"}, "post"),
    "mentoring:wins": Page("relationship", PAIR_AND_COORD),
    "mentoring:win_consent": Page("win", PAIR, "post"),
    "mentoring:win_cheer": Page("win", PAIR_AND_COORD, "post"),
    "mentoring:win_delete": Page("win", PAIR, "post"),
    "mentoring:wins_wall": Page("program", PROGRAM_PEOPLE),
    # Scheduling: meetings of a relationship, a member's own away dates and calendar feed.
    "scheduling:meetings": Page(allowed=EVERYONE),
    "scheduling:meeting_new": Page("relationship", PAIR),
    "scheduling:meeting": Page("meeting", PAIR_AND_COORD),  # coordinators: metadata only
    "scheduling:meeting_counter": Page("meeting", PAIR),
    "scheduling:meeting_reschedule": Page("meeting", PAIR),
    "scheduling:meeting_answer": Page("meeting", PAIR, "post"),
    "scheduling:meeting_cancel": Page("meeting", PAIR, "post"),
    "scheduling:meeting_agenda": Page("meeting", PAIR, "post"),
    "scheduling:meeting_happened": Page("meeting", PAIR, "post"),
    "scheduling:meeting_ics": Page("meeting", PAIR),
    "scheduling:away": Page(allowed=EVERYONE),
    "scheduling:away_delete": Page("away", {"mentee"}, "post"),
    "scheduling:feed_settings": Page(allowed=EVERYONE),
    "scheduling:feed_regenerate": Page(allowed=EVERYONE, method="post"),
    "scheduling:feed_delete": Page(allowed=EVERYONE, method="post"),
    # Office hours, events and speed mentoring: the program's admitted members and coordinators;
    # the mentor hosts the world's office hours and events.
    "scheduling:calendar": Page("program", PROGRAM_PEOPLE),
    "scheduling:office_hours_new": Page("program", {"mentor", "other_mentor", "coordinator"}),
    "scheduling:office_hours": Page("office_hours", PROGRAM_PEOPLE),
    "scheduling:office_hours_slots": Page("office_hours", HOST, "post"),
    "scheduling:office_hours_stop": Page("office_hours", HOST, "post"),
    "scheduling:slot_cancel": Page("fresh_slot", HOST, "post"),  # deletes it: one per request
    "scheduling:slot_book": Page("slot", PROGRAM_PEOPLE, "post"),  # host, coordinators: refused
    "scheduling:booking_cancel": Page("booking", {"mentee"}, "post"),
    "scheduling:event_new": Page("program", COORDINATOR),
    "scheduling:event": Page("event", PROGRAM_PEOPLE),
    "scheduling:event_edit": Page("event", HOST),
    "scheduling:event_rsvp": Page("event", PROGRAM_PEOPLE, "post"),
    "scheduling:event_rsvp_cancel": Page("event", PROGRAM_PEOPLE, "post"),
    "scheduling:event_attendance": Page("event", HOST, "post"),
    "scheduling:event_cancel": Page("event", HOST, "post"),
    "scheduling:speed": Page("speed", PROGRAM_PEOPLE),
    "scheduling:speed_build": Page("speed", HOST, "post"),
    "scheduling:speed_follow_up": Page("speed", {"mentee"}, "post"),
    # Surveys: coordinators build and read results; invitees answer their own.
    "feedback:surveys": Page("program", COORDINATOR),
    "feedback:survey_new": Page("program", COORDINATOR),
    "feedback:survey": Page("survey", COORDINATOR),
    "feedback:survey_preview": Page("survey", COORDINATOR),
    "feedback:results": Page("survey", COORDINATOR),
    "feedback:results_csv": Page("survey", COORDINATOR),
    "feedback:survey_edit": Page("survey", COORDINATOR, "post"),
    "feedback:survey_open": Page("survey", COORDINATOR, "post"),
    "feedback:survey_close": Page("survey", COORDINATOR, "post"),
    "feedback:section_add": Page("survey", COORDINATOR, "post"),
    "feedback:question_add": Page("survey", COORDINATOR, "post"),
    "feedback:schedule_add": Page("survey", COORDINATOR, "post"),
    "feedback:section_delete": Page("survey_section", COORDINATOR, "post"),
    "feedback:question_edit": Page("survey_question", COORDINATOR),
    "feedback:question_delete": Page("survey_question", COORDINATOR, "post"),
    "feedback:question_move": Page("survey_question", COORDINATOR, "post"),
    "feedback:schedule_stop": Page("survey_schedule", COORDINATOR, "post"),
    "feedback:answer_tags": Page("survey_answer", COORDINATOR, "post"),
    "feedback:my_surveys": Page(allowed=EVERYONE),
    "feedback:answer": Page("survey_round", PAIR),  # the round's invitees
    "feedback:rate_session": Page("session", PAIR, "post"),
    # The anonymous channel: members write, coordinators answer without knowing who.
    "feedback:anonymous_new": Page("program", {"mentee", "mentor", "other_mentor"}),
    "feedback:anonymous_inbox": Page("program", COORDINATOR),
    "feedback:anonymous_reply": Page("thread", COORDINATOR, "post"),
    "feedback:anonymous_close": Page("thread", COORDINATOR, "post"),
    # Dashboards, equity, exports and the report: the program's coordinators; org-wide: admins.
    "insights:dashboard": Page("program", COORDINATOR),
    "insights:dashboard_csv": Page("dashboard_section", COORDINATOR),
    "insights:dashboard_section": Page("dashboard_section", COORDINATOR),
    "insights:equity": Page("program", COORDINATOR),
    "insights:export": Page("export", COORDINATOR),
    "insights:report": Page("program", COORDINATOR),
    "insights:report_pdf": Page("program", COORDINATOR),
    "insights:comments": Page("program", COORDINATOR),
    "insights:comment_tags": Page("program_answer", COORDINATOR, "post"),
    "insights:org": Page(allowed=set()),  # instance admins (superusers) only
    "insights:org_section": Page("section", allowed=set()),
    # At-risk alerts.
    "insights:alerts": Page("program", COORDINATOR),
    "insights:alert_settings": Page("program", COORDINATOR),
    "insights:alert": Page("alert", COORDINATOR, "post"),
    "mentoring:checkin": Page("relationship", PAIR),
    "mentoring:checkins": Page("relationship", PAIR_AND_COORD),  # answers: author and coordinators
    "mentoring:close": Page("relationship", PAIR),
    "mentoring:rematch": Page("relationship", PAIR),  # a mentor is told it is for mentees
    "mentoring:reassign": Page("relationship", COORDINATOR),
    "mentoring:concern_report": Page("relationship", PAIR),
    "mentoring:concerns": Page("program", COORDINATOR),
    "mentoring:concern_resolve": Page("concern", COORDINATOR, "post"),
    # Matching: a mentee's own suggestions, requests between the two people.
    "matching:suggestions": Page("mentee_membership", {"mentee"}),
    "matching:ranking": Page("mentee_membership", {"mentee"}),
    "matching:requests": Page(allowed=EVERYONE),
    "matching:request": Page("match_request", {"mentee", "mentor", "coordinator"}),
    "matching:request_answer": Page(
        "withdraw_request", {"mentee", "mentor", "coordinator"}, "post"
    ),  # only the mentee's withdrawal succeeds; the others get a message, see test_matching_*
    "matching:accepting": Page("mentor_membership", {"mentor"}, "post"),
    "matching:rounds": Page("program", COORDINATOR),
    "matching:settings": Page("program", COORDINATOR),
    "matching:round": Page("round", COORDINATOR),
    "matching:round_action": Page("round", COORDINATOR, "post"),
    "matching:round_csv": Page("round", COORDINATOR),
    "matching:pair": Page("pair", {"mentee", "mentor", "coordinator"}),
}


def url_names() -> set[str]:
    def walk(patterns, namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                if p.app_name == "admin":
                    continue  # Django's admin: staff only, signed in through allauth
                yield from walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name:
                yield namespace + p.name

    return set(walk(get_resolver().url_patterns))


def test_every_url_is_in_the_matrix():
    names = url_names()
    reviewed = set(PAGES) | PUBLIC | ALLAUTH | BY_TOKEN
    unknown = {n for n in names if n not in reviewed} - {
        n for n in names if n.startswith(API_PREFIX)
    }
    assert not unknown, f"Say who may use these new pages in PAGES: {sorted(unknown)}"
    stale = set(PAGES) - names
    assert not stale, f"These pages no longer exist: {sorted(stale)}"


@pytest.fixture
def everyone(cast, other_mentor):
    return {**cast, "other_mentor": other_mentor}


@pytest.fixture
def world(cast, program, skill):
    mentee = cast["mentee"]
    cohort = program.cohorts.get()
    membership = mentee.memberships.get()
    item = OnboardingItem.objects.create(program=program, text="Code of conduct")
    _token, _raw = ApiToken.issue(mentee, "laptop")
    invitation = services.invite(program, cohort, mentee.email, "mentor", cast["coordinator"])
    relationship = create_relationship(
        cohort, program.tracks.get(kind="intermediate"), [cast["mentor"]], [mentee],
        cast["coordinator"],
    )  # fmt: skip
    mentor_membership = cast["mentor"].memberships.get()
    goal = Goal.objects.create(relationship=relationship, owner=mentee, title="Learn SQL")
    milestone = GoalMilestone.objects.create(goal=goal, title="Joins")
    session = SessionLog.objects.create(
        relationship=relationship, logged_by=cast["mentor"], occurred_at=timezone.now(),
        duration_minutes=30, format="video",
    )  # fmt: skip
    action = ActionItem.objects.create(relationship=relationship, assignee=mentee, title="Read")
    meeting = Meeting.objects.create(
        relationship=relationship, proposed_by=cast["mentor"], format="video",
        starts_at=timezone.now() + dt.timedelta(days=3), duration_minutes=60,
    )  # fmt: skip
    Attendee.objects.create(meeting=meeting, user=mentee)
    away = AwayPeriod.objects.create(
        user=mentee, starts_on=timezone.localdate() + dt.timedelta(days=5),
        ends_on=timezone.localdate() + dt.timedelta(days=9),
    )  # fmt: skip
    hours = OfficeHours.objects.create(
        program=program, host=cast["mentor"], title="Ask me", format="video", capacity=2
    )
    soon = timezone.now() + dt.timedelta(days=2)

    def fresh_slot():
        made = OfficeHourSlot.objects.create(
            office_hours=hours, starts_at=soon, duration_minutes=30
        )
        return [made.pk]

    slot = OfficeHourSlot.objects.create(office_hours=hours, starts_at=soon, duration_minutes=30)
    booking = Booking.objects.create(
        slot=OfficeHourSlot.objects.create(office_hours=hours, starts_at=soon, duration_minutes=30),
        user=mentee,
    )
    event, speed = (
        Event.objects.create(
            program=program,
            host=cast["mentor"],
            kind=kind,
            title=kind,
            starts_at=soon,
            duration_minutes=60,
            format="video",
        )  # fmt: skip
        for kind in ("workshop", "speed")
    )
    SpeedRound.objects.create(event=speed, number=1, mentee=mentee, mentor=cast["mentor"])
    concern = Concern.objects.create(program=program, category="other", body="Worried")
    reflection = Reflection.objects.create(relationship=relationship, author=mentee, body="Hm")
    # By the mentor: the mentee (first in ROLES) is refused deleting it, then the mentor may.
    win = Win.objects.create(relationship=relationship, author=cast["mentor"], title="First query")
    match_request = MatchRequest.objects.create(
        program=program, mentee=membership, mentor=mentor_membership, note="Please"
    )
    matching_round = MatchRound.objects.create(
        program=program, cohort=cohort, status=MatchRound.Status.PUBLISHED
    )
    pair = ProposedPair.objects.create(
        round=matching_round, mentee=membership, mentor=mentor_membership, score=0.8
    )
    return {
        "round": [matching_round.pk],
        "pair": [pair.pk],
        "mentee_membership": [membership.pk],
        "mentor_membership": [mentor_membership.pk],
        "match_request": [match_request.pk],
        "withdraw_request": [match_request.pk, "withdraw"],
        "relationship": [relationship.pk],
        "goal": [relationship.pk, goal.pk],
        "milestone": [relationship.pk, goal.pk, milestone.pk],
        "stage": [relationship.pk, "start"],
        "session": [relationship.pk, session.pk],
        "action": [relationship.pk, action.pk],
        "reflection": [relationship.pk, reflection.pk],
        "win": [relationship.pk, win.pk],
        "concern": [program.slug, concern.pk],
        "meeting": [meeting.pk],
        **_survey_world(program, cast["mentor"], mentee),
        "dashboard_section": [program.slug, "funnel"],
        "section": ["funnel"],
        "export": [program.slug, "relationships"],
        "thread": [
            program.slug,
            AnonymousThread.objects.create(
                program=program, kind="feedback", token_hash="x" * 64
            ).pk,
        ],
        "alert": [
            program.slug,
            Alert.objects.create(program=program, kind="quiet", key="k", detail="Quiet").pk,
        ],
        "notification": [Notification.objects.create(user=mentee, kind="x", subject="Hi").pk],
        "announcement": [
            program.slug,
            Announcement.objects.create(program=program, title="News", body="Hello").pk,
        ],
        "office_hours": [hours.pk],
        "slot": [slot.pk],
        "fresh_slot": fresh_slot,
        "booking": [booking.pk],
        "event": [event.pk],
        "speed": [speed.pk],
        "away": [away.pk],
        "program": [program.slug],
        "cohort": [program.slug, cohort.pk],
        "membership": [program.slug, membership.pk],
        "onboarding": [program.slug, membership.pk, item.pk],
        "question": [
            program.slug,
            IntakeQuestion.objects.create(program=program, text="Why?", kind="short").pk,
        ],
        "item": [program.slug, item.pk],
        "language": [ProfileLanguage.objects.create(user=mentee, language="es").pk],
        "window": [
            AvailabilityWindow.objects.create(
                user=mentee, weekday=1, start=dt.time(9), end=dt.time(10)
            ).pk
        ],
        "user_skill": [UserSkill.objects.get(user=mentee).pk],
        "token": [_token.pk],
        "invitation": [invitation.token],
        "skill": [skill.pk],
        "suggestion": [SkillSuggestion.objects.create(name="Knitting", suggested_by=mentee).pk],
    }


def _survey_world(program, mentor, mentee) -> dict:
    survey = Survey.objects.create(program=program, title="Pulse")
    section = Section.objects.create(survey=survey, title="About you")
    question = Question.objects.create(survey=survey, kind="scale", text="How useful?")
    schedule = Schedule.objects.create(survey=survey, trigger="once")
    survey_round = Round.objects.create(
        survey=survey, key="once", closes_at=timezone.now() + dt.timedelta(days=7)
    )
    survey_round.invitees.add(mentor, mentee)
    response = Response.objects.create(round=survey_round, user=mentee)
    answer = Answer.objects.create(response=response, question=question, value=4)
    return {
        "survey": [survey.pk],
        "survey_section": [survey.pk, section.pk],
        "survey_question": [survey.pk, question.pk],
        "survey_schedule": [survey.pk, schedule.pk],
        "survey_answer": [survey.pk, answer.pk],
        "program_answer": [program.slug, answer.pk],
        "survey_round": [survey_round.pk],
    }


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_answers_each_role_as_stated(name, world, everyone, login):
    page = PAGES[name]
    args = world[page.args] if page.args else []

    def send(client):
        # A callable makes a fresh object per request, for actions that delete theirs.
        url = reverse(name, args=args() if callable(args) else args)
        return getattr(client, page.method)(url)

    anonymous = send(login(None))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.url, "anonymous"
    # Refused roles first, so an allowed POST that deletes the object cannot hide a leak.
    for role in [r for r in ROLES if r not in page.allowed]:
        assert send(login(everyone[role])).status_code == 404, role
    for role in [r for r in ROLES if r in page.allowed]:
        # An empty POST may be refused as invalid input (400): the page still answered.
        expected = {200} if page.method == "get" else {200, 302, 400}
        assert send(login(everyone[role])).status_code in expected, role


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PUBLIC - {"healthz"}))
def test_public_pages_open_without_signing_in(name, program, client):
    args = [program.slug] if name == "programs:detail" else []
    assert client.get(reverse(name, args=args)).status_code == 200
