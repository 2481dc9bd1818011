# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The Wio Terminal's RTL8720DN backend (lib/blynk_edgent/radio_rtl8720*.py) driving the chip's
emulator (host/edgent_host/sim/rtl8720) byte for byte, in this process: a real Edgent on top,
the local cloud over TLS, phones on the portal with ``Host: 192.168.4.1``.

The faults the issue names are made on the wire or in the chip (a byte lost, a CRC broken, an
event between a request and its reply, a reply that never comes, the receive ring overflowing):
each time the device resets the chip, comes back to where it was, and its NVM is untouched.
The client's function table is held against the emulator's, written from the doc's table.
"""

from __future__ import annotations

import json
import socket
import ssl
import struct
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from blynk_edgent import erpc
from blynk_edgent.config import Config
from blynk_edgent.edgent import Edgent
from blynk_edgent.errors import NETWORK_AUTH, NETWORK_NO_IP, NETWORK_NOT_FOUND
from blynk_edgent.radio_rtl8720 import RTL8720Radio
from blynk_edgent.rtl8720_link import RTLLink
from blynk_edgent.store import ConfigStore
from edgent_host.cloud.testing import RunningCloud, running_cloud
from edgent_host.sim import boards, runtime
from edgent_host.sim.rtl8720 import EmulatedUART, Firmware, Power
from edgent_host.sim.rtl8720.firmware import SIGNATURES, parse_signature
from edgent_host.sim.testing import free_port
from edgent_host.sim.world import DEFAULT_WORLD, World
from support import FakeNVM

TOKEN = "RTLtoken0123456789abcdefghijklmn"
HOME_PASSWORD = next(n["password"] for n in DEFAULT_WORLD["networks"] if n["ssid"] == "HomeNet")
LETTERS = {"u8": "B", "i8": "c", "bool": "b", "u16": "H", "u32": "I", "i32": "i", "string": "s", "binary": "y"}


# -- the table ---------------------------------------------------------------------------------


def test_every_function_the_client_calls_has_the_doc_s_id_argument_order_and_types() -> None:
    by_name = {parse_signature(text).name: (key, parse_signature(text)) for key, text in SIGNATURES.items()}
    aliases = {"ssl_set_root_ca": "rpc_wifi_ssl_set_rootCA"}
    for name in [line.split(" ")[0] for line in erpc.FUNCTIONS.split("\n") if line]:
        service, function, ins, outs = erpc.row(name)
        idl = aliases.get(name) or next(
            candidate for candidate in (f"rpc_{name}", f"rpc_wifi_{name}") if candidate in by_name
        )
        (got_service, got_function), signature = by_name[idl]
        assert (service, function) == (got_service, got_function), name

        def letters(params: Any) -> str:
            out = ""
            for param in params:
                if param.kind == "u8[18]":
                    out += "M"
                else:
                    letter = LETTERS[param.kind]
                    out += {"s": "n", "y": "N"}[letter] if param.nullable else letter
            return out

        assert ins == letters(signature.ins), name
        result = "" if signature.result == "void" else LETTERS[signature.result]
        assert outs == letters(signature.outs) + result, name


def test_the_doc_s_worked_frames_come_out_of_the_client_s_table() -> None:
    assert erpc.encode_call("wifi_on", 3, 1).hex(" ") == "0c 00 15 af 00 1b 0e 01 03 00 00 00 01 00 00 00"
    assert erpc.encode_call("lwip_socket", 4, 2, 1, 6).hex(" ") == (
        "14 00 e8 51 00 12 10 01 04 00 00 00 02 00 00 00 01 00 00 00 06 00 00 00"
    )
    assert erpc.encode_call("wifi_connect", 6, "ssid", None, 0, -1, 0).hex(" ") == (
        "1d 00 8d b2 00 01 0e 01 06 00 00 00 04 00 00 00 73 73 69 64 01 00 00 00 00 ff ff ff ff 00 00 00 00"
    )


# -- a device on the chip ----------------------------------------------------------------------


class Wio:
    """A Wio Terminal in this process: the emulated chip in a world file, the backend over its
    UART, a real Edgent polled by the test (faults go in between polls)."""

    def __init__(self, tmp_path: Path, cloud: RunningCloud, stored: Config | None = None) -> None:
        self.world_file = tmp_path / "world.json"
        self.world_file.write_text(json.dumps(DEFAULT_WORLD))
        self.portal = free_port()
        self.runtime = runtime.Runtime(
            board=boards.get("seeeduino_wio_terminal"),
            state_dir=tmp_path,
            code_dir=tmp_path,
            cloud=(cloud.host, cloud.device_port),
            world=World(self.world_file),
            portal=("127.0.0.1", self.portal),
            ca_file=cloud.ca_file,
        )
        self.chip = Firmware("2.1.3", runtime=self.runtime)
        self.uart = EmulatedUART(self.chip)
        self.lines: list[str] = []
        self.radio = RTL8720Radio(RTLLink(self.uart, Power(self.chip)), self.lines.append)
        self.nvm = FakeNVM(8192)
        if stored is not None:
            ConfigStore(self.nvm).save(stored)
        self.edgent = Edgent(
            "TMPL4abcd123", "Device", "0.1.0", radio=self.radio, nvm=self.nvm, tls=cloud.tls,
            log=self.lines.append, led=False, button=False, screen=False,
        )  # fmt: skip

    def run_until(self, what: Callable[[], bool], timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not what():
            assert time.monotonic() < deadline, "\n".join(self.lines[-25:])
            self.edgent.poll()

    def run_for(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.edgent.poll()

    def ask(self, path: str) -> tuple[int, Any]:
        """A phone on the access point asks the portal (while the device runs in another thread)."""
        request = urllib.request.Request(f"http://127.0.0.1:{self.portal}{path}", headers={"Host": "192.168.4.1"})
        try:
            with urllib.request.urlopen(request, timeout=20) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def ask_while_running(self, path: str) -> tuple[int, Any]:
        """``ask`` with the device polled meanwhile (the portal answers only when polled)."""
        result: list[tuple[int, Any]] = []
        thread = threading.Thread(target=lambda: result.append(self.ask(path)), daemon=True)
        thread.start()
        deadline = time.monotonic() + 25
        while thread.is_alive() and time.monotonic() < deadline:
            self.edgent.poll()
        thread.join(1)
        assert result, "\n".join(self.lines[-25:])
        return result[0]


def home(cloud: RunningCloud, **changes: Any) -> Config:
    config = Config("HomeNet", HOME_PASSWORD, TOKEN, "blynk.cloud", 443, provisioned=True)
    for name, value in changes.items():
        setattr(config, name, value)
    return config


@pytest.fixture
def cloud() -> Iterator[RunningCloud]:
    with running_cloud(tls=True, tokens=[TOKEN]) as running:
        yield running


def test_a_provisioned_wio_logs_in_over_tls_and_trades_virtual_pins(tmp_path: Path, cloud: RunningCloud) -> None:
    wio = Wio(tmp_path, cloud, home(cloud))
    got: list[str] = []
    wio.edgent.on_virtual_write(1)(lambda *values: got.append(values[0]))
    wio.run_until(lambda: wio.edgent.state == "RUNNING")
    cloud.wait_online(TOKEN)
    cloud.update(TOKEN, "V1", "42")
    wio.run_until(lambda: got == ["42"], 10)
    wio.edgent.virtual_write(2, 7)
    wio.run_for(0.5)
    cloud.wait_until(lambda: cloud.api("get", TOKEN, ("V2", "")).text == "7", 5, what="V2 written")
    assert any("(TLS)" in line for line in wio.lines)


def test_a_blank_wio_opens_its_access_point_at_192_168_4_1_and_the_app_s_sequence_provisions_it(
    tmp_path: Path, cloud: RunningCloud
) -> None:
    wio = Wio(tmp_path, cloud)
    wio.run_until(lambda: wio.edgent.state == "WAIT_CONFIG")
    assert wio.chip.wifi.ap is not None and wio.chip.wifi.ap_address == "192.168.4.1"
    status, info = wio.ask_while_running("/board_info.json")
    assert status == 200 and info["ssid"] == wio.chip.wifi.ap[0]
    assert info["mac"] == "2C:F7:F1:C0:FF:EE" and info["bssid"] == "2C:F7:F1:C0:FF:EF"
    status, networks = wio.ask_while_running("/wifi_scan.json")
    assert status == 200 and [n["ssid"] for n in networks] == ["HomeNet", "CoffeeShop", "Neighbour"]
    assert networks[0]["sec"] == "WPA2" and networks[2]["sec"] == "WPA+WPA2"
    query = {"ssid": "HomeNet", "pass": HOME_PASSWORD, "blynk": TOKEN}  # blynk.cloud, over TLS
    status, answer = wio.ask_while_running("/config?" + "&".join(f"{k}={quote(str(v))}" for k, v in query.items()))
    assert status == 200, answer
    wio.run_until(lambda: wio.edgent.state == "RUNNING", 60)
    cloud.wait_online(TOKEN)
    assert ConfigStore(wio.nvm).load().token == TOKEN


@pytest.mark.parametrize(
    ("world_change", "config_change", "code"),
    [
        (None, {"password": "not the password"}, NETWORK_AUTH),
        (None, {"ssid": "NoSuchNetwork"}, NETWORK_NOT_FOUND),
        ({"dhcp": False}, {}, NETWORK_NO_IP),
    ],
    ids=["wrong-password", "unknown-network", "no-dhcp"],
)
def test_a_failed_join_says_why_though_the_chip_says_only_minus_one(
    tmp_path: Path, cloud: RunningCloud, world_change: dict[str, Any] | None, config_change: dict[str, Any], code: int
) -> None:
    wio = Wio(tmp_path, cloud, home(cloud))
    if world_change:
        world = json.loads(wio.world_file.read_text())
        world["networks"][0].update(world_change)
        wio.world_file.write_text(json.dumps(world))
    joining = wio.radio.join(home(cloud, **config_change), 50)
    outcome = None
    deadline = time.monotonic() + 40
    while outcome is None and time.monotonic() < deadline:
        outcome = next(joining)
    assert outcome == code


def test_a_static_address_joins_a_network_without_dhcp(tmp_path: Path, cloud: RunningCloud) -> None:
    wio = Wio(tmp_path, cloud)
    world = json.loads(wio.world_file.read_text())
    world["networks"][0]["dhcp"] = False
    wio.world_file.write_text(json.dumps(world))
    static = ("192.168.1.77", "255.255.255.0", "192.168.1.1", "192.168.1.1", "")
    joining = wio.radio.join(home(cloud, static=static), 50)
    outcome = None
    while outcome is None:
        outcome = next(joining)
    assert outcome == 0 and wio.radio.ip == "192.168.1.77"


# -- TLS: the CA makes the chip verify and send SNI ----------------------------------------------


class SniServer:
    """A TLS server (the local cloud's certificate) that notes the name each client asked for."""

    def __init__(self, cloud: RunningCloud) -> None:
        assert cloud.ca_dir is not None
        self.names: list[str | None] = []
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(Path(cloud.ca_dir) / "server.pem"), str(Path(cloud.ca_dir) / "server.key"))
        context.sni_callback = lambda sock, name, ctx: self.names.append(name)  # type: ignore[assignment,func-returns-value]
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.address = self.listener.getsockname()
        self._context = context
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                plain, _ = self.listener.accept()
            except OSError:
                return
            try:
                with self._context.wrap_socket(plain, server_side=True) as tls:
                    tls.sendall(b"hello")
                    time.sleep(0.2)
            except (OSError, ssl.SSLError):
                pass


def test_the_chip_sends_sni_only_when_it_was_given_a_root_ca(tmp_path: Path, cloud: RunningCloud) -> None:
    server = SniServer(cloud)
    wio = Wio(tmp_path, cloud)
    wio.runtime.cloud = server.address  # blynk.cloud now reaches the recording server
    joining = wio.radio.join(home(cloud), 50)
    while (outcome := next(joining)) is None:
        pass
    assert outcome == 0
    # as the library opens it: the CA set, the name sent
    sock = wio.radio.ssl_context().wrap_socket(wio.radio.pool.socket(), server_hostname="blynk.cloud")
    sock.connect(wio.radio.pool.getaddrinfo("blynk.cloud", 443)[0][4])
    buffer = bytearray(16)
    deadline = time.monotonic() + 5
    while True:
        try:
            count = sock.recv_into(buffer)
            break
        except OSError:
            assert time.monotonic() < deadline
            sock.settimeout(0)
    assert bytes(buffer[:count]) == b"hello"
    sock.close()
    # as the firmware's other clients do, no CA: nothing is verified and no name goes out
    link = wio.radio.link
    context = link.call("ssl_client_create")[0]
    link.call("ssl_init", context)
    assert link.call("start_ssl_client", context, "blynk.cloud", 443, 5000, timeout_ms=10000)[0] >= 0
    link.call("stop_ssl_socket", context)
    assert server.names == ["blynk.cloud", None]


def test_a_root_ca_the_chip_cannot_read_fails_the_handshake(tmp_path: Path, cloud: RunningCloud) -> None:
    wio = Wio(tmp_path, cloud)
    joining = wio.radio.join(home(cloud), 50)
    while next(joining) is None:
        pass
    link = wio.radio.link
    context = link.call("ssl_client_create")[0]
    link.call("ssl_set_root_ca", context, "not a certificate")
    assert link.call("start_ssl_client", context, "blynk.cloud", 443, 5000, timeout_ms=10000)[0] == -0x2700


# -- faults: the chip is reset, the device comes back, NVM is untouched --------------------------


def _flood(wio: Wio) -> None:
    for _ in range(700):  # ~14 KB of events while nobody reads: past the 8 KB ring
        wio.chip.event(5)


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(lambda wio: setattr(wio.uart, "drop_next", 1), id="dropped-byte"),
        pytest.param(lambda wio: setattr(wio.uart, "corrupt_next", 1), id="corrupted-crc"),
        pytest.param(lambda wio: setattr(wio.chip, "hang_next", 1), id="reply-never-comes"),
        pytest.param(_flood, id="overflowing-ring"),
    ],
)
def test_a_broken_exchange_resets_the_chip_and_the_device_comes_back_with_its_nvm_untouched(
    tmp_path: Path, cloud: RunningCloud, fault: Callable[[Wio], None]
) -> None:
    wio = Wio(tmp_path, cloud, home(cloud))
    wio.run_until(lambda: wio.edgent.state == "RUNNING")
    stored = bytes(wio.nvm[0 : len(wio.nvm)])
    boots = wio.chip.boots
    fault(wio)
    wio.run_until(lambda: wio.chip.boots > boots, 20)  # the device noticed and reset the chip
    assert any("resetting the chip" in line for line in wio.lines)
    wio.run_until(lambda: wio.edgent.state == "RUNNING" and wio.radio.connected, 60)
    cloud.wait_online(TOKEN)
    assert bytes(wio.nvm[0 : len(wio.nvm)]) == stored
    assert wio.uart.lost > 0 or fault is not _flood


def test_an_event_between_a_request_and_its_reply_is_taken_in_stride(tmp_path: Path, cloud: RunningCloud) -> None:
    wio = Wio(tmp_path, cloud, home(cloud))
    wio.run_until(lambda: wio.edgent.state == "RUNNING")
    boots = wio.chip.boots
    real_reply = wio.chip._reply

    def reply_after_an_event(*args: Any) -> None:
        wio.chip.event(5)  # STA_DISCONNECTED-shaped noise first, then the reply
        real_reply(*args)

    wio.chip._reply = reply_after_an_event  # type: ignore[method-assign]
    wio.run_for(3)
    assert wio.edgent.state == "RUNNING" and wio.chip.boots == boots
    assert len(wio.radio.link.events) == 8  # kept, the last eight


def test_config_mode_survives_a_chip_that_stops_answering(tmp_path: Path, cloud: RunningCloud) -> None:
    wio = Wio(tmp_path, cloud)
    wio.run_until(lambda: wio.edgent.state == "WAIT_CONFIG")
    boots = wio.chip.boots
    wio.chip.hang_next = 1
    wio.run_until(lambda: wio.chip.boots > boots, 20)
    wio.run_for(2.5)  # the access point comes back where it was
    assert wio.chip.wifi.ap is not None and wio.chip.wifi.ap_address == "192.168.4.1"
    status, info = wio.ask_while_running("/board_info.json")
    assert status == 200 and info["ssid"] == wio.chip.wifi.ap[0]
    assert wio.edgent.state == "CONFIGURING"  # a phone came: still in config mode


def test_the_rtl_s_mac_names_the_access_point_as_blynk_s_wio_sketch_does(tmp_path: Path, cloud: RunningCloud) -> None:
    from blynk_edgent.apname import ap_ssid, chip_id

    wio = Wio(tmp_path, cloud)
    wio.run_until(lambda: wio.edgent.state == "WAIT_CONFIG")
    assert wio.chip.wifi.ap[0] == ap_ssid("Device", chip_id(bytes.fromhex("2cf7f1c0ffee"), False))
    assert struct.calcsize("<B33s6sh5I") == 62


def test_select_tells_how_many_sockets_are_ready_and_never_which(tmp_path: Path, cloud: RunningCloud) -> None:
    from edgent_host.sim.rtl8720.firmware import frame

    wio = Wio(tmp_path, cloud)
    wio.run_until(lambda: wio.edgent.state == "WAIT_CONFIG")
    (server,) = [number for number, sock in wio.chip.lwip.sockets.items() if sock.listener is not None]
    readset = bytearray(8)
    readset[server // 8] |= 1 << (server % 8)

    def select(timeval: bytes) -> bytes:
        body = bytes((0, 21, 16, 1)) + struct.pack("<Ii", 77, 64)
        body += b"\0" + struct.pack("<I", 8) + bytes(readset) + b"\1\1"  # a read set; no write or except set
        body += b"\0" + struct.pack("<I", 8) + timeval
        wio.chip.receive(frame(body), 614400)
        time.sleep(0.05)
        (reply,) = wio.chip.transmit(614400)
        return reply[4:]

    assert select(bytes(8)) == bytes((2, 21, 16, 1)) + struct.pack("<Ii", 77, 0)  # nobody yet: 0 at once
    phone = socket.create_connection(("127.0.0.1", wio.portal))
    try:
        time.sleep(0.1)
        reply = select(struct.pack("<ii", 1, 0))
        assert reply == bytes((2, 21, 16, 1)) + struct.pack("<Ii", 77, 1)  # the count, and nothing else
    finally:
        phone.close()
