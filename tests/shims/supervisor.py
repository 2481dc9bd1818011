# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Stand-in for CircuitPython's ``supervisor``: ticks_ms from the host clock."""

try:
    from time import ticks_ms as _ticks_ms  # MicroPython
except ImportError:
    import time as _time

    def _ticks_ms():
        return int(_time.monotonic() * 1000)


def ticks_ms():
    """Milliseconds, wrapping at 2**29 as on CircuitPython."""
    return _ticks_ms() & 0x1FFFFFFF
