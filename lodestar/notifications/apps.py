from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "lodestar.notifications"
    label = "notifications"

    def ready(self) -> None:
        from lodestar.accounts.privacy import register_eraser, register_exporter
        from lodestar.core import retention

        from . import privacy

        register_exporter("notifications", privacy.export)
        register_eraser("notifications", privacy.erase)
        retention.register("read_notifications", privacy.delete_old_read_notifications)
