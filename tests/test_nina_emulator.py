# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The NINA firmware emulator (edgent_host.sim.nina) driven by the real adafruit_esp32spi, unchanged.

Each test gets a simulated AirLift board in this process: a sim Runtime (a world file, the local
cloud, free portal and DNS ports) with the simulated CircuitPython modules put into sys.modules
as device.py does, then a freshly imported adafruit_esp32spi talking to the emulated ESP32 over
the simulated busio.SPI and digitalio pins. Everything is taken out of sys.modules afterwards.
The library's constructor resets the ESP32 and sleeps 0.75 s: once per test.
"""

from __future__ import annotations

import argparse
import dataclasses
import errno
import json
import os
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from simboard import simulated_board

from edgent_host.cloud.testing import RunningCloud, running_cloud
from edgent_host.sim import boards, nina, runtime
from edgent_host.sim.command import nina_version
from edgent_host.sim.nina.chip import ESP32
from edgent_host.sim.nina.personality import (
    LEGACY_HANDSHAKE_LOOP_S,
    LWIP_SYN_TIMEOUT_S,
    TCP_CONNECT_TIMEOUT_S,
    TLS_CONNECT_TIMEOUT_S,
    TLS_HANDSHAKE_TIMEOUT_S,
)
from edgent_host.sim.nina.radio import CLOUD_ADDRESS, PHONE_REJOIN_S, WRONG_PASSWORD_S, WRONG_SSID_S
from edgent_host.sim.testing import running_sim
from edgent_host.sim.world import DEFAULT_WORLD, JOIN_S, World

TOKEN = "NINAtoken0123456789abcdefghijklm"
_DEFAULT = {network["ssid"]: network for network in DEFAULT_WORLD["networks"]}
PASSWORD = _DEFAULT["HomeNet"]["password"].encode()
BOTH = ["1.7.7", "3.3.0"]
ALL = ["1.7.7", "2.0.0", "3.3.0"]  # the three lines (personality.py)
LIBRARY_WAIT_S = 10.0  # adafruit_esp32spi's _wait_for_ready gives up after this
GET_DNS_CONFIG, GET_REASON_CODE, GET_CURR_BSSID, START_CLIENT_TCP = 0x1E, 0x1F, 0x24, 0x2D

# Not in RSSI order on purpose: the firmware (ESP-IDF) sorts scan results, strongest first.
WORLD: dict[str, Any] = {
    "networks": [
        dict(_DEFAULT["CoffeeShop"]),
        dict(_DEFAULT["HomeNet"]),
        {
            "ssid": "NoDhcp",
            "password": "static only please",
            "security": "WPA+WPA2",
            "rssi": -83,
            "channel": 11,
            "bssid": "AA:BB:CC:00:55:66",
            "internet": True,
            "dhcp": False,
        },
    ]
}


@dataclass
class Device:
    """A simulated AirLift board as a test holds it."""

    rt: runtime.Runtime
    esp: Any  # adafruit_esp32spi.ESP_SPIcontrol
    pool: Any  # adafruit_esp32spi_socketpool.SocketPool
    lib: Any  # the adafruit_esp32spi.adafruit_esp32spi module
    chip: ESP32
    world_path: Path
    firmware: str

    @property
    def legacy(self) -> bool:
        """The 1.x/2.0 code line (nina's own WiFi library)."""
        return not self.firmware.startswith("3.")

    def reason(self) -> int:
        """GET_REASON_CODE (2.0, 3.x): the last disconnect reason."""
        return int(self.esp._send_command_get_response(GET_REASON_CODE)[0][0])

    def join(self, ssid: bytes = b"HomeNet", password: bytes = PASSWORD) -> int:
        return self.esp.connect_AP(ssid, password, timeout_s=5)

    def set_world(self, world: dict[str, Any]) -> None:
        self.world_path.write_text(json.dumps(world))
        stamp = time.time_ns() + 10_000_000
        os.utime(self.world_path, ns=(stamp, stamp))  # a new mtime, however fast the rewrite

    @property
    def radio(self) -> Any:
        assert self.chip.firmware is not None
        return self.chip.firmware.radio


@pytest.fixture(scope="module")
def cloud() -> Iterator[RunningCloud]:
    with running_cloud(tls=True, tokens=[TOKEN]) as running:
        yield running


@pytest.fixture
def make(cloud: RunningCloud, tmp_path: Path) -> Iterator[Callable[..., Device]]:
    """Boot a simulated AirLift board (once per test) and take it all down afterwards."""
    with ExitStack() as stack:

        def boot(firmware: str, board_id: str = "pyportal") -> Device:
            rt = stack.enter_context(simulated_board(tmp_path, cloud, board_id, WORLD, firmware))
            import board
            import busio
            from adafruit_esp32spi import adafruit_esp32spi, adafruit_esp32spi_socketpool
            from digitalio import DigitalInOut

            wiring = rt.board.esp32
            assert wiring is not None
            spi = busio.SPI(
                getattr(board, wiring["sck"]), getattr(board, wiring["mosi"]), getattr(board, wiring["miso"])
            )
            pins = [DigitalInOut(getattr(board, wiring[role])) for role in ("cs", "busy", "reset", "gpio0")]
            esp = adafruit_esp32spi.ESP_SPIcontrol(spi, *pins)
            chip = nina.installed()
            assert chip is not None
            pool = adafruit_esp32spi_socketpool.SocketPool(esp)
            return Device(rt, esp, pool, adafruit_esp32spi, chip, tmp_path / "world.json", firmware)

        yield boot


class HostServer:
    """A host TCP server that accepts and then, per ``mode``, echoes back what it gets ("echo"),
    stays silent ("silent": reads and never answers, a cloud whose TLS never starts) or closes at
    once ("close"); ``conns`` are its accepted sockets."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.conns: list[socket.socket] = []
        self.received = bytearray()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            if self.mode == "close":
                conn.close()
                continue
            self.conns.append(conn)
            threading.Thread(target=self._drain, args=(conn,), daemon=True).start()

    def _drain(self, conn: socket.socket) -> None:
        try:
            while data := conn.recv(4096):
                self.received += data
                if self.mode == "echo":
                    conn.sendall(data)
        except OSError:
            pass

    def close(self) -> None:
        self.sock.close()
        for conn in self.conns:
            conn.close()


def closed_port() -> int:
    """A loopback port nobody listens on."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return int(probe.getsockname()[1])


def recv_exactly(sock: Any, count: int, timeout: float = 5.0) -> bytes:
    """Read ``count`` bytes from a library socket."""
    sock.settimeout(timeout)
    data = b""
    deadline = time.monotonic() + timeout
    while len(data) < count and time.monotonic() < deadline:
        buffer = bytearray(count - len(data))
        got = sock.recv_into(buffer)
        data += bytes(buffer[:got])
    return data


def wait_for(condition: Callable[[], Any], timeout: float = 3.0) -> Any:
    """Poll ``condition`` until it is truthy (or the time is up); return its last value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    return condition()


def swapped(port: int) -> int:
    """The port as adafruit_esp32spi reads GET_REMOTE_DATA (sent high byte first, unpacked "<H")."""
    return struct.unpack("<H", struct.pack(">H", port))[0]


def login_frame(token: str = TOKEN, msg_id: int = 1) -> bytes:
    """A Blynk HW_LOGIN frame: command 0x1D, message id, length, token."""
    return struct.pack(">BHH", 0x1D, msg_id, len(token)) + token.encode()


# -- identity ----------------------------------------------------------------------------------


@pytest.mark.parametrize("firmware", BOTH)
def test_version_and_mac_byte_order(make: Callable[..., Device], firmware: str) -> None:
    dev = make(firmware)
    mac = boards.get("pyportal").mac
    assert dev.esp.firmware_version == firmware
    if dev.legacy:  # 1.x reverses the bytes: mac_address (reversed back) is the real one
        assert bytes(dev.esp.MAC_address) == bytes(reversed(mac))
        assert dev.esp.mac_address == mac
    else:  # 3.x sends them in order: mac_address comes out reversed
        assert bytes(dev.esp.MAC_address) == mac
        assert dev.esp.mac_address == bytes(reversed(mac))
    assert dev.esp.status == (0 if dev.legacy else 0xFE)  # WL_IDLE_STATUS / WL_STOPPED after boot


@pytest.mark.parametrize("firmware", ALL)
def test_reason_and_dns_commands_exist_from_2_0(make: Callable[..., Device], firmware: str) -> None:
    """truth §12: 1.7.x has no 0x1E GET_DNS_CONFIG nor 0x1F GET_REASON_CODE (NULL in
    commandHandlers[]: ERR_CMD, and the library raises); 2.0 and 3.x answer them."""
    dev = make(firmware)
    # The 2.0.0+adafruit tag's FIRMWARE_VERSION still reads "-rc.0": what a real 2.0.0 reports.
    reported = {"1.7.7": "1.7.7", "2.0.0": "2.0.0-rc.0+adafruit", "3.3.0": "3.3.0"}
    assert dev.esp.firmware_version == reported[firmware]
    if firmware == "1.7.7":
        for command in (GET_DNS_CONFIG, GET_REASON_CODE):
            with pytest.raises(BrokenPipeError, match="Error response to command"):
                dev.esp._send_command_get_response(command)
        assert dev.esp.status == dev.lib.WL_IDLE_STATUS  # an error reply keeps the exchange in step
        return
    assert dev.reason() == (0 if dev.legacy else 1)  # 2.0: _reasonCode 0; 3.x: WIFI_REASON_UNSPECIFIED
    dev.join()
    servers = dev.esp._send_command_get_response(GET_DNS_CONFIG, reply_params=2)
    assert [bytes(server) for server in servers] == [bytes((192, 168, 1, 1)), bytes(4)]


@pytest.mark.parametrize("firmware", ["1.7.7", "2.0.0"])
def test_1x_reports_the_ap_mac_reversed_in_ap_mode(make: Callable[..., Device], firmware: str) -> None:
    """truth §14: macAddress() reverses the MAC of the interface in use, the AP's in AP mode, and
    BSSID()/BSSID(pos) reverse too; a scan (which ends AP mode) leaves _interface as it was."""
    dev = make(firmware)
    mac = boards.get("pyportal").mac
    ap_mac = mac[:5] + bytes(((mac[5] + 1) & 0xFF,))  # ESP-IDF: the AP's MAC is the station's + 1
    assert bytes(dev.esp.MAC_address) == bytes(reversed(mac))
    dev.esp._wifi_set_ap_passphrase(b"Blynk NINA", b"portal-pass", b"\x06")
    assert bytes(dev.esp.MAC_address) == bytes(reversed(ap_mac))
    assert dev.esp.mac_address == ap_mac  # the library's "actual" MAC is now the AP's
    assert bytes(dev.esp._send_command_get_response(GET_CURR_BSSID, [b"\xff"])[0]) == bytes(reversed(ap_mac))
    assert dev.radio.ap.channel == (6 if firmware == "2.0.0" else 1)  # 1.7 sets ap.channel = 0
    dev.esp.start_scan_networks()
    networks = dev.esp.get_scan_networks()
    assert networks[0].bssid == bytes(reversed(bytes.fromhex("AABBCC001122")))
    assert dev.radio.ap is None
    assert bytes(dev.esp.MAC_address) == bytes(reversed(ap_mac))  # scanNetworks did not reset _interface
    dev.join()
    assert bytes(dev.esp.MAC_address) == bytes(reversed(mac))  # begin(): _interface = ESP_IF_WIFI_STA


# -- scanning ----------------------------------------------------------------------------------


@pytest.mark.parametrize("firmware", BOTH)
def test_scan_lists_the_world_strongest_first(make: Callable[..., Device], firmware: str) -> None:
    dev = make(firmware)
    dev.esp.start_scan_networks()
    networks = dev.esp.get_scan_networks()
    assert [n.ssid for n in networks] == ["HomeNet", "CoffeeShop", "NoDhcp"]
    assert [n.rssi for n in networks] == [-48, -67, -83]
    assert [n.channel for n in networks] == [6, 1, 11]
    home = bytes.fromhex("AABBCC001122")
    assert networks[0].bssid == (bytes(reversed(home)) if dev.legacy else home)
    if dev.legacy:
        assert [n.authmode for n in networks] == ["WPA2", "OPEN", "WPA2"]
    else:  # 3.x sends ESP-IDF's raw authmode (WPA2_PSK 3, OPEN 0, WPA_WPA2_PSK 4)
        assert [n.authmode for n in networks] == ["UNKNOWN", "UNKNOWN", "WPA2"]


@pytest.mark.parametrize("firmware", ALL)
def test_scan_hidden_latin1_and_repeated_beacons(make: Callable[..., Device], firmware: str) -> None:
    """truth §9: nina scans with show_hidden = false (a hidden network is not listed at all), gets
    one record per BSSID (repeated beacons merged), hands names on as bytes (a Latin-1 name makes
    the library's Network.ssid raise UnicodeError), and 1.x lists at most 10."""
    dev = make(firmware)
    fillers = [
        {"ssid": f"Filler-{i}", "security": "OPEN", "rssi": -90, "bssid": f"02:00:00:00:01:{i:02x}"} for i in range(9)
    ]
    special = [
        {"ssid": "Hidden", "hidden": True, "security": "OPEN", "rssi": -40, "bssid": "02:00:00:00:02:01"},
        {"ssid_hex": "436166e9", "security": "OPEN", "rssi": -45, "bssid": "02:00:00:00:02:02"},
        {"ssid": "Loud", "beacons": 3, "security": "OPEN", "rssi": -50, "bssid": "02:00:00:00:02:03"},
    ]
    dev.set_world({"networks": [*WORLD["networks"], *special, *fillers]})
    dev.esp.start_scan_networks()
    networks = dev.esp.get_scan_networks()
    names = [bytes(network._raw_ssid) for network in networks]
    assert len(names) == (10 if dev.legacy else 14)  # 3 + Latin-1 + Loud + 9 fillers; 1.x: MAX_SCAN_RESULTS
    assert b"Hidden" not in names and b"" not in names
    assert names.count(b"Loud") == 1
    assert names[:3] == [b"Caf\xe9", b"HomeNet", b"Loud"]  # strongest first
    with pytest.raises(UnicodeError):
        networks[0].ssid  # noqa: B018 - the library decodes the name as UTF-8
    # Joined by its bytes all the same; the joined network's name does not decode either.
    assert dev.esp.connect_AP(b"Caf\xe9", None, timeout_s=5) == dev.lib.WL_CONNECTED
    with pytest.raises(UnicodeError):
        dev.esp.ap_info.ssid  # noqa: B018


@pytest.mark.parametrize("firmware", ALL)
def test_scan_and_a_joined_station(make: Callable[..., Device], firmware: str) -> None:
    """truth §16: 1.7's scanNetworks keeps a joined station (no esp_wifi_stop) but sets
    WL_SCAN_COMPLETED, so the library thinks it is not connected; 2.0's stops WiFi first (the
    station and its sockets go); 3.x scans beside it."""
    dev = make(firmware)
    echo = HostServer("echo")
    try:
        dev.join()
        sock = dev.pool.socket()
        sock.connect(dev.pool.getaddrinfo("127.0.0.1", echo.port)[0][4])
        dev.esp.start_scan_networks()
        assert len(dev.esp.get_scan_networks()) == 3
        if firmware == "3.3.0":
            assert dev.esp.connected
        else:
            assert dev.esp.status == dev.lib.WL_SCAN_COMPLETED
            assert not dev.esp.connected
        if firmware == "2.0.0":
            assert dev.esp.socket_status(sock._socknum) == dev.lib.SOCKET_CLOSED
            assert dev.radio.joined is None
            return
        assert dev.radio.joined is not None  # 1.7: still joined, and its sockets work
        assert sock.send(b"still here") == 10
        assert recv_exactly(sock, 10) == b"still here"
        if firmware == "1.7.7":
            # While a join is tried, esp_wifi_scan_start fails (ESP_ERR_WIFI_STATE): no networks, status 1.
            slow = {"ssid": "SlowNet", "security": "OPEN", "rssi": -60, "channel": 6, "join_s": 1.0}
            dev.set_world({"networks": [*WORLD["networks"], slow]})
            dev.esp.wifi_set_network(b"SlowNet")
            dev.esp.start_scan_networks()
            assert dev.esp.get_scan_networks() == []
            assert dev.esp.status == dev.lib.WL_NO_SSID_AVAIL
            assert wait_for(lambda: dev.esp.status == dev.lib.WL_CONNECTED)
    finally:
        echo.close()


# -- joining -----------------------------------------------------------------------------------


@pytest.mark.parametrize("firmware", BOTH)
def test_join_names_and_addresses(make: Callable[..., Device], firmware: str) -> None:
    dev = make(firmware)
    assert dev.join() == dev.lib.WL_CONNECTED
    assert dev.esp.connected
    assert dev.esp.ipv4_address == "192.168.1.50"
    info = dev.esp.ap_info
    assert (info.ssid, info.rssi) == ("HomeNet", -48)
    assert bytes(dev.esp.get_host_by_name("blynk.cloud")) == socket.inet_aton(CLOUD_ADDRESS)
    with pytest.raises(ConnectionError, match="Failed to request hostname"):
        dev.esp.get_host_by_name("example.com")


@pytest.mark.parametrize("firmware", BOTH)
def test_join_status_while_trying(make: Callable[..., Device], firmware: str) -> None:
    dev = make(firmware)
    dev.esp.wifi_set_passphrase(b"HomeNet", PASSWORD)
    # 1.x's begin() sets WL_NO_SSID_AVAIL while it tries; 3.x reads WL_DISCONNECTED.
    assert dev.esp.status == (dev.lib.WL_NO_SSID_AVAIL if dev.legacy else dev.lib.WL_DISCONNECTED)
    assert wait_for(lambda: dev.esp.status == dev.lib.WL_CONNECTED)


@pytest.mark.parametrize("firmware", ALL)
def test_join_wrong_password_never_reads_connect_failed(make: Callable[..., Device], firmware: str) -> None:
    """truth §13: ESP-IDF reports a wrong WPA2 password as reason 15 (4-way handshake timeout),
    which 1.7 (201/202/203) and 2.0 (201/202) do not map to WL_CONNECT_FAILED, nor does 3.x's
    arduino-esp32 handler (only 202): WL_DISCONNECTED, for good."""
    dev = make(firmware)
    dev.esp.wifi_set_passphrase(b"HomeNet", b"not the password")
    # The AP takes a while to give up on the handshake; meanwhile 1.x reads its in-progress value.
    assert dev.esp.status == (dev.lib.WL_NO_SSID_AVAIL if dev.legacy else dev.lib.WL_DISCONNECTED)
    with pytest.raises(ConnectionError, match="Failed to connect to ssid"):
        dev.esp.connect_AP(b"HomeNet", b"not the password", timeout_s=JOIN_S + WRONG_PASSWORD_S + 0.5)
    time.sleep(0.3)
    assert dev.esp.status == dev.lib.WL_DISCONNECTED  # not WL_CONNECT_FAILED (4), ever
    if firmware == "1.7.7":  # no GET_REASON_CODE: nothing tells this from a network that went away
        with pytest.raises(BrokenPipeError, match="Error response to command"):
            dev.reason()
    else:
        assert dev.reason() == 15


@pytest.mark.parametrize("firmware", ALL)
def test_join_unknown_network(make: Callable[..., Device], firmware: str) -> None:
    """truth §12/13: an unknown SSID is reason 201: WL_CONNECT_FAILED on 1.x/2.0 (which the library
    reports as "Failed to connect", as it would a wrong password there), WL_NO_SSID_AVAIL on 3.x."""
    dev = make(firmware)
    if dev.legacy:
        with pytest.raises(ConnectionError, match="Failed to connect to ssid"):
            dev.esp.connect_AP(b"Nowhere", PASSWORD, timeout_s=WRONG_SSID_S + 0.5)
        assert dev.esp.status == dev.lib.WL_CONNECT_FAILED
    else:
        with pytest.raises(ConnectionError, match="No such ssid"):
            dev.esp.connect_AP(b"Nowhere", PASSWORD, timeout_s=WRONG_SSID_S + 0.5)
        assert dev.esp.status == dev.lib.WL_NO_SSID_AVAIL
    if firmware == "1.7.7":
        with pytest.raises(BrokenPipeError, match="Error response to command"):
            dev.reason()
    else:
        assert dev.reason() == 201


@pytest.mark.parametrize("firmware", BOTH)
def test_join_without_dhcp_then_static_address(make: Callable[..., Device], firmware: str) -> None:
    dev = make(firmware)
    # No DHCP answer: the status never becomes WL_CONNECTED; 1.x keeps its in-progress value.
    error = ConnectionError if dev.legacy else OSError
    with pytest.raises(error, match="No such ssid" if dev.legacy else "Unknown error 0x00"):
        dev.esp.connect_AP(b"NoDhcp", b"static only please", timeout_s=0.5)
    assert dev.esp.ipv4_address == "0.0.0.0"
    assert dev.esp._send_command_get_response(0x23, [b"\xff"])[0] == b"NoDhcp"  # associated all the same
    dev.join()  # DHCP on HomeNet: the router becomes the DNS server
    dev.esp.set_ip_config("192.168.1.77", "192.168.1.1")
    assert dev.esp.connect_AP(b"NoDhcp", b"static only please", timeout_s=5) == dev.lib.WL_CONNECTED
    assert dev.esp.ipv4_address == "192.168.1.77"
    if dev.legacy:  # 1.x's WiFi.config cleared the DNS servers; 3.x keeps the one DHCP gave
        with pytest.raises(ConnectionError, match="Failed to request hostname"):
            dev.esp.get_host_by_name("blynk.cloud")
        dev.esp.set_dns_config("192.168.1.1", "8.8.8.8")
    assert bytes(dev.esp.get_host_by_name("blynk.cloud")) == socket.inet_aton(CLOUD_ADDRESS)


@pytest.mark.parametrize("firmware", ["1.7.7", "2.0.0"])
def test_1_7_takes_an_old_dhcp_address_for_a_static_one(make: Callable[..., Device], firmware: str) -> None:
    """1.7's begin() treats any address left in _ipInfo as static (2.0 asks _staticIp): after a
    DHCP join, a network without DHCP reads WL_CONNECTED, on the old address."""
    dev = make(firmware)
    dev.join()
    if firmware == "1.7.7":
        assert dev.esp.connect_AP(b"NoDhcp", b"static only please", timeout_s=2) == dev.lib.WL_CONNECTED
        assert dev.esp.ipv4_address == "192.168.1.50"
    else:  # associated, no address: the status stays where leaving HomeNet put it (6)
        with pytest.raises(ConnectionError, match="Failed to connect to ssid"):
            dev.esp.connect_AP(b"NoDhcp", b"static only please", timeout_s=0.5)
        assert dev.esp.ipv4_address == "192.168.1.50"  # _ipInfo still holds HomeNet's lease


@pytest.mark.parametrize("firmware", BOTH)
def test_network_without_internet_resolves_nothing(make: Callable[..., Device], firmware: str) -> None:
    dev = make(firmware)
    assert dev.esp.connect_AP(b"CoffeeShop", None, timeout_s=5) == dev.lib.WL_CONNECTED
    with pytest.raises(ConnectionError, match="Failed to request hostname"):
        dev.esp.get_host_by_name("blynk.cloud")
    assert bytes(dev.esp.get_host_by_name("10.0.0.1")) == bytes((10, 0, 0, 1))  # literals need no DNS


@pytest.mark.parametrize("firmware", BOTH)
def test_network_removed_drops_station_and_client_sockets(make: Callable[..., Device], firmware: str) -> None:
    dev = make(firmware)
    echo = HostServer("echo")
    try:
        dev.join()
        sock = dev.pool.socket()
        sock.connect(dev.pool.getaddrinfo("127.0.0.1", echo.port)[0][4])
        assert wait_for(lambda: echo.conns)
        dev.set_world({"networks": [n for n in WORLD["networks"] if n["ssid"] != "HomeNet"]})
        assert dev.esp.status == (dev.lib.WL_DISCONNECTED if dev.legacy else dev.lib.WL_CONNECTION_LOST)
        assert dev.esp.socket_status(sock._socknum) == dev.lib.SOCKET_CLOSED
        echo.conns[0].settimeout(2)
        assert echo.conns[0].recv(10) == b""  # the ESP32 closed it
        dev.set_world(WORLD)
        if dev.legacy:  # 1.x does not reconnect by itself
            time.sleep(0.3)
            assert dev.esp.status == dev.lib.WL_DISCONNECTED
        else:  # arduino-esp32's auto-reconnect
            assert wait_for(lambda: dev.esp.status == dev.lib.WL_CONNECTED)
    finally:
        echo.close()


@pytest.mark.parametrize("firmware", BOTH)
def test_join_takes_the_networks_join_s(make: Callable[..., Device], firmware: str) -> None:
    """A network's join_s is how long association and DHCP take: the status says so meanwhile."""
    dev = make(firmware)
    slow = {"ssid": "SlowNet", "security": "OPEN", "rssi": -60, "channel": 6, "join_s": 1.0}
    dev.set_world({"networks": [*WORLD["networks"], slow]})
    started = time.monotonic()
    dev.esp.wifi_set_network(b"SlowNet")
    time.sleep(0.6)
    assert dev.esp.status == (dev.lib.WL_NO_SSID_AVAIL if dev.legacy else dev.lib.WL_DISCONNECTED)
    assert wait_for(lambda: dev.esp.status == dev.lib.WL_CONNECTED)
    assert time.monotonic() - started >= 1.0


def test_begin_on_a_started_station_keeps_the_old_status_on_3x(make: Callable[..., Device]) -> None:
    """truth §16: 3.x's WiFi.begin on a station already started emits no STA_START: the status of
    the last attempt (here WL_NO_SSID_AVAIL) lingers while the next one runs, so a short wait
    reads "No such ssid" for a network that is there."""
    dev = make("3.3.0")
    with pytest.raises(ConnectionError, match="No such ssid"):
        dev.esp.connect_AP(b"Nowhere", PASSWORD, timeout_s=WRONG_SSID_S + 0.5)
    with pytest.raises(ConnectionError, match="No such ssid"):
        dev.esp.connect_AP(b"HomeNet", PASSWORD, timeout_s=JOIN_S / 3)
    assert wait_for(lambda: dev.esp.status == dev.lib.WL_CONNECTED)


# -- access point ------------------------------------------------------------------------------


@pytest.mark.parametrize("firmware", ["1.7.7", "2.0.0"])
def test_ap_on_1x_listens_and_stops_the_station(make: Callable[..., Device], firmware: str) -> None:
    dev = make(firmware)
    dev.join()
    assert dev.esp.create_AP(b"Blynk NINA", b"portal-pass", channel=6) == dev.lib.WL_AP_LISTENING
    assert dev.esp.ap_listening
    # 1.7's AP_START takes any address left in _ipInfo for a static one: the station's, from DHCP.
    assert dev.esp.ipv4_address == ("192.168.1.50" if firmware == "1.7.7" else "192.168.4.1")
    assert dev.radio.joined is None  # AP-only mode: the station is gone
    assert dev.radio.ap.channel == 1  # create_AP sends bytes(6): channel 0
    assert bytes(dev.esp.MAC_address) == bytes(reversed(dev.radio.ap_mac))  # the AP interface's MAC
    # A phone on the AP turns the status into WL_AP_CONNECTED: ap_listening reads False then.
    server = dev.pool.socket()
    server.bind(("0.0.0.0", 80))
    server.listen(1)
    with socket.create_connection(dev.rt.portal, timeout=5) as phone:
        phone.sendall(b"GET / HTTP/1.0\r\n\r\n")
        assert wait_for(lambda: _accept(server))
        assert dev.esp.status == dev.lib.WL_AP_CONNECTED
        assert not dev.esp.ap_listening


def test_ap_on_3x_is_up_but_create_ap_times_out(make: Callable[..., Device]) -> None:
    dev = make("3.3.0")
    with pytest.raises(OSError, match="Unknown error 0xfe"):
        dev.esp.create_AP(b"Blynk NINA", b"portal-pass", timeout=0.5)
    assert dev.radio.ap is not None and dev.radio.ap.ssid == "Blynk NINA"  # the AP is up all the same
    assert dev.esp.status == 0xFE  # WL_STOPPED: the station's status
    assert dev.esp.ipv4_address == "0.0.0.0"  # the station's address; the AP serves 192.168.4.1
    # AP and station coexist: joining keeps the AP, the status is the station's.
    assert dev.join() == dev.lib.WL_CONNECTED
    assert dev.radio.ap is not None
    assert dev.esp.ipv4_address == "192.168.1.50"
    with pytest.raises(OSError, match="Failed to setup AP password"):
        dev.esp._wifi_set_ap_passphrase(b"Blynk NINA", b"short", b"\x01")


def _phone_says(dev: Device, server: Any, message: bytes = b"hi") -> tuple[socket.socket, Any]:
    """A phone connects to the portal and says something; (the phone's socket, the device's)."""
    phone = socket.create_connection(dev.rt.portal, timeout=5)
    phone.sendall(message)
    conn, _ = wait_for(lambda: _accept(server))
    return phone, conn


def test_ap_follows_the_stations_channel_on_3x(make: Callable[..., Device]) -> None:
    """truth §8: on 3.x (ESP-IDF, one radio) the AP moves to the channel of the network the station
    joins; its phones drop off: their connections reset, and for PHONE_REJOIN_S nothing reaches
    the portal. A join on the AP's own channel disturbs nobody."""
    dev = make("3.3.0")
    dev.esp._wifi_set_ap_passphrase(b"Blynk NINA", b"portal-pass", b"\x01")
    server = dev.pool.socket()
    server.bind(("0.0.0.0", 80))
    server.listen(1)
    phone, conn = _phone_says(dev, server)
    assert dev.esp.connect_AP(b"CoffeeShop", None, timeout_s=5) == dev.lib.WL_CONNECTED  # channel 1 too
    assert conn.send(b"same channel") == 12
    phone.settimeout(5)
    assert phone.recv(100) == b"same channel"
    dev.join()  # HomeNet is on channel 6
    assert dev.radio.ap is not None and dev.radio.ap.channel == 6
    with pytest.raises(ConnectionResetError):
        phone.recv(100)
    phone.close()
    assert dev.esp.socket_status(conn._socknum) == dev.lib.SOCKET_CLOSED
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(dev.rt.portal, timeout=1)
    time.sleep(PHONE_REJOIN_S)
    again, _ = _phone_says(dev, server, b"back")  # rejoined
    again.close()
    # An AP started while the station is joined starts on the station's channel.
    dev.esp._wifi_set_ap_passphrase(b"Blynk NINA", b"portal-pass", b"\x01")
    assert dev.radio.ap.channel == 6


@pytest.mark.parametrize("firmware", BOTH)
def test_scan_drops_the_ap_on_1x_only(make: Callable[..., Device], firmware: str) -> None:
    dev = make(firmware)
    dev.esp._wifi_set_ap_passphrase(b"Blynk NINA", b"portal-pass", b"\x01")
    dev.esp.start_scan_networks()
    assert len(dev.esp.get_scan_networks()) == 3
    if dev.legacy:  # scanNetworks switches the ESP32 to STA mode
        assert dev.radio.ap is None
        assert dev.esp.status == dev.lib.WL_SCAN_COMPLETED
        assert dev.esp.ipv4_address == "0.0.0.0"
    else:
        assert dev.radio.ap is not None


# -- TCP server --------------------------------------------------------------------------------


def _accept(server: Any) -> Any:
    """``server.accept()``, or None when nobody waits."""
    try:
        return server.accept()
    except OSError as error:
        # The library's answer when nobody waits. It raises OSError(errno.ECONNRESET): one
        # argument, so CPython leaves .errno None (CircuitPython sets it); args[0] works on both.
        assert error.args[0] == errno.ECONNRESET
        return None


@pytest.mark.parametrize("firmware", BOTH)
def test_tcp_server_accept_and_exchange(make: Callable[..., Device], firmware: str) -> None:
    dev = make(firmware)
    server = dev.pool.socket()
    server.setsockopt(dev.pool.SOL_SOCKET, dev.pool.SO_REUSEADDR, 1)
    server.bind(("0.0.0.0", 80))
    server.listen(1)
    server.setblocking(False)
    with pytest.raises(OSError) as nobody:
        server.accept()
    assert nobody.value.args[0] == errno.ECONNRESET
    with socket.create_connection(dev.rt.portal, timeout=5) as phone:
        if dev.legacy:  # 1.x offers a client only once it has sent something
            time.sleep(0.1)
            assert _accept(server) is None
        phone.sendall(b"GET / HTTP/1.0\r\n\r\n")
        conn, (address, port) = wait_for(lambda: _accept(server))
        assert conn._socknum != server._socknum
        assert address == "192.168.4.2"
        assert port == swapped(phone.getsockname()[1])  # the library unpacks the port little-endian
        assert recv_exactly(conn, 18) == b"GET / HTTP/1.0\r\n\r\n"
        assert conn.send(b"HTTP/1.0 200 OK\r\n\r\nhello") == 24
        conn.close()
        phone.settimeout(5)
        answer = b""
        while chunk := phone.recv(100):
            answer += chunk
        assert answer == b"HTTP/1.0 200 OK\r\n\r\nhello"
    assert dev.esp.server_state(server._socknum) == 1


def test_closed_server_keeps_listening(make: Callable[..., Device]) -> None:
    dev = make("3.3.0")
    server = dev.pool.socket()
    server.bind(("0.0.0.0", 80))
    server.listen(1)
    number = server._socknum
    server.close()  # STOP_CLIENT_TCP frees the slot but stops only its client
    assert dev.esp.get_socket() == number
    assert dev.esp.server_state(number) == 1
    with socket.create_connection(dev.rt.portal, timeout=5):
        pass  # still accepted by the listening server


def test_station_loss_closes_ipv4_clients_not_phones_on_3x(make: Callable[..., Device]) -> None:
    """truth §16: 3.x's handleWiFiDisconnect closes the sockets whose lwip_getsockname reads an IPv4
    address: the cloud client's; NetworkServer listens on AF_INET6, so a phone's stays open."""
    dev = make("3.3.0")
    echo = HostServer("echo")
    try:
        dev.esp._wifi_set_ap_passphrase(b"Blynk NINA", b"portal-pass", b"\x06")  # HomeNet's channel
        dev.join()
        server = dev.pool.socket()
        server.bind(("0.0.0.0", 80))
        server.listen(1)
        phone, conn = _phone_says(dev, server)
        client = dev.pool.socket()
        client.connect(dev.pool.getaddrinfo("127.0.0.1", echo.port)[0][4])
        assert wait_for(lambda: echo.conns)
        dev.set_world({"networks": [n for n in WORLD["networks"] if n["ssid"] != "HomeNet"]})
        assert dev.esp.status == dev.lib.WL_CONNECTION_LOST
        assert dev.esp.socket_status(client._socknum) == dev.lib.SOCKET_CLOSED
        echo.conns[0].settimeout(2)
        assert echo.conns[0].recv(10) == b""
        assert conn.send(b"still here") == 10  # the phone's connection lives on
        phone.settimeout(5)
        assert phone.recv(100) == b"still here"
        phone.close()
    finally:
        echo.close()


@pytest.mark.parametrize("firmware", BOTH)
def test_client_state_frees_a_slot_only_if_it_connected(make: Callable[..., Device], firmware: str) -> None:
    """truth §16: 3.3.0's getClientStateTcp frees the slot of a client that is gone only if
    START_CLIENT_TCP connected it (socketWasConnected); an accepted client's slot stays taken
    until STOP_CLIENT_TCP. 1.x frees it either way."""
    dev = make(firmware)
    server = dev.pool.socket()
    server.bind(("0.0.0.0", 80))
    server.listen(1)
    phone, conn = _phone_says(dev, server, b"bye")
    assert recv_exactly(conn, 3) == b"bye"
    phone.close()
    assert wait_for(lambda: dev.esp.socket_status(conn._socknum) == dev.lib.SOCKET_CLOSED)
    if dev.legacy:
        assert dev.esp.get_socket() == conn._socknum
    else:
        assert dev.esp.get_socket() != conn._socknum  # still taken
        conn.close()
        assert dev.esp.get_socket() == conn._socknum
    echo = HostServer("echo")
    try:
        dev.join()
        client = dev.pool.socket()
        client.connect(dev.pool.getaddrinfo("127.0.0.1", echo.port)[0][4])
        number = client._socknum
        assert wait_for(lambda: echo.conns)
        echo.conns[0].shutdown(socket.SHUT_RDWR)  # the peer hangs up
        assert wait_for(lambda: dev.esp.socket_status(number) == dev.lib.SOCKET_CLOSED)
        assert dev.esp.get_socket() == number  # a client that had connected: freed on both
    finally:
        echo.close()


@pytest.mark.parametrize("firmware", ALL)
def test_a_port_listened_on_stays_taken(make: Callable[..., Device], firmware: str) -> None:
    """No command ends a server: once a port is listened on, a new server there cannot bind until
    the ESP32 resets. 3.x's NetworkServer::begin on its own listening slot does nothing (fine);
    2.0 answers 0 (the library raises); 1.7 answers 1 all the same, with a server that never
    listens, whose AVAIL_DATA_TCP reads 0 (which the library's accept takes for a client in slot 0)."""
    dev = make(firmware)
    first = dev.pool.socket()
    first.bind(("0.0.0.0", 80))
    first.listen(1)
    first.close()  # STOP_CLIENT_TCP: the slot is free, the server still listens
    second = dev.pool.socket()
    assert second._socknum == first._socknum
    second.bind(("0.0.0.0", 80))
    if firmware == "2.0.0":
        with pytest.raises(OSError, match="Could not start server"):
            second.listen(1)
        return
    second.listen(1)
    if firmware == "1.7.7":
        assert dev.esp.server_state(second._socknum) == 0
        assert dev.esp.socket_available(second._socknum) == 0
        return
    assert dev.esp.server_state(second._socknum) == 1
    phone, _ = _phone_says(dev, second)
    phone.close()
    third = dev.pool.socket()  # another slot: the port is taken
    third.bind(("0.0.0.0", 80))
    with pytest.raises(OSError, match="Could not start server"):
        third.listen(1)


# -- TLS and plain clients ---------------------------------------------------------------------


@pytest.mark.parametrize("firmware", BOTH)
def test_tls_login_then_a_second_tls_socket_is_refused(
    make: Callable[..., Device], cloud: RunningCloud, firmware: str
) -> None:
    dev = make(firmware)
    dev.join()
    first = dev.pool.socket()
    first.connect(("blynk.cloud", 443), dev.esp.TLS_MODE)
    assert first.send(login_frame()) == 37
    assert recv_exactly(first, 5) == bytes.fromhex("00000100C8")
    cloud.wait_online(TOKEN)

    second = dev.pool.socket()
    assert second._socknum != first._socknum
    with pytest.raises(OSError) as refused:
        second.connect(("blynk.cloud", 443), dev.esp.TLS_MODE)
    assert refused.value.args == (23, "Only one open SSL connection allowed")
    # The firmware refuses too, for a caller that bypasses the library's bookkeeping.
    dev.esp._tls_socket = None
    with pytest.raises(BrokenPipeError, match="Expected 01 but got 00"):
        dev.esp.socket_open(second._socknum, "blynk.cloud", 443, dev.esp.TLS_MODE)
    dev.esp._tls_socket = first._socknum

    first.close()
    cloud.wait_online(TOKEN, online=False)
    third = dev.pool.socket()
    third.connect(("blynk.cloud", 443), dev.esp.TLS_MODE)  # one at a time: fine again
    third.close()


@pytest.mark.parametrize("firmware", BOTH)
def test_plain_tcp_client_needs_the_station(make: Callable[..., Device], firmware: str) -> None:
    dev = make(firmware)
    echo = HostServer("echo")
    try:
        address = dev.pool.getaddrinfo("127.0.0.1", echo.port)[0][4]
        with pytest.raises(BrokenPipeError, match="Expected 01 but got 00"):
            dev.pool.socket().connect(address)  # no station yet
        dev.join()
        sock = dev.pool.socket()
        sock.connect(address)
        assert sock.send(b"x" * 150) == 150  # three 64-byte SEND_DATA_TCP chunks
        assert recv_exactly(sock, 150) == b"x" * 150
        sock.close()
    finally:
        echo.close()


@pytest.mark.parametrize("firmware", BOTH)
def test_socket_exhaustion_is_an_error_not_a_hang(make: Callable[..., Device], firmware: str) -> None:
    dev = make(firmware)
    slots = 10 if dev.legacy else 6
    a, b = dev.pool.socket(), dev.pool.socket()
    assert a._socknum == b._socknum  # GET_SOCKET reserves nothing until a connect or a server
    servers = []
    for index in range(slots):
        server = dev.pool.socket()
        server.bind(("0.0.0.0", 9000 + index))
        server.listen(1)
        servers.append(server._socknum)
    assert sorted(servers) == list(range(slots))
    started = time.monotonic()
    with pytest.raises(OSError) as full:
        dev.pool.socket()
    assert full.value.args == (23,)  # ENFILE; .errno is None on CPython (see _accept)
    assert time.monotonic() - started < 1


def _start_client_raw(dev: Device, address: bytes, port: int, mode: int) -> int:
    """Send START_CLIENT_TCP on a free slot without reading the answer; the slot."""
    number = dev.esp.get_socket()
    dev.esp._send_command(START_CLIENT_TCP, (address, struct.pack(">H", port), bytes((number,)), bytes((mode,))))
    return int(number)


@pytest.mark.parametrize("firmware", ALL)
def test_connects_take_as_long_as_the_firmwares(make: Callable[..., Device], firmware: str) -> None:
    """truth §15: a connect nobody answers keeps the ESP32 busy for the firmware's own timeout:
    lwIP's SYN retries on 1.x/2.0 (blocking lwip_connect), 3 s (NetworkClient) or 30 s
    (NetworkClientSecure) on 3.x. A closed port answers with a reset, and that fails at once."""
    dev = make(firmware)
    expected = {
        dev.esp.TCP_MODE: TCP_CONNECT_TIMEOUT_S if firmware == "3.3.0" else LWIP_SYN_TIMEOUT_S,
        dev.esp.TLS_MODE: TLS_CONNECT_TIMEOUT_S if firmware == "3.3.0" else LWIP_SYN_TIMEOUT_S,
    }
    targets = [
        (bytes((10, 0, 0, 1)), 80, dev.esp.TCP_MODE, expected[dev.esp.TCP_MODE]),
        (bytes((10, 0, 0, 1)), 443, dev.esp.TLS_MODE, expected[dev.esp.TLS_MODE]),
        (bytes((127, 0, 0, 1)), closed_port(), dev.esp.TLS_MODE, 0.0),
    ]
    for address, port, mode, lasts in targets:
        dev.join()
        _start_client_raw(dev, address, port, mode)
        assert dev.chip.firmware is not None
        job = dev.chip.firmware.sockets.connecting
        assert job is not None
        assert wait_for(lambda job=job: job.ends_at is not None)
        assert job.ends_at is not None and job.ends_at - job.started == pytest.approx(lasts, abs=0.3)
        dev.esp.reset()


def test_after_a_long_connect_the_exchange_is_out_of_step_until_reset(make: Callable[..., Device]) -> None:
    """truth §15: once the library has given up on a command, the firmware's late answer is clocked
    out under the next command, whose own answer then never comes: every command fails until the
    ESP32 is reset through its RESET pin. (Here the library is made to give up at once, without
    reading the answer, and 3.x's 3 s TCP connect is waited out.)"""
    dev = make("3.3.0")
    dev.join()
    _start_client_raw(dev, bytes((10, 0, 0, 1)), 80, dev.esp.TCP_MODE)
    assert dev.esp._ready.value
    assert wait_for(lambda: not dev.esp._ready.value, TCP_CONNECT_TIMEOUT_S + 1)  # the answer is queued
    for _ in range(3):
        with pytest.raises(TimeoutError, match="Timed out waiting for SPI char"):
            dev.esp.status  # noqa: B018
    assert not dev.esp.connected  # the library's own remedy: it resets the ESP32 on an error
    assert dev.esp.status == 0xFE
    assert dev.esp.firmware_version == "3.3.0"


def test_a_tls_server_that_never_answers_times_the_library_out(make: Callable[..., Device]) -> None:
    """truth §15: 3.x waits up to 120 s for a TLS handshake; the library gives up after 10 s
    ("ESP32 not responding") while the ESP32 stays busy, until it is reset. (About 10 s.)"""
    dev = make("3.3.0")
    silent = HostServer("silent")
    try:
        dev.join()
        sock = dev.pool.socket()
        started = time.monotonic()
        with pytest.raises(TimeoutError, match="ESP32 not responding"):
            sock.connect(("127.0.0.1", silent.port), dev.esp.TLS_MODE)
        assert time.monotonic() - started >= LIBRARY_WAIT_S
        assert silent.received.startswith(b"\x16\x03")  # the ClientHello went out; no answer came
        assert dev.chip.firmware is not None
        job = dev.chip.firmware.sockets.connecting
        assert job is not None and job.ends_at is None  # still in the handshake, for up to:
        assert TLS_HANDSHAKE_TIMEOUT_S > LIBRARY_WAIT_S
        assert dev.esp._ready.value  # busy
        dev.esp.reset()
        assert dev.esp.firmware_version == "3.3.0"
        silent.conns[0].settimeout(2)
        assert silent.conns[0].recv(10) == b""  # the reset dropped the connection
    finally:
        silent.close()


@pytest.mark.parametrize("firmware", ALL)
def test_a_failed_tls_handshake(make: Callable[..., Device], firmware: str) -> None:
    """A server that hangs up during the handshake: 2.0 and 3.x fail at once; 1.7's
    WiFiSSLClient loops until its handshake timeout (LEGACY_HANDSHAKE_LOOP_S, shortened here) and
    returns -1, which startClientTcp answers as success, with the client stopped."""
    dev = make(firmware)
    closing = HostServer("close")
    try:
        dev.join()
        assert dev.chip.firmware is not None
        table = dev.chip.firmware.sockets
        assert table.personality.tls_error_loops_s == (LEGACY_HANDSHAKE_LOOP_S if firmware == "1.7.7" else None)
        if firmware == "1.7.7":
            table.personality = dataclasses.replace(table.personality, tls_error_loops_s=0.5)
        sock = dev.pool.socket()
        started = time.monotonic()
        if firmware != "1.7.7":
            with pytest.raises(BrokenPipeError, match="Expected 01 but got 00"):
                sock.connect(("127.0.0.1", closing.port), dev.esp.TLS_MODE)
            assert time.monotonic() - started < 1
            return
        # "Connected", after the loop; the library then waits 3 s for ESTABLISHED, in vain.
        with pytest.raises(TimeoutError, match="Failed to establish connection"):
            sock.connect(("127.0.0.1", closing.port), dev.esp.TLS_MODE)
        assert time.monotonic() - started >= 0.5 + 3
        assert dev.esp.socket_status(sock._socknum) == dev.lib.SOCKET_CLOSED
    finally:
        closing.close()


# -- UDP (a DNS server) ------------------------------------------------------------------------


@pytest.mark.parametrize("firmware", BOTH)
def test_udp_server_on_port_53(make: Callable[..., Device], firmware: str) -> None:
    dev = make(firmware)
    number = dev.esp.get_socket()
    dev.esp.start_server(53, number, dev.esp.UDP_MODE)
    assert dev.rt.dns is not None
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as phone:
        phone.settimeout(5)
        phone.sendto(b"query", dev.rt.dns)
        assert wait_for(lambda: dev.esp.socket_available(number)) == 5
        assert dev.esp.socket_read(number, 5) == b"query"
        remote = dev.esp.get_remote_data(number)
        assert bytes(remote["ip_addr"]) == bytes((127, 0, 0, 1))
        port = phone.getsockname()[1]
        assert remote["port"] == swapped(port)
        dev.esp.socket_open(number, bytes(remote["ip_addr"]), port, dev.esp.UDP_MODE)  # beginPacket
        dev.esp.socket_write(number, b"answer", dev.esp.UDP_MODE)
        assert phone.recvfrom(100)[0] == b"answer"
        # endPacket does not empty the packet: without a new beginPacket the next send repeats it.
        dev.esp.socket_write(number, b"again", dev.esp.UDP_MODE)
        assert phone.recvfrom(100)[0] == b"answeragain"


# -- reset and boot ----------------------------------------------------------------------------


@pytest.mark.parametrize("firmware", BOTH)
def test_reset_pin_drops_sockets_ap_and_station(make: Callable[..., Device], firmware: str) -> None:
    dev = make(firmware)
    dev.join()
    dev.esp._wifi_set_ap_passphrase(b"Blynk NINA", b"portal-pass", b"\x01")
    server = dev.pool.socket()
    server.bind(("0.0.0.0", 80))
    server.listen(1)
    phone = socket.create_connection(dev.rt.portal, timeout=5)
    phone.sendall(b"hi")
    assert wait_for(lambda: _accept(server))
    dev.esp.reset()
    assert dev.esp.status == (0 if dev.legacy else 0xFE)
    assert dev.esp.server_state(server._socknum) == 0
    assert dev.esp.get_socket() == 0
    assert dev.radio.ap is None and dev.radio.joined is None
    assert dev.esp.ipv4_address == "0.0.0.0"
    phone.settimeout(2)
    try:
        assert phone.recv(10) == b""
    except ConnectionResetError:
        pass  # closed with the phone's "hi" unread: a reset
    phone.close()
    with pytest.raises(OSError):
        socket.create_connection(dev.rt.portal, timeout=1)  # nothing listens any more


def test_chip_select_low_at_boot_means_no_spi(make: Callable[..., Device]) -> None:
    dev = make("1.7.7")
    dev.esp._cs.value = False  # nina's setup() reads the CS pin: low selects Bluetooth mode
    dev.esp._reset.value = False
    dev.esp._reset.value = True
    time.sleep(0.3)
    assert dev.esp._ready.value  # never ready: the library would time out ("ESP32 not responding")
    assert dev.chip.state == "ble"
    dev.esp._cs.value = True
    dev.esp.reset()
    assert dev.esp.firmware_version == "1.7.7"


# -- boards, busio and the command line --------------------------------------------------------


def test_airlift_boards_are_wired_to_real_pins() -> None:
    expected = {
        "pyportal": 8192,
        "pyportal_titano": 8192,
        "metro_m4_airlift_lite": 8192,
        "matrixportal_m4": 8192,
        "arduino_nano_rp2040_connect": 4096,
        "seeeduino_wio_terminal": 8192,
    }
    for board_id, nvm in expected.items():
        board = boards.get(board_id)
        # The Wio Terminal's own radio is its RTL8720DN; its AirLift profile finds an ESP32 on the header.
        radio = "rtl8720" if board_id == "seeeduino_wio_terminal" else "esp32spi"
        assert (board.radio, board.nvm_size) == (radio, nvm)
        assert board.esp32 is not None and set(board.esp32.values()) <= set(boards.stub_pins(board_id))
        assert board.nina_firmware in ("1.7.7", "3.3.0")
    wio = boards.get("seeeduino_wio_terminal").esp32
    assert wio == {"sck": "SCK", "mosi": "MOSI", "miso": "MISO", "cs": "CS", "busy": "D2", "reset": "D3", "gpio0": "D4"}
    assert "SPI" in boards.stub_functions("seeeduino_wio_terminal")


@pytest.mark.parametrize("board_id", ["seeeduino_wio_terminal", "arduino_nano_rp2040_connect"])
def test_other_wirings(make: Callable[..., Device], board_id: str) -> None:
    dev = make("3.3.0", board_id)
    assert dev.esp.firmware_version == "3.3.0"
    assert dev.esp.mac_address == bytes(reversed(boards.get(board_id).mac))


def test_busio_spi_rules(make: Callable[..., Device]) -> None:
    make("1.7.7")
    import board
    import busio
    from digitalio import DigitalInOut

    with pytest.raises(ValueError, match="in use"):
        busio.SPI(board.SCK, board.MOSI, board.MISO)  # the fixture's bus holds them
    with pytest.raises(ValueError, match="in use"):
        DigitalInOut(board.ESP_CS)
    with pytest.raises(ImportError):
        import wifi  # noqa: F401 - an AirLift board has no native WiFi
    bus = busio.SPI(board.D3, MOSI=board.D4, MISO=board.A1)  # no ESP32 on these pins
    with pytest.raises(RuntimeError, match="Function requires lock"):
        bus.write(b"\x00")
    assert bus.try_lock() and not bus.try_lock()
    bus.configure(baudrate=8_000_000)
    assert bus.frequency == 8_000_000
    data = bytearray(3)
    bus.write_readinto(b"abc", data)
    assert data == b"\xff\xff\xff"  # nobody drives MISO
    bus.unlock()
    bus.deinit()
    with pytest.raises(ValueError, match="deinitialized"):
        bus.try_lock()
    busio.SPI(board.D3, MOSI=board.D4).deinit()  # the pins are free again


def test_a_world_rewritten_while_it_is_read_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "world.json"

    def write(ssid: str, stamp: int) -> None:
        path.write_text(json.dumps({"networks": [{"ssid": ssid}]}))
        os.utime(path, ns=(stamp, stamp))

    write("First", 1_000_000_000)
    world = World(path)
    write("Second", 2_000_000_000)
    real_read_text = Path.read_text

    def read_then_rewrite(self: Path, *args: Any, **kwargs: Any) -> str:
        text = real_read_text(self, *args, **kwargs)
        monkeypatch.setattr(Path, "read_text", real_read_text)
        write("Third", 3_000_000_000)  # the file changes again just after it was read
        return text

    monkeypatch.setattr(Path, "read_text", read_then_rewrite)
    assert [n.ssid for n in world.networks] == ["Second"]
    assert [n.ssid for n in world.networks] == ["Third"]


def test_a_network_accepts_its_password_and_an_open_one_any() -> None:
    open_network = World(None).find("CoffeeShop")
    assert open_network is not None and open_network.accepts("anything")
    home = World(None).find("HomeNet")
    assert home is not None and home.accepts("correct horse battery") and not home.accepts("wrong password")


def test_nina_firmware_option() -> None:
    assert nina_version("2.0.0") == "2.0.0"
    with pytest.raises(argparse.ArgumentTypeError, match=r"1\.x/2\.x line and 3\.x"):
        nina_version("4.0.0")


@pytest.mark.slow  # starts the device in its own process
def test_running_sim_passes_the_firmware_version(cloud: RunningCloud, tmp_path: Path) -> None:
    drive = tmp_path / "drive"
    drive.mkdir()
    code = drive / "code.py"
    code.write_text(
        "import time, board\n"
        "from digitalio import DigitalInOut\n"
        "from adafruit_esp32spi import adafruit_esp32spi\n"
        "esp = adafruit_esp32spi.ESP_SPIcontrol(board.SPI(), DigitalInOut(board.ESP_CS),\n"
        "    DigitalInOut(board.ESP_BUSY), DigitalInOut(board.ESP_RESET), DigitalInOut(board.ESP_GPIO0))\n"
        "print('nina', esp.firmware_version, esp.mac_address.hex())\n"
        "esp.create_AP(b'Blynk NINA', b'portal-pass')\n"
        "time.sleep(60)\n"
    )
    with running_sim(code, tmp_path / "state", cloud, board="matrixportal_m4", nina_firmware="1.7.7") as sim:
        mac = boards.get("matrixportal_m4").mac.hex()
        # Serial output and the AP state come over two channels, so either may arrive first.
        assert sim.wait_for(
            lambda snapshot: snapshot["ap"] == "Blynk NINA" and f"nina 1.7.7 {mac}" in sim.log_lines(), 20
        ), sim.log_lines()


def test_the_library_resets_an_esp32_that_stopped_answering_and_the_next_attempt_works(
    make: Callable[..., Device], cloud: RunningCloud
) -> None:
    """blynk_edgent's radio over the real adafruit_esp32spi, truth §15: a cloud whose TLS never
    starts keeps 3.x busy past the library's 10 s; the radio resets the ESP32, so the attempt fails
    with a reason and the next ones (join, a plain connection, TLS to the cloud) work. Before, the
    ESP32 stayed out of step and every later command timed out until a power cycle. (About 10 s.)"""
    from blynk_edgent.online import CloudError, open_socket
    from blynk_edgent.radio_esp32spi import ESP32SPIRadio

    dev = make("3.3.0")
    radio = ESP32SPIRadio(dev.esp, log=lambda *args: None)
    silent, echo = HostServer("silent"), HostServer("echo")
    try:
        dev.join()
        with pytest.raises(CloudError, match="not responding"):
            open_socket(radio.pool, radio.ssl_context(), "127.0.0.1", silent.port, 30)
        assert dev.esp.firmware_version == "3.3.0"  # it answers again: it was reset
        assert not radio.connected  # and the reset took the station with it
        assert dev.join() == 3  # WL_CONNECTED
        plain = open_socket(radio.pool, None, "127.0.0.1", echo.port, 5)
        plain.send(b"ping")
        assert recv_exactly(plain, 4) == b"ping"
        plain.close()
        # TLS again: the one TLS socket the library allows was not left taken by the failed one.
        _tls_login(radio, cloud)
    finally:
        silent.close()
        echo.close()


def test_tls_after_the_esp32_was_reset_under_a_logged_in_link(make: Callable[..., Device], cloud: RunningCloud) -> None:
    """A reset while the cloud link's TLS socket is open (what the radio's recovery does when any
    command outlasts the library's wait): the link closes its socket, as it does on every failure,
    and the device logs in over TLS again once it has rejoined."""
    from blynk_edgent.radio_esp32spi import ESP32SPIRadio, recover

    dev = make("3.3.0")
    radio = ESP32SPIRadio(dev.esp, log=lambda *args: None)
    dev.join()
    sock = _tls_login(radio, cloud, close=False)
    recover(dev.esp, TimeoutError("ESP32 not responding"))  # the library's words for a chip out of step
    assert not radio.connected
    cloud.wait_online(TOKEN, online=False)  # the reset took the TLS connection with it
    sock.close()  # what the link does with a socket that failed
    assert dev.join() == 3
    _tls_login(radio, cloud)


def _tls_login(radio: Any, cloud: RunningCloud, close: bool = True) -> Any:
    """Log in to the local cloud over the radio's TLS, through the device's own open_socket."""
    from blynk_edgent.online import open_socket

    sock = open_socket(radio.pool, radio.ssl_context(), "blynk.cloud", 443, 10)
    assert sock.send(login_frame()) == 37
    assert recv_exactly(sock, 5) == bytes.fromhex("00000100C8")
    cloud.wait_online(TOKEN)
    if close:
        sock.close()
        cloud.wait_online(TOKEN, online=False)
    return sock
