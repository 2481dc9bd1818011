# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Stand-in for CircuitPython's ``digitalio`` (built into every board)."""


class Direction:
    """Pin directions."""

    INPUT = 0
    OUTPUT = 1


class Pull:
    """Pull resistors."""

    UP = 1
    DOWN = 2


class DigitalInOut:
    """A pin."""

    def __init__(self, pin):
        self.pin = pin
        self.value = False
