# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``supervisor.ticks_ms`` under MicroPython (WebAssembly): MicroPython's own ticks."""

from time import ticks_ms  # noqa: F401 - what the board's code imports from here
