# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Stand-in for ``__future__``, which CircuitPython has built in (CIRCUITPY_FUTURE) and this MicroPython lacks."""

annotations = True
