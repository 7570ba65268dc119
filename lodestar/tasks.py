"""Huey wiring only: the instance built from settings.HUEY. Jobs live in each app's tasks.py."""

from huey.contrib.djhuey import HUEY as huey  # noqa: F401
