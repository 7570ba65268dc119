from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "lodestar.scheduling"
    label = "scheduling"
