"""The device's cloud link against a server played by the test, over real loopback sockets, on a virtual clock.

The link reads with ``recv_into`` on a non-blocking socket, as on a board; the test's side of the
connection is a plain blocking socket that sends exactly the frames each case needs.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blynk_edgent import protocol as p
from blynk_edgent.cloud import CONNECTED, LOGGING_IN, CloudError, CloudLink
from blynk_edgent.lifecycle import open_link

TOKEN = "TOKEN1234567890abcdefghijklmnopq"
INFO = ("mcu", "0.1.0", "tmpl", "TMPL4abcd123")


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
        if command == p.RESPONSE:
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


class Recorder:
    def __init__(self) -> None:
        self.writes: list[tuple[int, list[object]]] = []
        self.commands: list[str] = []
        self.lines: list[str] = []


def connect(server: Server, recorder: Recorder, now: int = 0, tls: bool = False) -> CloudLink:
    link = CloudLink(
        TOKEN,
        "127.0.0.1",
        server.port,
        INFO,
        on_write=lambda pin, values: recorder.writes.append((pin, list(values))),
        on_command=recorder.commands.append,
        log=recorder.lines.append,
        tls=tls,
    )
    open_link(link, socket, None, now)
    server.accept()
    return link


def pump(link: CloudLink, now: int, times: int = 20) -> None:
    """Poll until what the test sent has been read (loopback delivers within microseconds)."""
    import time

    for _ in range(times):
        link.poll(now)
        time.sleep(0.002)


def login(server: Server, recorder: Recorder) -> CloudLink:
    link = connect(server, recorder)
    assert server.read_frame() == (p.HW_LOGIN, 1, TOKEN.encode())
    server.send(p.response(1, 200))
    pump(link, 10)
    assert link.state == CONNECTED
    command, msg_id, body = server.read_frame()
    assert (command, msg_id) == (p.INTERNAL, 2)
    assert body == b"mcu\x000.1.0\x00tmpl\x00TMPL4abcd123"
    return link


def test_login_then_info_message(server: Server) -> None:
    login(server, Recorder())


def test_already_registered_counts_as_login(server: Server) -> None:
    link = connect(server, Recorder())
    server.read_frame()
    server.send(p.response(1, p.STATUS_ALREADY_REGISTERED))
    pump(link, 10)
    assert link.state == CONNECTED


def test_invalid_token_is_error_703(server: Server) -> None:
    link = connect(server, Recorder())
    server.read_frame()
    server.send(p.response(1, p.STATUS_INVALID_TOKEN))
    with pytest.raises(CloudError) as caught:
        pump(link, 10)
    assert caught.value.code == 703
    assert link.state == 0


def test_no_answer_to_login_times_out(server: Server) -> None:
    link = connect(server, Recorder())
    link.poll(5999)
    assert link.state == LOGGING_IN
    with pytest.raises(CloudError) as caught:
        link.poll(6001)
    assert caught.value.code == 702 and "no answer" in str(caught.value)


def test_server_ping_is_answered_with_its_id(server: Server) -> None:
    link = login(server, Recorder())
    server.send(p.frame(p.PING, 0x4242))
    pump(link, 20)
    assert server.read_frame() == (p.RESPONSE, 0x4242, 200)


def test_virtual_write_reaches_handler_and_replies_reuse_its_id(server: Server) -> None:
    recorder = Recorder()
    link = login(server, recorder)

    def echo(pin: int, values: list[object]) -> None:
        recorder.writes.append((pin, list(values)))
        link.send(p.HARDWARE, ("vw", pin, *values), 20)

    link.on_write = echo
    server.send(p.frame(p.HARDWARE, 77, ("vw", 5, "42", "7")))
    pump(link, 20)
    assert recorder.writes == [(5, ["42", "7"])]
    assert server.read_frame() == (p.HARDWARE, 77, b"vw\x005\x0042\x007")


def test_unknown_hardware_command_gets_illegal_command(server: Server) -> None:
    link = login(server, Recorder())
    server.send(p.frame(p.HARDWARE, 9, ("dw", 13, 1)))
    pump(link, 20)
    assert server.read_frame() == (p.RESPONSE, 9, p.STATUS_ILLEGAL_COMMAND)
    assert link.state == CONNECTED


def test_dbg_console_commands_reach_the_device(server: Server) -> None:
    recorder = Recorder()
    link = login(server, recorder)
    for line in ("config start", "config erase", "reboot"):
        server.send(p.frame(p.INTERNAL, 3, ("dbg", line)))
    pump(link, 20)
    assert recorder.commands == ["config start", "config erase", "reboot"]


def test_ota_is_logged_and_refused_without_dropping_the_link(server: Server) -> None:
    recorder = Recorder()
    link = login(server, recorder)
    server.send(p.frame(p.INTERNAL, 11, ("ota", "http://example.com/fw.bin")))
    pump(link, 20)
    assert server.read_frame() == (p.RESPONSE, 11, p.STATUS_ILLEGAL_COMMAND)
    assert link.state == CONNECTED
    assert any("not supported" in line for line in recorder.lines)


@pytest.mark.parametrize(("body", "tls", "expected"), [
    (("fra1.blynk.cloud", "8443"), True, ("fra1.blynk.cloud", 8443)),
    (("fra1.blynk.cloud",), True, ("fra1.blynk.cloud", 443)),
    (("fra1.blynk.cloud",), False, ("fra1.blynk.cloud", 80)),
])  # fmt: skip
def test_redirect_moves_the_link(server: Server, body: tuple[str, ...], tls: bool, expected: tuple[str, int]) -> None:
    link = connect(server, Recorder())
    link.tls = tls
    server.read_frame()
    server.send(p.frame(p.REDIRECT, 1, body))
    with pytest.raises(CloudError) as caught:
        pump(link, 10)
    assert caught.value.code == 0
    assert (link.host, link.port) == expected


@pytest.mark.parametrize("body", [("fra1.blynk.cloud", "0"), ("fra1.blynk.cloud", "70000"), ("fra1.blynk.cloud", "-1"),
                                  ("",), ("bad host!", "443"), ()])  # fmt: skip
def test_an_invalid_redirect_fails_the_link_and_keeps_the_cloud(server: Server, body: tuple[str, ...]) -> None:
    link = connect(server, Recorder())
    server.read_frame()
    server.send(p.frame(p.REDIRECT, 1, body))
    with pytest.raises(CloudError, match="invalid redirect") as caught:
        pump(link, 10)
    assert caught.value.code == 702
    assert (link.host, link.port) == ("127.0.0.1", server.port)


def test_body_larger_than_buff_in_drops_the_link(server: Server) -> None:
    link = login(server, Recorder())
    server.send(bytes((p.HARDWARE, 0, 5, 0x04, 0x01)) + b"x" * 1025)
    with pytest.raises(CloudError, match="packet too big"):
        pump(link, 20)


def test_server_closing_drops_the_link(server: Server) -> None:
    link = login(server, Recorder())
    assert server.conn is not None
    server.conn.close()
    server.conn = None
    with pytest.raises(CloudError, match="closed"):
        pump(link, 20)


def test_heartbeat_ping_after_40s_and_dead_after_58s(server: Server) -> None:
    link = login(server, Recorder())
    link.poll(39_999)
    assert server.nothing_pending()
    link.poll(40_011)
    assert server.read_frame() == (p.PING, 3, b"")
    link.poll(45_000)  # less than 6 s since the last ping: no second one
    assert server.nothing_pending()
    link.poll(46_020)
    assert server.read_frame()[0] == p.PING
    link.poll(58_010)
    with pytest.raises(CloudError, match="heartbeat lost"):
        link.poll(58_011)


def test_traffic_postpones_the_heartbeat(server: Server) -> None:
    link = login(server, Recorder())
    server.send(p.frame(p.HARDWARE, 5, ("vw", 1, "x")))
    pump(link, 30_000)
    link.send(p.HARDWARE, ("vw", 1, "y"), 30_000)
    server.read_frame()
    link.poll(60_000)  # 30 s of quiet each way: not yet time to ping
    assert server.nothing_pending()


def test_rate_limit_keeps_the_latest_value_per_pin(server: Server) -> None:
    link = login(server, Recorder())
    for pin in range(20):
        link.send(p.HARDWARE, ("vw", pin, "a"), 100, key=("vw", pin))
    link.send(p.HARDWARE, ("vw", 19, "b"), 200, key=("vw", 19))
    sent = [server.read_frame()[2] for _ in range(15)]
    assert sent == [b"vw\x00%d\x00a" % pin for pin in range(15)]
    assert server.nothing_pending()
    link.poll(1_100)
    later = sorted(server.read_frame()[2] for _ in range(5))  # type: ignore[type-var]
    assert later == sorted([b"vw\x00%d\x00a" % pin for pin in range(15, 19)] + [b"vw\x0019\x00b"])
    assert server.nothing_pending()


def test_rate_limit_keeps_the_latest_value_per_pin_across_seconds(server: Server) -> None:
    link = login(server, Recorder())
    for pin in range(40):
        link.send(p.HARDWARE, ("vw", pin, "old"), 100, key=("vw", pin))
    link.poll(1_100)  # 15 more go out; the rest wait for the next second, still one per pin
    link.send(p.HARDWARE, ("vw", 39, "new"), 1_200, key=("vw", 39))
    link.send(p.HARDWARE_SYNC, ("vr", 1), 1_200)  # limited messages without a key never replace each other
    link.send(p.HARDWARE_SYNC, ("vr", 1), 1_200)
    link.poll(2_200)
    link.poll(3_300)
    sent = [server.read_frame()[2] for _ in range(15 + 15 + 12)]
    assert server.nothing_pending()
    assert b"vw\x0039\x00new" in sent and b"vw\x0039\x00old" not in sent
    assert sent.count(b"vr\x001") == 2
    assert sorted(body for body in sent if body.endswith(b"old")) == sorted(
        b"vw\x00%d\x00old" % pin for pin in range(39)
    )


def test_message_ids_wrap_to_one(server: Server) -> None:
    link = login(server, Recorder())
    link._id = 0xFFFE
    link.send(p.EVENT_LOG, ("a",), 10)
    link.send(p.EVENT_LOG, ("b",), 10)
    link.send(p.EVENT_LOG, ("c",), 10)
    assert [server.read_frame()[1] for _ in range(3)] == [0xFFFF, 1, 2]


def test_unresolvable_host_is_710_and_unreachable_is_702() -> None:
    link = CloudLink(TOKEN, "no-such-host.invalid", 443, INFO, tls=False)
    with pytest.raises(CloudError) as caught:
        open_link(link, socket, None, 0)
    assert caught.value.code == 710
    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    port = free.getsockname()[1]
    free.close()
    link = CloudLink(TOKEN, "127.0.0.1", port, INFO, tls=False)
    with pytest.raises(CloudError) as caught:
        open_link(link, socket, None, 0)
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
    link = CloudLink(TOKEN, "blynk.cloud", 443, INFO, tls=False)
    with pytest.raises(CloudError) as caught:
        open_link(link, _NoFreeSocket(error), None, 0)
    assert caught.value.code == 702 and "no free socket" in str(caught.value)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(garbage=st.lists(st.binary(min_size=1, max_size=300), min_size=1, max_size=6))
def test_garbled_streams_raise_only_cloud_error(garbage: list[bytes]) -> None:
    srv = Server()
    try:
        link = login(srv, Recorder())
        lost = False
        for chunk in garbage:
            try:
                srv.send(chunk)
            except OSError:
                break  # the link already dropped the connection
            try:
                pump(link, 100, times=3)
            except CloudError:
                lost = True
                break
        if lost:
            assert link.state == 0
    finally:
        srv.close()
