"""Helpers for writing demo and benchmark data in bulk."""

from collections.abc import Iterator
from contextlib import contextmanager


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
