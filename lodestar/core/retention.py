"""Data past its retention period is deleted or anonymized by one daily job.

Each app registers what it keeps and for how long in its AppConfig.ready(); `apply_retention`
(command and periodic job) runs them all. Every rule is idempotent.
"""

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

Rule = Callable[[], int]
_rules: dict[str, Rule] = {}


def register(name: str, rule: Rule) -> None:
    _rules[name] = rule


def apply_all() -> dict[str, int]:
    return {name: rule() for name, rule in sorted(_rules.items())}


def forget_failed_login_names() -> int:
    """Failed sign-ins keep the address that was tried only as long as it helps spot attacks."""
    from .models import AuditLog

    cutoff = timezone.now() - timedelta(days=settings.FAILED_LOGIN_RETENTION_DAYS)
    return (
        AuditLog.objects.filter(action="login.failed", created_at__lt=cutoff)
        .exclude(data={})
        .update(data={})
    )
