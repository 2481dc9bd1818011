# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""MicroPython's ``time`` plus the ``monotonic`` functions CircuitPython has (MicroPython only)."""

from utime import *  # noqa: F403
from utime import ticks_ms as _ticks_ms


def monotonic():
    return _ticks_ms() / 1000


def monotonic_ns():
    return _ticks_ms() * 1000000
