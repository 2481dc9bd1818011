"""The device's cloud link against a server played by the test, over real loopback sockets, on a virtual clock.

The link reads with ``recv_into`` on a non-blocking socket, as on a board; the test's side of the
connection is a plain blocking socket that sends exactly the frames each case needs.
"""

from __future__ import annotations

import socket
import struct
import sys
from collections.abc import Iterator
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import blynk_edgent
import blynk_edgent.edgent as core
from blynk_edgent import cloud, lifecycle
from blynk_edgent.cloud import CloudError, open_link
from blynk_edgent.config import Config
from blynk_edgent.edgent import RUNNING, Edgent, frame
from edgent_host.sim.testing import free_port

REAL_LINK_FAILED = lifecycle.link_failed  # the harness below records instead; some tests want it

TOKEN = "TOKEN1234567890abcdefghijklmnopq"

# Command codes and statuses of protocol doc section 6.1.
RESPONSE, PING, BRIDGE, INTERNAL, HARDWARE, HW_LOGIN, REDIRECT = 0, 6, 15, 17, 20, 29, 41
OK, ILLEGAL_COMMAND, ALREADY_REGISTERED, INVALID_TOKEN = 200, 2, 4, 9


class Server:
    """The far end of one link: accepts it and speaks raw frames."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.port = self.listener.getsockname()[1]
        self.conn: socket.socket | None = None

    def accept(self) -> None:
        self.listener.settimeout(5)
        self.conn, _ = self.listener.accept()
        self.conn.settimeout(5)
        # Without this, Nagle holds back small frames until the link's delayed ACK, 40 ms on.
        self.conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def read_frame(self) -> tuple[int, int, bytes | int]:
        assert self.conn is not None
        head = self._exactly(5)
        command, msg_id, length = struct.unpack("!BHH", head)
        if command == RESPONSE:
            return command, msg_id, length
        return command, msg_id, self._exactly(length)

    def _exactly(self, count: int) -> bytes:
        assert self.conn is not None
        data = b""
        while len(data) < count:
            chunk = self.conn.recv(count - len(data))
            assert chunk, "link closed"
            data += chunk
        return data

    def send(self, data: bytes) -> None:
        assert self.conn is not None
        self.conn.sendall(data)

    def nothing_pending(self) -> bool:
        assert self.conn is not None
        self.conn.settimeout(0.05)
        try:
            return self.conn.recv(1) == b"" and False
        except TimeoutError:
            return True
        finally:
            self.conn.settimeout(5)

    def close(self) -> None:
        for sock in (self.conn, self.listener):
            if sock is not None:
                sock.close()


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server()
    yield srv
    srv.close()


class Radio:
    connected = True


class Device:
    """A real Edgent whose start-up (settings, board, NVM) is replaced by a configuration given here.

    ``failures`` gets what lifecycle.link_failed would act on, ``commands`` the console lines;
    the state machine's answer to them is tested with the simulator (test_e2e_cloud.py).
    """

    def __init__(self, port: int, host: str = "127.0.0.1", tls: bool = False) -> None:
        self.lines: list[str] = []
        self.failures: list[tuple[int, str]] = []
        self.commands: list[str] = []

        def start(edgent: Edgent, template_id: str, template_name: str, firmware_version: str, options: dict) -> None:
            boot.blank(edgent, options)
            edgent.template_id, edgent.template_name, edgent.firmware_version = "TMPL4abcd123", "Device", "0.1.0"
            edgent.config = Config(token=TOKEN, host=host, port=port, provisioned=True)
            edgent.tls = tls
            edgent.radio = Radio()
            edgent._attempts = edgent._since = edgent._next_try = 0
            edgent._trial = False
            edgent._hotspot_reported = True
            edgent._backoff_first, edgent._backoff_cap = 1000, 30000
            edgent.state = "CONNECTING_CLOUD"

        from blynk_edgent import boot  # the one loaded now: the library drops and reloads it

        with mock.patch.object(boot, "start", start):
            self.edgent = Edgent(log=self.lines.append)


class Clock:
    now = 0


@pytest.fixture(autouse=True)
def harness(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A virtual clock for the link, and lifecycle's reactions recorded instead of acted on."""
    # The library imports these by name and drops them after use: make it find the very modules
    # this file holds (and patches), whatever ran before.
    for module in (lifecycle, cloud):
        monkeypatch.setitem(sys.modules, module.__name__, module)
        monkeypatch.setattr(blynk_edgent, module.__name__.rpartition(".")[2], module, raising=False)
    monkeypatch.setattr(core, "ticks_ms", lambda: Clock.now)
    monkeypatch.setattr(lifecycle, "ticks_ms", lambda: Clock.now)
    # Loaded modules stay loaded here, so that the recorders below stay in place.
    monkeypatch.setattr(core, "unload", lambda *names: None)
    monkeypatch.setattr(lifecycle, "unload", lambda *names: None)

    def link_failed(edgent: Edgent, code: int, reason: str, now: int) -> None:
        lifecycle.close_link(edgent)
        edgent.state = "CONNECTING_CLOUD"  # as lifecycle leaves RUNNING; the rest is its business
        DEVICES[id(edgent)].failures.append((code, reason))

    def command(edgent: Edgent, line: str) -> None:
        DEVICES[id(edgent)].commands.append(line)

    monkeypatch.setattr(lifecycle, "link_failed", link_failed)
    monkeypatch.setattr(lifecycle, "command", command)
    Clock.now = 0
    yield
    DEVICES.clear()


DEVICES: dict[int, Device] = {}


def connect(server: Server, now: int = 0, tls: bool = False) -> Device:
    device = Device(server.port, tls=tls)
    DEVICES[id(device.edgent)] = device
    open_link(device.edgent, socket, None, now, lifecycle.CLOUD_TIMEOUT_S)
    server.accept()
    return device


def pump(device: Device, now: int, times: int = 20) -> None:
    """Read until what the test sent has arrived (loopback delivers within microseconds)."""
    import time

    Clock.now = now
    for _ in range(times):
        device.edgent._receive(now)
        time.sleep(0.002)


def login(server: Server) -> Device:
    device = connect(server)
    assert server.read_frame() == (HW_LOGIN, 1, TOKEN.encode())
    server.send(frame(RESPONSE, 1, OK))
    pump(device, 10)
    assert device.edgent.state == RUNNING
    command, msg_id, body = server.read_frame()
    assert (command, msg_id) == (INTERNAL, 2)
    assert isinstance(body, bytes)
    info = body.split(b"\x00")
    assert info[:4] == [b"mcu", b"0.1.0", b"fw-type", b"TMPL4abcd123"]
    pairs = dict(zip(info[::2], info[1::2], strict=True))
    assert (pairs[b"h-beat"], pairs[b"buff-in"]) == (b"40", b"1024")
    return device


def test_login_then_info_message(server: Server) -> None:
    login(server)


def test_already_registered_counts_as_login(server: Server) -> None:
    device = connect(server)
    server.read_frame()
    server.send(frame(RESPONSE, 1, ALREADY_REGISTERED))
    pump(device, 10)
    assert device.edgent.state == RUNNING


def test_invalid_token_is_error_703(server: Server) -> None:
    device = connect(server)
    server.read_frame()
    server.send(frame(RESPONSE, 1, INVALID_TOKEN))
    pump(device, 10)
    assert device.failures == [(703, "the server refused the auth token")]
    assert device.edgent._sock is None


def test_no_answer_to_login_times_out(server: Server) -> None:
    device = connect(server)
    lifecycle.connect_cloud(device.edgent, 6000)
    assert device.failures == [] and device.edgent._sock is not None
    lifecycle.connect_cloud(device.edgent, 6001)
    assert device.failures == [(702, "no answer to the login")]


def test_a_send_failing_after_the_login_answer_does_not_count_as_logged_in(server: Server) -> None:
    device = connect(server)
    connected = []
    device.edgent.on_connected(lambda: connected.append(True))
    server.read_frame()
    device.edgent._sock.shutdown(socket.SHUT_WR)  # the info message that follows cannot go out
    server.send(frame(RESPONSE, 1, OK))
    pump(device, 10)
    [(code, reason)] = device.failures
    assert code == 702 and reason.startswith("send failed")
    assert device.edgent.state == "CONNECTING_CLOUD" and connected == []


def test_server_ping_is_answered_with_its_id(server: Server) -> None:
    device = login(server)
    server.send(frame(PING, 0x4242))
    pump(device, 20)
    assert server.read_frame() == (RESPONSE, 0x4242, 200)


def test_virtual_write_reaches_handler_and_replies_reuse_its_id(server: Server) -> None:
    device = login(server)
    writes = []

    @device.edgent.on_virtual_write(5)
    def echo(*values: str) -> None:
        writes.append(values)
        device.edgent.virtual_write(5, *values)

    server.send(frame(HARDWARE, 77, ("vw", 5, "42", "7")))
    pump(device, 20)
    assert writes == [("42", "7")]
    assert server.read_frame() == (HARDWARE, 77, b"vw\x005\x0042\x007")


def test_a_write_without_handler_or_a_failing_handler_keeps_the_link(server: Server) -> None:
    device = login(server)

    @device.edgent.on_virtual_write(2)
    def broken(*values: str) -> None:
        raise KeyError("bug")

    server.send(frame(HARDWARE, 5, ("vw", 1, "x")) + frame(BRIDGE, 6, ("vw", 2, "y")) + frame(PING, 7))
    pump(device, 20)
    assert server.read_frame() == (RESPONSE, 7, 200)
    assert device.edgent.state == RUNNING and device.failures == []
    assert any("V1 written, no handler" in line for line in device.lines)
    assert any("V2 handler raised KeyError" in line for line in device.lines)


@pytest.mark.parametrize(
    "body", [b"dw\x0013\x001", b"vw\x00x\x001", b"vw\x00123456\x001", b"vw\x005\x00\xff", b"vw", b"vw\x00\xc2\xb2\x001"]
)
def test_other_or_malformed_hardware_commands_get_illegal_command(server: Server, body: bytes) -> None:
    device = login(server)
    server.send(bytes((HARDWARE, 0, 9, 0, len(body))) + body)
    pump(device, 20)
    assert server.read_frame() == (RESPONSE, 9, ILLEGAL_COMMAND)
    assert device.edgent.state == RUNNING


def test_dbg_console_commands_reach_the_device(server: Server) -> None:
    device = login(server)
    for line in ("config start", "config erase", "reboot"):
        server.send(frame(INTERNAL, 3, ("dbg", line)))
    pump(device, 20)
    assert device.commands == ["config start", "config erase", "reboot"]


def test_a_running_device_drops_what_a_rare_frame_loaded(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    device = login(server)
    dropped: list[tuple[str, ...]] = []
    monkeypatch.setattr(core, "unload", lambda *names: dropped.append(names))
    server.send(frame(INTERNAL, 3, ("dbg", "status")))  # a console line runs lifecycle.command
    pump(device, 20)
    assert device.commands == ["status"] and device.edgent.state == RUNNING
    assert dropped and {"cloud", "lifecycle", "validate", "errors"} <= set(dropped[-1])


def test_internal_news_gets_no_answer_and_keeps_the_link(server: Server) -> None:
    device = login(server)
    server.send(frame(INTERNAL, 12, ("acon",)) + frame(INTERNAL, 13, ("adis",)) + frame(INTERNAL, 14, ()))
    server.send(frame(PING, 15))
    pump(device, 20)
    assert server.read_frame() == (RESPONSE, 15, 200)  # the first and only answer
    assert device.edgent.state == RUNNING and device.failures == [] and device.commands == []


def test_ota_is_logged_and_refused_without_dropping_the_link(server: Server) -> None:
    device = login(server)
    server.send(frame(INTERNAL, 11, ("ota", "http://example.com/fw.bin")))
    pump(device, 20)
    assert server.read_frame() == (RESPONSE, 11, ILLEGAL_COMMAND)
    assert device.edgent.state == RUNNING
    assert any("not supported" in line for line in device.lines)


@pytest.mark.parametrize(("body", "tls", "expected"), [
    (("fra1.blynk.cloud", "8443"), True, ("fra1.blynk.cloud", 8443)),
    (("fra1.blynk.cloud",), True, ("fra1.blynk.cloud", 443)),
    (("fra1.blynk.cloud",), False, ("fra1.blynk.cloud", 80)),
])  # fmt: skip
def test_redirect_moves_the_link(server: Server, body: tuple[str, ...], tls: bool, expected: tuple[str, int]) -> None:
    device = connect(server)
    device.edgent.tls = tls
    server.read_frame()
    server.send(frame(REDIRECT, 1, body))
    pump(device, 10)
    assert device.failures == [(0, "redirected to %s:%d" % expected)]
    assert cloud.address(device.edgent) == expected


def test_redirect_while_running_logs_in_there_at_once(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lifecycle, "link_failed", REAL_LINK_FAILED)
    device = login(server)
    server.send(frame(REDIRECT, 7, ("fra1.blynk.cloud", "8080")))
    pump(device, 500)
    edgent = device.edgent
    assert edgent.state == "CONNECTING_CLOUD" and edgent._sock is None
    assert cloud.address(edgent) == ("fra1.blynk.cloud", 8080)
    assert edgent._next_try == 500 and edgent.last_error == 0
    assert any("redirected to fra1.blynk.cloud:8080" in line for line in device.lines)


@pytest.mark.parametrize("body", [("fra1.blynk.cloud", "0"), ("fra1.blynk.cloud", "70000"), ("fra1.blynk.cloud", "-1"),
                                  ("",), ("bad host!", "443"), ()])  # fmt: skip
def test_an_invalid_redirect_fails_the_link_and_keeps_the_cloud(server: Server, body: tuple[str, ...]) -> None:
    device = connect(server)
    server.read_frame()
    server.send(frame(REDIRECT, 1, body))
    pump(device, 10)
    [(code, reason)] = device.failures
    assert code == 702 and reason.startswith("invalid redirect")
    assert cloud.address(device.edgent) == ("127.0.0.1", server.port)


@pytest.mark.parametrize(
    ("header", "words"),
    [
        (bytes((HARDWARE, 0, 5, 0x04, 0x01)) + b"x" * 1025, "packet too big"),  # over buff-in (1024)
        (bytes((0xFF, 0, 5, 0, 0)), "unknown command 255"),
        (bytes((HARDWARE, 0, 0, 0, 2)) + b"vw", "message id 0"),
    ],
    ids=["too-big", "unknown-command", "id-0"],
)
def test_a_corrupt_stream_drops_the_link(server: Server, header: bytes, words: str) -> None:
    device = login(server)
    server.send(header)
    pump(device, 20)
    [(code, reason)] = device.failures
    assert code == 702 and reason.startswith("corrupt stream from the server") and words in reason
    assert device.edgent._sock is None


def test_server_closing_drops_the_link(server: Server) -> None:
    device = login(server)
    assert server.conn is not None
    server.conn.close()
    server.conn = None
    pump(device, 20)
    assert device.failures == [(702, "the server closed the connection")]


def test_running_without_a_socket_counts_as_lost(server: Server) -> None:
    device = login(server)
    lifecycle.close_link(device.edgent)  # as if something dropped it without telling lifecycle
    device.edgent._receive(20)
    assert device.failures == [(702, "the server closed the connection")]


def test_heartbeat_ping_after_40s_and_dead_after_58s(server: Server) -> None:
    device = login(server)
    link = device.edgent
    link._receive(39_999)
    assert server.nothing_pending()
    link._receive(40_011)
    assert server.read_frame() == (PING, 3, b"")
    link._receive(45_000)  # less than 6 s since the last ping: no second one
    assert server.nothing_pending()
    link._receive(46_020)
    assert server.read_frame()[0] == PING
    link._receive(58_010)
    assert device.failures == []
    link._receive(58_011)
    assert device.failures == [(702, "heartbeat lost: nothing heard for 58 s")]


def test_traffic_postpones_the_heartbeat(server: Server) -> None:
    device = login(server)
    server.send(frame(HARDWARE, 5, ("vw", 1, "x")))
    pump(device, 30_000)
    device.edgent.virtual_write(1, "y")
    server.read_frame()
    device.edgent._receive(60_000)  # 30 s of quiet each way: not yet time to ping
    assert server.nothing_pending()


def test_rate_limit_keeps_the_latest_value_per_pin(server: Server) -> None:
    device = login(server)
    Clock.now = 100
    for pin in range(20):
        assert device.edgent.virtual_write(pin, "a")
    Clock.now = 200
    device.edgent.virtual_write(19, "b")
    sent = [server.read_frame()[2] for _ in range(15)]
    assert sent == [b"vw\x00%d\x00a" % pin for pin in range(15)]
    assert server.nothing_pending()
    pump(device, 1_100, times=1)
    later = sorted(server.read_frame()[2] for _ in range(5))  # type: ignore[type-var]
    assert later == sorted([b"vw\x00%d\x00a" % pin for pin in range(15, 19)] + [b"vw\x0019\x00b"])
    assert server.nothing_pending()


def test_rate_limit_keeps_the_latest_value_per_pin_across_seconds(server: Server) -> None:
    device = login(server)
    edgent = device.edgent
    Clock.now = 100
    for pin in range(40):
        edgent.virtual_write(pin, "old")
    pump(device, 1_100, times=1)  # 15 more go out; the rest wait for the next second, still one per pin
    Clock.now = 1_200
    edgent.virtual_write(39, "new")
    edgent.sync_virtual(1)  # a sync of the same pins waits once too
    edgent.log_event("a")  # events are not limited
    edgent.sync_virtual(1)
    pump(device, 2_200, times=1)
    pump(device, 3_300, times=1)
    sent = [server.read_frame()[2] for _ in range(15 + 15 + 11 + 1)]
    assert server.nothing_pending()
    assert b"vw\x0039\x00new" in sent and b"vw\x0039\x00old" not in sent
    assert sent.count(b"vr\x001") == 1 and sent.count(b"a") == 1
    assert sorted(body for body in sent if body.endswith(b"old")) == sorted(  # type: ignore[union-attr]
        b"vw\x00%d\x00old" % pin for pin in range(39)
    )


def test_a_value_sent_in_a_new_second_is_not_overwritten_by_an_older_one_waiting(server: Server) -> None:
    device = login(server)
    Clock.now = 100
    for pin in range(1, 16):
        device.edgent.virtual_write(pin, "a")
    Clock.now = 200
    device.edgent.virtual_write(0, "old")  # over the limit: waits for the next second
    Clock.now = 1_200
    device.edgent.virtual_write(0, "new")  # a new second, before the device polled
    pump(device, 1_300, times=1)
    pump(device, 2_300, times=1)  # the second after: what waited would go out now
    sent = [server.read_frame()[2] for _ in range(16)]
    assert sent[-1] == b"vw\x000\x00new"
    assert server.nothing_pending()


def test_the_rate_limit_starts_a_new_second_after_days_without_sending(server: Server) -> None:
    device = login(server)
    Clock.now = 100
    for pin in range(15):
        device.edgent.virtual_write(pin, "a")
    [server.read_frame() for _ in range(15)]
    Clock.now = 100 + (1 << 28) + 500  # past half the ticks' period: ticks_diff turns negative
    device.edgent.virtual_write(1, "b")
    assert server.read_frame()[2] == b"vw\x001\x00b"


def test_message_ids_wrap_to_one(server: Server) -> None:
    device = login(server)
    device.edgent._id = 0xFFFE
    for code in "abc":
        device.edgent.log_event(code)
    assert [server.read_frame()[1] for _ in range(3)] == [0xFFFF, 1, 2]


def test_nothing_is_sent_when_not_running(server: Server) -> None:
    device = connect(server)
    server.read_frame()
    assert device.edgent.virtual_write(1, "x") is False
    assert server.nothing_pending()


def test_unresolvable_host_is_710_and_unreachable_is_702() -> None:
    device = Device(443, host="no-such-host.invalid")
    with pytest.raises(CloudError) as caught:
        open_link(device.edgent, socket, None, 0, lifecycle.CLOUD_TIMEOUT_S)
    assert caught.value.code == 710
    device = Device(free_port())
    with pytest.raises(CloudError) as caught:
        open_link(device.edgent, socket, None, 0, lifecycle.CLOUD_TIMEOUT_S)
    assert caught.value.code == 702


class _NoFreeSocket:
    """A socket pool with every socket in use, as NINA reports it (OSError 23) or CircuitPython's."""

    AF_INET, SOCK_STREAM = socket.AF_INET, socket.SOCK_STREAM

    def __init__(self, error: Exception) -> None:
        self.error = error

    def getaddrinfo(self, host: str, port: int) -> list[tuple[int, int, int, str, tuple[str, int]]]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 0, "", ("127.0.0.1", port))]

    def socket(self, family: int, kind: int) -> socket.socket:
        raise self.error


@pytest.mark.parametrize("error", [OSError(23), RuntimeError("Out of sockets")], ids=["nina", "native"])
def test_no_free_socket_is_702_not_a_crash(error: Exception) -> None:
    device = Device(443, host="blynk.cloud")
    with pytest.raises(CloudError) as caught:
        open_link(device.edgent, _NoFreeSocket(error), None, 0, lifecycle.CLOUD_TIMEOUT_S)
    assert caught.value.code == 702 and "no free socket" in str(caught.value)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(garbage=st.lists(st.binary(min_size=1, max_size=300), min_size=1, max_size=6))
def test_garbled_streams_never_raise_and_what_drops_the_link_is_702(garbage: list[bytes]) -> None:
    # Which garbage is corrupt is the codec's call; test_a_corrupt_stream_drops_the_link pins it down.
    srv = Server()
    try:
        device = login(srv)
        for chunk in garbage:
            try:
                srv.send(chunk)
            except OSError:
                break  # the link already dropped the connection
            pump(device, 100, times=3)
            if device.failures:
                break
        for code, reason in device.failures:
            assert code == 702, reason
            assert device.edgent._sock is None
    finally:
        srv.close()
        DEVICES.clear()
