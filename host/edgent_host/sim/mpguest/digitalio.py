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
        simbridge.call(b"pin", self._name)

    def switch_to_output(self, value=False, drive_mode=None):
        """Drive the pin, at ``value`` first."""
        simbridge.call(b"out", self._name + (b"=1" if value else b"=0"))

    def switch_to_input(self, pull=None):
        """Read the pin, pulled by ``pull``."""
        simbridge.call(b"in", self._name + b"=" + (pull or b"-"))

    @property
    def value(self):
        """The pin's level."""
        return simbridge.call(b"get", self._name) == b"1"

    @value.setter
    def value(self, level):
        simbridge.call(b"set", self._name + (b"=1" if level else b"=0"))
