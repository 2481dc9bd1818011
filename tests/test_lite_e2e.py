# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The lite edition end to end under CPython (issue 17 groundwork): a blank simulated Arduino
Nano 33 IoT runs examples/nano_33_iot_lite/code.py, opens its access point, is provisioned by
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
from edgent_host.sim.testing import running_sim
from edgent_host.sim.world import DEFAULT_WORLD

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
CODE = ROOT / "examples" / "nano_33_iot_lite" / "code.py"
HOME_PASSWORD = next(n["password"] for n in DEFAULT_WORLD["networks"] if n["ssid"] == "HomeNet")


def test_a_blank_nano_33_iot_is_provisioned_runs_and_is_reset_by_its_button(tmp_path: Path) -> None:
    with running_cloud() as cloud, running_sim(CODE, tmp_path / "state", cloud, board="arduino_nano_33_iot") as sim:
        assert sim.wait_for(lambda s: s["ap"] is not None, 30), "\n".join(sim.log_lines()[-20:])
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
        assert sim.wait_for(lambda s: s["boots"] == 3 and s["ap"] is not None, 30), "\n".join(sim.log_lines()[-20:])
        assert not (tmp_path / "state" / "nina-fs" / "edgent0").exists()
        time.sleep(0.1)
