"""The NINA firmware emulator (edgent_host.sim.nina) driven by the real adafruit_esp32spi, unchanged.

Each test gets a simulated AirLift board in this process: a sim Runtime (a world file, the local
cloud, free portal and DNS ports) with the simulated CircuitPython modules put into sys.modules
as device.py does, then a freshly imported adafruit_esp32spi talking to the emulated ESP32 over
the simulated busio.SPI and digitalio pins. Everything is taken out of sys.modules afterwards.
The library's constructor resets the ESP32 and sleeps 0.75 s: once per test.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from edgent_host.cloud.testing import RunningCloud, running_cloud
from edgent_host.sim import boards, device, nina, runtime
from edgent_host.sim.command import nina_version
from edgent_host.sim.cp import MODULES, NATIVE_WIFI
from edgent_host.sim.nina.chip import ESP32
from edgent_host.sim.nina.radio import CLOUD_ADDRESS
from edgent_host.sim.testing import free_port, free_udp_port, running_sim
from edgent_host.sim.world import DEFAULT_WORLD, World

TOKEN = "NINAtoken0123456789abcdefghijklm"
_DEFAULT = {network["ssid"]: network for network in DEFAULT_WORLD["networks"]}
PASSWORD = _DEFAULT["HomeNet"]["password"].encode()
BOTH = ["1.7.7", "3.3.0"]

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

_OURS = frozenset(name for name in MODULES if name not in NATIVE_WIFI)  # what install_modules sets


def _ours(name: str) -> bool:
    return (
        name in _OURS
        or name.startswith("edgent_host.sim.cp.")
        or name.split(".")[0] in ("adafruit_esp32spi", "adafruit_bus_device")
    )


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
        return self.firmware.startswith("1.")

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
    saved = {name: sys.modules.pop(name) for name in list(sys.modules) if _ours(name)}
    getenv, uname, previous = os.getenv, os.uname, runtime._current

    def boot(firmware: str, board_id: str = "pyportal") -> Device:
        world_path = tmp_path / "world.json"
        world_path.write_text(json.dumps(WORLD))
        assert cloud.ca_file is not None
        rt = runtime.Runtime(
            board=boards.get(board_id),
            state_dir=tmp_path,
            code_dir=tmp_path,
            cloud=(cloud.host, cloud.device_port),
            world=World(world_path),
            portal=("127.0.0.1", free_port()),
            dns=("127.0.0.1", free_udp_port()),
            ca_file=cloud.ca_file,
        )
        device.install_modules(rt, firmware)
        import board
        import busio
        from adafruit_esp32spi import adafruit_esp32spi, adafruit_esp32spi_socketpool
        from digitalio import DigitalInOut

        wiring = rt.board.esp32
        assert wiring is not None
        spi = busio.SPI(getattr(board, wiring["sck"]), getattr(board, wiring["mosi"]), getattr(board, wiring["miso"]))
        pins = [DigitalInOut(getattr(board, wiring[role])) for role in ("cs", "busy", "reset", "gpio0")]
        esp = adafruit_esp32spi.ESP_SPIcontrol(spi, *pins)
        chip = nina.installed()
        assert chip is not None
        pool = adafruit_esp32spi_socketpool.SocketPool(esp)
        return Device(rt, esp, pool, adafruit_esp32spi, chip, world_path, firmware)

    try:
        yield boot
    finally:
        nina.uninstall()
        for name in [name for name in sys.modules if _ours(name)]:
            del sys.modules[name]
        sys.modules.update(saved)
        os.getenv, os.uname = getenv, uname
        runtime._current = previous


class EchoServer:
    """A host TCP server that echoes back what it gets; ``conns`` are its accepted sockets."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.conns: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)
            threading.Thread(target=self._echo, args=(conn,), daemon=True).start()

    def _echo(self, conn: socket.socket) -> None:
        try:
            while data := conn.recv(4096):
                conn.sendall(data)
        except OSError:
            pass

    def close(self) -> None:
        self.sock.close()
        for conn in self.conns:
            conn.close()


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


@pytest.mark.parametrize("firmware", BOTH)
def test_join_wrong_password(make: Callable[..., Device], firmware: str) -> None:
    dev = make(firmware)
    with pytest.raises(ConnectionError, match="Failed to connect to ssid"):
        dev.esp.connect_AP(b"HomeNet", b"not the password", timeout_s=0.5)
    assert dev.esp.status == dev.lib.WL_CONNECT_FAILED


@pytest.mark.parametrize("firmware", BOTH)
def test_join_unknown_network(make: Callable[..., Device], firmware: str) -> None:
    dev = make(firmware)
    if dev.legacy:  # nina 1.x maps NO_AP_FOUND (201) to WL_CONNECT_FAILED, as a wrong password
        with pytest.raises(ConnectionError, match="Failed to connect to ssid"):
            dev.esp.connect_AP(b"Nowhere", PASSWORD, timeout_s=0.5)
        assert dev.esp.status == dev.lib.WL_CONNECT_FAILED
    else:
        with pytest.raises(ConnectionError, match="No such ssid"):
            dev.esp.connect_AP(b"Nowhere", PASSWORD, timeout_s=0.5)
        assert dev.esp.status == dev.lib.WL_NO_SSID_AVAIL


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
    echo = EchoServer()
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


# -- access point ------------------------------------------------------------------------------


def test_ap_on_1x_listens_and_stops_the_station(make: Callable[..., Device]) -> None:
    dev = make("1.7.7")
    dev.join()
    assert dev.esp.create_AP(b"Blynk NINA", b"portal-pass", channel=6) == dev.lib.WL_AP_LISTENING
    assert dev.esp.ap_listening
    assert dev.esp.ipv4_address == "192.168.4.1"
    assert dev.radio.joined is None  # AP-only mode: the station is gone
    assert dev.radio.ap.channel == 1  # the channel asked for is ignored
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
    echo = EchoServer()
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
        assert (board.radio, board.nvm_size) == ("esp32spi", nvm)
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
