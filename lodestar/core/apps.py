from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lodestar.core"
    label = "core"
