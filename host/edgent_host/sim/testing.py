# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""A simulated device for tests and the demo: :func:`running_sim` boots it and yields the Simulator.

Example::

    with running_cloud(tls=True, tokens=[TOKEN]) as cloud, running_sim(
        "examples/esp32s3/code.py", tmp_path, cloud, nvm={"ssid": "HomeNet", ...}
    ) as sim:
        sim.wait_for(lambda s: s["state"] == "RUNNING", 20)

The device runs in its own processes (one per boot) exactly as under ``edgent sim``; the test
sees it from outside: the panel's snapshot, its serial log, the portal's port, the NVM file.

:func:`simulated_board` instead gives a test the simulated CircuitPython modules of one board in
its own process, to drive them directly.
"""

from __future__ import annotations

import importlib
import json
import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from edgent_host.address import format_address
from edgent_host.cloud.testing import port_outside_the_ephemeral_range
from edgent_host.sim.command import board_for
from edgent_host.sim.supervisor import Options, Simulator


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on now, below the kernel's range for outgoing
    connections. A simulated device binds its portal's port seconds later, and again each time
    config mode reopens: a port of that range could meanwhile be given to an outgoing connection
    as its source port, and the bind failed with EADDRINUSE (a Wio Terminal's config mode, once
    in CI)."""
    return port_outside_the_ephemeral_range()


def free_udp_port() -> int:
    """A UDP port on 127.0.0.1 nobody uses now."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def seed_nvm(state_dir: Path, board: str, **fields: Any) -> None:
    """Store a provisioned configuration in ``state_dir/nvm.bin``, as ``edgent nvm write`` does."""
    from blynk_edgent.config import Config
    from blynk_edgent.store import ConfigStore
    from edgent_host.nvmfile import NVMFile
    from edgent_host.sim import boards

    sim_board = boards.get(board)
    assert sim_board.nvm_size is not None
    nvm = NVMFile(state_dir / "nvm.bin", sim_board.nvm_size, sim_board.new_nvm_fill)
    ConfigStore(nvm).save(Config(provisioned=True, **fields))


@dataclass
class SimulatedBoard:
    """The simulated modules of one board, as :func:`simulated_board` made them."""

    runtime: Any  # edgent_host.sim.runtime.Runtime
    wifi: ModuleType
    socketpool: ModuleType
    microcontroller: ModuleType
    supervisor: ModuleType
    watchdog: ModuleType
    errno: ModuleType
    world_path: Path | None

    def set_world(self, world: dict[str, Any]) -> None:
        """Rewrite the world file (the radio sees the change on its next look)."""
        assert self.world_path is not None, "simulated_board(world=...) makes a world file"
        self.world_path.write_text(json.dumps(world))
        stamp = time.time_ns() + 10_000_000
        os.utime(self.world_path, ns=(stamp, stamp))  # a new mtime, however fast the rewrite


# The modules simulated_board imports afresh for each board (they read the runtime on import).
_FRESH = ("watchdog", "microcontroller", "supervisor", "wifi", "socketpool", "errno")


@contextmanager
def simulated_board(
    board_id: str, state_dir: Path, world: dict[str, Any] | None = None, *, cloud: tuple[str, int] = ("127.0.0.1", 9)
) -> Iterator[SimulatedBoard]:
    """The simulated CircuitPython modules of ``board_id``, imported afresh in this process, for a
    test that drives them directly; everything is put back afterwards (the watchdog stopped).

    ``world``: the networks (written to a world file in ``state_dir`` that ``set_world`` rewrites);
    None for the default world. The modules are not installed under their CircuitPython names:
    the test holds them (``board.wifi.radio``), and the host's ``errno`` stays the host's.
    """
    from edgent_host.sim import boards, runtime
    from edgent_host.sim.cp import MODULES
    from edgent_host.sim.world import World

    state_dir.mkdir(parents=True, exist_ok=True)
    world_path = None
    if world is not None:
        world_path = state_dir / "world.json"
        world_path.write_text(json.dumps(world))
    rt = runtime.Runtime(
        board=boards.get(board_id),
        state_dir=state_dir,
        code_dir=state_dir,
        cloud=cloud,
        world=World(world_path),
        portal=("127.0.0.1", free_port()),
        dns=("127.0.0.1", free_udp_port()),
    )
    paths = [MODULES[name] for name in _FRESH]
    saved = {path: sys.modules.pop(path) for path in paths if path in sys.modules}
    previous = runtime._current
    runtime.install(rt)
    try:
        modules = {name: importlib.import_module(MODULES[name]) for name in _FRESH}
        yield SimulatedBoard(runtime=rt, world_path=world_path, **modules)
    finally:
        dog = sys.modules.get(MODULES["watchdog"])
        if dog is not None:
            dog._the_timer._stop()
        rt.pending = None
        runtime.release_interrupts()
        for path in paths:
            sys.modules.pop(path, None)
        sys.modules.update(saved)
        runtime._current = previous


@contextmanager
def running_sim(
    code: str | Path,
    state_dir: Path,
    cloud: Any,
    *,
    board: str | None = None,
    world: Path | None = None,
    nvm: dict[str, Any] | None = None,
    panel: bool = True,
    echo: Any = None,
    dns: bool = False,
    nina_firmware: str | None = None,
    rtl_firmware: str | None = None,
    micropython: int | None = None,
) -> Iterator[Simulator]:
    """Boot ``code`` on a simulated board talking to ``cloud`` (a RunningCloud); stop it on exit.

    ``nvm`` seeds a provisioned configuration first (host, port and TLS follow the cloud unless
    given). The portal gets a free port: ``sim.options.portal``. ``nina_firmware`` ("1.7.7",
    "3.3.0") overrides the NINA version of an AirLift board's emulated ESP32, ``rtl_firmware``
    ("2.1.3", "2.1.1", "AT") the firmware of the Wio Terminal's emulated RTL8720DN; ``micropython`` (bytes of heap) runs
    the code under 32-bit MicroPython with that heap instead of CPython (``edgent_host.sim.mpbridge``).
    """
    code = Path(code)
    board_id = board_for(code, board)
    state_dir.mkdir(parents=True, exist_ok=True)
    if nvm is not None:
        fields = dict(nvm)
        fields.setdefault("port", 443 if cloud.tls else 80)
        seed_nvm(state_dir, board_id, **fields)
    options = Options(
        code=code,
        state_dir=state_dir,
        board=board_id,
        cloud=format_address(cloud.device_address),
        ca=cloud.ca_dir,
        world=world,
        portal=f"127.0.0.1:{free_port()}",
        panel="127.0.0.1:0" if panel else None,
        echo=echo,
        dns=f"127.0.0.1:{free_udp_port()}" if dns else None,
        nina_firmware=nina_firmware,
        rtl_firmware=rtl_firmware,
        micropython=micropython,
    )
    sim = Simulator(options)
    sim.start()
    try:
        yield sim
    finally:
        sim.stop()


class LedTrace:
    """Every colour the status LED of ``sim`` (a Simulator) shows from now on, with when: the
    simulator reports each change, a thread here takes each report. Use as a context manager."""

    def __init__(self, sim: Simulator) -> None:
        self.changes: list[tuple[float, str]] = []  # (time.monotonic(), "#RRGGBB")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=sim.wait_for, args=(self._record, 3600), daemon=True)

    def __enter__(self) -> LedTrace:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)

    def _record(self, snapshot: dict[str, Any]) -> bool:
        colour = str(snapshot["led"])
        if not self.changes or self.changes[-1][1] != colour:
            self.changes.append((time.monotonic(), colour))
        return self._stop.is_set()

    def lit(self, start: float, end: float) -> tuple[float, int]:
        """Between ``start`` and ``end`` (time.monotonic()): the share of the time the LED was
        lit (any colour but black), and how many times it lit up."""
        lit_time, flashes = 0.0, 0
        changes = list(self.changes)
        ends = [until for until, _ in changes[1:]] + [max(end, time.monotonic())]
        for (since, colour), until in zip(changes, ends, strict=True):
            overlap = min(until, end) - max(since, start)
            if colour != "#000000" and overlap > 0:
                lit_time += overlap
                flashes += since >= start
        return lit_time / (end - start), flashes
