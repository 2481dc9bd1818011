"""``board`` for the simulated board: ``board_id`` and exactly the pins its stub lists."""

from __future__ import annotations

from typing import Any

from edgent_host.sim import runtime
from edgent_host.sim.boards import stub_pins
from edgent_host.sim.cp.microcontroller import Pin

_runtime = runtime.current()
board_id = _runtime.board.board_id

_PINS = {name: Pin(name) for name in stub_pins(board_id)}


def __getattr__(name: str) -> Any:
    # As on the board: a pin the board does not have is an AttributeError.
    try:
        return _PINS[name]
    except KeyError:
        raise AttributeError(f"'module' object has no attribute '{name}'") from None


def __dir__() -> list[str]:
    return ["board_id", *_PINS]
