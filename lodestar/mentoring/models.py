from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lodestar.accounts.models import Skill
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
    # Kept up to date by the services so lists can filter and sort without aggregating.
    session_count = models.PositiveIntegerField(default=0)
    # The dashboards' per-relationship figures (see figures.py): kept, not aggregated per view.
    session_minutes = models.PositiveIntegerField(default=0)
    first_session_at = models.DateTimeField(null=True, blank=True)
    agreed_at = models.DateTimeField(null=True, blank=True)
    last_touchpoint_at = models.DateTimeField(null=True, blank=True, db_index=True)
    needs_attention = models.BooleanField(default=False, db_index=True)
    attention_reason = models.CharField(max_length=200, blank=True)

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

    @property
    def is_open(self) -> bool:
        return self.status in {Status.PROPOSED, Status.ACTIVE, Status.PAUSED}

    def role_of(self, user) -> str | None:
        """The user's role in the relationship, or None (coordinators are not participants)."""
        for p in self.participants.all():
            if p.user_id == user.pk:
                return p.role
        return None


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


LEVELS = [MinValueValidator(1), MaxValueValidator(5)]


class Agreement(models.Model):
    """One version of what the pair agreed on; a later edit is a new version, accepted anew."""

    class Cadence(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        BIWEEKLY = "biweekly", _("Every two weeks")
        MONTHLY = "monthly", _("Monthly")
        CUSTOM = "custom", _("Custom")

    CADENCE_DAYS = {Cadence.WEEKLY: 7, Cadence.BIWEEKLY: 14, Cadence.MONTHLY: 30}

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="agreements"
    )
    version = models.PositiveSmallIntegerField()
    objectives = models.TextField(_("objectives"), max_length=3000)
    success_measures = models.TextField(_("how we will measure success"), max_length=2000)
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"))
    cadence = models.CharField(
        _("how often we meet"), max_length=10, choices=Cadence.choices, default=Cadence.BIWEEKLY
    )
    cadence_days = models.PositiveSmallIntegerField(
        _("every how many days"), validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    meeting_minutes = models.PositiveSmallIntegerField(
        _("meeting length (minutes)"),
        default=60,
        validators=[MinValueValidator(15), MaxValueValidator(240)],
    )
    channels = models.CharField(_("preferred channels"), max_length=300, blank=True)
    boundaries = models.TextField(_("boundaries"), max_length=2000, blank=True)
    confidentiality = models.TextField(_("confidentiality"), max_length=2000, blank=True)
    drafted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Set when the last participant accepts this version.
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["relationship", "version"], name="unique_version")
        ]

    def __str__(self) -> str:
        return f"Agreement v{self.version}"


class AgreementAcceptance(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="acceptances")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agreement", "user"], name="unique_acceptance")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} accepted v{self.agreement_id}"


class Goal(TimeStamped):
    """A goal the mentee owns; the mentor comments on it."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        ACHIEVED = "achieved", _("Achieved")
        DROPPED = "dropped", _("Dropped")

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="goals")
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mentoring_goals")
    title = models.CharField(_("goal"), max_length=200)
    description = models.TextField(_("description"), max_length=3000, blank=True)
    success_criteria = models.TextField(_("success criteria"), max_length=2000, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED
    )
    # Used when the program lets mentees set progress themselves.
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    skills = models.ManyToManyField(Skill, blank=True, related_name="+", verbose_name=_("skills"))

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title


class GoalMilestone(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title


class GoalComment(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("comment"), max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment on goal {self.goal_id}"


class SessionLog(models.Model):
    """A meeting or exchange that happened; one side logs it, the other confirms."""

    class Format(models.TextChoices):
        VIDEO = "video", _("Video call")
        PHONE = "phone", _("Phone")
        IN_PERSON = "in_person", _("In person")
        ASYNC = "async", _("Async (messages)")

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="sessions"
    )
    logged_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    occurred_at = models.DateTimeField(_("when"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    topics = models.ManyToManyField(Skill, blank=True, related_name="+", verbose_name=_("topics"))
    shared_notes = models.TextField(_("shared notes"), max_length=5000, blank=True)
    next_steps = models.TextField(_("next steps"), max_length=2000, blank=True)
    confirmed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        # A relationship's sessions by date: its page, and figures.refresh_sessions.
        indexes = [models.Index(fields=["relationship", "occurred_at"], name="session_by_date")]

    def __str__(self) -> str:
        return f"Session {self.occurred_at:%Y-%m-%d}"


class SessionTally(models.Model):
    """Sessions and minutes of one relationship in one (UTC) month, kept by figures.py so
    the dashboards count months without reading every session."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="session_tallies"
    )
    month = models.DateField()  # the first day of the month
    sessions = models.PositiveIntegerField()
    minutes = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["relationship", "month"], name="one_tally_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.sessions} sessions"


class PrivateNote(models.Model):
    """A note on a session that only its author ever sees."""

    session = models.ForeignKey(SessionLog, on_delete=models.CASCADE, related_name="private_notes")
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("private notes"), max_length=5000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "author"], name="one_private_note")
        ]

    def __str__(self) -> str:
        return f"Private note on session {self.session_id}"


class ActionItem(models.Model):
    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="action_items"
    )
    session = models.ForeignKey(
        SessionLog, null=True, blank=True, on_delete=models.SET_NULL, related_name="action_items"
    )
    assignee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="action_items")
    title = models.CharField(_("action"), max_length=300)
    due_on = models.DateField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["done_at", "due_on", "id"]

    def __str__(self) -> str:
        return self.title


class Message(models.Model):
    """The pair's async thread; each message counts as a touchpoint."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("message"), max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Message {self.pk} in relationship {self.relationship_id}"


class Reflection(models.Model):
    """A journal entry: private to its author unless they share it with the relationship."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="reflections"
    )
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    prompt = models.CharField(_("prompt"), max_length=300, blank=True)
    body = models.TextField(_("reflection"), max_length=5000)
    shared = models.BooleanField(_("share with the relationship"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Reflection {self.pk}"


class Win(models.Model):
    """A success worth celebrating; on the program's wall once every participant agrees."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="wins")
    author = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("win"), max_length=200)
    body = models.TextField(_("story"), max_length=2000, blank=True)
    wall_consents = models.ManyToManyField(User, blank=True, related_name="+")
    on_wall = models.BooleanField(default=False, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class WinReaction(models.Model):
    win = models.ForeignKey(Win, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["win", "user"], name="one_reaction")]

    def __str__(self) -> str:
        return f"Reaction to win {self.win_id}"


class SkillAssessment(models.Model):
    """A mentee's level in a targeted skill at one stage, rated by the mentee or the mentor."""

    class Stage(models.TextChoices):
        START = "start", _("Start")
        MIDPOINT = "midpoint", _("Midpoint")
        CLOSE = "close", _("Close")

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="assessments"
    )
    mentee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="skill_assessments")
    assessor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    level = models.PositiveSmallIntegerField(_("level"), validators=LEVELS)
    assessed_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["skill__name", "stage"]
        constraints = [
            models.UniqueConstraint(
                fields=["relationship", "mentee", "assessor", "skill", "stage"],
                name="one_assessment_per_stage",
            )
        ]

    def __str__(self) -> str:
        return f"{self.skill_id}: {self.level} ({self.stage})"


class CheckIn(models.Model):
    """A pulse from one participant: monthly, or at one of the cohort's milestones."""

    class Meeting(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="checkins"
    )
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    milestone = models.ForeignKey(
        "programs.Milestone", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(_("how is it going"), validators=LEVELS)
    meeting_as_agreed = models.CharField(
        _("are you meeting as agreed"), max_length=6, choices=Meeting.choices
    )
    blockers = models.TextField(_("anything blocking"), max_length=1000, blank=True)
    comment = models.TextField(_("anything else"), max_length=2000, blank=True)
    # Asked at the first check-in after the first session.
    good_fit = models.BooleanField(_("is this a good fit"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Check-in {self.pk}: {self.rating}/5"


class Closure(models.Model):
    """One participant's closing words: did we meet our objectives, and what next."""

    class Met(models.TextChoices):
        YES = "yes", _("Yes")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="closures"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    objectives_met = models.CharField(
        _("did we meet our objectives"), max_length=6, choices=Met.choices
    )
    reflection = models.TextField(_("final reflection"), max_length=3000, blank=True)
    mentor_next_time = models.BooleanField(
        _("I would like to mentor in a future cohort"), default=False
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["relationship", "user"], name="one_closure")]

    def __str__(self) -> str:
        return f"Closure of relationship {self.relationship_id}"


class Concern(models.Model):
    """A code-of-conduct or safety concern for the program's coordinators only.

    An anonymous report stores no link to its reporter: `reporter` stays empty and nothing
    else (audit entry, IP, timestamps finer than the day) ties it to them.
    """

    class Category(models.TextChoices):
        CONDUCT = "conduct", _("Code of conduct")
        SAFETY = "safety", _("Safety")
        OTHER = "other", _("Something else")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="concerns")
    relationship = models.ForeignKey(
        Relationship, null=True, blank=True, on_delete=models.SET_NULL, related_name="concerns"
    )
    reporter = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    category = models.CharField(_("about"), max_length=8, choices=Category.choices)
    body = models.TextField(_("what happened"), max_length=5000)
    reported_on = models.DateField(default=timezone.localdate)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(_("resolution"), max_length=2000, blank=True)

    class Meta:
        ordering = ["-reported_on", "-id"]

    def __str__(self) -> str:
        return f"Concern {self.pk} ({self.category})"
