from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """An in-app notice; the same text is e-mailed once by a background job."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=60)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # A worker sending the e-mail claims it first; a claim older than the lease is a dead worker's.
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    # Files sent with the e-mail, e.g. an .ics invitation: [{"filename", "mimetype", "content"}].
    attachments = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")

    def __str__(self) -> str:
        return self.subject


class Delivery(models.TextChoices):
    INSTANT = "instant", _("E-mail at once")
    DIGEST = "digest", _("In a daily digest")
    OFF = "off", _("No e-mail")


class Preference(models.Model):
    """How a member wants one kind of notification e-mailed; no row means the kind's default.
    In-app notifications are always kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs"
    )
    kind = models.CharField(max_length=60)
    delivery = models.CharField(max_length=8, choices=Delivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.delivery}"


class QuietHours(models.Model):
    """Hours, in the member's time zone, when no instant e-mail is sent (it waits until after)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiet_hours"
    )
    starts = models.TimeField(_("quiet from"))
    ends = models.TimeField(_("quiet until"))

    def __str__(self) -> str:
        return f"{self.starts:%H:%M}-{self.ends:%H:%M}"
