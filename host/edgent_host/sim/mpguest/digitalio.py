# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``digitalio`` for a board's code under MicroPython, each pin the simulator's on the host
(``edgent_host.sim.mpbridge``): a level set or read is one call over the bridge."""

import simbridge


class Pull:
    """Which way an input is pulled."""

    UP = 0x55  # "U"
    DOWN = 0x44  # "D"


class DigitalInOut:
    """A pin driven or read on the host. It holds its pin's name only (the board's own bytes): a
    board's DigitalInOut is a 16-byte object, and what this one holds past that is counted against
    the board's code."""

    def __init__(self, pin):
        self._name = pin.name
        simbridge.call(simbridge.PIN, self._name)

    def switch_to_output(self, value=False, drive_mode=None):
        """Drive the pin, at ``value`` first."""
        simbridge.call(simbridge.OUTPUT, self._name, None, 1 if value else 0)

    def switch_to_input(self, pull=None):
        """Read the pin, pulled by ``pull``."""
        simbridge.call(simbridge.INPUT, self._name, None, pull or 0)

    @property
    def value(self):
        """The pin's level."""
        return simbridge.call(simbridge.GET, self._name) == 0x31

    @value.setter
    def value(self, level):
        simbridge.call(simbridge.SET, self._name, None, 1 if level else 0)
