from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "lodestar.api"
    label = "api"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (revokes tokens when a password changes)
