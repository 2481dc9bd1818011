# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``board`` for the simulated board: ``board_id``, exactly the pins its stub lists, and ``SPI()`` where
the stub has it (as on the board, a singleton on SCK/MOSI/MISO)."""

from __future__ import annotations

from typing import Any

from edgent_host.sim import runtime
from edgent_host.sim.boards import stub_functions, stub_pins
from edgent_host.sim.cp import busio
from edgent_host.sim.pins import Pin

_runtime = runtime.current()
board_id = _runtime.board.board_id

_PINS = {name: Pin(name) for name in stub_pins(board_id)}
_FUNCTIONS = stub_functions(board_id)
_spi: busio.SPI | None = None
_display: Any = None
_frames = 0


def _board_spi() -> busio.SPI:
    """``board.SPI()``: the board's SPI bus on SCK/MOSI/MISO, one object until it is deinitialised."""
    global _spi
    if _spi is None or _spi._deinited:
        _spi = busio.SPI(_PINS["SCK"], _PINS["MOSI"], _PINS["MISO"])
    return _spi


def _screen_saved() -> None:
    global _frames
    _frames += 1
    _runtime.report(screen=_frames)


def _board_display() -> Any:
    """``board.DISPLAY``: a virtual display of the board's size, saved to DIR/screen.png as it changes."""
    global _display
    if _display is None:
        from edgent_host.sim.display import AutoRefresh, VirtualDisplay

        assert _runtime.board.display is not None
        width, height = _runtime.board.display
        _display = VirtualDisplay(width, height)
        AutoRefresh(_display, _runtime.state_dir / "screen.png", on_saved=_screen_saved)
    return _display


def __getattr__(name: str) -> Any:
    # As on the board: a pin (or bus function) the board does not have is an AttributeError.
    if name == "SPI" and "SPI" in _FUNCTIONS:
        return _board_spi
    if name == "DISPLAY" and _runtime.board.display is not None:
        return _board_display()
    try:
        return _PINS[name]
    except KeyError:
        raise AttributeError(f"'module' object has no attribute '{name}'") from None


def __dir__() -> list[str]:
    extra = (["SPI"] if "SPI" in _FUNCTIONS else []) + (["DISPLAY"] if _runtime.board.display else [])
    return ["board_id", *_PINS, *extra]
