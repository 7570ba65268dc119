from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lodestar.core.models import TimeStamped
from lodestar.programs.models import Cohort, Program, Track

from .states import Status

User = settings.AUTH_USER_MODEL


class Relationship(TimeStamped):
    """A mentoring relationship: one-to-one, a group, or peers, within a program's cohort."""

    class Kind(models.TextChoices):
        ONE_TO_ONE = "one_to_one", _("One-to-one mentoring")
        GROUP = "group", _("Group mentoring")
        PEER = "peer", _("Peer learning")

    class Source(models.TextChoices):
        REQUEST = "request", _("A mentee's request, accepted by the mentor")
        ROUND = "round", _("A matching round, accepted by both")
        MANUAL = "manual", _("Set up by a coordinator")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="relationships")
    cohort = models.ForeignKey(Cohort, on_delete=models.RESTRICT, related_name="relationships")
    track = models.ForeignKey(Track, on_delete=models.RESTRICT, related_name="relationships")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.ONE_TO_ONE)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.MANUAL)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=500, blank=True)
    paused_until = models.DateField(null=True, blank=True)
    # Why the pair fits, as the matching engine explained it when they were matched.
    match_explanation = models.TextField(blank=True)
    match_score = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("mentoring:detail", args=[self.pk])

    def mentors(self):
        return [p.user for p in self.participants.all() if p.role == Participant.Role.MENTOR]

    def mentees(self):
        return [p.user for p in self.participants.all() if p.role != Participant.Role.MENTOR]


class Participant(models.Model):
    class Role(models.TextChoices):
        MENTOR = "mentor", _("Mentor")
        MENTEE = "mentee", _("Mentee")
        PEER = "peer", _("Peer")

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="relationship_roles")
    role = models.CharField(max_length=8, choices=Role.choices)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["relationship", "user"], name="unique_participant")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class RelationshipEvent(models.Model):
    """The relationship's timeline: every status change with who, when and why."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Status.choices)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"
