from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "lodestar.insights"
    label = "insights"

    def ready(self) -> None:
        from lodestar.core.seeding import register_demo

        from . import alerts

        # The demo's alert list, as the daily scan would have left it this morning.
        register_demo("insights", lambda rng: {"open alerts": alerts.scan().created}, order=90)
