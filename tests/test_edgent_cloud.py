# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""A real Edgent against the local cloud (in this process, over loopback), with a phone on its
access point asking the real portal over HTTP: what happens once the cloud answers. The radio is
a loopback stand-in (tests/loopback.py); the clock is virtual, moved on by the loop that polls.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import pytest
from loopback import LoopbackRadio

from blynk_edgent.config import Config
from blynk_edgent.configmode import IDLE_FALLBACK_MS, SUCCESS_GRACE_MS
from blynk_edgent.edgent import Edgent
from blynk_edgent.store import ConfigStore
from edgent_host.cloud.testing import RunningCloud, running_cloud
from support import Clock, FakeNVM

PASSWORD = "correct horse"
CONFIG_MODE_MODULES = {"blynk_edgent.configmode", "blynk_edgent.portal", "blynk_edgent.httpd"}


class Device:
    """A real Edgent polled by a thread of its own, 10 virtual ms a poll."""

    def __init__(self, cloud: RunningCloud, stored: Config | None = None) -> None:
        self.clock = Clock()
        self.lines: list[str] = []
        self.states: list[str] = []
        self.connected = 0
        self.radio = LoopbackRadio({"HomeNet": PASSWORD})
        self.nvm = FakeNVM(8192)
        self.cloud = cloud
        if stored is not None:
            ConfigStore(self.nvm).save(stored)
        self.edgent = Edgent(
            "TMPL4abcd123", "Device", "0.1.0", radio=self.radio, nvm=self.nvm, tls=False,
            log=self.lines.append, clock=self.clock, led=False, button=False, screen=False,
        )  # fmt: skip
        self.edgent.on_state_change(lambda old, new: self.states.append(new))
        self.edgent.on_connected(self._count)
        self._lock = threading.Lock()
        self._stop = False
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _count(self) -> None:
        self.connected += 1

    def _loop(self) -> None:
        try:
            while not self._stop:
                with self._lock:
                    self.edgent.poll()
                    self.clock.now += 10
                time.sleep(0.001)
        except BaseException as error:  # a reboot (SystemExit) or a bug: the test reports it
            self.error = error

    def skip(self, ms: int) -> None:
        """Time passes at once."""
        with self._lock:
            self.clock.now += ms

    def wait(self, what: Callable[[], Any], timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while not what():
            assert self.error is None, repr(self.error)
            assert time.monotonic() < deadline, "\n".join(self.lines[-20:])
            time.sleep(0.01)

    def ask(self, path: str) -> tuple[int, Any]:
        """A phone on the access point asks the portal, as the Blynk app does."""
        request = urllib.request.Request(self.radio.portal + path, headers={"Host": "192.168.4.1"})
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def stored(self) -> Config:
        return ConfigStore(self.nvm).load()

    def stop(self) -> None:
        self._stop = True
        self._thread.join(5)


@pytest.fixture
def cloud() -> Iterator[RunningCloud]:
    with running_cloud(tls=False) as running:
        yield running


@pytest.fixture
def devices() -> Iterator[list[Device]]:
    made: list[Device] = []
    yield made
    for device in made:
        device.stop()


def config_query(cloud: RunningCloud, token: str, password: str = PASSWORD) -> str:
    params = {"ssid": "HomeNet", "pass": password, "blynk": token, "host": cloud.host, "port": str(cloud.device_port)}
    return "/config?" + "&".join(f"{name}={quote(value, safe='')}" for name, value in params.items())


def test_a_configuration_that_works_is_kept_and_the_device_runs_on_it_without_a_reboot(
    cloud: RunningCloud, devices: list[Device]
) -> None:
    token = cloud.new_device(name="Kitchen")
    device = Device(cloud)
    devices.append(device)
    device.wait(lambda: device.edgent.state == "WAIT_CONFIG")
    assert device.ask(config_query(cloud, token)) == (200, {"status": "ok", "msg": "Trying to connect..."})
    cloud.wait_online(token, timeout=10)
    device.wait(lambda: device.ask("/board_info.json")[1]["attempt"]["phase"] == "connected")
    # the phone, still on the access point, sees it connected; then the access point closes
    assert device.radio.ap == "Blynk Device-PYN6" and device.edgent.state == "RUNNING"
    device.skip(SUCCESS_GRACE_MS)
    device.wait(lambda: device.radio.ap is None)
    assert not CONFIG_MODE_MODULES & set(sys.modules)
    stored = device.stored()
    assert (stored.ssid, stored.token, stored.provisioned, stored.last_error) == ("HomeNet", token, True, 0)
    # one login, kept: online from the test-join on, never offline in between
    assert cloud.is_online(token) and device.edgent.connected
    assert len([line for line in device.lines if "logged in to" in line]) == 1
    assert device.states[-3:] == ["CONNECTING_NET", "CONNECTING_CLOUD", "RUNNING"] and device.connected == 1
    metadata = cloud.wait_until(lambda: cloud.device(token)["metadata"], what="the device's metadata")
    assert metadata["Hotspot Name"] == "Blynk Device-PYN6"
    assert device.edgent.virtual_write(3, "hello")
    cloud.wait_until(lambda: cloud.api("get", token, ("V3", "")).text == "hello", what="V3 in the cloud")


class LateForwarder:
    """A port where nothing listens until :meth:`open`, then forwards to ``target``: a cloud (or a
    route to it) that is not there yet for the first attempts of a test-join."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        with socket.create_server(("127.0.0.1", 0)) as probe:
            self.port = probe.getsockname()[1]
        self._server: socket.socket | None = None

    def open(self) -> None:
        self._server = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        assert self._server is not None
        while True:
            try:
                near, _ = self._server.accept()
            except OSError:
                return
            far = socket.create_connection(self.target)
            for a, b in ((near, far), (far, near)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(4096):
                sink.sendall(data)
        except OSError:
            pass
        sink.close()

    def close(self) -> None:
        if self._server is not None:
            self._server.close()


def test_a_test_join_gives_the_cloud_several_attempts_as_blynks_firmware_does(
    cloud: RunningCloud, devices: list[Device]
) -> None:
    """The cloud is not reachable for the first attempts (a router whose route or DNS needs a
    moment after DHCP): the test-join keeps trying for TRIAL_CLOUD_MS. Before, it gave up after
    one attempt and the configuration was refused (702)."""
    token = cloud.new_device(name="Patient")
    late = LateForwarder((cloud.host, cloud.device_port))
    device = Device(cloud)
    devices.append(device)
    try:
        device.wait(lambda: device.edgent.state == "WAIT_CONFIG")
        query = config_query(cloud, token).replace("port=%d" % cloud.device_port, "port=%d" % late.port)
        assert device.ask(query)[0] == 200
        device.wait(lambda: len([line for line in device.lines if "; trying again in" in line]) >= 2)
        assert device.edgent.state == "CONNECTING_CLOUD" and device.edgent.last_error == 0
        late.open()
        cloud.wait_online(token, timeout=30)
        device.wait(lambda: device.edgent.state == "RUNNING")
        assert device.stored().token == token and device.stored().last_error == 0
    finally:
        late.close()


def test_a_refused_token_is_703_in_config_mode_and_the_stored_network_comes_back_after_ten_minutes(
    cloud: RunningCloud, devices: list[Device]
) -> None:
    unknown = "Unknown0123456789abcdefghijklmno"
    stored = Config(ssid="HomeNet", password=PASSWORD, token=unknown, host=cloud.host, port=cloud.device_port)
    stored.provisioned = True
    device = Device(cloud, stored)
    devices.append(device)
    device.wait(lambda: device.edgent.state == "WAIT_CONFIG")
    assert device.edgent.last_error == 703 and device.radio.ap == "Blynk Device-PYN6"
    kept = device.stored()
    assert (kept.token, kept.provisioned, kept.last_error) == (unknown, True, 703)
    status, info = device.ask("/board_info.json")
    assert (status, info["last_error"], info["last_error_msg"]) == (200, 703, "Blynk.Cloud refused the auth token.")
    device.wait(lambda: device.edgent.state == "CONFIGURING")
    device.skip(IDLE_FALLBACK_MS)  # a phone is still there: it cannot hold the device
    device.wait(lambda: "CONNECTING_NET" in device.states)
    device.wait(lambda: device.edgent.state == "WAIT_CONFIG" and device.states.count("WAIT_CONFIG") == 2)
    assert device.radio.joins == ["HomeNet", "HomeNet"]


def test_the_cloud_asks_for_config_mode_and_a_phone_moves_the_device_to_another_token(
    cloud: RunningCloud, devices: list[Device]
) -> None:
    old = cloud.new_device(name="Old")
    stored = Config(ssid="HomeNet", password=PASSWORD, token=old, host=cloud.host, port=cloud.device_port)
    stored.provisioned = True
    device = Device(cloud, stored)
    devices.append(device)
    cloud.wait_online(old, timeout=10)
    cloud.send_internal(old, "dbg", "config start")
    device.wait(lambda: device.edgent.state == "WAIT_CONFIG")
    cloud.wait_online(old, online=False)
    assert not device.radio.connected and device.radio.ap == "Blynk Device-PYN6"
    new = cloud.new_device(name="New")
    status, _ = device.ask(config_query(cloud, new, password="not the password"))
    assert status == 200
    device.wait(lambda: device.edgent.state == "WAIT_CONFIG" and device.edgent.last_error == 722)
    assert device.stored().token == old  # the earlier configuration stays
    assert device.ask(config_query(cloud, new))[0] == 200
    cloud.wait_online(new, timeout=10)
    device.wait(lambda: device.edgent.state == "RUNNING")
    assert (device.stored().token, device.stored().last_error, device.edgent.last_error) == (new, 0, 0)
    cloud.send_internal(new, "dbg", "config erase")
    device.wait(lambda: device.edgent.state == "WAIT_CONFIG")
    assert not device.stored().provisioned and "RESET_CONFIG" in device.states


def test_an_update_over_the_air_is_refused_with_an_event_and_the_device_stays_online(
    cloud: RunningCloud, devices: list[Device]
) -> None:
    token = cloud.new_device()
    stored = Config(ssid="HomeNet", password=PASSWORD, token=token, host=cloud.host, port=cloud.device_port)
    stored.provisioned = True
    device = Device(cloud, stored)
    devices.append(device)
    cloud.wait_online(token, timeout=10)
    cloud.send_internal(token, "ota", "http://example.com/firmware.bin")
    cloud.wait_until(lambda: cloud.device(token)["events"], timeout=10)
    assert cloud.device(token)["events"] == [
        {"code": "sys_ota", "description": "Update over the air is not supported on CircuitPython"}
    ]
    assert device.edgent.state == "RUNNING" and cloud.is_online(token)


class DroppingCloud:
    """A cloud that takes every login and then closes the connection at once; it notes the
    device's clock at each login."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.logins: list[int] = []
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                sock, _ = self._server.accept()
            except OSError:
                return
            with sock:
                sock.settimeout(5)
                head = sock.recv(5)  # the login's header: command, id, length
                if len(head) < 5:
                    continue
                self.logins.append(self.clock.now)
                sock.sendall(bytes((0,)) + head[1:3] + (200).to_bytes(2, "big"))  # RESPONSE OK

    def close(self) -> None:
        self._server.close()


def test_a_cloud_that_drops_every_login_is_tried_less_and_less_often(
    cloud: RunningCloud, devices: list[Device]
) -> None:
    """Issue 14: the backoff was reset by every login, so a server that takes the login and
    drops the link got a connection (a TLS handshake on hardware) every second, for ever."""
    stored = Config(ssid="HomeNet", password=PASSWORD, token="T" * 32, host="127.0.0.1", port=80)
    stored.provisioned = True
    device = Device(cloud, stored)
    devices.append(device)
    dropping = DroppingCloud(device.clock)
    try:
        with device._lock:
            device.edgent.config.port = dropping.port
        device.wait(lambda: len(dropping.logins) >= 6, timeout=60)
        gaps = [b - a for a, b in zip(dropping.logins, dropping.logins[1:], strict=False)]
        assert gaps[-1] >= 8000, gaps  # 1 s before: the wait doubles with each short-lived link
        assert gaps == sorted(gaps) or gaps[-1] > 2 * gaps[0], gaps
    finally:
        dropping.close()


def test_a_link_that_stayed_up_a_minute_is_tried_again_at_once() -> None:
    from blynk_edgent.link import CloudLink
    from blynk_edgent.online import STABLE_MS, Online

    clock = Clock()
    link = CloudLink([].append, clock)
    online = Online(None, link, (1000, 30000), [].append, clock)
    waits = []
    for _ in range(4):  # links lost a second after they started
        link.opened_at = clock.now
        clock.now += 1000
        waits.append(online.lost(clock.now))
    assert waits[-1] >= 8000 and link.flaps == 4
    link.opened_at = clock.now
    clock.now += STABLE_MS
    assert online.lost(clock.now) <= 1000 and link.flaps == 0


class StarvedRadio(LoopbackRadio):
    """A radio whose status question runs out of memory ``failures`` times once the device runs
    (a fragmented heap): an allocation anywhere in a poll can fail so."""

    def __init__(self, failures: int) -> None:
        super().__init__({"HomeNet": PASSWORD})
        self.failures = failures
        self.armed = False
        self._connected = False

    @property  # type: ignore[override]
    def connected(self) -> bool:
        if self.armed and self.failures:
            self.failures -= 1
            raise MemoryError("memory allocation failed, allocating 1024 bytes")
        return self._connected

    @connected.setter
    def connected(self, value: bool) -> None:
        self._connected = value


def starved_device(cloud: RunningCloud, devices: list[Device], failures: int) -> tuple[Device, StarvedRadio]:
    token = cloud.new_device()
    stored = Config(ssid="HomeNet", password=PASSWORD, token=token, host=cloud.host, port=cloud.device_port)
    stored.provisioned = True
    device = Device(cloud, stored)
    devices.append(device)
    radio = StarvedRadio(failures)
    with device._lock:  # the same network, on a radio that will run short
        radio.join(stored)
        device.edgent.radio = radio
    cloud.wait_online(token, timeout=10)
    device.wait(lambda: device.edgent.state == "RUNNING")
    return device, radio


def test_running_out_of_memory_drops_the_link_and_the_device_comes_back(
    cloud: RunningCloud, devices: list[Device]
) -> None:
    """Issue 14: nothing caught MemoryError; one failed allocation stopped code.py for good."""
    device, radio = starved_device(cloud, devices, failures=2)
    logins = device.connected
    radio.armed = True
    device.wait(lambda: device.connected > logins, timeout=20)  # logged in again
    assert device.error is None and device.edgent.state == "RUNNING"
    dropped = [line for line in device.lines if "out of memory (1 in a row); cloud link dropped" in line]
    assert len(dropped) == 2  # a poll between them went well


def test_a_device_that_keeps_running_out_of_memory_reboots_and_says_why(
    cloud: RunningCloud, devices: list[Device]
) -> None:
    device, radio = starved_device(cloud, devices, failures=1000)
    radio.armed = True
    deadline = time.monotonic() + 10
    while device.error is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert isinstance(device.error, SystemExit)  # microcontroller.reset()
    assert "out of memory (5 in a row)" in device.lines[-2] and "rebooting now" in device.lines[-1]
