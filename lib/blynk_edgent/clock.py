# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Millisecond ticks as ``supervisor.ticks_ms()`` gives them, and arithmetic that survives their wrap.

The ticks wrap at 2**29 (about 6.2 days), and CircuitPython starts them so that the first wrap
comes about a minute after power-on, so every comparison goes through ``ticks_diff``.
"""

_PERIOD = 1 << 29
_MASK = _PERIOD - 1
_HALF = 1 << 28

try:
    from supervisor import ticks_ms
except ImportError:
    try:  # MicroPython, for the pure tests
        from time import ticks_ms  # type: ignore[attr-defined,no-redef]
    except ImportError:  # CPython, where the host tools import the package
        from time import monotonic as _monotonic

        def ticks_ms():  # type: ignore[misc]
            """Milliseconds from the host's monotonic clock, wrapped like the board's."""
            return int(_monotonic() * 1000) & _MASK


__all__ = ("ticks_add", "ticks_diff", "ticks_ms")


def ticks_diff(later, earlier):
    """Return ``later - earlier`` in milliseconds, correct across one wrap of the ticks."""
    diff = (later - earlier) & _MASK
    return diff - _PERIOD if diff >= _HALF else diff


def ticks_add(ticks, delta):
    """Return ``ticks + delta`` wrapped like the ticks themselves."""
    return (ticks + delta) & _MASK
