"""Stored XSS in the relationship workspace: every free-text field the pair or a coordinator
writes renders inert on every page that shows it, for every viewer."""

import pytest
from django.urls import reverse
from django.utils import timezone

from lodestar.mentoring import models as m
from lodestar.mentoring.services import change_status
from tests.test_stored_xss import MARK, PAYLOADS, executable_markers

pytestmark = pytest.mark.django_db


def _fill_workspace(payload, relationship, mentor, mentee, program, skill):
    today = timezone.localdate()
    agreement = m.Agreement.objects.create(
        relationship=relationship, version=1, objectives=payload, success_measures=payload,
        starts_on=today, ends_on=today + timezone.timedelta(days=60), cadence_days=14,
        channels=payload[:300], boundaries=payload, confidentiality=payload,
        accepted_at=timezone.now(), drafted_by=mentee,
    )  # fmt: skip
    for user in (mentor, mentee):
        m.AgreementAcceptance.objects.create(agreement=agreement, user=user)
    goal = m.Goal.objects.create(
        relationship=relationship, owner=mentee, title=payload[:200], description=payload,
        success_criteria=payload,
    )  # fmt: skip
    goal.skills.add(skill)
    m.GoalMilestone.objects.create(goal=goal, title=payload[:200], due_on=today)
    m.GoalComment.objects.create(goal=goal, author=mentor, body=payload)
    session = m.SessionLog.objects.create(
        relationship=relationship, logged_by=mentor, occurred_at=timezone.now(),
        duration_minutes=60, format="video", shared_notes=payload, next_steps=payload,
    )  # fmt: skip
    m.PrivateNote.objects.create(session=session, author=mentor, body=payload)
    m.PrivateNote.objects.create(session=session, author=mentee, body=payload)
    m.ActionItem.objects.create(
        relationship=relationship, session=session, assignee=mentee, title=payload[:300],
        due_on=today - timezone.timedelta(days=1),
    )  # fmt: skip
    m.Message.objects.create(relationship=relationship, author=mentor, body=payload)
    m.Reflection.objects.create(relationship=relationship, author=mentee, body=payload, shared=True)
    win = m.Win.objects.create(
        relationship=relationship, author=mentee, title=payload[:200], body=payload, on_wall=True
    )
    win.wall_consents.add(mentor, mentee)
    m.CheckIn.objects.create(
        relationship=relationship, author=mentee, rating=2, meeting_as_agreed="no",
        blockers=payload, comment=payload,
    )  # fmt: skip
    m.Concern.objects.create(
        program=program, relationship=relationship, reporter=mentee, category="conduct",
        body=payload, resolution=payload,
    )  # fmt: skip
    from lodestar.programs.models import Announcement, AnnouncementQuestion

    announcement = Announcement.objects.create(program=program, title=payload[:150], body=payload)
    AnnouncementQuestion.objects.create(
        announcement=announcement, author=mentee, body=payload, answer=payload
    )
    change_status(relationship, "completed", mentor, note=payload)
    m.Closure.objects.create(
        relationship=relationship, user=mentee, objectives_met="yes", reflection=payload
    )
    return goal, session, win


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_workspace_text_renders_inert_everywhere(
    payload, relationship, mentor, mentee, coordinator, program, skill, login
):
    goal, session, win = _fill_workspace(payload, relationship, mentor, mentee, program, skill)
    from lodestar.programs.models import Announcement

    announcement = Announcement.objects.get()
    pk, slug = relationship.pk, program.slug
    shared = [
        reverse("mentoring:detail", args=[pk]),
        reverse("mentoring:agreement", args=[pk]),
        reverse("mentoring:goal", args=[pk, goal.pk]),
        reverse("mentoring:sessions", args=[pk]),
        reverse("mentoring:session", args=[pk, session.pk]),
        reverse("mentoring:wins", args=[pk]),
        reverse("mentoring:wins_wall", args=[slug]),
        reverse("mentoring:checkins", args=[pk]),
        reverse("programs:announcements", args=[slug]),
        reverse("programs:announcement", args=[slug, announcement.pk]),
    ]
    pages = {
        mentee: [
            *shared,
            reverse("home"),
            reverse("mentoring:actions", args=[pk]),
            reverse("mentoring:messages", args=[pk]),
            reverse("mentoring:journal", args=[pk]),
            reverse("mentoring:list"),
            reverse("notifications:list"),
        ],
        mentor: [*shared, reverse("mentoring:messages", args=[pk])],
        coordinator: [
            *shared,
            reverse("mentoring:program_list", args=[slug]),
            reverse("mentoring:concerns", args=[slug]) + "?state=all",
        ],
    }
    for user, urls in pages.items():
        client = login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert executable_markers(html) == [], f"{user} {url}"
    # The text does reach the pages (a page that shows nothing would pass vacuously).
    detail = login(mentee).get(reverse("mentoring:goal", args=[pk, goal.pk])).content.decode()
    assert MARK in detail
