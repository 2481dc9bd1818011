# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``digitalio.DigitalInOut`` under MicroPython (WebAssembly), the pin itself in the simulator on
the host (``edgent_host.sim.mpbridge``): each level set or read is one ``host.call``."""

import host


class DigitalInOut:
    """A pin driven or read on the host."""

    def __init__(self, pin):
        self._name = bytes(pin.name, "utf-8")
        host.call("pin", self._name)

    def switch_to_output(self, value=False, drive_mode=None):
        host.call("pin_output", self._name + (b"=1" if value else b"=0"))

    def switch_to_input(self, pull=None):
        host.call("pin_input", self._name)

    @property
    def value(self):
        return host.call("pin_get", self._name) == "1"

    @value.setter
    def value(self, level):
        host.call("pin_set", self._name + (b"=1" if level else b"=0"))
