# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``supervisor.ticks_ms`` under MicroPython, as CircuitPython's: wrapping at 2**29 and starting
65 s before the wrap, so code that compares ticks without a difference fails here too."""

from time import ticks_add, ticks_diff
from time import ticks_ms as _now

_start = ticks_add(_now(), -((1 << 29) - 65000))


def ticks_ms():
    """Milliseconds since an arbitrary start, wrapping at 2**29."""
    return ticks_diff(_now(), _start) & 0x1FFFFFFF
