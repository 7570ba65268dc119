from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "lodestar.feedback"
    label = "feedback"

    def ready(self) -> None:
        from lodestar.accounts.privacy import register_exporter

        from . import privacy

        register_exporter("feedback", privacy.export)
