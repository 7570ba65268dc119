"""Surveys and their answers, session ratings, and the anonymous channel to coordinators."""

import hashlib
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lodestar.core.models import TimeStamped
from lodestar.mentoring.models import Relationship, SessionLog
from lodestar.programs.models import Cohort, Program, Role, Track

User = settings.AUTH_USER_MODEL


class Survey(TimeStamped):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="surveys")
    title = models.CharField(_("title"), max_length=150)
    intro = models.TextField(_("introduction"), max_length=2000, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Section(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(_("section"), max_length=150)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SCALE = "scale", _("1 to 5")
        NPS = "nps", _("0 to 10 (would you recommend)")
        SINGLE = "single", _("One choice")
        MULTIPLE = "multiple", _("Several choices")
        SHORT = "short", _("Short text")
        LONG = "long", _("Long text")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="questions"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    options = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text


class Schedule(models.Model):
    """When a survey goes out: at a relationship's moments, every N days, or once."""

    class Trigger(models.TextChoices):
        FIRST_SESSION = "first_session", _("After a relationship's first session")
        MIDPOINT = "midpoint", _("At a relationship's midpoint")
        CLOSING = "closing", _("When a relationship closes")
        RECURRING = "recurring", _("Every few weeks to the program")
        ONCE = "once", _("Once, to an audience")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="schedules")
    trigger = models.CharField(_("send"), max_length=14, choices=Trigger.choices)
    every_days = models.PositiveSmallIntegerField(
        _("every (days)"), null=True, blank=True, validators=[MinValueValidator(7)]
    )
    # The audience, for recurring and one-off sends; empty means everyone admitted.
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, blank=True)
    cohort = models.ForeignKey(
        Cohort, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    track = models.ForeignKey(
        Track, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answer_within_days = models.PositiveSmallIntegerField(
        _("answer within (days)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    next_run_on = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.trigger}"


class Round(models.Model):
    """One sending of a survey (a survey instance): to a relationship's people or an audience."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="rounds")
    schedule = models.ForeignKey(
        Schedule, null=True, blank=True, on_delete=models.SET_NULL, related_name="rounds"
    )
    relationship = models.ForeignKey(
        Relationship, null=True, blank=True, on_delete=models.CASCADE, related_name="survey_rounds"
    )
    # Idempotency for the scheduler, e.g. "first_session:42" or "recurring:2026-11-27".
    key = models.CharField(max_length=80)
    opens_at = models.DateTimeField(default=timezone.now)
    closes_at = models.DateTimeField()
    invitees = models.ManyToManyField(User, related_name="survey_rounds", blank=True)

    class Meta:
        ordering = ["-opens_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["survey", "key"], name="one_round_per_key")]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.key}"


class Response(models.Model):
    """One person's answers in a round; editable until the round closes."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="survey_responses")
    submitted_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "user"], name="one_response")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.round_id}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    # A number for scale and NPS, a string for single choice and text, a list for multiple.
    value = models.JSONField()
    # Coordinators tag free-text answers to browse qualitative feedback.
    tags = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="one_answer")]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.value}"


class SessionRating(models.Model):
    """A quick 1-5 after a logged session, by one of its participants."""

    session = models.ForeignKey(SessionLog, on_delete=models.CASCADE, related_name="ratings")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="one_rating")]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.rating}"


def _reply_token() -> str:
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AnonymousThread(models.Model):
    """Feedback or a concern from someone whose identity is never stored.

    No user, no IP, no time finer than the day: the sender keeps a secret link whose hash
    (`token_hash`) is the only way back to the thread, and nothing leads back to them.
    """

    class Kind(models.TextChoices):
        FEEDBACK = "feedback", _("Feedback")
        CONCERN = "concern", _("Concern")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="anonymous_threads")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    opened_on = models.DateField(default=timezone.localdate)
    is_closed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-opened_on", "-id"]

    def __str__(self) -> str:
        return f"Anonymous {self.kind} {self.pk}"


class AnonymousMessage(models.Model):
    thread = models.ForeignKey(AnonymousThread, on_delete=models.CASCADE, related_name="messages")
    # Set only for coordinators' replies; the sender's messages carry no author at all.
    coordinator = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_sender = models.BooleanField()
    body = models.TextField(max_length=5000)
    sent_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Message {self.pk} in thread {self.thread_id}"
