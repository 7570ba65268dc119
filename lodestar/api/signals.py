"""A new password ends every API token: a stolen token must not outlive the password change."""

from allauth.account.signals import password_changed, password_reset, password_set
from django.dispatch import receiver
from django.utils import timezone

from lodestar.core.models import audit

from .models import ApiToken


@receiver(password_changed)
@receiver(password_reset)
@receiver(password_set)
def revoke_tokens_on_password_change(sender, request, user, **kwargs) -> None:
    revoked = ApiToken.objects.active().filter(user=user).update(revoked_at=timezone.now())
    if revoked:
        audit(user, "api.tokens_revoked", user, reason="password changed", count=revoked)
