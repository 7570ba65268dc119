"""Sign-in events in the audit log. Never the password: only who, and for failures which login."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import audit


@receiver(user_logged_in)
def log_login(sender, request, user, **kwargs) -> None:
    audit(user, "login.succeeded", user)


@receiver(user_logged_out)
def log_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit(user, "logout", user)


@receiver(user_login_failed)
def log_login_failure(sender, credentials, request=None, **kwargs) -> None:
    # Django already masks sensitive keys; keep only the identifier that was tried.
    login = credentials.get("email") or credentials.get("username") or credentials.get("login")
    audit(None, "login.failed", None, login=str(login or "")[:254])
