import secrets
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lodestar.core.models import TimeStamped

from .states import ADMITTED_STATUSES, Status

User = settings.AUTH_USER_MODEL


class Program(TimeStamped):
    class ProgramStatus(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for applications")
        RUNNING = "running", _("Running")
        CLOSED = "closed", _("Closed")

    class Admission(models.TextChoices):
        OPEN = "open", _("Open: anyone may join")
        APPROVAL = "approval", _("Approval required")
        INVITE = "invite", _("Invite only")

    class MatchingMode(models.TextChoices):
        SUGGESTIONS = "suggestions", _("Mentees choose among suggestions")
        ROUNDS = "rounds", _("Coordinators run matching rounds")

    class GoalProgress(models.TextChoices):
        MILESTONES = "milestones", _("Computed from milestones")
        MANUAL = "manual", _("Set by the mentee")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("short name for links"),
        max_length=60,
        unique=True,
        validators=[
            RegexValidator(r"^[a-z0-9][a-z0-9-]*$", _("Use lowercase letters, digits and dashes."))
        ],
    )
    description = models.TextField(_("description"), max_length=5000, blank=True)
    objectives = models.TextField(_("objectives"), max_length=3000, blank=True)
    success_measures = models.TextField(_("success measures"), max_length=3000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT
    )
    admission = models.CharField(
        _("who may join"), max_length=10, choices=Admission.choices, default=Admission.APPROVAL
    )
    matching_mode = models.CharField(
        _("matching mode"),
        max_length=12,
        choices=MatchingMode.choices,
        default=MatchingMode.SUGGESTIONS,
    )
    default_mentor_capacity = models.PositiveSmallIntegerField(
        _("default mentor capacity"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    welcome_message = models.TextField(
        _("welcome message"),
        max_length=5000,
        blank=True,
        help_text=_("Sent to members when they are approved."),
    )
    coordinators = models.ManyToManyField(
        User, through="Coordinator", related_name="coordinated_programs", blank=True
    )
    # How relationships run in this program.
    requires_agreement = models.BooleanField(
        _("pairs must accept an agreement before they start"), default=True
    )
    goal_progress = models.CharField(
        _("goal progress"),
        max_length=10,
        choices=GoalProgress.choices,
        default=GoalProgress.MILESTONES,
    )
    checkin_every_days = models.PositiveSmallIntegerField(
        _("check-in every (days)"),
        default=30,
        validators=[MinValueValidator(7), MaxValueValidator(120)],
    )
    reflection_prompts = models.TextField(
        _("reflection prompts"),
        max_length=2000,
        blank=True,
        default="What did you try since last time?\nWhat surprised you?\nWhat will you do next?",
        help_text=_("One per line; offered to members when they write in their journal."),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programs:detail", args=[self.slug])

    @property
    def accepts_applications(self) -> bool:
        return self.status in {self.ProgramStatus.OPEN, self.ProgramStatus.RUNNING}

    @property
    def prompt_list(self) -> list[str]:
        return [line.strip() for line in self.reflection_prompts.splitlines() if line.strip()]


class Coordinator(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE)
    user = models.ForeignKey(User, on_delete=models.CASCADE)
    added_at = models.DateTimeField(auto_now_add=True)
    # Applications created after this moment are in the next digest.
    digest_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "user"], name="unique_coordinator")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.program}"


class Track(models.Model):
    class Kind(models.TextChoices):
        PEER = "peer", _("Peer")
        INTERMEDIATE = "intermediate", _("Intermediate")
        LEADERSHIP = "leadership", _("Leadership")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="tracks")
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=500, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="unique_track_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_peer(self) -> bool:
        return self.kind == self.Kind.PEER


class Cohort(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(_("name"), max_length=80)
    applications_open = models.DateField(_("applications open"))
    applications_close = models.DateField(_("applications close"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="unique_cohort_name"),
            models.CheckConstraint(
                condition=Q(applications_close__gte=models.F("applications_open"))
                & Q(ends_on__gt=models.F("starts_on")),
                name="cohort_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        opens, closes = self.applications_open, self.applications_close
        if opens and closes and closes < opens:
            errors["applications_close"] = _("Applications must close after they open.")
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            errors["ends_on"] = _("The cohort must end after it starts.")
        if errors:
            raise ValidationError(errors)

    def is_accepting(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.applications_open <= today <= self.applications_close


class Milestone(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("name"), max_length=80)
    due_on = models.DateField(_("date"))

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    MENTEE = "mentee", _("Mentee")
    MENTOR = "mentor", _("Mentor")
    BOTH = "both", _("Mentor and mentee")
    PEER = "peer", _("Peer")


class Audience(models.TextChoices):
    """Who a question or checklist item is for."""

    ALL = "all", _("Everyone")
    MENTEES = "mentees", _("Mentees and peers")
    MENTORS = "mentors", _("Mentors")


def audience_includes(audience: str, role: str) -> bool:
    if audience == Audience.ALL:
        return True
    if audience == Audience.MENTORS:
        return role in {Role.MENTOR, Role.BOTH}
    return role in {Role.MENTEE, Role.BOTH, Role.PEER}


class Membership(TimeStamped):
    """A member's place in one cohort of a program: their application, then their participation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="memberships")
    cohort = models.ForeignKey(Cohort, on_delete=models.RESTRICT, related_name="memberships")
    track = models.ForeignKey(Track, on_delete=models.RESTRICT, related_name="memberships")
    role = models.CharField(_("role"), max_length=8, choices=Role.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.APPLIED, db_index=True
    )
    capacity = models.PositiveSmallIntegerField(
        _("mentee capacity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("How many mentees you can take on at once."),
    )
    status_changed_at = models.DateTimeField(default=timezone.now)
    # Mentors may pause new requests (for instance when declining one) without leaving.
    accepting_requests = models.BooleanField(_("open to new requests"), default=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "cohort"], name="unique_membership_per_cohort")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.cohort} ({self.get_role_display()})"

    def get_absolute_url(self) -> str:
        return reverse("programs:membership", args=[self.program.slug, self.pk])

    @property
    def is_mentor(self) -> bool:
        return self.role in {Role.MENTOR, Role.BOTH}

    @property
    def is_admitted(self) -> bool:
        return self.status in ADMITTED_STATUSES


class MembershipTransition(models.Model):
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"


class IntakeQuestion(models.Model):
    class Kind(models.TextChoices):
        SHORT = "short", _("Short text")
        LONG = "long", _("Long text")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        SCALE = "scale", _("Scale 1-5")

    Audience = Audience

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SHORT)
    options = models.JSONField(_("options"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    audience = models.CharField(
        _("asked of"), max_length=8, choices=Audience.choices, default=Audience.ALL
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def has_options(self) -> bool:
        return self.kind in {self.Kind.SINGLE, self.Kind.MULTIPLE}

    def applies_to(self, role: str) -> bool:
        return audience_includes(self.audience, role)

    def clean(self) -> None:
        if self.has_options and len([o for o in self.options if str(o).strip()]) < 2:
            raise ValidationError({"options": _("A choice question needs at least two options.")})


class IntakeAnswer(models.Model):
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(IntakeQuestion, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField()

    class Meta:
        ordering = ["question__order", "question_id"]
        constraints = [
            models.UniqueConstraint(fields=["membership", "question"], name="unique_answer")
        ]

    def __str__(self) -> str:
        return self.display

    @property
    def display(self) -> str:
        if isinstance(self.value, list):
            return ", ".join(str(v) for v in self.value)
        return str(self.value)


class OnboardingItem(models.Model):
    Audience = Audience

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="onboarding_items")
    text = models.CharField(_("item"), max_length=200)
    audience = models.CharField(
        _("for"), max_length=8, choices=Audience.choices, default=Audience.ALL
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text

    def applies_to(self, role: str) -> bool:
        return audience_includes(self.audience, role)


class OnboardingCompletion(models.Model):
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="onboarding_done"
    )
    item = models.ForeignKey(OnboardingItem, on_delete=models.CASCADE, related_name="completions")
    done_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["membership", "item"], name="unique_completion")
        ]

    def __str__(self) -> str:
        return f"{self.item} done"


def _new_token() -> str:
    return secrets.token_urlsafe(24)


class Invitation(TimeStamped):
    """A coordinator's invitation to join a cohort: for invite-only programs and graduation."""

    class Kind(models.TextChoices):
        INVITE = "invite", _("Invitation")
        GRADUATION = "graduation", _("Graduation: join as a mentor")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="invitations")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=8, choices=Role.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.INVITE)
    message = models.TextField(_("message"), max_length=2000, blank=True)
    token = models.CharField(max_length=64, unique=True, default=_new_token)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    # The membership the invitation graduates from, for graduation invitations.
    source = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} -> {self.cohort}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.declined_at is None


class Announcement(TimeStamped):
    """News or a program change from the coordinators, to all members or a role/cohort."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="announcements")
    author = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("message"), max_length=5000)
    role = models.CharField(_("for"), max_length=8, choices=Role.choices, blank=True)
    cohort = models.ForeignKey(
        Cohort, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("cohort"),
    )  # fmt: skip
    readers = models.ManyToManyField(User, through="AnnouncementRead", related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class AnnouncementRead(models.Model):
    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["announcement", "user"], name="read_once")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.announcement_id}"


class AnnouncementReaction(models.Model):
    """A member's answer to "was this clear?" under an announcement."""

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="reactions"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    clear = models.BooleanField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["announcement", "user"], name="react_once")]

    def __str__(self) -> str:
        return f"{self.user_id}: {'clear' if self.clear else 'unclear'}"


class AnnouncementQuestion(TimeStamped):
    """A question under an announcement, answered by a coordinator for everyone it reached."""

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="questions"
    )
    author = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("your question"), max_length=2000)
    answer = models.TextField(_("answer"), max_length=2000, blank=True)
    answered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]
