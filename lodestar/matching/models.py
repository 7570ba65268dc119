from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lodestar.core.models import TimeStamped
from lodestar.programs.models import Cohort, Membership, Program

from .engine.model import COMPONENTS, Mode, Weights

User = settings.AUTH_USER_MODEL


def default_weights() -> dict[str, float]:
    return Weights().as_dict()


class MatchingSettings(models.Model):
    """A program's matching knobs, edited by its coordinators."""

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="matching_settings"
    )
    weights = models.JSONField(default=default_weights)
    mode = models.CharField(
        _("objective"),
        max_length=12,
        choices=[
            (Mode.MAX_MATCHED.value, _("Match as many mentees as possible, then the best fit")),
            (Mode.BEST_SCORE.value, _("Best total fit, even if fewer mentees are matched")),
        ],
        default=Mode.MAX_MATCHED.value,
    )
    min_score = models.FloatField(_("minimum score to pair"), default=0.2)
    suggestions = models.PositiveSmallIntegerField(_("suggestions shown to mentees"), default=5)
    exclude_same_affiliation = models.BooleanField(
        _("never pair people of the same organization"), default=False
    )
    algorithm = models.CharField(
        _("rounds use"),
        max_length=8,
        choices=[
            ("optimal", _("The optimal assignment (highest total fit)")),
            ("stable", _("Stable matching (mentees' rankings first, nobody would rather swap)")),
            ("maxmin", _("Lift the worst-off: the best lowest score, then the best total")),
        ],
        default="optimal",
    )
    ranked_requests = models.BooleanField(
        _("mentees rank up to 5 mentors instead of requesting one"), default=False
    )

    def __str__(self) -> str:
        return f"Matching settings of {self.program}"

    def engine_weights(self) -> Weights:
        return Weights(**{k: float(self.weights.get(k, 0.0)) for k in COMPONENTS})


class MatchRequest(TimeStamped):
    """A mentee asks one mentor; the mentor accepts or declines."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the mentor")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        CLOSED = "closed", _("Closed: matched elsewhere")
        EXPIRED = "expired", _("Expired")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="match_requests")
    mentee = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="requests_made")
    mentor = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="requests_received"
    )
    note = models.TextField(_("why this mentor"), max_length=1000)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    decline_reason = models.CharField(_("reason"), max_length=500, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    explanation = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentee", "mentor"],
                condition=Q(status="pending"),
                name="one_pending_request_per_pair",
            )
        ]

    def __str__(self) -> str:
        return f"{self.mentee.user} -> {self.mentor.user} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("matching:request", args=[self.pk])


class MatchRound(TimeStamped):
    """A coordinator's optimal matching of a cohort, kept with its inputs for audit."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        READY = "ready", _("Ready for review")
        FAILED = "failed", _("Failed")
        PUBLISHED = "published", _("Published")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="match_rounds")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="match_rounds")
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    weights = models.JSONField(default=default_weights)
    options = models.JSONField(default=dict)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    # Inputs as the engine saw them (ids, capacities, locks, exclusions) and what it returned.
    inputs = models.JSONField(default=dict)
    metrics = models.JSONField(default=dict)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Round {self.pk} of {self.cohort}"

    def get_absolute_url(self) -> str:
        return reverse("matching:round", args=[self.pk])


class ProposedPair(models.Model):
    class Response(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    round = models.ForeignKey(MatchRound, on_delete=models.CASCADE, related_name="pairs")
    mentee = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    components = models.JSONField(default=dict)
    explanation = models.TextField(blank=True)
    locked = models.BooleanField(default=False)
    mentee_response = models.CharField(
        max_length=8, choices=Response.choices, default=Response.WAITING
    )
    mentor_response = models.CharField(
        max_length=8, choices=Response.choices, default=Response.WAITING
    )

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "mentee"], name="one_pair_per_mentee")
        ]

    def __str__(self) -> str:
        return f"{self.mentee_id}-{self.mentor_id} ({self.score:.2f})"


class RoundExclusion(models.Model):
    """A pair a coordinator ruled out for a round and the rounds re-solved from it."""

    round = models.ForeignKey(MatchRound, on_delete=models.CASCADE, related_name="exclusions")
    mentee = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "mentee", "mentor"], name="unique_exclusion")
        ]

    def __str__(self) -> str:
        return f"not {self.mentee_id}-{self.mentor_id}"


class RankedChoice(TimeStamped):
    """In ranked mode, a mentee's ordered choice of a mentor, with their reason."""

    mentee = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="ranking")
    mentor = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()
    reason = models.CharField(_("why"), max_length=300)

    class Meta:
        ordering = ["mentee", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["mentee", "rank"], name="one_mentor_per_rank"),
            models.UniqueConstraint(fields=["mentee", "mentor"], name="rank_a_mentor_once"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.mentor_id}"


class UnmatchedReason(models.Model):
    round = models.ForeignKey(MatchRound, on_delete=models.CASCADE, related_name="unmatched")
    mentee = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=300)

    def __str__(self) -> str:
        return self.reason
