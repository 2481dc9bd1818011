# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``microcontroller`` for the simulator: the NVM (a file in the state folder), ``reset()``, ``cpu``,
``watchdog``, ``Pin``, and on atmel-samd boards ``pin`` (the chip's pin names).

``cpu.reset_reason`` says why the previous boot ended: ``SOFTWARE`` after ``reset()``,
``WATCHDOG`` after the watchdog reset the board, ``POWER_ON`` after a power cycle (the
supervisor's SIGKILL leaves no word); on atmel-samd boards always ``UNKNOWN``, as CircuitPython's
``ports/atmel-samd/common-hal/microcontroller/Processor.c`` reports it. The NVM erases before it
writes, as the board's flash does (``edgent_host.nvmfile``).
"""

from __future__ import annotations

import hashlib

from edgent_host.nvmfile import NVMFile
from edgent_host.sim import runtime
from edgent_host.sim.cp import watchdog as _watchdog
from edgent_host.sim.pins import Pin as Pin  # microcontroller.Pin, as on a board


class RunMode:
    """Where the board goes on its next reset."""

    NORMAL = "NORMAL"
    SAFE_MODE = "SAFE_MODE"
    UF2 = "UF2"
    BOOTLOADER = "BOOTLOADER"


class ResetReason:
    """Why the board started."""

    POWER_ON = "POWER_ON"
    BROWNOUT = "BROWNOUT"
    SOFTWARE = "SOFTWARE"
    DEEP_SLEEP_ALARM = "DEEP_SLEEP_ALARM"
    RESET_PIN = "RESET_PIN"
    WATCHDOG = "WATCHDOG"
    UNKNOWN = "UNKNOWN"
    RESCUE_DEBUG = "RESCUE_DEBUG"


class _Processor:
    def __init__(self, board_id: str, reset_reason: str) -> None:
        self.uid = bytearray(hashlib.sha256(board_id.encode()).digest()[:16])
        self.frequency = 240_000_000
        self.temperature: float | None = 25.0
        self.voltage: float | None = 3.3
        self.reset_reason = reset_reason


_runtime = runtime.current()
_runtime.reset_reason = getattr(ResetReason, _runtime.take_reset_reason() or "", ResetReason.POWER_ON)
if _runtime.board.port == "atmel-samd":
    _runtime.reset_reason = ResetReason.UNKNOWN
cpu = _Processor(_runtime.board.board_id, _runtime.reset_reason)
nvm = (
    None
    if _runtime.board.nvm_size is None
    else NVMFile(
        _runtime.state_dir / "nvm.bin",
        _runtime.board.nvm_size,
        _runtime.board.new_nvm_fill,
        erase_s=_runtime.board.nvm_erase_s,
    )
)
watchdog: _watchdog.WatchDogTimer | None = _watchdog._the_timer  # CIRCUITPY_WATCHDOG = 1 on every port here


class _ChipPins:
    """``microcontroller.pin``: the chip's own pin names (``PA15``) where the board's simulation
    knows them (``SimBoard.mcu_pins``); on atmel-samd boards only, as here. A pin the chip does not
    have is an AttributeError. UNCONFIRMED gap: ``board.LED`` and ``pin.PB08`` are one pin on a
    board, two here."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self._pins = {name: Pin(name) for name in names}

    def __getattr__(self, name: str) -> Pin:
        try:
            return self._pins[name]
        except KeyError:
            raise AttributeError(f"'module' object has no attribute '{name}'") from None


if _runtime.board.port == "atmel-samd":
    pin = _ChipPins(_runtime.board.mcu_pins)


def reset() -> None:
    """Reboot: this process ends and the supervisor starts the next boot (reset reason SOFTWARE)."""
    _runtime.reboot(ResetReason.SOFTWARE)


def on_next_reset(run_mode: str) -> None:
    """Accepted and ignored: the simulator always boots normally."""


def delay_us(delay: int) -> None:
    """Busy-wait ``delay`` microseconds."""
    import time

    time.sleep(delay / 1_000_000)
