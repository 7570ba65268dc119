from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "lodestar.insights"
    label = "insights"
