from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .models import Invitation
from .services import send_application_digests


@db_task()
def send_application_digests_task() -> int:
    return send_application_digests()


@db_periodic_task(crontab(minute="*/5"))
def application_digests_periodic() -> int:
    return send_application_digests()


@db_task(retries=3, retry_delay=60)
def email_invitation_task(invitation_id: int) -> None:
    """E-mail an invitation to someone without an account yet."""
    # Claim before sending, so a re-run job does not send the invitation twice.
    claimed = Invitation.objects.filter(
        pk=invitation_id, emailed_at__isnull=True, accepted_at__isnull=True
    ).update(emailed_at=timezone.now())
    if not claimed:
        return
    invitation = Invitation.objects.select_related("program", "cohort").get(pk=invitation_id)
    context = {
        "invitation": invitation,
        "program": invitation.program,
        "url": settings.SITE_URL + reverse("programs:invitation", args=[invitation.token]),
    }
    send_mail(
        render_to_string("notifications/invitation_subject.txt", context).strip(),
        render_to_string("notifications/invitation_body.txt", context),
        None,
        [invitation.email],
    )
