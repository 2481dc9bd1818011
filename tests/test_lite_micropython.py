# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The lite edition's NINA driver under MicroPython in a SAMD21's heap (issue 17, item 4): 32-bit
MicroPython with 17 KB of heap for the script (plus what the bridge holds), its SPI bus and pins
bridged to the simulator's and the NINA emulator behind them (``edgent_host.sim.mpbridge``). The
driver starts the module, reads its version and MAC, scans, joins and reads its address; the
script prints the heap it holds. Each step loads its module and lets it go, as the device does
(blynk_edgent_lite.forget). The whole device runs so in tests/test_lite_e2e.py."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from simboard import simulated_board

from edgent_host.cloud.testing import RunningCloud, running_cloud
from edgent_host.sim import mpbridge
from edgent_host.sim.world import DEFAULT_WORLD

ROOT = Path(__file__).resolve().parent.parent
SAMD21_HEAP = 17 * 1024
HOME_PASSWORD = next(n["password"] for n in DEFAULT_WORLD["networks"] if n["ssid"] == "HomeNet")

SCRIPT = """
import gc
import board, busio, digitalio, time
from blynk_edgent_lite import forget
gc.collect()
base = gc.mem_alloc()
from blynk_edgent_lite.boot import mac, module, version
nina, reset, name = module()
print("VERSION", version(nina))
print("MAC", mac(nina).hex())
del mac, module, version
forget("boot")
from blynk_edgent_lite.access import scan
print("NETWORKS", [network[0] for network in scan(nina)])
del scan
forget("opening")
nina.command(0x11, (b"HomeNet", b"%(password)s"), 1)  # SET_PASSPHRASE: join, as running mode does
start = time.ticks_ms()
while nina.status() != 3 and time.ticks_diff(time.ticks_ms(), start) < 5000:
    time.sleep_ms(50)
print("ADDRESS", ".".join(str(b) for b in nina.command(0x21, (b"\xff",), 3)[0]))  # GET_IPADDR
gc.collect()
print("HELD", gc.mem_alloc() - base, "FREE", gc.mem_free())
"""


@pytest.fixture(scope="module")
def cloud() -> Iterator[RunningCloud]:
    with running_cloud() as running:
        yield running


def test_the_lite_nina_driver_runs_in_a_samd21_s_heap(cloud: RunningCloud, tmp_path: Path) -> None:
    script = tmp_path / "main.py"
    script.write_text(SCRIPT % {"password": HOME_PASSWORD})
    out = io.StringIO()
    with simulated_board(tmp_path, cloud, "arduino_nano_33_iot", DEFAULT_WORLD, "1.7.7") as rt:
        pins = sorted((rt.board.esp32 or {}).values())
        with mpbridge.guest(tmp_path / "mp", pins, [ROOT / "lib" / "blynk_edgent_lite"]) as (bridge, cost):
            code = mpbridge.run(script, tmp_path / "mp", bridge, SAMD21_HEAP + cost, out)
    text = out.getvalue()
    assert code == 0, text  # a MemoryError in 17 KB would end it with 1
    assert "VERSION b'1.7.7'" in text and "MAC 7c9ebd101112" in text, text
    assert "'HomeNet'" in text and "ADDRESS 192.168.1.50" in text, text
    held = int(re.search(r"HELD (\d+)", text).group(1))  # type: ignore[union-attr]
    assert 2048 < held < SAMD21_HEAP, text  # the driver's code and objects, the bridge's excluded
