"""Surveys: the builder, the schedules that send rounds, answering, reminders and results.

A survey is built as a draft, then opened: from then on its questions are frozen so that every
round's answers stay comparable; a coordinator may only close it. Schedules send rounds:
- relationship moments (first session, midpoint, closing) send one round per relationship, to
  its participants, keyed "<trigger>:<relationship id>";
- recurring and one-off schedules send a round to the program's admitted members (filtered by
  role, cohort and track), keyed "recurring:<schedule id>:<date>" and "once:<schedule id>".
The key is unique per survey, so running the scheduler twice never sends twice.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lodestar.accounts.models import User
from lodestar.core.models import audit
from lodestar.mentoring.models import Agreement, Participant, Relationship
from lodestar.mentoring.states import Status as RelationshipStatus
from lodestar.notifications.services import notify_many
from lodestar.programs.access import is_coordinator
from lodestar.programs.models import Membership, Program, Role
from lodestar.programs.states import ADMITTED_STATUSES
from lodestar.scheduling import ledger

from . import metrics
from .models import Answer, Question, Response, Round, Schedule, Section, Survey

CHOICE_KINDS = {Question.Kind.SINGLE, Question.Kind.MULTIPLE}
TEXT_KINDS = {Question.Kind.SHORT, Question.Kind.LONG}
TEXT_LIMITS = {Question.Kind.SHORT: 300, Question.Kind.LONG: 5000}
MAX_OPTIONS = 20
MAX_OPTION_LENGTH = 150
RELATIONSHIP_TRIGGERS = {
    Schedule.Trigger.FIRST_SESSION,
    Schedule.Trigger.MIDPOINT,
    Schedule.Trigger.CLOSING,
}
REMIND_BEFORE = dt.timedelta(days=3)
# A round that opened less than this long ago gets no reminder: the invitation is still fresh.
REMIND_AFTER_OPENING = dt.timedelta(days=1)


# Access ------------------------------------------------------------------------------------


def get_survey_for(user, pk: int) -> Survey:
    """A survey for its program's coordinators; everyone else gets a 404, logged."""
    survey = Survey.objects.select_related("program").filter(pk=pk).first()
    if survey is None:
        raise Http404
    if not is_coordinator(user, survey.program):
        if user.is_authenticated:
            audit(user, "access.denied", survey, survey.program_id)
        raise Http404
    return survey


def get_round_for(user, pk: int) -> Round:
    """A round its invitees may answer; nobody else, not even coordinators, opens it."""
    found = (
        Round.objects.select_related("survey__program", "relationship")
        .filter(pk=pk, invitees=user)
        .first()
    )
    if found is None:
        raise Http404
    return found


# Builder -----------------------------------------------------------------------------------


def ensure_draft(survey: Survey) -> None:
    if survey.status != Survey.Status.DRAFT:
        raise ValidationError(
            _(
                "This survey has been opened: its questions are frozen so that answers stay "
                "comparable. Make a new survey to ask different questions."
            )
        )


def _clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("Give the survey a title."))
    return title[:150]


@transaction.atomic
def create_survey(program: Program, actor, title: str, intro: str = "") -> Survey:
    survey = Survey.objects.create(
        program=program, title=_clean_title(title), intro=(intro or "").strip()[:2000],
        created_by=actor,
    )  # fmt: skip
    audit(actor, "survey.created", survey, program.pk)
    return survey


@transaction.atomic
def update_survey(survey: Survey, actor, title: str, intro: str = "") -> Survey:
    ensure_draft(survey)
    survey.title = _clean_title(title)
    survey.intro = (intro or "").strip()[:2000]
    survey.save(update_fields=["title", "intro", "updated_at"])
    audit(actor, "survey.updated", survey, survey.program_id)
    return survey


@transaction.atomic
def add_section(survey: Survey, actor, title: str) -> Section:
    ensure_draft(survey)
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("Give the section a title."))
    last = survey.sections.order_by("-order").values_list("order", flat=True).first()
    section = Section.objects.create(
        survey=survey, title=title[:150], order=0 if last is None else last + 1
    )
    audit(actor, "survey.section_added", survey, survey.program_id)
    return section


@transaction.atomic
def delete_section(section: Section, actor) -> None:
    """Its questions stay, outside any section."""
    ensure_draft(section.survey)
    section.delete()
    audit(actor, "survey.section_deleted", section.survey, section.survey.program_id)


def parse_options(text: str) -> list[str]:
    """Choices typed one per line; blank lines and repeats are dropped."""
    options: list[str] = []
    for line in (text or "").splitlines():
        line = line.strip()
        if line and line not in options:
            options.append(line)
    return options


def clean_question(
    survey: Survey, kind: str, text: str, options: list[str], section: Section | None
) -> tuple[str, list[str]]:
    if kind not in Question.Kind.values:
        raise ValidationError(_("Choose what kind of question this is."))
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write the question."))
    if len(text) > 300:
        raise ValidationError(_("Keep the question under 300 characters."))
    if section is not None and section.survey_id != survey.pk:
        raise ValidationError(_("Choose a section of this survey."))
    if kind in CHOICE_KINDS:
        if len(options) < 2:
            raise ValidationError(_("A choice question needs at least two choices, one per line."))
        if len(options) > MAX_OPTIONS:
            raise ValidationError(_("Offer at most %(n)s choices.") % {"n": MAX_OPTIONS})
        if any(len(o) > MAX_OPTION_LENGTH for o in options):
            raise ValidationError(
                _("Keep each choice under %(n)s characters.") % {"n": MAX_OPTION_LENGTH}
            )
    else:
        options = []  # only choice questions have choices; stray lines are ignored
    return text, options


@transaction.atomic
def save_question(
    survey: Survey,
    actor,
    *,
    kind: str,
    text: str,
    options: list[str],
    required: bool = False,
    help_text: str = "",
    section: Section | None = None,
    order: int | None = None,
    question: Question | None = None,
) -> Question:
    """Add a question (at the end unless `order` is given) or change one of a draft survey."""
    ensure_draft(survey)
    text, options = clean_question(survey, kind, text, options, section)
    if question is None:
        question = Question(survey=survey)
        if order is None:
            last = survey.questions.order_by("-order").values_list("order", flat=True).first()
            order = 0 if last is None else last + 1
    elif question.survey_id != survey.pk:
        raise ValidationError(_("This question belongs to another survey."))
    question.kind = kind
    question.text = text
    question.help_text = (help_text or "").strip()[:300]
    question.options = options
    question.required = bool(required)
    question.section = section
    if order is not None:
        question.order = max(0, min(int(order), 32767))
    question.save()
    audit(actor, "survey.question_saved", survey, survey.program_id, question=question.pk)
    return question


@transaction.atomic
def delete_question(question: Question, actor) -> None:
    survey = question.survey
    ensure_draft(survey)
    question.delete()
    audit(actor, "survey.question_deleted", survey, survey.program_id)


@transaction.atomic
def move_question(question: Question, actor, up: bool) -> None:
    """Swap a question with its neighbour; orders are renumbered 0..n-1 on the way."""
    survey = question.survey
    ensure_draft(survey)
    questions = list(survey.questions.select_for_update().order_by("order", "id"))
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(questions):
        questions[index], questions[other] = questions[other], questions[index]
    for position, q in enumerate(questions):
        q.order = position
    Question.objects.bulk_update(questions, ["order"])
    audit(actor, "survey.question_moved", survey, survey.program_id)


def questions_of(survey: Survey) -> list[Question]:
    """The questions in the order members see them: section by section, then those outside."""
    questions = list(survey.questions.select_related("section"))
    return sorted(
        questions,
        key=lambda q: (
            q.section is None,
            (q.section.order, q.section.pk) if q.section else (0, 0),
            q.order,
            q.pk,
        ),
    )


def grouped(questions: list[Question]) -> list[tuple[Section | None, list[Question]]]:
    """Consecutive questions of the same section, for headings."""
    groups: list[tuple[Section | None, list[Question]]] = []
    for q in questions:
        if groups and groups[-1][0] == q.section:
            groups[-1][1].append(q)
        else:
            groups.append((q.section, [q]))
    return groups


@transaction.atomic
def open_survey(survey: Survey, actor) -> Survey:
    ensure_draft(survey)
    if not survey.questions.exists():
        raise ValidationError(_("Add at least one question before opening the survey."))
    survey.status = Survey.Status.OPEN
    survey.save(update_fields=["status", "updated_at"])
    audit(actor, "survey.opened", survey, survey.program_id)
    return survey


@transaction.atomic
def close_survey(survey: Survey, actor) -> Survey:
    """No new rounds go out and answers can no longer change; results stay."""
    if survey.status != Survey.Status.OPEN:
        raise ValidationError(_("Only an open survey can be closed."))
    survey.status = Survey.Status.CLOSED
    survey.save(update_fields=["status", "updated_at"])
    audit(actor, "survey.closed", survey, survey.program_id)
    return survey


@transaction.atomic
def add_schedule(survey: Survey, actor, schedule: Schedule) -> Schedule:
    """Attach an unsaved schedule (from the form) after checking it makes sense."""
    if survey.status == Survey.Status.CLOSED:
        raise ValidationError(_("This survey is closed: it sends nothing more."))
    if schedule.trigger not in Schedule.Trigger.values:
        raise ValidationError(_("Choose when the survey goes out."))
    if schedule.trigger == Schedule.Trigger.RECURRING:
        if not schedule.every_days or schedule.every_days < 7:
            raise ValidationError(_("Say every how many days (7 or more) the survey goes out."))
    else:
        schedule.every_days = None
    if schedule.cohort is not None and schedule.cohort.program_id != survey.program_id:
        raise ValidationError(_("Choose a cohort of this program."))
    if schedule.track is not None and schedule.track.program_id != survey.program_id:
        raise ValidationError(_("Choose a track of this program."))
    if not 1 <= schedule.answer_within_days <= 90:
        raise ValidationError(_("Give members between 1 and 90 days to answer."))
    schedule.survey = survey
    schedule.next_run_on = None
    schedule.is_active = True
    schedule.save()
    audit(actor, "survey.schedule_added", survey, survey.program_id, trigger=schedule.trigger)
    return schedule


@transaction.atomic
def stop_schedule(schedule: Schedule, actor) -> None:
    """Rounds already sent stay (with their answers); nothing new goes out."""
    Schedule.objects.filter(pk=schedule.pk).update(is_active=False)
    audit(actor, "survey.schedule_stopped", schedule.survey, schedule.survey.program_id)


# Sending rounds ----------------------------------------------------------------------------


def _as_moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _participant_filter(schedule: Schedule) -> Q:
    """The schedule's role filter applied to relationship participants."""
    if schedule.role in {Role.MENTOR}:
        return Q(role=Participant.Role.MENTOR)
    if schedule.role in {Role.MENTEE, Role.PEER}:
        return Q(role__in=[Participant.Role.MENTEE, Participant.Role.PEER])
    return Q()


def _relationships(schedule: Schedule) -> QuerySet[Relationship]:
    relationships = Relationship.objects.filter(program_id=schedule.survey.program_id)
    if schedule.cohort_id:
        relationships = relationships.filter(cohort_id=schedule.cohort_id)
    if schedule.track_id:
        relationships = relationships.filter(track_id=schedule.track_id)
    return relationships.prefetch_related(
        Prefetch(
            "participants",
            queryset=Participant.objects.filter(_participant_filter(schedule)).select_related(
                "user"
            ),
            to_attr="invited",
        )
    )


def _midpoint(relationship: Relationship) -> dt.date:
    """Halfway through the accepted agreement, or through the cohort without one."""
    agreements = [a for a in relationship.accepted if a.accepted_at]
    if agreements:
        starts, ends = agreements[0].starts_on, agreements[0].ends_on
    else:
        starts, ends = relationship.cohort.starts_on, relationship.cohort.ends_on
    return starts + (ends - starts) / 2


def relationship_moments(
    schedule: Schedule, now: dt.datetime
) -> list[tuple[Relationship, dt.datetime]]:
    """Relationships whose moment for this schedule has come, with when it came.

    Only moments of the last `answer_within_days` count: a survey about a first session months
    ago would be stale, and a survey opened today must not reach every past relationship.
    """
    since = now - dt.timedelta(days=schedule.answer_within_days)
    relationships = _relationships(schedule)
    found: list[tuple[Relationship, dt.datetime]] = []
    if schedule.trigger == Schedule.Trigger.FIRST_SESSION:
        relationships = relationships.filter(
            status__in=[RelationshipStatus.ACTIVE, RelationshipStatus.PAUSED],
            first_session_at__gt=since,
            first_session_at__lte=now,
        )
        found += [(r, r.first_session_at) for r in relationships]
    elif schedule.trigger == Schedule.Trigger.MIDPOINT:
        relationships = (
            relationships.filter(status__in=[RelationshipStatus.ACTIVE, RelationshipStatus.PAUSED])
            .select_related("cohort")
            .prefetch_related(
                Prefetch(
                    "agreements",
                    queryset=Agreement.objects.filter(accepted_at__isnull=False).order_by(
                        "-version"
                    ),
                    to_attr="accepted",
                )
            )
        )
        for r in relationships:
            moment = _as_moment(_midpoint(r))
            if since < moment <= now:
                found.append((r, moment))
    elif schedule.trigger == Schedule.Trigger.CLOSING:
        relationships = relationships.filter(
            status=RelationshipStatus.COMPLETED, ended_on__isnull=False
        )
        for r in relationships.filter(ended_on__gt=since.date(), ended_on__lte=now.date()):
            found.append((r, _as_moment(r.ended_on)))
    return found


def audience_of(schedule: Schedule) -> QuerySet:
    """The program's admitted members the schedule is for."""
    memberships = Membership.objects.filter(
        program_id=schedule.survey.program_id, status__in=ADMITTED_STATUSES
    )
    if schedule.role == Role.MENTOR:
        memberships = memberships.filter(role__in=[Role.MENTOR, Role.BOTH])
    elif schedule.role == Role.MENTEE:
        memberships = memberships.filter(role__in=[Role.MENTEE, Role.BOTH])
    elif schedule.role:
        memberships = memberships.filter(role=schedule.role)
    if schedule.cohort_id:
        memberships = memberships.filter(cohort_id=schedule.cohort_id)
    if schedule.track_id:
        memberships = memberships.filter(track_id=schedule.track_id)
    return User.objects.filter(is_active=True, memberships__in=memberships).distinct()


def round_url(found: Round) -> str:
    return reverse("feedback:answer", args=[found.pk])


def send_round(
    survey: Survey,
    key: str,
    invitees: list,
    now: dt.datetime,
    schedule: Schedule | None = None,
    relationship: Relationship | None = None,
) -> Round | None:
    """Create the round and invite its people in one transaction; None if the key was sent."""
    invitees = [u for u in invitees if u.is_active]
    if not invitees:
        return None
    days = schedule.answer_within_days if schedule else 14
    try:
        with transaction.atomic():
            created = Round.objects.create(
                survey=survey,
                schedule=schedule,
                relationship=relationship,
                key=key,
                opens_at=now,
                closes_at=now + dt.timedelta(days=days),
            )
            created.invitees.set(invitees)
            notify_many(
                invitees,
                "survey_invitation",
                {"survey": survey, "program": survey.program, "round": created},
                round_url(created),
            )
    except IntegrityError:
        return None  # another run sent this key in the meantime
    return created


def _sent_keys(survey: Survey, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        found.update(
            survey.rounds.filter(key__in=keys[start : start + 500]).values_list("key", flat=True)
        )
    return found


def run_schedule(schedule: Schedule, now: dt.datetime) -> int:
    survey = schedule.survey
    sent = 0
    if schedule.trigger in RELATIONSHIP_TRIGGERS:
        moments = relationship_moments(schedule, now)
        # Per schedule: two schedules of one survey on the same moment (one for mentors, one
        # for mentees) each send their own round.
        keys = {r.pk: f"{schedule.trigger}:{schedule.pk}:{r.pk}" for r, _moment in moments}
        done = _sent_keys(survey, list(keys.values()))
        for r, _moment in moments:
            if keys[r.pk] in done:
                continue
            people = [p.user for p in r.invited]
            sent += send_round(survey, keys[r.pk], people, now, schedule, r) is not None
        return sent
    today = timezone.localdate(now)
    if schedule.trigger == Schedule.Trigger.ONCE:
        key = f"once:{schedule.pk}"
        if not _sent_keys(survey, [key]):
            sent += send_round(survey, key, list(audience_of(schedule)), now, schedule) is not None
        # Claimed whether or not anyone was in the audience: "once" means once.
        Schedule.objects.filter(pk=schedule.pk).update(is_active=False)
        return sent
    if schedule.trigger == Schedule.Trigger.RECURRING:
        if schedule.next_run_on is not None and schedule.next_run_on > today:
            return 0
        # Claim this run with a conditional update, so two schedulers cannot both send it.
        claimed = Schedule.objects.filter(pk=schedule.pk, next_run_on=schedule.next_run_on).update(
            next_run_on=today + dt.timedelta(days=schedule.every_days or 7)
        )
        if not claimed:
            return 0
        key = f"recurring:{schedule.pk}:{today.isoformat()}"
        sent += send_round(survey, key, list(audience_of(schedule)), now, schedule) is not None
    return sent


def run_schedules(now: dt.datetime | None = None) -> int:
    """Send every round that is due; safe to run any number of times. Returns rounds sent."""
    now = now or timezone.now()
    schedules = Schedule.objects.filter(
        is_active=True, survey__status=Survey.Status.OPEN
    ).select_related("survey__program")
    return sum(run_schedule(s, now) for s in schedules)


def send_reminders(now: dt.datetime | None = None) -> int:
    """Remind invitees who have not answered, once, in the last days before a round closes."""
    now = now or timezone.now()
    rounds = (
        Round.objects.filter(
            survey__status=Survey.Status.OPEN,
            closes_at__gt=now,
            closes_at__lte=now + REMIND_BEFORE,
            opens_at__lte=now - REMIND_AFTER_OPENING,
        )
        .select_related("survey__program")
        .prefetch_related(
            Prefetch("invitees", queryset=User.objects.filter(is_active=True), to_attr="people"),
            Prefetch("responses", queryset=Response.objects.only("round", "user")),
        )
    )
    items = []
    for found in rounds:
        answered = {r.user_id for r in found.responses.all()}
        for person in found.people:
            if person.pk in answered:
                continue
            items.append(
                ledger.Due(
                    user=person,
                    key=f"survey_round:{found.pk}:reminder",
                    kind="survey_reminder",
                    context={"survey": found.survey, "program": found.survey.program,
                             "round": found},
                    url=round_url(found),
                )
            )  # fmt: skip
    return ledger.send_all(items, now)


# Answering ---------------------------------------------------------------------------------


def is_answerable(found: Round, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return found.survey.status == Survey.Status.OPEN and found.opens_at <= now < found.closes_at


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def clean_value(question: Question, value):
    """The stored form of one answer, or None for no answer; refuses values of the wrong kind."""
    kind = question.kind
    invalid = ValidationError(
        _("“%(q)s”: this answer is not one of the choices.") % {"q": question.text}
    )
    if value is None or value == "" or value == []:
        return None
    if kind in {Question.Kind.SCALE, Question.Kind.NPS}:
        low, high = (1, 5) if kind == Question.Kind.SCALE else (0, 10)
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise invalid from None
        if not low <= number <= high or str(value).strip() != str(number):
            raise invalid
        return number
    if kind == Question.Kind.SINGLE:
        if value not in question.options:
            raise invalid
        return value
    if kind == Question.Kind.MULTIPLE:
        values = value if isinstance(value, list) else [value]
        if any(v not in question.options for v in values):
            raise invalid
        # Kept in the order of the choices, without repeats.
        return [o for o in question.options if o in values] or None
    text = _text(value)
    if len(text) > TEXT_LIMITS[kind]:
        raise ValidationError(
            _("“%(q)s”: keep your answer under %(n)s characters.")
            % {"q": question.text, "n": TEXT_LIMITS[kind]}
        )
    return text or None


def answers_of(response: Response | None) -> dict[int, object]:
    if response is None:
        return {}
    return {a.question_id: a.value for a in response.answers.all()}


def response_of(found: Round, user) -> Response | None:
    return Response.objects.filter(round=found, user=user).prefetch_related("answers").first()


@transaction.atomic
def submit_response(
    found: Round, user, values: dict[int, object], now: dt.datetime | None = None
) -> Response:
    """Save a member's answers to a round (first time or edit); all or nothing."""
    now = now or timezone.now()
    if not found.invitees.filter(pk=user.pk).exists():
        raise ValidationError(_("This survey was not sent to you."))
    if not is_answerable(found, now):
        raise ValidationError(_("This survey is closed: answers can no longer change."))
    questions = questions_of(found.survey)
    cleaned: dict[int, object] = {}
    missing = []
    for q in questions:
        value = clean_value(q, values.get(q.pk))
        if value is None:
            if q.required:
                missing.append(q.text)
        else:
            cleaned[q.pk] = value
    if missing:
        raise ValidationError([_("“%(q)s” needs an answer.") % {"q": text} for text in missing])
    response, created = Response.objects.get_or_create(
        round=found, user=user, defaults={"submitted_at": now}
    )
    existing = {a.question_id: a for a in response.answers.all()}
    response.answers.exclude(question_id__in=cleaned).delete()
    to_create, to_update = [], []
    for question_id, value in cleaned.items():
        answer = existing.get(question_id)
        if answer is None:
            to_create.append(Answer(response=response, question_id=question_id, value=value))
        elif answer.value != value:
            answer.value = value
            to_update.append(answer)
    Answer.objects.bulk_create(to_create)
    Answer.objects.bulk_update(to_update, ["value"])
    if not created:
        response.save(update_fields=["updated_at"])
    return response


def rounds_of(user, now: dt.datetime | None = None) -> tuple[list[Round], list[Round]]:
    """A member's rounds to answer now, and the past ones (answered or not)."""
    now = now or timezone.now()
    rounds = (
        Round.objects.filter(invitees=user)
        .select_related("survey__program")
        .prefetch_related(
            Prefetch("responses", queryset=Response.objects.filter(user=user), to_attr="mine")
        )
    )
    open_rounds, past = [], []
    for found in rounds:
        found.my_response = found.mine[0] if found.mine else None
        (open_rounds if is_answerable(found, now) else past).append(found)
    return open_rounds, past


# Results -----------------------------------------------------------------------------------


@dataclass
class QuestionResult:
    question: Question
    count: int = 0
    average: float | None = None
    nps: float | None = None
    groups: dict = field(default_factory=dict)
    distribution: list = field(default_factory=list)

    @property
    def is_text(self) -> bool:
        return self.question.kind in TEXT_KINDS

    @property
    def bars(self) -> list[tuple[object, int, float]]:
        """Each (label, count, share in %) for a table and a bar."""
        total = sum(n for _label, n in self.distribution) or 1
        return [(label, n, 100 * n / total) for label, n in self.distribution]


def question_results(survey: Survey, questions: list[Question]) -> list[QuestionResult]:
    """Figures per question, from one pass over the survey's answers."""
    values: dict[int, list] = {q.pk: [] for q in questions}
    answers = Answer.objects.filter(question__survey=survey).values_list("question_id", "value")
    for question_id, value in answers.iterator(chunk_size=2000):
        if question_id in values:
            values[question_id].append(value)
    results = []
    for q in questions:
        found = values[q.pk]
        result = QuestionResult(q, count=len(found))
        if q.kind == Question.Kind.SCALE:
            numbers = [v for v in found if isinstance(v, int)]
            result.average = metrics.average(numbers)
            result.distribution = metrics.distribution(numbers, range(1, 6))
        elif q.kind == Question.Kind.NPS:
            numbers = [v for v in found if isinstance(v, int)]
            result.average = metrics.average(numbers)
            result.nps = metrics.nps(numbers)
            result.groups = metrics.nps_groups(numbers)
            result.distribution = metrics.distribution(numbers, range(0, 11))
        elif q.kind in CHOICE_KINDS:
            result.distribution = metrics.option_counts(found, q.options)
        results.append(result)
    return results


def round_rates(survey: Survey) -> QuerySet[Round]:
    return survey.rounds.select_related("relationship").annotate(
        invited=Count("invitees", distinct=True), answered=Count("responses", distinct=True)
    )


def overall_rate(survey: Survey) -> tuple[int, int]:
    """(responses, invitations) over every round of the survey."""
    invited = Round.invitees.through.objects.filter(round__survey=survey).count()
    answered = Response.objects.filter(round__survey=survey).count()
    return answered, invited


def text_answers(survey: Survey, search: str = "", question_id: int | None = None):
    answers = Answer.objects.filter(
        question__survey=survey, question__kind__in=TEXT_KINDS
    ).select_related("question", "response__user__profile", "response__round")
    if question_id:
        answers = answers.filter(question_id=question_id)
    if search:
        answers = answers.filter(Q(value__icontains=search) | Q(tags__icontains=search))
    return answers.order_by("-response__submitted_at", "-id")


def clean_tags(text: str) -> str:
    """Comma-separated, trimmed, lower-case, without repeats."""
    tags: list[str] = []
    for tag in (text or "").split(","):
        tag = " ".join(tag.split()).lower()
        if tag and tag not in tags:
            tags.append(tag)
    joined = ", ".join(tags)
    if len(joined) > 200:
        raise ValidationError(_("Keep the tags under 200 characters."))
    return joined


@transaction.atomic
def tag_answer(answer: Answer, actor, tags: str) -> Answer:
    answer.tags = clean_tags(tags)
    answer.save(update_fields=["tags"])
    survey = answer.question.survey
    audit(actor, "survey.answer_tagged", survey, survey.program_id, answer=answer.pk)
    return answer


def _cell(value) -> object:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value


def export_rows(survey: Survey, questions: list[Question]):
    """CSV header and rows: one row per response, one column per question."""
    header = [
        _("Response"), _("Round"), _("Relationship"), _("Member"), _("Submitted"), _("Updated"),
        *[q.text for q in questions],
    ]  # fmt: skip
    responses = (
        Response.objects.filter(round__survey=survey)
        .select_related("round", "user__profile")
        .prefetch_related("answers")
        .order_by("round_id", "id")
    )

    def rows():
        for response in responses.iterator(chunk_size=500):
            values = {a.question_id: a.value for a in response.answers.all()}
            yield [
                response.pk,
                response.round.key,
                response.round.relationship_id or "",
                response.user.name,
                response.submitted_at.isoformat(),
                response.updated_at.isoformat(),
                *[_cell(values.get(q.pk, "")) for q in questions],
            ]

    return header, rows()
