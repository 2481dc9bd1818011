"""End to end on loopback: the local cloud and a simulated ESP32-S3 running examples/esp32s3/code.py unchanged.

The device runs in its own processes (one per boot); the test sees it only from outside: the
cloud's HTTP API, the simulator's panel and serial log, the world file.
"""

from __future__ import annotations

import json
import shutil
import socket
import struct
import threading
import time
from pathlib import Path

import pytest

from edgent_host.cloud.testing import running_cloud
from edgent_host.sim.supervisor import Simulator
from edgent_host.sim.testing import running_sim
from edgent_host.sim.world import DEFAULT_WORLD

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "E2Etoken0123456789abcdefghijklmn"
HOME = {"ssid": "HomeNet", "password": "correct horse battery", "token": TOKEN}


def circuitpy(tmp_path: Path, tls: bool) -> Path:
    """A copy of the example as it would sit on CIRCUITPY; plain TCP is asked for in settings.toml."""
    drive = tmp_path / "esp32s3"
    shutil.copytree(ROOT / "examples" / "esp32s3", drive)
    if not tls:
        with open(drive / "settings.toml", "a") as settings:
            settings.write("\nBLYNK_TLS = 0\n")
    return drive / "code.py"


def running(sim: Simulator, timeout: float = 20) -> None:
    assert sim.wait_for(lambda s: s["state"] == "RUNNING", timeout), "\n".join(sim.log_lines()[-30:])


@pytest.mark.parametrize("tls", [True, False], ids=["tls", "plain"])
def test_provisioned_device_runs_and_trades_virtual_pins(tmp_path: Path, tls: bool) -> None:
    with (
        running_cloud(tls=tls, tokens=[TOKEN]) as cloud,
        running_sim(circuitpy(tmp_path, tls), tmp_path / "state", cloud, nvm=HOME) as sim,
    ):
        running(sim)
        cloud.wait_online(TOKEN)
        device = cloud.device(TOKEN)
        info = device["info"]
        assert info["tmpl"] == info["fw-type"] == "TMPL4abcd123"
        assert info["mcu"] == info["fw"] == "0.1.0"
        assert info["h-beat"] == "40" and info["buff-in"] == "1024"
        assert {"build", "blynk", "dev", "ver"} <= set(info)

        # cloud -> device: V1 switches the example's LED (board.LED, red on the Feather)
        cloud.update(TOKEN, "V1", "1")
        assert sim.wait_for(lambda s: s["led"] == "#FF0000", 5)
        cloud.update(TOKEN, "V1", "0")
        assert sim.wait_for(lambda s: s["led"] == "#000000", 5)

        # device -> cloud: the uptime on V0
        cloud.wait_until(lambda: cloud.api("get", TOKEN, ("V0", "")).status == 200, 10, what="V0 reported")
        assert int(cloud.api("get", TOKEN, ("V0", "")).text) >= 0
        assert any("(TLS)" if tls else "(plain TCP)" in line for line in sim.log_lines())


def test_network_outage_goes_back_to_connecting_net(tmp_path: Path) -> None:
    world = tmp_path / "world.json"
    world.write_text(json.dumps(DEFAULT_WORLD))
    with (
        running_cloud(tokens=[TOKEN]) as cloud,
        running_sim(circuitpy(tmp_path, False), tmp_path / "state", cloud, nvm=HOME, world=world) as sim,
    ):
        running(sim)
        without_home = {"networks": [n for n in DEFAULT_WORLD["networks"] if n["ssid"] != "HomeNet"]}
        world.write_text(json.dumps(without_home))
        assert sim.wait_for(lambda s: s["state"] == "CONNECTING_NET", 10), "\n".join(sim.log_lines()[-20:])
        assert sim.wait_for(lambda s: s["last_error"] == 720, 10)
        cloud.wait_online(TOKEN, online=False, timeout=150)
        world.write_text(json.dumps(DEFAULT_WORLD))
        running(sim, 40)
        cloud.wait_online(TOKEN)


class ScriptedCloud:
    """A cloud that answers the first login and then sends garbage; later logins are served well."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4)
        self.host, self.device_port = self.listener.getsockname()
        self.tls = False
        self.ca_dir = None
        self.logins = 0
        self._stop = False
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _session(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(30)
            head = conn.recv(5)
            if len(head) < 5:
                return
            _command, msg_id, length = struct.unpack("!BHH", head)
            body = b""
            while len(body) < length:
                body += conn.recv(length - len(body))
            self.logins += 1
            conn.sendall(struct.pack("!BHH", 0, msg_id, 200))
            if self.logins == 1:
                time.sleep(0.3)
                conn.sendall(b"\x99garbage that is no Blynk frame")
            try:
                while conn.recv(1024):
                    pass
            except OSError:
                pass

    def close(self) -> None:
        self._stop = True
        self.listener.close()


def test_corrupt_stream_from_the_cloud_leads_to_a_reconnect(tmp_path: Path) -> None:
    scripted = ScriptedCloud()
    try:
        with running_sim(circuitpy(tmp_path, False), tmp_path / "state", scripted, nvm=HOME) as sim:
            deadline = time.monotonic() + 20
            while scripted.logins < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert scripted.logins >= 2
            log = "\n".join(sim.log_lines())
            assert "corrupt stream" in log
            running(sim)
    finally:
        scripted.close()
