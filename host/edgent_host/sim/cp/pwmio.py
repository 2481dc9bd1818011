# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``pwmio`` for the simulator: the duty cycle a PWM LED shows."""

from __future__ import annotations

from edgent_host.sim import runtime
from edgent_host.sim.pins import Pin, claim


class PWMOut:
    """A PWM output; ``duty_cycle`` is 0..65535."""

    def __init__(self, pin: Pin, *, duty_cycle: int = 0, frequency: int = 500, variable_frequency: bool = False):
        self._state = claim(pin)
        self._state.output = True
        self.frequency = frequency
        self._duty = 0
        self.duty_cycle = duty_cycle

    @property
    def duty_cycle(self) -> int:
        """0 (off) to 65535 (always on)."""
        return self._duty

    @duty_cycle.setter
    def duty_cycle(self, value: int) -> None:
        if not 0 <= value <= 65535:
            raise ValueError("duty_cycle must be 0-65535")
        changed = value != self._duty or self._state.duty is None
        self._duty = value
        self._state.duty = value
        if changed:
            runtime.current().led_changed()

    def deinit(self) -> None:
        """Release the pin."""
        self._state.in_use = False
        self._state.duty = None
        self._state.output = False
