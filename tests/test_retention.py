import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from lodestar.accounts.models import DemographicAnswer, DemographicQuestion
from lodestar.core import retention
from lodestar.core.models import AuditLog, audit
from lodestar.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_retention_deletes_and_anonymizes_only_what_is_past_its_period(mentee, settings):
    settings.DEMOGRAPHICS_RETENTION_DAYS = 365
    settings.NOTIFICATION_RETENTION_DAYS = 180
    settings.FAILED_LOGIN_RETENTION_DAYS = 30
    question = DemographicQuestion.objects.create(key="age", label="Age", options=["25-34"])
    long_ago = timezone.now() - dt.timedelta(days=400)
    with time_machine.travel(long_ago):
        DemographicAnswer.objects.create(user=mentee, question=question, value="25-34")
        Notification.objects.create(
            user=mentee, kind="k", subject="old read", body="b", read_at=long_ago
        )
        Notification.objects.create(user=mentee, kind="k", subject="old unread", body="b")
        audit(None, "login.failed", None, login="someone@example.org")
    Notification.objects.create(user=mentee, kind="k", subject="new", body="b", read_at=long_ago)
    audit(None, "login.failed", None, login="recent@example.org")

    counts = retention.apply_all()

    assert counts == {"demographics": 1, "failed_login_names": 1, "read_notifications": 1}
    assert not DemographicAnswer.objects.exists()
    assert sorted(mentee.notifications.values_list("subject", flat=True)) == ["new", "old unread"]
    assert list(
        AuditLog.objects.filter(action="login.failed")
        .order_by("created_at")
        .values_list("data", flat=True)
    ) == [{}, {"login": "recent@example.org"}]
    assert retention.apply_all() == dict.fromkeys(counts, 0)  # idempotent


def test_retention_command_reports_each_rule(capsys):
    call_command("apply_retention")
    out = capsys.readouterr().out
    assert "demographics: 0" in out and "read_notifications: 0" in out
