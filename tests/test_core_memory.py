"""collector_paused: no cyclic collection inside, the previous state after, even on errors."""

import gc

import pytest

from lodestar.core.memory import collector_paused


def test_the_collector_is_paused_inside_and_back_on_after():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block does not turn it back on early
    assert gc.isenabled()


def test_an_error_inside_still_turns_it_back_on():
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_it_leaves_a_collector_that_was_off_off():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
