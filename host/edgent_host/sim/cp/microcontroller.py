"""``microcontroller`` for the simulator: the NVM (a file in the state folder), ``reset()``, ``cpu``, ``Pin``."""

from __future__ import annotations

import hashlib
import os
import sys

from edgent_host.nvmfile import NVMFile
from edgent_host.sim import runtime
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
    SOFTWARE = "SOFTWARE"


class _Processor:
    def __init__(self, board_id: str) -> None:
        self.uid = bytearray(hashlib.sha256(board_id.encode()).digest()[:16])
        self.frequency = 240_000_000
        self.temperature: float | None = 25.0
        self.voltage: float | None = 3.3
        self.reset_reason = ResetReason.POWER_ON


_runtime = runtime.current()
cpu = _Processor(_runtime.board.board_id)
nvm = (
    None
    if _runtime.board.nvm_size is None
    else NVMFile(_runtime.state_dir / "nvm.bin", _runtime.board.nvm_size, _runtime.board.new_nvm_fill)
)


def reset() -> None:
    """Reboot: this process ends and the supervisor starts the next boot."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(runtime.REBOOT_EXIT)


def on_next_reset(run_mode: str) -> None:
    """Accepted and ignored: the simulator always boots normally."""


def delay_us(delay: int) -> None:
    """Busy-wait ``delay`` microseconds."""
    import time

    time.sleep(delay / 1_000_000)
