# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``microcontroller`` under MicroPython: ``reset()`` ends the interpreter with status 75, and the
simulator boots the board again (``edgent_host.sim.mpbridge``); ``pin``, the chip's pin names
the simulated board is wired by (its module is loaded when first asked for, as a board's
costs no heap)."""

import sys


def reset():
    """Reset the board now."""
    sys.exit(75)


def __getattr__(name):
    if name == "pin":
        import _chip_pins

        return _chip_pins
    raise AttributeError(name)
