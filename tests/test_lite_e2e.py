# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The lite edition end to end, under CPython and under 32-bit MicroPython with a SAMD21's 17 KB
heap (its pins and SPI bridged to the simulator, edgent_host.sim.mpbridge): a blank simulated
Arduino Nano 33 IoT, and an MKR WiFi 1010 on the MKR Zero's build (its NINA on
``microcontroller.pin`` names, its reset inverted), among sixteen networks, runs its example,
opens its access point, is provisioned by ``edgent provision`` (the Blynk app's sequence),
stores the configuration in its NINA's flash, resets into running mode, logs in to the local
cloud, trades a virtual pin, logs in again when the cloud restarts; holding its button 10 s
erases the configuration and brings config mode back. Its status LED blinks briefly while config
mode waits, breathes slowly (lit about half the time) while it runs, and fast while its button has
been held past 3 s."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path

import pytest

from edgent_host.cloud.testing import port_outside_the_ephemeral_range, running_cloud
from edgent_host.sim.supervisor import Simulator
from edgent_host.sim.testing import LedTrace, running_sim
from edgent_host.sim.world import CROWDED_WORLD, DEFAULT_WORLD

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
CODE = ROOT / "examples" / "nano_33_iot_lite" / "code.py"
# The MKR WiFi 1010 runs the MKR Zero's build: its NINA on microcontroller.pin names, reset inverted.
BOARDS = {
    "nano_33_iot": ("arduino_nano_33_iot", CODE),
    "mkr1010": ("arduino_mkrzero", ROOT / "examples" / "mkr1010_lite" / "code.py"),
}
# The heap the MicroPython run gives the board's code (the bridge's own share comes on top): a
# SAMD21 build's 17 KB (issue 17; bench/lite.py finds the least it needs). LITE_HEAP overrides it.
LITE_HEAP = int(__import__("os").environ.get("LITE_HEAP", 17 * 1024))
MARGIN_HEAP = 15 * 1024  # issue 17's margin run: expected to fail cleanly, or pass
HOME_PASSWORD = next(n["password"] for n in DEFAULT_WORLD["networks"] if n["ssid"] == "HomeNet")


def portal_open(sim: Simulator, times: int = 1) -> bool:
    """The device has said ``times`` times that its portal listens (its access point comes up a moment before)."""
    return sum("portal http://192.168.4.1/" in line for line in sim.log_lines()) >= times


@pytest.mark.parametrize("heap", [None, LITE_HEAP], ids=["cpython", "micropython"])
@pytest.mark.parametrize("name", list(BOARDS))
def test_a_blank_board_is_provisioned_runs_and_is_reset_by_its_button(
    tmp_path: Path, name: str, heap: int | None
) -> None:
    board, code = BOARDS[name]
    port = port_outside_the_ephemeral_range()  # the restarted cloud takes it again
    world = tmp_path / "world.json"
    world.write_text(json.dumps(CROWDED_WORLD))  # sixteen networks: config mode's longest scan page
    with ExitStack() as clouds:
        cloud = clouds.enter_context(running_cloud(device_port=port))
        with (
            running_sim(code, tmp_path / "state", cloud, board=board, world=world, micropython=heap) as sim,
            LedTrace(sim) as led,
        ):
            opened = sim.wait_for(lambda s: s["ap"] is not None and portal_open(sim), 30)
            assert opened, "\n".join(sim.log_lines()[-20:])
            waiting = time.monotonic()
            time.sleep(1.2)  # two of WAIT_CONFIG's blinks: 50 ms lit every 550 ms
            share, flashes = led.lit(waiting, time.monotonic())
            assert flashes >= 2 and share < 0.3, (share, led.changes[-10:])
            edgent = Path(sys.executable).parent / "edgent"
            token = cloud.new_device(name="Lite")
            provision = subprocess.run(
                [str(edgent), "provision", "--device", "http://" + sim.options.portal, "--cloud-api",
                 f"http://{cloud.host}:{cloud.http_port}", "--ssid", "HomeNet", "--password", HOME_PASSWORD,
                 "--token=" + token],  # "=": a token may begin with "-"
                capture_output=True, text=True, timeout=120,
            )  # fmt: skip
            assert provision.returncode == 0, provision.stdout + provision.stderr + "\n".join(sim.log_lines()[-30:])
            cloud.wait_online(token, timeout=30)
            assert sim.snapshot()["boots"] == 2  # stored, then reset into running mode
            assert (tmp_path / "state" / "nina-fs" / "edgent0").is_file()  # in the NINA's flash
            cloud.update(token, "V1", "1")
            traded = sim.wait_for(lambda s: any("V1 = 1" in line for line in sim.log_lines()), 10)
            assert traded, "\n".join(sim.log_lines()[-30:])
            running = time.monotonic()
            time.sleep(5.5)  # one 5-s breath: lit past half its brightness
            share, flashes = led.lit(running, time.monotonic())
            assert flashes >= 1 and 0.3 < share < 0.7, (share, led.changes[-10:])

            # the cloud restarts: the device logs in again by itself, without a reset
            clouds.close()
            cloud = clouds.enter_context(running_cloud(device_port=port, tokens=[token]))
            cloud.wait_online(token, timeout=30)
            cloud.update(token, "V1", "2")
            assert sim.wait_for(lambda s: any("V1 = 2" in line for line in sim.log_lines()), 10)
            assert sim.snapshot()["boots"] == 2

            sim.button("D2", True)  # held 10 s: set up again
            held = time.monotonic()
            assert sim.wait_for(lambda s: any("configuration erased" in line for line in sim.log_lines()), 20)
            share, flashes = led.lit(held + 3.2, held + 9.8)  # held past 3 s: a 1-s breath
            assert flashes >= 5 and 0.3 < share < 0.7, (share, led.changes[-10:])
            sim.button("D2", False)
            assert sim.wait_for(lambda s: s["boots"] == 3 and s["ap"] is not None and portal_open(sim, 2), 30), (
                "\n".join(sim.log_lines()[-20:])
            )
            assert not (tmp_path / "state" / "nina-fs" / "edgent0").exists()
            time.sleep(0.1)


def test_a_heap_too_small_stops_the_device_with_a_memory_error(tmp_path: Path) -> None:
    with (
        running_cloud() as cloud,
        running_sim(CODE, tmp_path / "state", cloud, board="arduino_nano_33_iot", micropython=MARGIN_HEAP) as sim,
    ):
        stopped = sim.wait_for(lambda s: not s["running"] or portal_open(sim), 60)
        log = "\n".join(sim.log_lines())
        assert stopped, log
        if portal_open(sim):  # it fits: then it must serve the app as at any size
            request = urllib.request.Request("http://" + sim.options.portal + "/board_info.json")
            request.add_header("Host", "192.168.4.1")
            with urllib.request.urlopen(request, timeout=20) as answer:
                assert json.loads(answer.read())["board"] == "Device"
        else:  # it does not: one MemoryError, said, and the board stops (no hang, nothing stored)
            assert "MemoryError" in log and sim.snapshot()["boots"] == 1, log
            assert not (tmp_path / "state" / "nina-fs" / "edgent0").exists()
