import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from lodestar.accounts.models import UserSkill
from lodestar.core.models import AuditLog
from lodestar.notifications.models import Notification
from lodestar.programs import services
from lodestar.programs.models import (
    Cohort,
    IntakeQuestion,
    Invitation,
    Membership,
    MembershipTransition,
    OnboardingItem,
    Program,
    Role,
    Track,
)
from lodestar.programs.states import Status
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(skill):
    user = make_user("applicant@example.org", "Ada Applicant")
    UserSkill.objects.create(user=user, skill=skill, kind="want", level=1, target_level=3)
    return user


def intermediate(program):
    return program.tracks.get(kind=Track.Kind.INTERMEDIATE)


def test_creating_a_program_adds_default_tracks_and_its_creator_as_coordinator(coordinator):
    program = services.create_program(coordinator, name="New", slug="new")
    assert sorted(program.tracks.values_list("kind", flat=True)) == [
        "intermediate",
        "leadership",
        "peer",
    ]
    assert list(program.coordinators.all()) == [coordinator]
    assert coordinator.groups.filter(name="Coordinators").exists()
    assert AuditLog.objects.filter(action="program.created", program_id=program.pk).exists()


def test_apply_records_answers_and_the_first_transition(program, cohort, applicant):
    question = IntakeQuestion.objects.create(
        program=program, text="In six months?", kind="long", required=True
    )
    membership = services.apply(
        applicant, program, cohort, intermediate(program), Role.MENTEE, {question.pk: " Lead "}
    )
    assert membership.status == Status.APPLIED
    assert membership.answers.get().value == "Lead"
    assert list(membership.transitions.values_list("from_status", "to_status")) == [("", "applied")]


def test_required_answer_is_enforced_without_partial_writes(program, cohort, applicant):
    question = IntakeQuestion.objects.create(
        program=program, text="Why?", kind="short", required=True
    )
    with pytest.raises(ValidationError) as exc:
        services.apply(applicant, program, cohort, intermediate(program), Role.MENTEE, {})
    assert str(question.pk) in exc.value.message_dict
    assert not Membership.objects.filter(user=applicant).exists()


def test_question_for_mentors_only_is_not_required_of_mentees(program, cohort, applicant):
    IntakeQuestion.objects.create(
        program=program, text="Years?", kind="scale", required=True, audience="mentors"
    )
    membership = services.apply(applicant, program, cohort, intermediate(program), "mentee", {})
    assert membership.answers.count() == 0


def test_invalid_choice_and_scale_answers_are_rejected(program, cohort, applicant):
    single = IntakeQuestion.objects.create(
        program=program, text="Pick", kind="single", options=["a", "b"]
    )
    scale = IntakeQuestion.objects.create(program=program, text="Rate", kind="scale")
    with pytest.raises(ValidationError) as exc:
        services.apply(
            applicant,
            program,
            cohort,
            intermediate(program),
            Role.MENTEE,
            {single.pk: "c", scale.pk: "9"},
        )
    assert set(exc.value.message_dict) == {str(single.pk), str(scale.pk)}


def test_open_admission_approves_at_once_and_sends_the_welcome(
    program, cohort, applicant, django_capture_on_commit_callbacks
):
    program.admission = Program.Admission.OPEN
    program.welcome_message = "Our first meetup is on Monday."
    program.save()
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.apply(applicant, program, cohort, intermediate(program), "mentee", {})
    assert membership.status == Status.APPROVED
    assert len(mail.outbox) == 1
    assert "Our first meetup is on Monday." in mail.outbox[0].body
    assert mail.outbox[0].to == ["applicant@example.org"]


def test_applying_needs_a_skill(program, cohort):
    user = make_user("noskills@example.org")
    with pytest.raises(ValidationError, match="at least one skill"):
        services.apply(user, program, cohort, intermediate(program), Role.MENTEE, {})


def test_applying_twice_to_a_cohort_is_refused(program, cohort, applicant):
    services.apply(applicant, program, cohort, intermediate(program), Role.MENTEE, {})
    with pytest.raises(ValidationError, match="already applied"):
        services.apply(applicant, program, cohort, intermediate(program), Role.MENTOR, {}, 2)


def test_a_withdrawn_application_can_be_made_again(program, cohort, applicant):
    first = services.apply(applicant, program, cohort, intermediate(program), Role.MENTEE, {})
    services.transition(first, Status.WITHDRAWN, applicant, by_coordinator=False)
    again = services.apply(applicant, program, cohort, intermediate(program), Role.MENTOR, {}, 3)
    assert again.pk == first.pk
    again.refresh_from_db()
    assert (again.status, again.role, again.capacity) == ("applied", "mentor", 3)


def test_a_declined_member_cannot_reapply_to_the_same_cohort(
    program, cohort, applicant, coordinator
):
    first = services.apply(applicant, program, cohort, intermediate(program), Role.MENTEE, {})
    services.transition(first, Status.DECLINED, coordinator)
    with pytest.raises(ValidationError, match="already applied"):
        services.apply(applicant, program, cohort, intermediate(program), Role.MENTEE, {})


def test_closed_cohort_refuses_applications(program, applicant):
    today = timezone.localdate()
    closed = Cohort.objects.create(
        program=program,
        name="Past",
        applications_open=today - dt.timedelta(days=60),
        applications_close=today - dt.timedelta(days=30),
        starts_on=today - dt.timedelta(days=20),
        ends_on=today + dt.timedelta(days=20),
    )
    with pytest.raises(ValidationError, match="closed"):
        services.apply(applicant, program, closed, intermediate(program), Role.MENTEE, {})


def test_draft_program_refuses_applications(program, cohort, applicant):
    program.status = Program.ProgramStatus.DRAFT
    program.save()
    with pytest.raises(ValidationError, match="not taking applications"):
        services.apply(applicant, program, cohort, intermediate(program), Role.MENTEE, {})


def test_peer_tracks_take_peers_only(program, cohort, applicant):
    peer = program.tracks.get(kind=Track.Kind.PEER)
    with pytest.raises(ValidationError):
        services.apply(applicant, program, cohort, peer, Role.MENTEE, {})
    with pytest.raises(ValidationError):
        services.apply(applicant, program, cohort, intermediate(program), Role.PEER, {})
    assert services.apply(applicant, program, cohort, peer, Role.PEER, {}).role == "peer"


def test_mentor_gets_the_default_capacity(program, cohort, applicant):
    program.default_mentor_capacity = 4
    program.save()
    membership = services.apply(applicant, program, cohort, intermediate(program), "mentor", {})
    assert membership.capacity == 4


def test_invite_only_program_needs_an_invitation(program, cohort, applicant, coordinator):
    program.admission = Program.Admission.INVITE
    program.save()
    with pytest.raises(ValidationError, match="invite-only"):
        services.apply(applicant, program, cohort, intermediate(program), Role.MENTEE, {})
    invitation = services.invite(program, cohort, "Applicant@Example.org", "mentee", coordinator)
    membership = services.apply(applicant, program, cohort, intermediate(program), "mentee", {})
    assert membership.status == Status.APPROVED
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_transition_refuses_moves_the_state_machine_forbids(mentee, program, coordinator):
    membership = mentee.memberships.get()
    with pytest.raises(ValidationError, match="cannot become"):
        services.transition(membership, Status.WAITLISTED, coordinator)
    membership.refresh_from_db()
    assert membership.status == Status.APPROVED


def test_member_cannot_approve_themselves(program, cohort, applicant):
    membership = services.apply(applicant, program, cohort, intermediate(program), "mentee", {})
    with pytest.raises(ValidationError):
        services.transition(membership, Status.APPROVED, applicant, by_coordinator=False)


def test_transition_is_logged_with_actor_and_note(program, cohort, applicant, coordinator):
    membership = services.apply(applicant, program, cohort, intermediate(program), "mentee", {})
    services.transition(membership, Status.WAITLISTED, coordinator, "Full for now")
    last = membership.transitions.last()
    assert (last.from_status, last.to_status, last.actor, last.note) == (
        "applied",
        "waitlisted",
        coordinator,
        "Full for now",
    )
    entry = AuditLog.objects.filter(action="membership.waitlisted").get()
    assert entry.actor == coordinator and entry.program_id == program.pk
    notice = Notification.objects.get(user=applicant, kind="membership_waitlisted")
    assert "Full for now" in notice.body


def test_bulk_transition_is_all_or_nothing(program, cohort, coordinator, skill):
    people = []
    for i in range(3):
        user = make_user(f"bulk{i}@example.org")
        UserSkill.objects.create(user=user, skill=skill, kind="have", level=3)
        people.append(services.apply(user, program, cohort, intermediate(program), "mentee", {}))
    services.transition(people[0], Status.APPROVED, coordinator)
    with pytest.raises(ValidationError) as exc:
        services.bulk_transition(program, [m.pk for m in people], Status.WAITLISTED, coordinator)
    assert len(exc.value.messages) == 1
    assert Membership.objects.filter(status=Status.WAITLISTED).count() == 0
    moved = services.bulk_transition(
        program, [m.pk for m in people[1:]], Status.WAITLISTED, coordinator, "Soon!"
    )
    assert {m.status for m in moved} == {Status.WAITLISTED}
    assert MembershipTransition.objects.filter(to_status="waitlisted", note="Soon!").count() == 2


def test_bulk_transition_refuses_another_programs_members(
    program, other_program, other_member, coordinator
):
    foreign = other_member.memberships.get()
    with pytest.raises(ValidationError, match="not in this program"):
        services.bulk_transition(program, [foreign.pk], Status.DECLINED, coordinator)
    foreign.refresh_from_db()
    assert foreign.status == Status.APPROVED


def test_onboarding_items_follow_the_role(program, mentee, mentor):
    for_all = OnboardingItem.objects.create(program=program, text="Code of conduct")
    for_mentors = OnboardingItem.objects.create(
        program=program, text="Mentor training", audience="mentors"
    )
    mentee_membership = mentee.memberships.get()
    assert [i for i, _ in services.checklist(mentee_membership)] == [for_all]
    with pytest.raises(ValidationError):
        services.set_onboarding_item(mentee_membership, for_mentors, True)
    mentor_membership = mentor.memberships.get()
    services.set_onboarding_item(mentor_membership, for_mentors, True)
    services.set_onboarding_item(mentor_membership, for_mentors, True)
    assert services.checklist(mentor_membership) == [(for_all, False), (for_mentors, True)]
    services.set_onboarding_item(mentor_membership, for_mentors, False)
    assert services.checklist(mentor_membership)[1] == (for_mentors, False)


def test_checklist_is_closed_before_approval(program, cohort, applicant):
    item = OnboardingItem.objects.create(program=program, text="Read")
    membership = services.apply(applicant, program, cohort, intermediate(program), "mentee", {})
    with pytest.raises(ValidationError, match="once you are approved"):
        services.set_onboarding_item(membership, item, True)


def test_application_digest_is_sent_at_most_once_an_hour(
    program, cohort, coordinator, skill, django_capture_on_commit_callbacks
):
    def new_applicant(n):
        user = make_user(f"digest{n}@example.org", f"Digest {n}")
        UserSkill.objects.create(user=user, skill=skill, kind="have", level=3)
        with django_capture_on_commit_callbacks(execute=True):
            services.apply(user, program, cohort, intermediate(program), "mentee", {})

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        new_applicant(1)  # the job runs right after the application commits
    digests = Notification.objects.filter(user=coordinator, kind="application_digest")
    assert digests.count() == 1
    assert "Digest 1" in digests.get().body
    with time_machine.travel(start + dt.timedelta(minutes=20), tick=False):
        new_applicant(2)
        new_applicant(3)
        assert services.send_application_digests() == 0
    assert digests.count() == 1
    with time_machine.travel(start + dt.timedelta(minutes=61), tick=False):
        assert services.send_application_digests() == 1
        assert services.send_application_digests() == 0
    latest = digests.first()
    assert "Digest 2" in latest.body and "Digest 3" in latest.body
    assert "Digest 1" not in latest.body


def test_graduation_invites_a_completed_mentee_to_mentor(program, cohort, mentee, coordinator):
    membership = mentee.memberships.get()
    services.transition(membership, Status.ACTIVE, coordinator)
    services.transition(membership, Status.COMPLETED, coordinator)
    today = timezone.localdate()
    later = Cohort.objects.create(
        program=program,
        name="Autumn",
        applications_open=today,
        applications_close=today + dt.timedelta(days=30),
        starts_on=today + dt.timedelta(days=40),
        ends_on=today + dt.timedelta(days=200),
    )
    invitation = services.graduate(membership, later, coordinator, "You'd be great")
    assert invitation.kind == Invitation.Kind.GRADUATION
    assert Notification.objects.filter(user=mentee, kind="invitation").exists()
    new = services.accept_graduation(invitation, mentee, intermediate(program), capacity=2)
    assert (new.role, new.status, new.cohort, new.capacity) == ("mentor", "approved", later, 2)
    with pytest.raises(ValidationError, match="already been answered"):
        services.accept_graduation(invitation, mentee, intermediate(program), capacity=2)


def test_only_completed_mentees_graduate(program, mentee, mentor, coordinator, cohort):
    with pytest.raises(ValidationError):
        services.graduate(mentee.memberships.get(), cohort, coordinator)


def test_someone_else_cannot_accept_a_graduation(program, cohort, mentee, mentor, coordinator):
    membership = mentee.memberships.get()
    membership.status = Status.COMPLETED
    membership.save()
    today = timezone.localdate()
    later = Cohort.objects.create(
        program=program,
        name="Later",
        applications_open=today,
        applications_close=today,
        starts_on=today + dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=2),
    )
    invitation = services.graduate(membership, later, coordinator)
    with pytest.raises(ValidationError, match="another e-mail"):
        services.accept_graduation(invitation, mentor, intermediate(program), 2)


def test_a_program_keeps_at_least_one_coordinator(program, coordinator, mentor):
    with pytest.raises(ValidationError, match="at least one coordinator"):
        services.remove_coordinator(program, coordinator, coordinator)
    services.add_coordinator(program, mentor, coordinator)
    services.remove_coordinator(program, coordinator, mentor)
    assert list(program.coordinators.all()) == [mentor]
    assert not coordinator.groups.filter(name="Coordinators").exists()


def test_invitation_email_to_a_newcomer_is_sent_once(
    program, cohort, coordinator, django_capture_on_commit_callbacks
):
    from lodestar.programs.tasks import email_invitation_task

    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite(program, cohort, "newcomer@example.org", "mentee", coordinator)
    assert [m.to for m in mail.outbox] == [["newcomer@example.org"]]
    assert invitation.token in mail.outbox[0].body
    email_invitation_task(invitation.pk)
    assert len(mail.outbox) == 1


def test_a_second_open_invitation_is_refused(program, cohort, coordinator):
    services.invite(program, cohort, "x@example.org", "mentee", coordinator)
    with pytest.raises(ValidationError, match="already has an open invitation"):
        services.invite(program, cohort, "X@example.org", "mentor", coordinator)
