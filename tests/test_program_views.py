import pytest
from django.urls import reverse

from lodestar.accounts.models import UserSkill
from lodestar.programs import services
from lodestar.programs.models import (
    IntakeQuestion,
    Membership,
    OnboardingCompletion,
    OnboardingItem,
    Program,
    Track,
)
from lodestar.programs.states import Status
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _apply_many(program, skill, n, prefix="a"):
    """n new members, each with a skill, applying as mentees to the program's current cohort."""
    track = program.tracks.get(kind=Track.Kind.INTERMEDIATE)
    cohort = program.cohorts.get()
    result = []
    for i in range(n):
        user = make_user(f"{prefix}{i}@example.org", f"Applicant {prefix}{i}")
        UserSkill.objects.create(user=user, skill=skill, kind="have", level=3)
        result.append(services.apply(user, program, cohort, track, "mentee", {}))
    return result


MANAGE_PAGES = [
    "programs:edit",
    "programs:review",
    "programs:tracks",
    "programs:cohorts",
    "programs:questions",
    "programs:onboarding",
    "programs:coordinators",
    "programs:invitations",
]


@pytest.mark.parametrize("name", MANAGE_PAGES)
def test_management_pages_are_for_this_programs_coordinators_only(cast, login, program, name):
    url = reverse(name, args=[program.slug])
    anonymous = login(None).get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.url
    for who in ("mentor", "mentee", "other_member", "other_coordinator"):
        assert login(cast[who]).get(url).status_code == 404, who
    assert login(cast["coordinator"]).get(url).status_code == 200


def test_draft_program_is_hidden_from_everyone_but_its_coordinators(cast, login, program):
    program.status = Program.ProgramStatus.DRAFT
    program.save()
    url = reverse("programs:detail", args=[program.slug])
    assert login(None).get(url).status_code == 404
    assert login(cast["other_coordinator"]).get(url).status_code == 404
    assert login(cast["coordinator"]).get(url).status_code == 200
    listing = login(cast["other_member"]).get(reverse("programs:list"))
    assert program.name not in listing.content.decode()


def test_membership_page_is_for_its_member_and_the_coordinators(cast, login, program):
    membership = cast["mentee"].memberships.get()
    url = reverse("programs:membership", args=[program.slug, membership.pk])
    assert login(None).get(url).status_code == 302
    for who in ("mentor", "other_member", "other_coordinator"):
        assert login(cast[who]).get(url).status_code == 404, who
    own = login(cast["mentee"]).get(url)
    assert own.status_code == 200
    assert "mentee@example.org" not in own.content.decode()  # the profile block is for coordinators
    coordinator_view = login(cast["coordinator"]).get(url)
    assert "mentee@example.org" in coordinator_view.content.decode()


def test_membership_of_another_program_is_404_under_this_programs_url(cast, login, program):
    foreign = cast["other_member"].memberships.get()
    url = reverse("programs:membership", args=[program.slug, foreign.pk])
    assert login(cast["coordinator"]).get(url).status_code == 404


def test_member_can_withdraw_but_not_approve_themselves(cast, login, program):
    membership = cast["mentee"].memberships.get()
    url = reverse("programs:transition", args=[program.slug, membership.pk])
    client = login(cast["mentee"])
    client.post(url, {"status": "active"})
    membership.refresh_from_db()
    assert membership.status == Status.APPROVED
    client.post(url, {"status": "withdrawn", "note": "Moving abroad"})
    membership.refresh_from_db()
    assert membership.status == Status.WITHDRAWN


def test_others_cannot_change_a_membership(cast, login, program):
    membership = cast["mentee"].memberships.get()
    url = reverse("programs:transition", args=[program.slug, membership.pk])
    for who in ("mentor", "other_member", "other_coordinator"):
        assert login(cast[who]).post(url, {"status": "withdrawn"}).status_code == 404
    membership.refresh_from_db()
    assert membership.status == Status.APPROVED


def test_bad_status_value_is_a_message_not_an_error(cast, login, program):
    membership = cast["mentee"].memberships.get()
    url = reverse("programs:transition", args=[program.slug, membership.pk])
    response = login(cast["coordinator"]).post(url, {"status": "<script>"}, follow=True)
    assert response.status_code == 200
    assert "Choose a valid status." in response.content.decode()


def test_apply_page_creates_an_application(login, program, skill):
    question = IntakeQuestion.objects.create(
        program=program, text="What do you want to be able to do?", kind="long", required=True
    )
    user = make_user("new@example.org", "Nia New")
    UserSkill.objects.create(user=user, skill=skill, kind="want", level=1, target_level=4)
    client = login(user)
    track = program.tracks.get(kind=Track.Kind.INTERMEDIATE)
    data = {"cohort": program.cohorts.get().pk, "track": track.pk, "role": "mentee"}
    response = client.post(reverse("programs:apply", args=[program.slug]), data)
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Membership.objects.filter(user=user).exists()
    data[f"q{question.pk}"] = "Lead a data team"
    response = client.post(reverse("programs:apply", args=[program.slug]), data)
    membership = Membership.objects.get(user=user)
    assert response.status_code == 302 and response.url == membership.get_absolute_url()
    assert membership.answers.get().value == "Lead a data team"


def test_apply_page_shows_the_service_error_for_a_mentor_question(login, program, skill):
    question = IntakeQuestion.objects.create(
        program=program, text="Years of experience", kind="scale", required=True, audience="mentors"
    )
    user = make_user("mentorish@example.org")
    UserSkill.objects.create(user=user, skill=skill, kind="have", level=5)
    track = program.tracks.get(kind=Track.Kind.INTERMEDIATE)
    data = {"cohort": program.cohorts.get().pk, "track": track.pk, "role": "mentor", "capacity": 2}
    response = login(user).post(reverse("programs:apply", args=[program.slug]), data)
    assert response.status_code == 200
    assert "This question needs an answer." in response.content.decode()
    data[f"q{question.pk}"] = "4"
    login(user).post(reverse("programs:apply", args=[program.slug]), data)
    assert Membership.objects.get(user=user).answers.get().value == 4


def test_apply_to_an_invite_only_program_without_invitation_is_explained(login, program, skill):
    program.admission = Program.Admission.INVITE
    program.save()
    user = make_user("uninvited@example.org")
    response = login(user).get(reverse("programs:apply", args=[program.slug]))
    assert "invite-only" in response.content.decode()
    track = program.tracks.get(kind=Track.Kind.INTERMEDIATE)
    data = {"cohort": program.cohorts.get().pk, "track": track.pk, "role": "mentee"}
    login(user).post(reverse("programs:apply", args=[program.slug]), data)
    assert not Membership.objects.filter(user=user).exists()


def test_apply_rejects_a_track_of_another_program(login, program, other_program, skill):
    user = make_user("sneaky@example.org")
    UserSkill.objects.create(user=user, skill=skill, kind="have", level=3)
    data = {
        "cohort": program.cohorts.get().pk,
        "track": other_program.tracks.first().pk,
        "role": "mentee",
    }
    response = login(user).post(reverse("programs:apply", args=[program.slug]), data)
    assert response.status_code == 200
    assert not Membership.objects.filter(user=user).exists()


def test_review_queue_filters_and_searches(login, coordinator, program, skill, mentor):
    _apply_many(program, skill, 3)
    client = login(coordinator)
    url = reverse("programs:review", args=[program.slug])
    page = client.get(url).content.decode()
    assert "Applicant a0" in page and "Mo Mentor" not in page  # applied is the default filter
    page = client.get(url, {"status": "approved"}).content.decode()
    assert "Mo Mentor" in page and "Applicant a0" not in page
    page = client.get(url, {"status": "", "q": "applicant a2"}).content.decode()
    assert "Applicant a2" in page and "Applicant a1" not in page
    page = client.get(url, {"status": "", "role": "mentor"}).content.decode()
    assert "Mo Mentor" in page and "Applicant a1" not in page
    assert client.get(url, {"status": "nonsense", "cohort": "x"}).status_code == 200


def test_review_queue_query_count_does_not_grow_with_applications(
    login, coordinator, program, skill, django_assert_max_num_queries
):
    _apply_many(program, skill, 3)
    client = login(coordinator)
    url = reverse("programs:review", args=[program.slug])
    client.get(url)
    with django_assert_max_num_queries(14):
        small = client.get(url)
    _apply_many(program, skill, 20, prefix="b")
    with django_assert_max_num_queries(14):
        large = client.get(url)
    assert small.content.decode().count('name="ids"') == 3
    assert large.content.decode().count('name="ids"') == 23


def test_review_queue_paginates(login, coordinator, program, skill):
    _apply_many(program, skill, 27)
    client = login(coordinator)
    url = reverse("programs:review", args=[program.slug])
    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()
    assert first.count('name="ids"') == 25 and second.count('name="ids"') == 2
    assert "Page 1 of 2" in first
    assert client.get(url, {"page": "999"}).status_code == 200


def test_bulk_approve_from_the_queue(login, coordinator, program, skill):
    people = _apply_many(program, skill, 3)
    client = login(coordinator)
    url = reverse("programs:review", args=[program.slug])
    response = client.post(
        url, {"ids": [people[0].pk, people[1].pk], "action": "approved", "message": "Welcome"}
    )
    assert response.status_code == 302
    statuses = dict(
        Membership.objects.filter(pk__in=[p.pk for p in people]).values_list("pk", "status")
    )
    assert statuses == {people[0].pk: "approved", people[1].pk: "approved", people[2].pk: "applied"}


def test_bulk_action_with_a_foreign_id_changes_nothing(
    login, coordinator, program, skill, other_member
):
    people = _apply_many(program, skill, 1)
    foreign = other_member.memberships.get()
    response = login(coordinator).post(
        reverse("programs:review", args=[program.slug]),
        {"ids": [people[0].pk, foreign.pk], "action": "declined"},
    )
    assert response.status_code == 200
    assert "not in this program" in response.content.decode()
    assert Membership.objects.get(pk=people[0].pk).status == "applied"
    assert Membership.objects.get(pk=foreign.pk).status == "approved"


def test_bulk_action_needs_a_selection(login, coordinator, program, skill):
    _apply_many(program, skill, 1)
    response = login(coordinator).post(
        reverse("programs:review", args=[program.slug]), {"action": "approved"}
    )
    assert "Select at least one application." in response.content.decode()


def test_member_ticks_the_checklist_with_htmx(login, program, mentee, coordinator):
    item = OnboardingItem.objects.create(program=program, text="Read the code of conduct")
    membership = mentee.memberships.get()
    url = reverse("programs:onboarding_toggle", args=[program.slug, membership.pk, item.pk])
    response = login(mentee).post(url, {"done": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and 'id="checklist"' in body and "Undo" in body
    assert OnboardingCompletion.objects.filter(membership=membership, item=item).exists()
    # Coordinators see the checklist but do not tick it for the member.
    assert login(coordinator).post(url, {"done": "0"}).status_code == 404
    assert OnboardingCompletion.objects.filter(membership=membership, item=item).exists()


def test_approved_member_sees_the_welcome_and_checklist(login, program, mentee):
    program.welcome_message = "See you at kick-off!"
    program.save()
    OnboardingItem.objects.create(program=program, text="Fill in the agreement template")
    membership = mentee.memberships.get()
    page = login(mentee).get(membership.get_absolute_url()).content.decode()
    assert "See you at kick-off!" in page and "Fill in the agreement template" in page
    home = login(mentee).get(reverse("home")).content.decode()
    assert "Finish onboarding for Women in Data" in home


def test_program_list_paginates_and_searches(client, coordinator, db):
    for i in range(14):
        services.create_program(
            coordinator, name=f"Circle {i:02}", slug=f"circle-{i}", status="open"
        )
    first = client.get(reverse("programs:list")).content.decode()
    assert first.count("card-title") == 12 and "Page 1 of 2" in first
    found = client.get(reverse("programs:list"), {"q": "circle 13"}).content.decode()
    assert found.count("card-title") == 1


def test_only_instance_admins_create_programs(login, coordinator, mentee):
    assert login(mentee).get(reverse("programs:create")).status_code == 404
    coordinator.is_staff = True
    coordinator.save()
    client = login(coordinator)
    response = client.post(
        reverse("programs:create"),
        {
            "name": "Book Club",
            "slug": "book-club",
            "status": "open",
            "admission": "approval",
            "matching_mode": "suggestions",
            "default_mentor_capacity": 2,
            "requires_agreement": "on",
            "goal_progress": "manual",
            "checkin_every_days": 21,
        },
    )
    assert response.status_code == 302
    program = Program.objects.get(slug="book-club")
    assert program.requires_agreement and program.goal_progress == "manual"
    assert program.checkin_every_days == 21
    assert program.tracks.count() == 3 and list(program.coordinators.all()) == [coordinator]


def test_program_slug_is_validated(login, coordinator, program):
    response = login(coordinator).post(
        reverse("programs:edit", args=[program.slug]),
        {
            "name": "X",
            "slug": "Bad Slug!",
            "status": "open",
            "admission": "approval",
            "matching_mode": "suggestions",
            "default_mentor_capacity": 2,
        },
    )
    assert response.status_code == 200
    program.refresh_from_db()
    assert program.slug == "women-in-data"


def test_cohort_dates_must_be_in_order(login, coordinator, program):
    response = login(coordinator).post(
        reverse("programs:cohorts", args=[program.slug]),
        {
            "name": "Backwards",
            "applications_open": "2027-03-01",
            "applications_close": "2027-02-01",
            "starts_on": "2027-04-01",
            "ends_on": "2027-03-01",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Applications must close after they open." in body
    assert "The cohort must end after it starts." in body
    assert not program.cohorts.filter(name="Backwards").exists()


def test_choice_question_needs_options(login, coordinator, program):
    url = reverse("programs:questions", args=[program.slug])
    data = {
        "text": "Pick one",
        "kind": "single",
        "audience": "all",
        "order": 0,
        "options_text": "Only",
    }
    response = login(coordinator).post(url, data)
    assert "at least two options" in response.content.decode()
    data["options_text"] = "Yes\nNo\nYes"
    login(coordinator).post(url, data)
    assert program.questions.get().options == ["Yes", "No"]


def test_question_with_answers_cannot_be_deleted(login, coordinator, program, skill):
    question = IntakeQuestion.objects.create(program=program, text="Why?", kind="short")
    person = _apply_many(program, skill, 1)[0]
    person.answers.create(question=question, value="Because")
    login(coordinator).post(reverse("programs:question_delete", args=[program.slug, question.pk]))
    assert IntakeQuestion.objects.filter(pk=question.pk).exists()


def test_coordinator_adds_and_removes_a_coordinator(login, coordinator, program, mentor):
    client = login(coordinator)
    url = reverse("programs:coordinators", args=[program.slug])
    response = client.post(url, {"email": "nobody@example.org"})
    assert "No member has this e-mail address" in response.content.decode()
    client.post(url, {"email": "MENTOR@example.org"})
    assert set(program.coordinators.all()) == {coordinator, mentor}
    client.post(url, {"remove": mentor.pk})
    assert list(program.coordinators.all()) == [coordinator]


def test_invitation_page_is_only_for_the_invited_address(login, program, coordinator, mentor):
    invitation = services.invite(
        program, program.cohorts.get(), "guest@example.org", "mentee", coordinator
    )
    url = reverse("programs:invitation", args=[invitation.token])
    assert login(mentor).get(url).status_code == 404
    guest = make_user("guest@example.org")
    assert login(guest).get(url).status_code == 200
    login(guest).post(url, {"decision": "decline"})
    invitation.refresh_from_db()
    assert invitation.declined_at is not None


def test_list_pages_keep_their_query_budget_as_data_grows(
    login, coordinator, program, skill, django_assert_max_num_queries
):
    """Program list, onboarding completion, invitations and notifications: no N+1."""
    client = login(coordinator)
    urls = [
        reverse("programs:list"),
        reverse("programs:onboarding", args=[program.slug]),
        reverse("programs:invitations", args=[program.slug]),
        reverse("notifications:list"),
        reverse("home"),
    ]
    OnboardingItem.objects.create(program=program, text="Code of conduct")
    first: dict[str, int] = {}
    for n in (2, 12):
        people = _apply_many(program, skill, n, prefix=f"g{n}")
        services.bulk_transition(program, [m.pk for m in people], Status.APPROVED, coordinator)
        for i in range(n):
            services.create_program(coordinator, name=f"P{n}-{i}", slug=f"p{n}-{i}", status="open")
            services.invite(
                program, program.cohorts.get(), f"inv{n}-{i}@example.org", "mentee", coordinator
            )
        for url in urls:
            # A ceiling (the home page gathers a section from every room), and no growth.
            with django_assert_max_num_queries(first.get(url, 20)) as counted:
                assert client.get(url).status_code == 200
            first.setdefault(url, len(counted.captured_queries))


def test_refusals_of_existing_records_are_audited(cast, login, program):
    from lodestar.core.models import AuditLog

    membership = cast["mentee"].memberships.get()
    login(cast["other_member"]).get(
        reverse("programs:membership", args=[program.slug, membership.pk])
    )
    login(cast["mentor"]).get(reverse("programs:review", args=[program.slug]))
    denied = AuditLog.objects.filter(action="access.denied").order_by("id")
    assert [(e.actor, e.target_type) for e in denied] == [
        (cast["other_member"], "programs.membership"),
        (cast["mentor"], "programs.program"),
    ]
