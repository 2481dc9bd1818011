# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``digitalio`` for the simulator: outputs are seen by the panel, inputs are driven by it.

A co-processor wired to a pin sees what the board drives on it: an ESP32's CS, RESET and GPIO0
(``sim/nina``), the RTL8720DN's enable pin ``RTL_PWR`` (``sim/rtl8720``); an ESP32's BUSY and
GPIO0 lines read what it drives."""

from __future__ import annotations

from edgent_host.sim import nina, runtime
from edgent_host.sim.pins import Pin, claim


def _rtl8720_driven(pin: str, level: bool | None) -> None:
    """Tell the RTL8720DN, on a board that has one, what ``pin`` is driven to (it watches its
    enable pin). Imported only there: the emulator loads blynk_edgent, which must not be imported
    before the board's errno is (device.install_modules)."""
    if runtime.current().board.rtl8720:
        from edgent_host.sim import rtl8720

        rtl8720.driven(pin, level)


class Direction:
    """Pin direction."""

    INPUT = "INPUT"
    OUTPUT = "OUTPUT"


class Pull:
    """Pull resistor."""

    UP = "UP"
    DOWN = "DOWN"


class DriveMode:
    """Output drive."""

    PUSH_PULL = "PUSH_PULL"
    OPEN_DRAIN = "OPEN_DRAIN"


class DigitalInOut:
    """A digital pin; a pin can be owned by one object at a time, as on the board."""

    def __init__(self, pin: Pin) -> None:
        self._state = claim(pin)
        self._direction = Direction.INPUT
        self._pull: str | None = None
        self._deinited = False

    def _check(self) -> None:
        if self._deinited:
            raise ValueError("Object has been deinitialized and can no longer be used. Create a new object.")

    def deinit(self) -> None:
        """Release the pin."""
        if not self._deinited:
            self._state.in_use = False
            self._deinited = True
            if self._direction == Direction.OUTPUT:
                nina.driven(self._state.name, None)  # a released pin floats
                _rtl8720_driven(self._state.name, None)

    def __enter__(self) -> DigitalInOut:
        return self

    def __exit__(self, *args: object) -> None:
        self.deinit()

    def switch_to_output(self, value: bool = False, drive_mode: str = DriveMode.PUSH_PULL) -> None:
        """Make the pin an output at ``value``."""
        self._check()
        self._direction = Direction.OUTPUT
        self._state.output = True
        self.value = value

    def switch_to_input(self, pull: str | None = None) -> None:
        """Make the pin an input with an optional pull resistor."""
        self._check()
        self._direction = Direction.INPUT
        self._state.output = False
        self._pull = pull
        nina.driven(self._state.name, None)  # an ESP32 on this pin sees it let go (pulled up)
        _rtl8720_driven(self._state.name, None)
        runtime.current().led_changed()

    @property
    def direction(self) -> str:
        """INPUT or OUTPUT."""
        return self._direction

    @direction.setter
    def direction(self, value: str) -> None:
        if value == Direction.OUTPUT:
            self.switch_to_output()
        else:
            self.switch_to_input()

    @property
    def pull(self) -> str | None:
        """The pull resistor of an input."""
        return self._pull

    @pull.setter
    def pull(self, value: str | None) -> None:
        if self._direction == Direction.OUTPUT:
            raise AttributeError("Pull not used when direction is output.")
        self._pull = value

    @property
    def value(self) -> bool:
        """The level: what the pin is driven to, or what drives it."""
        self._check()
        if self._direction == Direction.INPUT:
            level = nina.level(self._state.name)  # an ESP32's ready (BUSY) or GPIO0 line
            if level is not None:
                return level
        return self._state.value

    @value.setter
    def value(self, value: bool) -> None:
        self._check()
        if self._direction != Direction.OUTPUT:
            raise AttributeError("Cannot set value when direction is input.")
        changed = self._state.value != bool(value)
        self._state.value = bool(value)
        nina.driven(self._state.name, bool(value))  # an ESP32's CS, RESET or GPIO0
        _rtl8720_driven(self._state.name, bool(value))  # the RTL8720DN's enable pin
        if changed:
            runtime.current().led_changed()
