from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "lodestar.notifications"
    label = "notifications"

    def ready(self) -> None:
        from lodestar.accounts.privacy import register_eraser, register_exporter, scrub_text

        def erase(user, names):
            # Other people's notifications (a coordinator's digest) that name the member.
            from django.db.models import Q

            from .models import Notification

            mentions = Q()
            for name in names:
                mentions |= Q(body__icontains=name) | Q(subject__icontains=name)
            for n in Notification.objects.exclude(user=user).filter(mentions):
                n.body, n.subject = scrub_text(n.body, names), scrub_text(n.subject, names)
                n.save(update_fields=["body", "subject"])

        def export(user):
            return [
                {"kind": n.kind, "subject": n.subject, "created_at": n.created_at.isoformat()}
                for n in user.notifications.all()
            ]

        register_exporter("notifications", export)

        def delete_old_read_notifications() -> int:
            from datetime import timedelta

            from django.conf import settings
            from django.utils import timezone

            from .models import Notification

            cutoff = timezone.now() - timedelta(days=settings.NOTIFICATION_RETENTION_DAYS)
            old = Notification.objects.filter(read_at__isnull=False, created_at__lt=cutoff)
            return old.delete()[0]

        from lodestar.core import retention

        retention.register("read_notifications", delete_old_read_notifications)
        register_eraser("notifications", erase)
