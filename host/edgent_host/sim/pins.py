# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The board's pins in the simulator: ``microcontroller.Pin`` and how a driver takes one.

Kept out of the CircuitPython stand-ins so that ``claim`` (the simulator's own bookkeeping)
is not a name a ``code.py`` could reach as ``microcontroller.claim``, which no board has.
"""

from __future__ import annotations

from edgent_host.sim import runtime


class Pin:
    """A pin of the board (``board.X`` values are these)."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return f"board.{self._name}"

    def __hash__(self) -> int:
        return hash(self._name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Pin) and other._name == self._name


def claim(pin: object, what: str = "pin") -> runtime.PinState:
    """Take ``pin`` for one object, as CircuitPython does: TypeError for what is not a Pin,
    ValueError ("board.X in use") while another object holds it."""
    if not isinstance(pin, Pin):
        raise TypeError(f"{what} must be of type Pin, not {type(pin).__name__}")
    state = runtime.current().pin(pin._name)
    if state.in_use:
        raise ValueError(f"{pin} in use")
    state.in_use = True
    return state
