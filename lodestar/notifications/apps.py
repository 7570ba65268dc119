from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "lodestar.notifications"
    label = "notifications"

    def ready(self) -> None:
        from lodestar.accounts.privacy import register_exporter

        def export(user):
            return [
                {"kind": n.kind, "subject": n.subject, "created_at": n.created_at.isoformat()}
                for n in user.notifications.all()
            ]

        register_exporter("notifications", export)
