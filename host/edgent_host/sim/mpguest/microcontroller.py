# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``microcontroller.reset()`` under MicroPython: the interpreter ends with status 75, and the
simulator boots the board again (``edgent_host.sim.mpbridge``)."""

import sys


def reset():
    """Reset the board now."""
    sys.exit(75)
