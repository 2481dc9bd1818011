# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The hard world end to end: each test is one way real boards are harsher than the simulator was
(../shared/docs/hardware-truth.md, section numbers below), and says what failed before the
simulator learned it and the library survived it. The phone is plain HTTP to the portal, or
`edgent provision`; the cloud is the local one; the boards run their examples' code.py.

Waits that the hardware makes long (a join timeout, a router without DHCP) are waited once here.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from devices import HOME_PASSWORD, NATIVE, NINA1, NINA3, WIO, Device
from test_e2e_config import config_url, get, portal, provision, stored, wait_portal, wait_state

from blynk_edgent.online import JOIN_TIMEOUT_S
from blynk_edgent.radio_native_setup import WATCHDOG_MARGIN_S
from edgent_host.cloud.testing import running_cloud
from edgent_host.sim.testing import running_sim
from edgent_host.sim.world import DEFAULT_WORLD, PHONE_REJOIN_S

pytestmark = pytest.mark.slow

NINA2 = Device("airlift-nina-2.0.0", "pyportal", "pyportal", "2.0.0")
PICO_W = Device("pico-w", "pico_w", "raspberry_pi_pico_w")
PICO2_W = Device("pico2-w", "pico_w", "raspberry_pi_pico2_w")
ESP32S3 = NATIVE

LATIN1_CAFE = "436166e9"  # "Café" in Latin-1: an old router's name that is not UTF-8


def world_file(tmp_path: Path, *extra: dict[str, Any], home: dict[str, Any] | None = None) -> Path:
    """The default world plus ``extra`` networks (``home`` overrides HomeNet's fields), as a file."""
    networks = [dict(n, **(home or {})) if n["ssid"] == "HomeNet" else dict(n) for n in DEFAULT_WORLD["networks"]]
    path = tmp_path / "world.json"
    path.write_text(json.dumps({"networks": [*networks, *extra]}))
    return path


def failed_attempt(sim: Any, code: int, timeout: float) -> bool:
    """Whether the device reports the test-join failed with ``code`` within ``timeout`` seconds."""
    return bool(
        sim.wait_for(lambda s: s["last_error"] == code and s["state"] in ("WAIT_CONFIG", "CONFIGURING"), timeout)
    )


def no_crash(sim: Any) -> None:
    """The serial log shows no traceback and the device booted once."""
    lines = sim.log_lines()
    assert not [line for line in lines if "Traceback" in line or "Error:" in line], "\n".join(lines[-30:])
    assert sim.snapshot()["boots"] == 1, "\n".join(lines[-30:])


# -- section 1: a Pico W has no ap_info ----------------------------------------------------------


@pytest.mark.parametrize("device", [PICO_W, PICO2_W], ids=lambda d: d.name)
def test_pico_w_goes_from_blank_to_running_and_stays_there(tmp_path: Path, device: Device) -> None:
    """Before: the library read ``wifi.radio.ap_info`` after the join (to log the RSSI, for the
    screen, for the auto-join shortcut), which raises NotImplementedError on every Pico W: it
    crashed as soon as it had joined. Provisioned, then a cold boot from what it stored."""
    with (
        running_cloud(tls=True) as cloud,
        running_sim(device.code, tmp_path / "state", cloud, board=device.board) as sim,
    ):
        wait_state(sim, "WAIT_CONFIG")
        wait_portal(sim)
        result = provision(sim, cloud, "--ssid", "HomeNet", "--password", HOME_PASSWORD, "--name", device.name)
        assert result.returncode == 0, result.stdout + result.stderr + "\n".join(sim.log_lines()[-20:])
        token = next(d for d in cloud.devices() if d["name"] == device.name)["token"]
        cloud.wait_online(token, timeout=20)
        time.sleep(5)  # it stays: still running, still online, nothing raised
        assert sim.snapshot()["state"] == "RUNNING" and cloud.is_online(token)
        no_crash(sim)

        sim.power_cycle()
        assert sim.wait_for(lambda s: s["boots"] == 2 and s["state"] == "RUNNING", 30), "\n".join(sim.log_lines()[-20:])
        cloud.wait_online(token, timeout=20)
        time.sleep(3)
        assert sim.snapshot()["state"] == "RUNNING" and sim.snapshot()["boots"] == 2


# -- section 9: scans -----------------------------------------------------------------------------


@pytest.mark.parametrize("device", [ESP32S3, NINA1, NINA3, PICO2_W, WIO], ids=lambda d: d.name)
def test_a_name_that_is_not_utf8_does_not_stop_config_mode(tmp_path: Path, device: Device) -> None:
    """Before: reading the Latin-1 network's name raised UnicodeError inside the scan, so config mode
    never opened and a blank device near that router could never be provisioned. Also here: a
    hidden network, a network on channel 13 (hidden by espressif's default scan, which stops at
    11) and HomeNet's beacons seen three times (a Pico W's scan repeats them): the portal lists
    every readable name once."""
    world = world_file(
        tmp_path,
        {"ssid_hex": LATIN1_CAFE, "ssid": "Café in Latin-1", "password": "", "security": "OPEN", "rssi": -40,
         "channel": 3, "bssid": "AA:BB:CC:00:77:88", "internet": True},
        {"ssid": "Attic", "password": "attic-password", "security": "WPA2", "rssi": -60, "channel": 13,
         "bssid": "AA:BB:CC:00:99:AA", "internet": True},
        {"ssid": "Invisible", "password": "", "security": "OPEN", "rssi": -45, "channel": 4, "hidden": True,
         "bssid": "AA:BB:CC:00:BB:CC", "internet": True},
        home={"beacons": 3},
    )  # fmt: skip
    with (
        running_cloud(tls=True) as cloud,
        running_sim(device.code, tmp_path / "state", cloud, world=world, **device.sim_options()) as sim,
    ):
        wait_state(sim, "WAIT_CONFIG")
        wait_portal(sim)
        status, scan = get(portal(sim) + "/wifi_scan.json")
        names = [network["ssid"] for network in scan]
        assert status == 200 and sorted(names) == ["Attic", "CoffeeShop", "HomeNet", "Neighbour"], names
        assert next(network["ch"] for network in scan if network["ssid"] == "Attic") == 13

        result = provision(sim, cloud, "--ssid", "HomeNet", "--password", HOME_PASSWORD, "--name", "Kitchen")
        assert result.returncode == 0, result.stdout + result.stderr + "\n".join(sim.log_lines()[-20:])
        token = next(d for d in cloud.devices() if d["name"] == "Kitchen")["token"]
        cloud.wait_online(token, timeout=20)
        # stored before it runs on it (the cloud may see the login a moment before the NVM holds it)
        assert sim.wait_for(lambda s: s["state"] == "RUNNING", 20), "\n".join(sim.log_lines()[-20:])
        assert stored(sim).token == token
        no_crash(sim)


# -- sections 12 and 13: what NINA can tell about a failed join ----------------------------------


def test_nina_1_7_tells_an_unknown_network_from_a_wrong_password_by_scanning(tmp_path: Path) -> None:
    """Before: 1.7.x has no GET_REASON_CODE; the simulator answered it on every version, and on the
    real chip the library reported an unknown network as 722, "wrong password". Now it scans for
    the name: not there is 720. (A wrong password there is 722, tested in test_e2e_config.)"""
    with (
        running_cloud(tls=True) as cloud,
        running_sim(NINA1.code, tmp_path / "state", cloud, **NINA1.sim_options()) as sim,
    ):
        wait_state(sim, "WAIT_CONFIG")
        wait_portal(sim)
        status, _ = get(config_url(sim, ssid="Nowhere", **{"pass": HOME_PASSWORD}, blynk=cloud.new_device()))
        assert status == 200
        assert failed_attempt(sim, 720, JOIN_TIMEOUT_S + 20), "\n".join(sim.log_lines()[-20:])
        wait_portal(sim)
        _, info = get(portal(sim) + "/board_info.json")
        assert info["last_error"] == 720 and info["attempt"]["phase"] == "failed"


@pytest.mark.parametrize("device", [NINA2, NINA3], ids=lambda d: d.name)
def test_a_wrong_password_on_nina_2_and_3_is_722_within_seconds(tmp_path: Path, device: Device) -> None:
    """Before: a wrong WPA2 password leaves NINA at status 6 (disconnected) while it retries, never
    4 (failed), so the library waited out its whole join timeout and said 701. 2.0 and 3.x keep
    the disconnect reason (15): the library reads it while it waits and answers 722 at once."""
    with (
        running_cloud(tls=True) as cloud,
        running_sim(device.code, tmp_path / "state", cloud, **device.sim_options()) as sim,
    ):
        wait_state(sim, "WAIT_CONFIG")
        wait_portal(sim)
        status, _ = get(config_url(sim, ssid="HomeNet", **{"pass": "not the password"}, blynk=cloud.new_device()))
        asked = time.monotonic()
        assert status == 200
        assert failed_attempt(sim, 722, JOIN_TIMEOUT_S + 20), "\n".join(sim.log_lines()[-20:])
        assert time.monotonic() - asked < JOIN_TIMEOUT_S / 2  # the reason, not the timeout
        assert stored(sim).last_error == 722 and not stored(sim).provisioned


# -- section 8: the access point follows the station's channel ----------------------------------


def test_the_phone_dropped_by_the_channel_change_still_reads_that_it_worked(tmp_path: Path) -> None:
    """An ESP32-S3 keeps its access point beside the test-join, but the AP moves from channel 1 to
    HomeNet's 6 and the phone on it drops off for a few seconds. Before: the simulator never
    dropped it, and the library closed the AP 2 s after the login, before a real phone was back,
    so it never read that its configuration worked. Now the AP waits (up to 10 s) for a phone to
    read the outcome, then closes."""
    with running_cloud(tls=True) as cloud, running_sim(NATIVE.code, tmp_path / "state", cloud) as sim:
        wait_state(sim, "WAIT_CONFIG")
        wait_portal(sim)
        token = cloud.new_device()
        status, _ = get(config_url(sim, ssid="HomeNet", **{"pass": HOME_PASSWORD}, blynk=token))
        assert status == 200
        cloud.wait_online(token, timeout=20)
        time.sleep(PHONE_REJOIN_S)  # the phone is back on the AP, now on channel 6
        status, info = get(portal(sim) + "/board_info.json")
        assert status == 200 and info["attempt"] == {"phase": "connected", "ssid": "HomeNet"}
        # read: the access point closes a moment later, and the device runs on what it proved
        assert sim.wait_for(lambda s: s["state"] == "RUNNING" and not s["ap"], 5), "\n".join(sim.log_lines()[-20:])
        no_crash(sim)


# -- section 5: joins that take long, or get no address ------------------------------------------


@pytest.mark.parametrize("device", [NATIVE, WIO], ids=lambda d: d.name)
def test_a_router_that_takes_30_s_is_joined_during_the_test_join(tmp_path: Path, device: Device) -> None:
    """Before: the join timeout was 15 s (and the simulator joined every network in 0.15 s): a slow
    router made every test-join fail with 701. Blynk's own timeout is 50 s. On the Wio's RTL8720DN
    the join is one call the chip answers when it has joined: its deadline is the join's."""
    world = world_file(tmp_path, home={"join_s": 30})
    with (
        running_cloud(tls=True) as cloud,
        running_sim(device.code, tmp_path / "state", cloud, world=world, **device.sim_options()) as sim,
    ):
        wait_state(sim, "WAIT_CONFIG")
        wait_portal(sim)
        token = cloud.new_device()
        status, _ = get(config_url(sim, ssid="HomeNet", **{"pass": HOME_PASSWORD}, blynk=token))
        assert status == 200
        cloud.wait_online(token, timeout=JOIN_TIMEOUT_S)
        assert sim.wait_for(lambda s: s["state"] == "RUNNING", 20)
        assert stored(sim).token == token
        no_crash(sim)


@pytest.mark.parametrize(
    ("device", "bound_s"),
    [(PICO_W, JOIN_TIMEOUT_S), (ESP32S3, JOIN_TIMEOUT_S + WATCHDOG_MARGIN_S)],
    ids=["pico-w-deadline", "esp32s3-watchdog"],
)
def test_a_network_without_dhcp_is_723_within_a_bounded_wait(tmp_path: Path, device: Device, bound_s: float) -> None:
    """A router that associates but hands out no address. Before: on espressif ``connect`` loops
    until it has one, far past its timeout (the simulator returned at the timeout), so the device
    hung in CONNECTING_NET for good; a Pico W raises "Unknown failure 1", which the library called
    701. Now: the Pico W's deadline is 723; an espressif board arms the watchdog in RAISE mode
    WATCHDOG_MARGIN_S past the timeout, which interrupts the join: 723 too."""
    world = world_file(tmp_path, home={"dhcp": False})
    with (
        running_cloud(tls=True) as cloud,
        running_sim(device.code, tmp_path / "state", cloud, world=world, board=device.board) as sim,
    ):
        wait_state(sim, "WAIT_CONFIG")
        wait_portal(sim)
        status, _ = get(config_url(sim, ssid="HomeNet", **{"pass": HOME_PASSWORD}, blynk=cloud.new_device()))
        asked = time.monotonic()
        assert status == 200
        # a Pico W cannot reopen its access point: it reboots into config mode to report it
        assert sim.wait_for(lambda s: s["last_error"] == 723, bound_s + 15), "\n".join(sim.log_lines()[-20:])
        assert time.monotonic() - asked > JOIN_TIMEOUT_S - 5  # it waited for DHCP as long as it may
        wait_state(sim, "WAIT_CONFIG", timeout=30)
        wait_portal(sim)
        _, info = get(portal(sim) + "/board_info.json")
        assert info["last_error"] == 723
        assert not stored(sim).provisioned


# -- section 7: a closed peer on an ESP32's socket -----------------------------------------------


def test_a_cloud_that_hangs_up_is_seen_at_once_on_an_esp32(tmp_path: Path) -> None:
    """espressif's ``recv_into`` raises ENOTCONN (128, newlib's number) when the peer of a plain
    socket has closed, where CPython and a Pico W read 0. Before: the simulator read 0, and the
    library took 128 for some other loss ("connection lost: [Errno 128]"); now it names it. (Plain
    TCP: the TLS layer ends a closed connection its own way.)"""
    token = "HangUp0123456789abcdefghijklmnop"
    code = NATIVE.circuitpy(tmp_path, tls=False)
    nvm = {"ssid": "HomeNet", "password": HOME_PASSWORD, "token": token}
    with (
        running_cloud(tokens=[token]) as cloud,
        running_sim(code, tmp_path / "state", cloud, board=NATIVE.board, nvm=nvm) as sim,
    ):
        wait_state(sim, "RUNNING")
        cloud.wait_online(token, timeout=20)
        cloud.disconnect(token)
        assert sim.wait_for(
            lambda s: any("cloud link lost: the server closed the connection" in line for line in sim.log_lines()), 20
        ), "\n".join(sim.log_lines()[-20:])
        cloud.wait_online(token, timeout=30)
        assert sim.wait_for(lambda s: s["state"] == "RUNNING", 10)
        no_crash(sim)


def test_a_phone_that_stops_sending_first_gets_its_answer_on_an_esp32(tmp_path: Path) -> None:
    """A client that sends its request and then shuts its sending side (HTTP/1.0 tools do): on
    espressif the portal's ``recv_into`` raises ENOTCONN for that end, not 0. Before: the portal
    took ENOTCONN for a dropped client and never answered."""
    import socket

    with running_cloud() as cloud, running_sim(NATIVE.code, tmp_path / "state", cloud) as sim:
        wait_state(sim, "WAIT_CONFIG")
        wait_portal(sim)
        host, port = sim.options.portal.split(":")
        with socket.create_connection((host, int(port)), timeout=10) as phone:
            phone.sendall(b"GET /board_info.json HTTP/1.0\r\nHost: 192.168.4.1\r\n\r\n")
            phone.shutdown(socket.SHUT_WR)
            answer = b""
            while chunk := phone.recv(4096):
                answer += chunk
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.") and b" 200 " in head.split(b"\r\n")[0], answer[:200]
        assert json.loads(body)["ssid"] == NATIVE.ap_ssid


# -- issue 14: the test-join in slices --------------------------------------------------------


@pytest.mark.parametrize("device", [NINA1, PICO_W], ids=lambda d: d.name)
def test_the_device_keeps_blinking_while_a_slow_router_lets_it_in(tmp_path: Path, device: Device) -> None:
    """Before: a join was one call inside the radio (connect_AP's loop, one connect() of 50 s), so
    for a router that takes 30 s the LED, the screen and the button froze for 30 s. Now NINA's
    join is status queries a poll apart, and a Pico W's one 8 s connect() whose join goes on in
    the background while the loop runs."""
    world = world_file(tmp_path, home={"join_s": 30})
    with (
        running_cloud(tls=True) as cloud,
        running_sim(device.code, tmp_path / "state", cloud, world=world, board=device.board) as sim,
    ):
        wait_state(sim, "WAIT_CONFIG")
        wait_portal(sim)
        token = cloud.new_device()
        status, _ = get(config_url(sim, ssid="HomeNet", **{"pass": HOME_PASSWORD}, blynk=token))
        assert status == 200
        wait_state(sim, "CONNECTING_NET", timeout=20)
        time.sleep(10)  # past a Pico W's first connect() call
        colours = set()
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline:
            snapshot = sim.snapshot()
            assert snapshot["state"] == "CONNECTING_NET"  # still joining the 30 s router
            colours.add(snapshot["led"])
            time.sleep(0.05)
        assert len(colours) >= 2, colours  # it blinks: the loop runs
        cloud.wait_online(token, timeout=JOIN_TIMEOUT_S)
        assert sim.wait_for(lambda s: s["state"] == "RUNNING", 30)
