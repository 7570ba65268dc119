"""At-risk alerts and the thresholds coordinators tune per program."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lodestar.core.models import TimeStamped
from lodestar.mentoring.models import Relationship
from lodestar.programs.models import Program

User = settings.AUTH_USER_MODEL


class InsightSettings(models.Model):
    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="insight_settings"
    )
    # Equity figures: groups smaller than this are hidden (never below 5).
    suppression_threshold = models.PositiveSmallIntegerField(
        _("hide groups smaller than"),
        default=10,
        validators=[MinValueValidator(5), MaxValueValidator(50)],
    )
    quiet_factor = models.FloatField(
        _("no touchpoint for longer than the cadence times"),
        default=1.5,
        validators=[MinValueValidator(1.0), MaxValueValidator(5.0)],
    )
    low_rating = models.PositiveSmallIntegerField(
        _("low pulse or rating (at most)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    missed_checkins = models.PositiveSmallIntegerField(
        _("missed check-ins"), default=2, validators=[MinValueValidator(1)]
    )
    request_days = models.PositiveSmallIntegerField(
        _("request unanswered for (days)"), default=5, validators=[MinValueValidator(1)]
    )
    stale_goal_days = models.PositiveSmallIntegerField(
        _("goal without progress for (days)"), default=45, validators=[MinValueValidator(7)]
    )

    def __str__(self) -> str:
        return f"Insight settings of {self.program_id}"


class Alert(TimeStamped):
    class Kind(models.TextChoices):
        QUIET = "quiet", _("No touchpoint")
        LOW_PULSE = "low_pulse", _("Low pulse or rating")
        MISSED_CHECKINS = "missed_checkins", _("Missed check-ins")
        REQUEST_UNANSWERED = "request", _("Request unanswered")
        STALE_GOAL = "stale_goal", _("Goal without progress")
        REMATCH = "rematch", _("Rematch requested")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RESOLVED = "resolved", _("Resolved")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="alerts")
    relationship = models.ForeignKey(
        Relationship, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # What the alert is about, so a daily scan raises each one once, e.g. "quiet:42:2026-11".
    key = models.CharField(max_length=120)
    detail = models.CharField(max_length=300)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    notes = models.TextField(_("notes"), max_length=3000, blank=True)
    handled_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["program", "key"], name="one_alert_per_key")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}"
