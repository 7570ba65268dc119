"""Pausing Python's cyclic garbage collector around bulk reads.

A dashboard that reads tens of thousands of rows allocates as many short-lived tuples and
records, none in reference cycles; each allocation burst triggers collection passes that walk
every tracked object of the process, a third of such a page's time. Reference counting still
frees everything at once; the collector only runs later.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside the block (process-wide: another thread's request only
    sees its collection postponed). Nested or concurrent uses leave it on at the end if it
    was on at the start."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
