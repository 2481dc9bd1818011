# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The lite edition end to end, under CPython and under 32-bit MicroPython with a capped heap (its
pins and SPI bridged to the simulator, edgent_host.sim.mpbridge): a blank simulated Arduino Nano
33 IoT runs examples/nano_33_iot_lite/code.py, opens its access point, is provisioned by
``edgent provision`` (the Blynk app's sequence), stores the configuration in its NINA's flash,
resets into running mode, logs in to the local cloud and trades a virtual pin; holding its
button 10 s erases the configuration and brings config mode back."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from edgent_host.cloud.testing import running_cloud
from edgent_host.sim.supervisor import Simulator
from edgent_host.sim.testing import running_sim
from edgent_host.sim.world import DEFAULT_WORLD

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
CODE = ROOT / "examples" / "nano_33_iot_lite" / "code.py"
# The heap the MicroPython run gives the board's code (the bridge's own share comes on top). A
# SAMD21 has 17 KB; the lite edition's whole device needs about 20 KB today, its heap fragmented
# by then (issue 17: the budget is not met; bench/lite.py measures it, bench/README.md has the
# figures). 22 KB keeps a margin; LITE_HEAP=17408 shows where it runs out.
LITE_HEAP = int(__import__("os").environ.get("LITE_HEAP", 22 * 1024))
HOME_PASSWORD = next(n["password"] for n in DEFAULT_WORLD["networks"] if n["ssid"] == "HomeNet")


def portal_open(sim: Simulator, times: int = 1) -> bool:
    """The device has said ``times`` times that its portal listens (its access point comes up a moment before)."""
    return sum("portal http://192.168.4.1/" in line for line in sim.log_lines()) >= times


@pytest.mark.parametrize("heap", [None, LITE_HEAP], ids=["cpython", "micropython"])
def test_a_blank_nano_33_iot_is_provisioned_runs_and_is_reset_by_its_button(tmp_path: Path, heap: int | None) -> None:
    with (
        running_cloud() as cloud,
        running_sim(CODE, tmp_path / "state", cloud, board="arduino_nano_33_iot", micropython=heap) as sim,
    ):
        assert sim.wait_for(lambda s: s["ap"] is not None and portal_open(sim), 30), "\n".join(sim.log_lines()[-20:])
        edgent = Path(sys.executable).parent / "edgent"
        token = cloud.new_device(name="Lite")
        provision = subprocess.run(
            [str(edgent), "provision", "--device", "http://" + sim.options.portal, "--cloud-api",
             f"http://{cloud.host}:{cloud.http_port}", "--ssid", "HomeNet", "--password", HOME_PASSWORD,
             "--token", token],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert provision.returncode == 0, provision.stdout + provision.stderr + "\n".join(sim.log_lines()[-30:])
        cloud.wait_online(token, timeout=30)
        assert sim.snapshot()["boots"] == 2  # stored, then reset into running mode
        assert (tmp_path / "state" / "nina-fs" / "edgent0").is_file()  # in the NINA's flash
        cloud.update(token, "V1", "1")
        assert sim.wait_for(lambda s: any("V1 = 1" in line for line in sim.log_lines()), 10)
        sim.button("D2", True)  # held 10 s: set up again
        assert sim.wait_for(lambda s: any("configuration erased" in line for line in sim.log_lines()), 20)
        sim.button("D2", False)
        assert sim.wait_for(lambda s: s["boots"] == 3 and s["ap"] is not None and portal_open(sim, 2), 30), "\n".join(
            sim.log_lines()[-20:]
        )
        assert not (tmp_path / "state" / "nina-fs" / "edgent0").exists()
        time.sleep(0.1)
