# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The lite edition's own NINA driver (lib/blynk_edgent_lite/nina.py) against the NINA firmware
emulator (host/edgent_host/sim/nina), through the simulated busio.SPI and digitalio pins of a
Nano 33 IoT, in this process: start-up, the firmware's version, the MAC in its natural order on
1.x (which sends it reversed), a scan, a join and its address, a command the firmware refuses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from simboard import join_home, lite_nano

from edgent_host.cloud.testing import RunningCloud
from edgent_host.sim import boards
from edgent_host.sim.world import DEFAULT_WORLD

HOME_PASSWORD = next(n["password"] for n in DEFAULT_WORLD["networks"] if n["ssid"] == "HomeNet")


def _accept(nano: Any, server: int) -> int | None:
    """A client of the server socket, as config mode asks for one (AVAIL_DATA_TCP of the server)."""
    number = nano.available(server)
    return None if number == 255 else int(number)


def test_the_driver_starts_the_module_and_reads_its_version_and_mac(nano: Any) -> None:
    from blynk_edgent_lite import boot

    assert boot.version(nano) == b"1.7.7" and nano.legacy
    assert boot.mac(nano) == boards.get("arduino_nano_33_iot").mac  # 1.x sends it back to front


def test_a_scan_finds_the_world_s_networks_with_their_signal(nano: Any) -> None:
    from blynk_edgent_lite import access

    found = {name: (rssi, channel) for name, rssi, _enc, channel in access.scan(nano)}
    assert found[b"HomeNet"] == (-48, 6) and found[b"CoffeeShop"] == (-67, 1)


def test_a_scan_keeps_the_strongest_named_networks_each_name_once(lite_cloud: RunningCloud, tmp_path: Path) -> None:
    """The opening holds the scan while it writes its pages: only what /wifi_scan.json offers is
    kept, in a street of seventeen networks with a hidden one and a name heard from two routers."""
    from blynk_edgent_lite import access
    from edgent_host.sim.world import CROWDED_WORLD

    extra = [
        {**CROWDED_WORLD["networks"][3], "ssid": "Hidden", "hidden": True, "rssi": -40, "bssid": "AA:BB:CC:09:00:01"},
        {**CROWDED_WORLD["networks"][5], "rssi": -45, "bssid": "AA:BB:CC:09:00:02"},  # a second router
    ]
    world = {"networks": CROWDED_WORLD["networks"] + extra}
    strongest: dict[str, int] = {}
    for network in world["networks"]:
        if not network.get("hidden"):
            strongest[network["ssid"]] = max(strongest.get(network["ssid"], -999), network["rssi"])
    expected = sorted(strongest.items(), key=lambda item: -item[1])
    with lite_nano(tmp_path, lite_cloud, world) as nano:
        found = access.scan(nano)
        assert [(name, rssi) for name, rssi, _enc, _channel in found] == [
            (bytes(name, "utf-8"), rssi) for name, rssi in expected[: access.NETWORKS_MAX]
        ]
        assert [network[0] for network in access.scan(nano, 3)] == [bytes(name, "utf-8") for name, _ in expected[:3]]


def test_a_join_ends_connected_with_the_routers_address(nano: Any) -> None:

    join_home(nano, bytes(HOME_PASSWORD, "utf-8"))
    assert bytes(nano.command(0x21, (b"\xff",), 3)[0]) == bytes((192, 168, 1, 50))  # GET_IPADDR: the device never asks


def test_a_command_the_firmware_does_not_have_is_a_clear_error(nano: Any) -> None:
    from blynk_edgent_lite import boot
    from blynk_edgent_lite.nina import NinaError

    with pytest.raises(NinaError, match="NINA 0x1f: refused"):
        nano.command(0x1F)  # GET_REASON_CODE: not in 1.7.x (hardware-truth.md section 12)
    assert boot.version(nano) == b"1.7.7"  # and the next command is answered


def test_the_driver_logs_in_to_the_cloud_over_a_socket(lite_cloud: RunningCloud, nano: Any) -> None:
    import time

    from blynk_edgent_lite import blynk, running

    token = lite_cloud.new_device()
    join_home(nano, bytes(HOME_PASSWORD, "utf-8"))
    sock = nano.socket()
    running.connect(nano, sock, b"blynk.cloud", 80)  # the simulated internet's blynk.cloud is the local cloud
    assert nano.connected(sock)
    nano.send(sock, blynk.frame(blynk.HW_LOGIN, 1, [bytes(token, "utf-8")]))
    deadline = time.monotonic() + 5
    while nano.available(sock) < blynk.HEADER:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    answer = nano.recv(sock, 64)
    assert blynk.next_frame(answer, len(answer)) == (blynk.RESPONSE, 1, blynk.OK, 5)
    lite_cloud.wait_online(token)
    nano.close(sock)


def test_the_running_link_trades_virtual_pins_and_a_refused_token_is_703(lite_cloud: RunningCloud, nano: Any) -> None:
    import time

    from blynk_edgent_lite.running import Link, info

    token = lite_cloud.new_device()
    join_home(nano, bytes(HOME_PASSWORD, "utf-8"))
    assert Link(nano, b"NotAToken0123456789abcdefghijklm").login() == 703  # last_error: the token was refused
    link = Link(nano, bytes(token, "utf-8"), info=info(b"0.1.0", b"TMPL4abcd123", b"Arduino Nano 33 IoT"))
    got: list[object] = []
    link.handlers[1] = got.append
    assert link.login() == 0 and link.poll() is None  # logged in, the link up
    lite_cloud.wait_online(token)
    shown = lite_cloud.wait_until(lambda: lite_cloud.device(token)["info"], 5, what="the info message")
    assert shown == {"mcu": "0.1.0", "fw-type": "TMPL4abcd123", "blynk": "1.4.0", "h-beat": "40", "buff-in": "256",
                     "dev": "Arduino Nano 33 IoT", "tmpl": "TMPL4abcd123"}  # fmt: skip
    lite_cloud.update(token, "V1", "42")
    deadline = time.monotonic() + 5
    while not got:
        assert time.monotonic() < deadline
        link.poll()
        time.sleep(0.02)
    assert got == ["42"]  # text, as the user's function takes it
    link.virtual_write(0, 7)
    lite_cloud.wait_until(lambda: lite_cloud.api("get", token, ("V0", "")).text == "7", 5, what="V0 written")
    # the cloud's console (INTERNAL dbg): what it asks is what the device must do before it resets
    for line, ending in (("devinfo", None), ("reboot", b"reboot"), ("config start", b"erase")):
        lite_cloud.send_internal(token, "dbg", line)
        deadline = time.monotonic() + 3
        asked = None
        while asked is None and time.monotonic() < deadline:
            asked = link.poll()
            time.sleep(0.02)
        assert asked == ending, line
    lite_cloud.disconnect(token)  # the cloud drops the device: the next polls say the link is down
    deadline = time.monotonic() + 5
    with pytest.raises(OSError):
        while time.monotonic() < deadline:
            link.poll()
            time.sleep(0.02)
    link.close()


def test_a_phone_on_the_access_point_reaches_a_server_socket(lite_cloud: RunningCloud, nano: Any) -> None:
    import socket
    import time

    from blynk_edgent_lite import access, boot
    from edgent_host.sim import runtime

    boot.version(nano)  # 1.x: the access point is waited for
    access.start_ap(nano, b"Blynk Device-2U07")
    server = nano.socket()
    access.listen(nano, server, 80)
    assert _accept(nano, server) is None  # nobody yet
    phone = socket.create_connection(runtime.current().portal, timeout=5)
    phone.sendall(b"GET /board_info.json HTTP/1.1\r\nHost: 192.168.4.1\r\n\r\n")
    deadline = time.monotonic() + 5
    while (client := _accept(nano, server)) is None:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert client != server
    request = nano.recv(client, nano.available(client))
    assert request.startswith(b"GET /board_info.json HTTP/1.1\r\n")
    nano.send(client, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")
    nano.close(client)
    assert phone.recv(200).endswith(b"\r\n\r\n{}")
    phone.close()
