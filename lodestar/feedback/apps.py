from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "lodestar.feedback"
    label = "feedback"

    def ready(self) -> None:
        from lodestar.accounts.privacy import register_exporter

        from . import privacy

        register_exporter("feedback", privacy.export)

        from lodestar.programs.home import register_section

        from .home import home_surveys

        register_section("feedback_surveys", "feedback/surveys/home.html", home_surveys)

        from lodestar.core.seeding import register_demo

        register_demo("feedback", "lodestar.feedback.demo.seed", order=40)
