# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""MicroPython's ``os`` plus ``uname()``, which BlynkLib calls at import and the WASI build lacks."""

from uos import *  # noqa: F403


def uname():
    """Return a board-like uname tuple."""
    return ("circuitpython", "bench", "10.2.1", "10.2.1", "bench")
