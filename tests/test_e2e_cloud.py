# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""End to end on loopback: the local cloud and a simulated board running an example's code.py
unchanged: a native-WiFi ESP32-S3, and a PyPortal whose ESP32 co-processor (NINA firmware 1.7.7
and 3.3.0) runs under the real adafruit_esp32spi.

The device runs in its own processes (one per boot); the test sees it only from outside: the
cloud's HTTP API, the simulator's panel and serial log, the world file.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from pathlib import Path

import pytest
from devices import ALL, HOME_PASSWORD, NATIVE, NINA3, WIO, Device

from edgent_host.cloud.testing import port_outside_the_ephemeral_range, running_cloud
from edgent_host.sim.supervisor import Simulator
from edgent_host.sim.testing import running_sim
from edgent_host.sim.world import DEFAULT_WORLD

pytestmark = pytest.mark.slow

TOKEN = "E2Etoken0123456789abcdefghijklmn"
HOME = {"ssid": "HomeNet", "password": HOME_PASSWORD, "token": TOKEN}


def running(sim: Simulator, timeout: float = 20) -> None:
    assert sim.wait_for(lambda s: s["state"] == "RUNNING", timeout), "\n".join(sim.log_lines()[-30:])


@pytest.mark.parametrize("tls", [True, False], ids=["tls", "plain"])
@pytest.mark.parametrize("device", ALL, ids=lambda d: d.name)
def test_provisioned_device_runs_and_trades_virtual_pins(tmp_path: Path, device: Device, tls: bool) -> None:
    code = device.circuitpy(tmp_path, tls)
    with (
        running_cloud(tls=tls, tokens=[TOKEN]) as cloud,
        running_sim(code, tmp_path / "state", cloud, nvm=HOME, **device.sim_options()) as sim,
    ):
        running(sim, 40)
        cloud.wait_online(TOKEN)
        # the info message and the hotspot name follow the login
        cloud.wait_until(lambda: "tmpl" in cloud.device(TOKEN)["info"] and cloud.device(TOKEN)["metadata"], 5)
        info = cloud.device(TOKEN)["info"]
        assert info["tmpl"] == info["fw-type"] == "TMPL4abcd123"
        assert info["mcu"] == "0.1.0" and info["blynk"] == "1.4.0"
        assert info["h-beat"] == "40" and info["buff-in"] == "1024"
        assert list(info) == ["mcu", "fw-type", "build", "blynk", "h-beat", "buff-in", "dev", "tmpl"]
        # the build stamp is when code.py last changed, as C's __DATE__ __TIME__
        built = time.localtime(code.stat().st_mtime)
        assert info["build"] == time.strftime("%b ", built) + f"{built.tm_mday:2d}" + time.strftime(
            " %Y %H:%M:%S", built
        )
        assert cloud.device(TOKEN)["metadata"]["Hotspot Name"] == device.ap_ssid

        # cloud -> device: the example's V1 handler gets the values
        cloud.update(TOKEN, "V1", "1")
        assert device.v1_reached(sim, "1")
        cloud.update(TOKEN, "V1", "0")
        assert device.v1_reached(sim, "0")

        # device -> cloud: the uptime on V0
        cloud.wait_until(lambda: cloud.api("get", TOKEN, ("V0", "")).status == 200, 10, what="V0 reported")
        assert int(cloud.api("get", TOKEN, ("V0", "")).text) >= 0
        assert any(("(TLS)" if tls else "(plain TCP)") in line for line in sim.log_lines())


@pytest.mark.parametrize("device", ALL, ids=lambda d: d.name)
def test_network_outage_goes_back_to_connecting_net(tmp_path: Path, device: Device) -> None:
    world = tmp_path / "world.json"
    world.write_text(json.dumps(DEFAULT_WORLD))
    with (
        running_cloud(tokens=[TOKEN]) as cloud,
        running_sim(
            device.circuitpy(tmp_path, False), tmp_path / "state", cloud, nvm=HOME, world=world, **device.sim_options()
        ) as sim,
    ):
        running(sim, 40)
        without_home = {"networks": [n for n in DEFAULT_WORLD["networks"] if n["ssid"] != "HomeNet"]}
        world.write_text(json.dumps(without_home))
        assert sim.wait_for(lambda s: s["state"] == "CONNECTING_NET", 10), "\n".join(sim.log_lines()[-20:])
        assert sim.wait_for(lambda s: s["last_error"] == 720, 30), "\n".join(sim.log_lines()[-20:])
        cloud.wait_online(TOKEN, online=False, timeout=150)
        world.write_text(json.dumps(DEFAULT_WORLD))
        running(sim, 60)
        cloud.wait_online(TOKEN)
        assert sim.snapshot()["boots"] == 1  # a provisioned device never falls back to config mode
        assert sim.wait_for(lambda s: s["last_error"] == 0, 5), "last_error not cleared after the login"


class ScriptedCloud:
    """A cloud that answers the first login and then sends garbage; later logins are served well."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4)
        self.host, self.device_port = self.listener.getsockname()
        self.device_address = (self.host, self.device_port)  # what running_sim reads, as a RunningCloud's
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
        with running_sim(NATIVE.circuitpy(tmp_path, False), tmp_path / "state", scripted, nvm=HOME) as sim:
            deadline = time.monotonic() + 20
            while scripted.logins < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert scripted.logins >= 2
            log = "\n".join(sim.log_lines())
            assert "corrupt stream" in log
            running(sim)
    finally:
        scripted.close()


@pytest.mark.parametrize("device", [NATIVE, NINA3, WIO], ids=lambda d: d.name)
def test_cloud_outage_backs_off_and_returns_within_the_bound(tmp_path: Path, device: Device) -> None:
    ca_dir = tmp_path / "ca"  # kept across both clouds, as a real cloud keeps its certificate
    port = port_outside_the_ephemeral_range()
    with running_cloud(tls=True, tokens=[TOKEN], device_port=port, ca_dir=ca_dir) as first:
        cm = running_sim(device.circuitpy(tmp_path, True), tmp_path / "state", first, nvm=HOME, **device.sim_options())
        sim = cm.__enter__()
        running(sim, 40)
    try:
        # the cloud is down now
        assert sim.wait_for(lambda s: s["state"] in ("CONNECTING_CLOUD", "CONNECTING_NET"), 15), "\n".join(
            sim.log_lines()[-20:]
        )
        time.sleep(4)  # a few failed attempts, each waiting longer
        with running_cloud(tls=True, tokens=[TOKEN], device_port=port, ca_dir=ca_dir) as second:
            back = time.monotonic()
            lines_before = len(sim.log_lines())
            running(sim, 60)
            waited = time.monotonic() - back
            second.wait_online(TOKEN)
            delays = _retry_delays(sim.log_lines()[: lines_before + 1])
            assert delays, "the device never waited between attempts"
            assert delays == sorted(delays) or max(delays) <= 30000  # growing, capped
            # back within the wait it had scheduled last, plus the time to connect
            assert waited <= delays[-1] / 1000 + 3, (waited, delays)
            assert all(d <= 30000 for d in delays)
            assert sim.snapshot()["boots"] == 1  # no reboot, no config mode: it just retried
    finally:
        cm.__exit__(None, None, None)


def _retry_delays(lines: list[str]) -> list[int]:
    import re

    return [int(m.group(1)) for line in lines if (m := re.search(r"retrying in (\d+) ms", line))]


def test_redirect_sends_the_device_to_the_other_server(tmp_path: Path) -> None:
    with (
        running_cloud(tls=True, tokens=[TOKEN]) as target,
        running_cloud(
            tls=True, tokens=[TOKEN], redirect=("127.0.0.1", target.device_port), ca_dir=target.ca_dir
        ) as first,
        running_sim(NATIVE.circuitpy(tmp_path, True), tmp_path / "state", first, nvm=HOME) as sim,
    ):
        running(sim)
        target.wait_online(TOKEN)
        assert any("redirected to 127.0.0.1:%d" % target.device_port in line for line in sim.log_lines())


def test_refused_token_on_a_provisioned_device_is_703_and_config_mode(tmp_path: Path) -> None:
    with (
        running_cloud(tls=True) as cloud,
        running_sim(NATIVE.circuitpy(tmp_path, True), tmp_path / "state", cloud, nvm=HOME) as sim,
    ):
        assert sim.wait_for(lambda s: s["state"] == "WAIT_CONFIG" and s["last_error"] == 703, 20)
        assert sim.snapshot()["ap"] == "Blynk Device-PYN6"


def test_a_malformed_template_id_stops_at_start_naming_the_setting(tmp_path: Path) -> None:
    code = NATIVE.circuitpy(tmp_path, True)
    settings = code.parent / "settings.toml"
    settings.write_text(settings.read_text().replace('"TMPL4abcd123"', '"4abcd123"'))
    with running_cloud(tls=True) as cloud, running_sim(code, tmp_path / "state", cloud) as sim:
        assert sim.wait_for(lambda s: not s["running"], 15)
        log = "\n".join(sim.log_lines())
        assert "BLYNK_TEMPLATE_ID must be the template ID from Blynk.Console, which starts with TMPL" in log
        assert "Fix it in settings.toml" in log


def test_a_build_without_ssl_stops_naming_the_setting(tmp_path: Path) -> None:
    code = NATIVE.circuitpy(tmp_path, True)
    # A CircuitPython build without the ssl module: importing it fails as it would there.
    code.write_text("import sys\nsys.modules['ssl'] = None\n" + code.read_text())
    with running_cloud(tls=True) as cloud, running_sim(code, tmp_path / "state", cloud, nvm=HOME) as sim:
        assert sim.wait_for(lambda s: not s["running"], 20), "\n".join(sim.log_lines()[-20:])
        log = "\n".join(sim.log_lines())
        assert "this CircuitPython build has no ssl module" in log
        assert "set BLYNK_TLS = 0 in settings.toml" in log


def test_secrets_never_reach_the_serial_log(tmp_path: Path) -> None:
    with (
        running_cloud(tls=True, tokens=[TOKEN]) as cloud,
        running_sim(NATIVE.circuitpy(tmp_path, True), tmp_path / "state", cloud, nvm=HOME) as sim,
    ):
        running(sim)
        cloud.send_internal(TOKEN, "dbg", "config start")
        assert sim.wait_for(lambda s: s["state"] == "WAIT_CONFIG", 10)
    log = (tmp_path / "state" / "serial.log").read_text()
    assert TOKEN[:4] + "..." in log
    assert TOKEN not in log and HOME["password"] not in log
