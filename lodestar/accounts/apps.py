from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lodestar.accounts"
    label = "accounts"

    def ready(self) -> None:
        from lodestar.core import retention

        from . import services, signals  # noqa: F401  (signals: creates each user's profile)

        retention.register("demographics", services.delete_stale_demographics)
