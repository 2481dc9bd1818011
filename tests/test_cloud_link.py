# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The cloud link against a server played by the test, over real loopback sockets, on a virtual clock:
first :class:`~blynk_edgent.link.CloudLink` itself, then a real Edgent (its radio a loopback stand-in)
running over it.

The link reads with ``recv_into`` on a non-blocking socket, as on a board; the test's side of the
connection is a plain blocking socket that sends exactly the frames each case needs.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from loopback import LoopbackRadio

from blynk_edgent.config import Config
from blynk_edgent.edgent import Edgent
from blynk_edgent.link import COMMAND, FAILED, CloudLink, frame
from blynk_edgent.online import CLOUD_TIMEOUT_S, LOGGED_IN, CloudError, Online, open_socket
from blynk_edgent.store import ConfigStore
from edgent_host.sim.testing import free_port
from support import Clock, FakeNVM

TOKEN = "TOKEN1234567890abcdefghijklmnopq"
PASSWORD = "correct horse"

# Command codes and statuses of protocol doc section 6.1, written out as the doc has them.
RESPONSE, PING, BRIDGE, SYNC, INTERNAL, PROPERTY, HARDWARE, HW_LOGIN, REDIRECT, EVENT_LOG = (
    0, 6, 15, 16, 17, 19, 20, 29, 41, 64,
)  # fmt: skip
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

    def read_frame(self) -> tuple[int, int, Any]:
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


class Pool:
    """The socket module as the radio's pool, keeping the sockets it made (a test may break one)."""

    AF_INET, SOCK_STREAM = socket.AF_INET, socket.SOCK_STREAM

    def __init__(self) -> None:
        self.sockets: list[socket.socket] = []

    def getaddrinfo(self, host: str, port: int) -> list[Any]:
        return socket.getaddrinfo(host, port, socket.AF_INET, socket.SOCK_STREAM)

    def socket(self, family: int, kind: int) -> socket.socket:
        sock = socket.socket(family, kind)
        self.sockets.append(sock)
        return sock


class PassThroughTLS:
    """A TLS context that leaves the socket as it is: for what the link decides by its transport."""

    def wrap_socket(self, sock: socket.socket, server_hostname: str | None = None) -> socket.socket:
        return sock


class Link:
    """A CloudLink to the test's server, opened and logged in by an Online as the device does,
    with the lines they logged and what they reported."""

    def __init__(self, port: int, clock: Clock, host: str = "127.0.0.1", tls: bool = False) -> None:
        self.clock = clock
        self.lines: list[str] = []
        self.events: list[tuple[int, Any]] = []  # what the link reported once logged in
        self.outcomes: list[Any] = []  # what the attempt to log in reported
        self.pool = Pool()
        self.config = Config(token=TOKEN, host=host, port=port, provisioned=True)
        self.link = CloudLink(self.lines.append, clock)
        self.link.hotspot_reported = True  # the hotspot's name is the Edgent tests' below
        radio = SimpleNamespace(pool=self.pool, ssl_context=PassThroughTLS, connected=True)
        device = SimpleNamespace(
            config=self.config, radio=radio, tls=tls, ap_ssid="Blynk Device-PYN6", template_id="TMPL4abcd123",
            firmware_version="0.1.0",
        )  # fmt: skip
        self.online = Online(device, self.link, (1000, 30000), self.lines.append, clock)

    def logging_in(self, now: int, times: int = 20) -> None:
        """Go on logging in until what the test sent has arrived (loopback delivers within microseconds)."""
        self.clock.now = now
        for _ in range(times):
            outcome = self.online.reach_cloud(now)
            if outcome is not None:
                self.outcomes.append(outcome)
                return
            time.sleep(0.002)

    def poll(self, now: int) -> None:
        self.clock.now = now
        event = self.link.poll(now)
        if event is not None:
            self.events.append(event)

    def pump(self, now: int, times: int = 20) -> None:
        """Poll until what the test sent has arrived."""
        for _ in range(times):
            self.poll(now)
            time.sleep(0.002)

    def failures(self) -> list[tuple[int, str]]:
        """What failed, as the device sees it: a link that fails once logged in is 702."""
        lost = [(702, value) for kind, value in self.events if kind == FAILED]
        return [outcome for outcome in self.outcomes if outcome != LOGGED_IN] + lost

    def vw(self, pin: int, *values: str) -> bool:
        """What ``Edgent.virtual_write`` sends."""
        return self.link.send(HARDWARE, ("vw", pin, *values), ("vw", pin))


def connect(server: Server, clock: Clock, tls: bool = False) -> Link:
    link = Link(server.port, clock, tls=tls)
    assert link.online.reach_cloud(clock.now) is None  # connected, the login sent
    server.accept()
    return link


def login(server: Server, clock: Clock) -> Link:
    link = connect(server, clock)
    assert server.read_frame() == (HW_LOGIN, 1, TOKEN.encode())
    server.send(frame(RESPONSE, 1, OK))
    link.logging_in(10)
    assert link.outcomes == [LOGGED_IN] and link.link.logged_in
    command, msg_id, body = server.read_frame()
    assert (command, msg_id) == (INTERNAL, 2)  # the info message
    info = body.split(b"\x00")
    assert info[:4] == [b"mcu", b"0.1.0", b"fw-type", b"TMPL4abcd123"]
    pairs = dict(zip(info[::2], info[1::2], strict=True))
    assert (pairs[b"h-beat"], pairs[b"buff-in"]) == (b"40", b"1024")
    # Blynk's key set exactly, with its C library's version in "blynk" (protocol doc section 6.5)
    assert info[::2] == [b"mcu", b"fw-type", b"build", b"blynk", b"h-beat", b"buff-in", b"dev", b"tmpl"]
    assert pairs[b"blynk"] == b"1.4.0" and pairs[b"tmpl"] == b"TMPL4abcd123"
    link.outcomes.clear()
    return link


@pytest.fixture
def clock() -> Clock:
    return Clock(0)


def test_login_then_info_message(server: Server, clock: Clock) -> None:
    login(server, clock)


def test_already_registered_counts_as_login(server: Server, clock: Clock) -> None:
    link = connect(server, clock)
    server.read_frame()
    server.send(frame(RESPONSE, 1, ALREADY_REGISTERED))
    link.logging_in(10)
    assert link.outcomes == [LOGGED_IN]


def test_invalid_token_is_error_703(server: Server, clock: Clock) -> None:
    link = connect(server, clock)
    server.read_frame()
    server.send(frame(RESPONSE, 1, INVALID_TOKEN))
    link.logging_in(10)
    assert link.failures() == [(703, "the server refused the auth token")]
    assert not link.link.is_open and not link.link.logged_in


def test_no_answer_to_login_times_out(server: Server, clock: Clock) -> None:
    link = connect(server, clock)
    link.logging_in(6000, times=1)
    assert link.outcomes == [] and link.link.is_open
    link.logging_in(6001, times=1)
    assert link.failures() == [(702, "no answer to the login")]


def test_a_send_failing_after_the_login_answer_does_not_count_as_logged_in(server: Server, clock: Clock) -> None:
    link = connect(server, clock)
    server.read_frame()
    link.pool.sockets[-1].shutdown(socket.SHUT_WR)  # the info message that follows cannot go out
    server.send(frame(RESPONSE, 1, OK))
    link.logging_in(10)
    [(code, reason)] = link.failures()
    assert code == 702 and reason.startswith("send failed")
    assert not link.link.logged_in


def test_server_ping_is_answered_with_its_id(server: Server, clock: Clock) -> None:
    link = login(server, clock)
    server.send(frame(PING, 0x4242))
    link.pump(20)
    assert server.read_frame() == (RESPONSE, 0x4242, 200)


def test_virtual_write_reaches_handler_and_replies_reuse_its_id(server: Server, clock: Clock) -> None:
    link = login(server, clock)
    writes = []

    def echo(*values: str) -> None:
        writes.append(values)
        link.vw(5, *values)

    link.link.handlers[5] = echo
    server.send(frame(HARDWARE, 77, ("vw", 5, "42", "7")))
    link.pump(20)
    assert writes == [("42", "7")]
    assert server.read_frame() == (HARDWARE, 77, b"vw\x005\x0042\x007")


def test_a_write_without_handler_or_a_failing_handler_keeps_the_link(server: Server, clock: Clock) -> None:
    link = login(server, clock)

    def broken(*values: str) -> None:
        raise KeyError("bug")

    link.link.handlers[2] = broken
    server.send(frame(HARDWARE, 5, ("vw", 1, "x")) + frame(BRIDGE, 6, ("vw", 2, "y")) + frame(PING, 7))
    link.pump(20)
    assert server.read_frame() == (RESPONSE, 7, 200)
    assert link.link.logged_in and link.events == []
    assert any("V1 written, no handler" in line for line in link.lines)
    assert any("V2 handler raised KeyError" in line for line in link.lines)


@pytest.mark.parametrize(
    "body", [b"dw\x0013\x001", b"vw\x00x\x001", b"vw\x00123456\x001", b"vw\x005\x00\xff", b"vw", b"vw\x00\xc2\xb2\x001"]
)
def test_other_or_malformed_hardware_commands_get_illegal_command(server: Server, clock: Clock, body: bytes) -> None:
    link = login(server, clock)
    server.send(bytes((HARDWARE, 0, 9, 0, len(body))) + body)
    link.pump(20)
    assert server.read_frame() == (RESPONSE, 9, ILLEGAL_COMMAND)
    assert link.link.logged_in


def test_dbg_console_commands_are_reported_one_by_one(server: Server, clock: Clock) -> None:
    link = login(server, clock)
    for line in ("config start", "config erase", "reboot"):
        server.send(frame(INTERNAL, 3, ("dbg", line)))
    link.pump(20)
    assert link.events == [(COMMAND, "config start"), (COMMAND, "config erase"), (COMMAND, "reboot")]


def test_internal_news_gets_no_answer_and_keeps_the_link(server: Server, clock: Clock) -> None:
    link = login(server, clock)
    server.send(frame(INTERNAL, 12, ("acon",)) + frame(INTERNAL, 13, ("adis",)) + frame(INTERNAL, 14, ()))
    server.send(frame(PING, 15))
    link.pump(20)
    assert server.read_frame() == (RESPONSE, 15, 200)  # the first and only answer
    assert link.link.logged_in and link.events == []


def test_ota_gets_no_answer_and_is_reported_to_the_device(server: Server, clock: Clock) -> None:
    # Blynk's firmware never answers INTERNAL (before: ILLEGAL_COMMAND); the device says why
    # nothing happens (tests/test_edgent_cloud.py), and the link stays.
    link = login(server, clock)
    server.send(frame(INTERNAL, 11, ("ota", "http://example.com/fw.bin")) + frame(PING, 12))
    link.pump(20)
    assert server.read_frame() == (RESPONSE, 12, OK)  # the ping's answer: none for the ota
    assert link.link.logged_in and link.events == [(COMMAND, "ota")]


@pytest.mark.parametrize(("body", "tls", "expected"), [
    (("fra1.blynk.cloud", "8443"), True, ("fra1.blynk.cloud", 8443)),
    (("fra1.blynk.cloud",), True, ("fra1.blynk.cloud", 443)),
    (("fra1.blynk.cloud",), False, ("fra1.blynk.cloud", 80)),
])  # fmt: skip
def test_redirect_moves_the_link(
    server: Server, clock: Clock, body: tuple[str, ...], tls: bool, expected: tuple[str, int]
) -> None:
    link = connect(server, clock, tls=tls)
    server.read_frame()
    server.send(frame(REDIRECT, 1, body))
    for _ in range(20):  # until the redirect has arrived and closed the link
        assert link.online.reach_cloud(10) is None
        if not link.link.is_open:
            break
        time.sleep(0.002)
    assert "redirected to %s:%d" % expected in link.lines[-1]
    assert not link.link.is_open and link.online.address() == expected


@pytest.mark.parametrize("body", [("fra1.blynk.cloud", "0"), ("fra1.blynk.cloud", "70000"), ("fra1.blynk.cloud", "-1"),
                                  ("",), ("bad host!", "443"), ()])  # fmt: skip
def test_an_invalid_redirect_fails_the_link_and_keeps_the_cloud(
    server: Server, clock: Clock, body: tuple[str, ...]
) -> None:
    link = connect(server, clock)
    server.read_frame()
    server.send(frame(REDIRECT, 1, body))
    link.logging_in(10)
    [(code, reason)] = link.failures()
    assert code == 702 and reason.startswith("invalid redirect")
    assert link.online.address() == ("127.0.0.1", server.port)


@pytest.mark.parametrize(
    ("header", "words"),
    [
        (bytes((HARDWARE, 0, 5, 0x04, 0x01)) + b"x" * 1025, "packet too big"),  # over buff-in (1024)
        (bytes((0xFF, 0, 5, 0, 0)), "unknown command 255"),
        (bytes((HARDWARE, 0, 0, 0, 2)) + b"vw", "message id 0"),
    ],
    ids=["too-big", "unknown-command", "id-0"],
)
def test_a_corrupt_stream_drops_the_link(server: Server, clock: Clock, header: bytes, words: str) -> None:
    link = login(server, clock)
    server.send(header)
    link.pump(20)
    [(code, reason)] = link.failures()
    assert code == 702 and reason.startswith("corrupt stream from the server") and words in reason
    assert not link.link.is_open


def test_frames_that_fill_the_buffer_are_all_read(server: Server, clock: Clock) -> None:
    link = login(server, clock)
    writes = []
    link.link.handlers[1] = lambda *values: writes.append(values)
    big = "x" * 1000  # two of these do not fit the 1 KB buffer at once
    server.send(frame(HARDWARE, 3, ("vw", 1, big)) + frame(HARDWARE, 4, ("vw", 1, big)) + frame(PING, 5))
    link.pump(20)
    assert writes == [(big,), (big,)] and server.read_frame() == (RESPONSE, 5, 200)


def test_server_closing_drops_the_link(server: Server, clock: Clock) -> None:
    link = login(server, clock)
    assert server.conn is not None
    server.conn.close()
    server.conn = None
    link.pump(20)
    assert link.failures() == [(702, "the server closed the connection")]


def test_heartbeat_ping_after_40s_and_dead_after_58s(server: Server, clock: Clock) -> None:
    link = login(server, clock)
    link.poll(39_999)
    assert server.nothing_pending()
    link.poll(40_011)
    assert server.read_frame() == (PING, 3, b"")
    link.poll(45_000)  # less than 6 s since the last ping: no second one
    assert server.nothing_pending()
    link.poll(46_020)
    assert server.read_frame()[0] == PING
    link.poll(58_010)
    assert link.events == []
    link.poll(58_011)
    assert link.failures() == [(702, "heartbeat lost: nothing heard for 58 s")]


def test_traffic_postpones_the_heartbeat(server: Server, clock: Clock) -> None:
    link = login(server, clock)
    server.send(frame(HARDWARE, 5, ("vw", 1, "x")))
    link.pump(30_000)
    link.vw(1, "y")
    server.read_frame()
    link.poll(60_000)  # 30 s of quiet each way: not yet time to ping
    assert server.nothing_pending()


def test_rate_limit_keeps_the_latest_value_per_pin(server: Server, clock: Clock) -> None:
    link = login(server, clock)
    clock.now = 100
    for pin in range(20):
        assert link.vw(pin, "a")
    clock.now = 200
    link.vw(19, "b")
    sent = [server.read_frame()[2] for _ in range(15)]
    assert sent == [b"vw\x00%d\x00a" % pin for pin in range(15)]
    assert server.nothing_pending()
    link.pump(1_100, times=1)
    later = sorted(server.read_frame()[2] for _ in range(5))
    assert later == sorted([b"vw\x00%d\x00a" % pin for pin in range(15, 19)] + [b"vw\x0019\x00b"])
    assert server.nothing_pending()


def test_rate_limit_keeps_the_latest_value_per_pin_across_seconds(server: Server, clock: Clock) -> None:
    link = login(server, clock)
    clock.now = 100
    for pin in range(40):
        link.vw(pin, "old")
    link.pump(1_100, times=1)  # 15 more go out; the rest wait for the next second, still one per pin
    clock.now = 1_200
    link.vw(39, "new")
    link.link.send(SYNC, ("vr", 1), ("vr", 1))  # a sync of the same pins waits once too
    link.link.send(EVENT_LOG, ("a",), None)  # events are not limited
    link.link.send(SYNC, ("vr", 1), ("vr", 1))
    link.pump(2_200, times=1)
    link.pump(3_300, times=1)
    sent = [server.read_frame()[2] for _ in range(15 + 15 + 11 + 1)]
    assert server.nothing_pending()
    assert b"vw\x0039\x00new" in sent and b"vw\x0039\x00old" not in sent
    assert sent.count(b"vr\x001") == 1 and sent.count(b"a") == 1
    assert sorted(body for body in sent if body.endswith(b"old")) == sorted(
        b"vw\x00%d\x00old" % pin for pin in range(39)
    )


def test_a_value_sent_in_a_new_second_is_not_overwritten_by_an_older_one_waiting(server: Server, clock: Clock) -> None:
    link = login(server, clock)
    clock.now = 100
    for pin in range(1, 16):
        link.vw(pin, "a")
    clock.now = 200
    link.vw(0, "old")  # over the limit: waits for the next second
    clock.now = 1_200
    link.vw(0, "new")  # a new second, before the device polled
    link.pump(1_300, times=1)
    link.pump(2_300, times=1)  # the second after: what waited would go out now
    sent = [server.read_frame()[2] for _ in range(16)]
    assert sent[-1] == b"vw\x000\x00new"
    assert server.nothing_pending()


def test_the_rate_limit_starts_a_new_second_after_days_without_sending(server: Server, clock: Clock) -> None:
    link = login(server, clock)
    clock.now = 100
    for pin in range(15):
        link.vw(pin, "a")
    [server.read_frame() for _ in range(15)]
    clock.now = 100 + (1 << 28) + 500  # past half the ticks' period: ticks_diff turns negative
    link.vw(1, "b")
    assert server.read_frame()[2] == b"vw\x001\x00b"


def test_message_ids_wrap_to_one(server: Server, clock: Clock) -> None:
    link = login(server, clock)  # ids 1 and 2 are taken
    ids: list[int] = []

    def read() -> None:
        for _ in range(0xFFFF):
            ids.append(server.read_frame()[1])

    reader = threading.Thread(target=read)
    reader.start()
    for _ in range(0xFFFF):  # events are not rate-limited
        assert link.link.send(EVENT_LOG, ("e",), None)
    reader.join(30)
    assert ids[:2] == [3, 4] and ids[-3:] == [0xFFFF, 1, 2]


def test_nothing_is_sent_before_the_login(server: Server, clock: Clock) -> None:
    link = connect(server, clock)
    server.read_frame()
    assert link.vw(1, "x") is False
    assert server.nothing_pending()


def test_unresolvable_host_is_710_and_unreachable_is_702(clock: Clock) -> None:
    with pytest.raises(CloudError) as caught:
        open_socket(Pool(), None, "no-such-host.invalid", 443, CLOUD_TIMEOUT_S)
    assert caught.value.code == 710
    with pytest.raises(CloudError) as caught:
        open_socket(Pool(), None, "127.0.0.1", free_port(), CLOUD_TIMEOUT_S)
    assert caught.value.code == 702
    code, reason = Link(free_port(), clock).online.reach_cloud(0)  # as the device meets it
    assert code == 702 and reason.startswith("cannot reach 127.0.0.1")


class _NoFreeSocket(Pool):
    """A socket pool with every socket in use, as NINA reports it (OSError 23) or CircuitPython's."""

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error

    def getaddrinfo(self, host: str, port: int) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 0, "", ("127.0.0.1", port))]

    def socket(self, family: int, kind: int) -> socket.socket:
        raise self.error


@pytest.mark.parametrize("error", [OSError(23), RuntimeError("Out of sockets")], ids=["nina", "native"])
def test_no_free_socket_is_702_not_a_crash(clock: Clock, error: Exception) -> None:
    with pytest.raises(CloudError) as caught:
        open_socket(_NoFreeSocket(error), None, "blynk.cloud", 443, CLOUD_TIMEOUT_S)
    assert caught.value.code == 702 and "no free socket" in str(caught.value)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(garbage=st.lists(st.binary(min_size=1, max_size=300), min_size=1, max_size=6))
def test_garbled_streams_never_raise_and_what_drops_the_link_is_702(garbage: list[bytes]) -> None:
    # Which garbage is corrupt is the codec's call; test_a_corrupt_stream_drops_the_link pins it down.
    srv = Server()
    try:
        link = login(srv, Clock(0))
        for chunk in garbage:
            try:
                srv.send(chunk)
            except OSError:
                break  # the link already dropped the connection
            link.pump(100, times=3)
            if link.failures():
                break
        for code, reason in link.failures():
            assert code == 702, reason
            assert not link.link.is_open
    finally:
        srv.close()


# -- a real Edgent over the link ----------------------------------------------------------------


class Device:
    """A real Edgent whose NVM holds a configuration for the test's server; its radio is loopback."""

    def __init__(self, port: int, clock: Clock) -> None:
        self.clock = clock
        self.lines: list[str] = []
        self.radio = LoopbackRadio({"HomeNet": PASSWORD})
        self.nvm = FakeNVM(8192)
        stored = Config(ssid="HomeNet", password=PASSWORD, token=TOKEN, host="127.0.0.1", port=port, provisioned=True)
        ConfigStore(self.nvm).save(stored)
        self.edgent = Edgent(
            "TMPL4abcd123", "Device", "0.1.0", radio=self.radio, nvm=self.nvm, tls=False,
            log=self.lines.append, clock=clock, led=False, button=False, screen=False,
        )  # fmt: skip

    def pump(self, now: int, times: int = 20) -> None:
        self.clock.now = now
        for _ in range(times):
            self.edgent.poll()
            time.sleep(0.002)


def running(server: Server, clock: Clock) -> Device:
    """A device logged in to the test's server, past its first frames."""
    device = Device(server.port, clock)
    device.pump(0, times=2)  # joins, opens the link
    server.accept()
    assert server.read_frame() == (HW_LOGIN, 1, TOKEN.encode())
    server.send(frame(RESPONSE, 1, OK))
    device.pump(10)
    assert device.edgent.state == "RUNNING" and device.edgent.connected
    assert server.read_frame()[0] == INTERNAL  # the info message
    assert server.read_frame() == (INTERNAL, 3, b"meta\x00set\x00Hotspot Name\x00Blynk Device-PYN6")
    return device


def test_the_public_api_sends_blynks_frames(server: Server, clock: Clock) -> None:
    device = running(server, clock)
    edgent = device.edgent
    assert edgent.virtual_write(1, 23.5, "on")
    assert edgent.sync_virtual(1, 2) and edgent.sync_virtual()
    assert edgent.log_event("overheat", "too hot")
    assert edgent.set_property(1, "color", "#FF0000")
    assert [server.read_frame() for _ in range(5)] == [
        (HARDWARE, 4, b"vw\x001\x0023.5\x00on"),
        (SYNC, 5, b"vr\x001\x002"),
        (SYNC, 6, b""),
        (EVENT_LOG, 7, b"overheat\x00too hot"),
        (PROPERTY, 8, b"1\x00color\x00#FF0000"),
    ]


def test_handlers_registered_on_the_device_get_the_writes(server: Server, clock: Clock) -> None:
    device = running(server, clock)
    got = []
    connected = []
    device.edgent.on_virtual_write(7)(lambda *values: got.append(values))
    device.edgent.on_connected(lambda: connected.append(True))
    server.send(frame(HARDWARE, 9, ("vw", 7, "1")))
    device.pump(20)
    assert got == [("1",)] and connected == []  # on_connected comes with the next login


def test_a_lost_link_is_702_and_the_device_logs_in_again_after_a_backoff(server: Server, clock: Clock) -> None:
    device = running(server, clock)
    edgent = device.edgent
    connected = []
    edgent.on_connected(lambda: connected.append(clock.now))
    assert server.conn is not None
    server.conn.close()
    device.pump(100)
    assert (edgent.state, edgent.last_error) == ("CONNECTING_CLOUD", 702)
    assert any("cloud link lost: the server closed the connection" in line for line in device.lines)
    # A link lost within a minute of starting counts as a failed attempt: 1 to 2 s, not 0.5 to 1
    device.pump(1050)
    server.listener.settimeout(0.05)
    with pytest.raises(TimeoutError):
        server.listener.accept()
    device.pump(2200, times=2)
    server.accept()
    assert server.read_frame() == (HW_LOGIN, 1, TOKEN.encode())
    server.send(frame(RESPONSE, 1, OK))
    device.pump(2210)
    assert (edgent.state, edgent.last_error, connected) == ("RUNNING", 0, [2210])
    assert ConfigStore(device.nvm).load().last_error == 0


def test_a_redirect_while_running_logs_in_there_at_once(server: Server, clock: Clock) -> None:
    device = running(server, clock)
    other = Server()
    try:
        server.send(frame(REDIRECT, 7, ("127.0.0.1", str(other.port))))
        device.pump(500, times=3)
        other.accept()
        assert other.read_frame() == (HW_LOGIN, 1, TOKEN.encode())
        assert device.edgent.last_error == 0 and device.edgent.state == "CONNECTING_CLOUD"
        assert any("redirected to 127.0.0.1:%d" % other.port in line for line in device.lines)
    finally:
        other.close()


def test_a_network_that_drops_is_noticed_within_a_second(server: Server, clock: Clock) -> None:
    device = running(server, clock)
    device.radio.leave()  # the router went away; the socket stays silent
    device.pump(500, times=2)
    assert device.edgent.state == "RUNNING"
    device.pump(1100, times=2)
    assert device.edgent.state == "CONNECTING_NET"
    assert any("network 'HomeNet' lost" in line for line in device.lines)
