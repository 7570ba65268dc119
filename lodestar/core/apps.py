from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lodestar.core"
    label = "core"

    def ready(self) -> None:
        from . import retention, signals  # noqa: F401  (signals: the sign-in audit receivers)

        retention.register("failed_login_names", retention.forget_failed_login_names)
