# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""A simulated board in the test's own process: a sim Runtime (a world file, the local cloud,
free portal and DNS ports) with the simulated CircuitPython modules put into ``sys.modules`` as
device.py does; everything is taken out again afterwards. For tests that drive a co-processor's
emulator through the simulated ``busio`` and ``digitalio`` (tests/test_nina_emulator.py,
tests/test_lite_nina.py)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from edgent_host.cloud.testing import RunningCloud
from edgent_host.sim import boards, device, nina, runtime
from edgent_host.sim.cp import MODULES, NATIVE_WIFI
from edgent_host.sim.testing import free_port, free_udp_port
from edgent_host.sim.world import World

_OURS = frozenset(name for name in MODULES if name not in NATIVE_WIFI)  # what install_modules sets


def ours(name: str) -> bool:
    """True for a module the simulated board puts into ``sys.modules`` (or that binds to them)."""
    return (
        name in _OURS
        or name.startswith("edgent_host.sim.cp.")
        or name.split(".")[0] in ("adafruit_esp32spi", "adafruit_bus_device", "blynk_edgent_lite")
    )


@contextmanager
def simulated_board(
    tmp_path: Path, cloud: RunningCloud, board_id: str, world: dict[str, Any], firmware: str | None = None
) -> Iterator[runtime.Runtime]:
    """Boot ``board_id`` (its co-processor running ``firmware``) in this process; yield its runtime."""
    saved = {name: sys.modules.pop(name) for name in list(sys.modules) if ours(name)}
    getenv, uname, previous = os.getenv, os.uname, runtime._current
    try:
        world_path = tmp_path / "world.json"
        world_path.write_text(json.dumps(world))
        rt = runtime.Runtime(
            board=boards.get(board_id),
            state_dir=tmp_path,
            code_dir=tmp_path,
            cloud=(cloud.host, cloud.device_port),
            world=World(world_path),
            portal=("127.0.0.1", free_port()),
            dns=("127.0.0.1", free_udp_port()),
            ca_file=cloud.ca_file,
        )
        device.install_modules(rt, firmware)
        yield rt
    finally:
        nina.uninstall()
        if "edgent_host.sim.rtl8720" in sys.modules:  # the Wio Terminal's, beside its header AirLift
            sys.modules["edgent_host.sim.rtl8720"].uninstall()
        for name in [name for name in sys.modules if ours(name)]:
            del sys.modules[name]
        sys.modules.update(saved)
        os.getenv, os.uname = getenv, uname
        runtime._current = previous


@contextmanager
def lite_nano(tmp_path: Path, cloud: RunningCloud, world: dict[str, Any] | None = None) -> Iterator[Any]:
    """A simulated Nano 33 IoT (its NINA running 1.7.7) with the lite edition's driver on its pins, reset."""
    from edgent_host.sim.world import DEFAULT_WORLD

    with simulated_board(tmp_path, cloud, "arduino_nano_33_iot", world or DEFAULT_WORLD, "1.7.7"):
        from blynk_edgent_lite.boot import module

        nina, _reset, _name = module()
        yield nina


def join_home(nano: Any, password: bytes) -> None:
    """Join the default world's HomeNet through the lite driver and wait until connected (5 s)."""
    import time

    nano.command(0x11, (b"HomeNet", password), 1)  # SET_PASSPHRASE: join (as running mode does)
    deadline = time.monotonic() + 5
    while nano.status() != 3:
        assert time.monotonic() < deadline
        time.sleep(0.05)
