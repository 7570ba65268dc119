from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "lodestar.scheduling"
    label = "scheduling"

    def ready(self) -> None:
        from lodestar.accounts.privacy import register_exporter

        from . import privacy, signals  # noqa: F401  (signals: meetings follow the people)

        register_exporter("scheduling", privacy.export)

        from lodestar.programs.home import register_section

        from .home import home_meetings

        register_section("scheduling_meetings", "scheduling/meetings/home.html", home_meetings)

        from lodestar.core.seeding import register_demo

        register_demo("scheduling", "lodestar.scheduling.demo.seed", order=20)
