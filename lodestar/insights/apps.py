from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "lodestar.insights"
    label = "insights"

    def ready(self) -> None:
        from lodestar.core.seeding import register_demo

        register_demo("insights", "lodestar.insights.demo.seed", order=90)
