# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``digitalio`` for a board's code under MicroPython, each pin the simulator's on the host
(``edgent_host.sim.mpbridge``): a level set or read is one call over the bridge."""

import simbridge


class Pull:
    """Which way an input is pulled."""

    UP = b"U"
    DOWN = b"D"


class DigitalInOut:
    """A pin driven or read on the host."""

    def __init__(self, pin):
        self._name = pin.name
        self._low = pin.name + b"=0"  # made once: a level set allocates nothing
        self._high = pin.name + b"=1"
        simbridge.call(simbridge.PIN, self._name)

    def switch_to_output(self, value=False, drive_mode=None):
        """Drive the pin, at ``value`` first."""
        simbridge.call(simbridge.OUTPUT, self._high if value else self._low)

    def switch_to_input(self, pull=None):
        """Read the pin, pulled by ``pull``."""
        simbridge.call(simbridge.INPUT, self._name + b"=" + (pull or b"-"))

    @property
    def value(self):
        """The pin's level."""
        return simbridge.call(simbridge.GET, self._name) == 0x31

    @value.setter
    def value(self, level):
        simbridge.call(simbridge.SET, self._high if level else self._low)
