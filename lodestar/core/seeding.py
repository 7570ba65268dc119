"""Helpers for writing demo and benchmark data in bulk, and the rooms' demo seeders."""

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.utils.module_loading import import_string

DemoSeeder = Callable[[random.Random], dict[str, int]]
_demo_seeders: dict[str, tuple[int, str]] = {}


def register_demo(name: str, seeder: str, order: int = 50) -> None:
    """A room's demo data, written by `seed_demo` after the people, programs, matches and
    relationships exist (lower `order` first). Rooms register in AppConfig.ready, so the
    command needs no import of rooms above it. `seeder` is the dotted path of a function
    `(rng) -> counts for the summary`, imported only when the demo is seeded: the demo
    writers stay out of every web and worker process's start-up."""
    _demo_seeders[name] = (order, seeder)


def run_demo_seeders(rng: random.Random) -> dict[str, int]:
    counts: dict[str, int] = {}
    for _order, path in sorted(_demo_seeders.values()):
        seeder: DemoSeeder = import_string(path)
        counts.update(seeder(rng))
    return counts


@contextmanager
def keep_timestamps(*models) -> Iterator[None]:
    """Let bulk_create keep the created_at/updated_at we set, instead of stamping the present."""
    fields = [
        (f, f.auto_now, f.auto_now_add)
        for model in models
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    for f, _now, _add in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, add in fields:
            f.auto_now, f.auto_now_add = now, add
