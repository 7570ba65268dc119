"""Meetings between the people of a relationship, office hours, events, and the ledger that makes
every reminder go out once."""

import datetime as dt
import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lodestar.core.models import TimeStamped
from lodestar.mentoring.models import Goal, Relationship, SessionLog
from lodestar.programs.models import Cohort, Program

User = settings.AUTH_USER_MODEL


class Format(models.TextChoices):
    VIDEO = "video", _("Video call")
    PHONE = "phone", _("Phone")
    IN_PERSON = "in_person", _("In person")
    ASYNC = "async", _("Async")


class AwayPeriod(models.Model):
    """Dates a member is away: no slot is offered to anyone meeting them then."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="away_periods")
    starts_on = models.DateField(_("away from"))
    ends_on = models.DateField(_("back on"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="away_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_on} - {self.ends_on}"


class Meeting(TimeStamped):
    """A meeting one side proposes and the others accept; stored in UTC."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="meetings"
    )
    proposed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(15), MaxValueValidator(240)]
    )
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    # A video link (any URL the pair uses), a phone number or a place.
    location = models.CharField(_("link, number or place"), max_length=300, blank=True)
    agenda = models.TextField(_("agenda"), max_length=3000, blank=True)
    goals = models.ManyToManyField(Goal, blank=True, related_name="meetings")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PROPOSED, db_index=True
    )
    # The last reschedule, decline or cancellation message.
    message = models.TextField(_("message"), max_length=1000, blank=True)
    # Calendar identity: the UID stays, SEQUENCE grows with every change, so calendar apps
    # replace the event instead of adding a second one.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    session = models.OneToOneField(
        SessionLog, null=True, blank=True, on_delete=models.SET_NULL, related_name="meeting"
    )

    class Meta:
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return f"Meeting {self.starts_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("scheduling:meeting", args=[self.pk])

    @property
    def ends_at(self):
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)


class Attendee(models.Model):
    class Response(models.TextChoices):
        PENDING = "pending", _("Not answered")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="meeting_invitations")
    response = models.CharField(max_length=10, choices=Response.choices, default=Response.PENDING)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="one_attendee_row")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.response}"


class SentReminder(models.Model):
    """The ledger of nudges: one row per (person, key), written in the same transaction as the
    notification it stands for, so a job that re-runs after a crash skips what went out."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    # What and when, e.g. "meeting:42:24h" or "request:7:3d".
    key = models.CharField(max_length=120)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_reminder_per_key")]

    def __str__(self) -> str:
        return self.key


def _feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A member's private calendar feed; the token is the only credential, so it can be
    regenerated (which revokes the old URL) at any time."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Feed of {self.user_id}"


class OfficeHours(TimeStamped):
    """Recurring open slots a mentor or coordinator offers to a program's members."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="office_hours")
    host = models.ForeignKey(User, on_delete=models.CASCADE, related_name="office_hours")
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    location = models.CharField(_("link, number or place"), max_length=300, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("people per slot"), default=1, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    booking_deadline_hours = models.PositiveSmallIntegerField(
        _("book at least (hours before)"), default=2, validators=[MaxValueValidator(168)]
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name_plural = _("office hours")

    def __str__(self) -> str:
        return self.title


class OfficeHourSlot(models.Model):
    office_hours = models.ForeignKey(OfficeHours, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(10), MaxValueValidator(240)]
    )
    # Kept in step with the bookings under a row lock, so capacity holds under concurrency.
    booked = models.PositiveSmallIntegerField(default=0)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return f"{self.office_hours_id} @ {self.starts_at:%Y-%m-%d %H:%M}"


class Booking(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        CANCELLED = "cancelled", _("Cancelled")

    slot = models.ForeignKey(OfficeHourSlot, on_delete=models.CASCADE, related_name="bookings")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="bookings")
    topic = models.CharField(_("what you would like to talk about"), max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BOOKED)
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "user"],
                condition=Q(status="booked"),
                name="one_booking_per_slot",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in slot {self.slot_id}"


class Event(TimeStamped):
    """A workshop, review, group session, info session or speed mentoring, for a program."""

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("Workshop")
        PROJECT_REVIEW = "review", _("Project review")
        GROUP_SESSION = "group", _("Group session")
        INFO_SESSION = "info", _("Info session")
        SPEED = "speed", _("Speed mentoring")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="events")
    cohort = models.ForeignKey(
        Cohort, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    host = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="hosted_events"
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(15), MaxValueValidator(600)]
    )
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    location = models.CharField(_("link or place"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Empty for no limit.")
    )
    resources = models.TextField(
        _("resources"), max_length=3000, blank=True, help_text=_("Links or notes, one per line.")
    )
    # Speed mentoring: the length of one round.
    round_minutes = models.PositiveSmallIntegerField(
        _("round length (minutes)"),
        default=15,
        validators=[MinValueValidator(5), MaxValueValidator(60)],
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    going = models.PositiveIntegerField(default=0)  # kept under a row lock, like slot.booked
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("scheduling:event", args=[self.pk])

    @property
    def ends_at(self):
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)


class Rsvp(models.Model):
    class Status(models.TextChoices):
        GOING = "going", _("Going")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="rsvps")
    status = models.CharField(max_length=10, choices=Status.choices)
    attended = models.BooleanField(null=True, blank=True)
    # The waiting list is first come, first served.
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="one_rsvp")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.status}"


class SpeedRound(models.Model):
    """One short conversation of a speed mentoring event: a mentee and a mentor in a round."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="speed_rounds")
    number = models.PositiveSmallIntegerField()
    mentee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(default=0)
    # Afterwards: the mentee would like to continue with this mentor.
    continue_wanted = models.BooleanField(default=False)

    class Meta:
        ordering = ["number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "number", "mentee"], name="mentee_once"),
            models.UniqueConstraint(fields=["event", "number", "mentor"], name="mentor_once"),
            models.UniqueConstraint(fields=["event", "mentee", "mentor"], name="pair_once"),
        ]

    def __str__(self) -> str:
        return f"Round {self.number}: {self.mentee_id} & {self.mentor_id}"
