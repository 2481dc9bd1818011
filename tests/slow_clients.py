# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Slow, silent and non-reading clients against the portal's HTTP server on real loopback sockets.

What tests/test_portal_slow_clients.py holds the server to, and what the bench reports:
:func:`measure_slow_clients` gives the longest ``poll()`` under the load and the wait of a real
request (``GET /board_info.json``, read to its last byte) among them.

The server's sockets get a board's send buffer (:data:`SEND_BUFFER`): Linux gives a loopback
socket megabytes, in which any answer vanishes at once, where lwIP on an ESP32 holds 5,744 bytes,
less than the portal's page.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from edgent_host.sim.testing import free_port

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "lib" / "blynk_edgent" / "portal.html"  # 5.7 KB, sent with reply.send_file
# About what /board_info.json is (some 700 bytes).
BOARD_INFO = (
    b'{"board":"Device","tmpl_id":"TMPL4abcd123","fw_type":"TMPL4abcd123","fw_ver":"0.1.0",'
    b'"ssid":"Blynk Device-PYN6","bssid":"24:0A:C4:12:34:57","mac":"24:0A:C4:12:34:56",'
    b'"last_error":0,"wifi_scan":true,"static_ip":true,"vendor":"","name":"Blynk Device-PYN6",'
    b'"uid":"00000000-0000-4000-8000-000000000000","ifs":[{"name":"wifi","mac":"24:0A:C4:12:34:56",'
    b'"scan":1,"5ghz":0,"static_ip":1}],"state":"WAIT_CONFIG","last_error_msg":"",'
    b'"last_error_hint":"","attempt":{"phase":"idle"},"tls":true,"padding":"' + b"x" * 200 + b'"}'
)
# Set on the listening socket, which its connections inherit; Linux doubles it to 5,840 bytes,
# about lwIP's TCP_SND_BUF on espressif (4 segments of 1,436: 5,744).
SEND_BUFFER = 2920
SLOW_REQUEST = b"GET /board_info.json HTTP/1.1\r\nHost: 192.168.4.1\r\nUser-Agent: slow\r\n\r\n"
REAL_REQUEST = b"GET /board_info.json HTTP/1.1\r\nHost: 192.168.4.1\r\n\r\n"

# (pool, handler, port) -> a server with poll() and close(), as blynk_edgent.httpd.HTTPServer
ServerFactory = Callable[[Any, Callable[[Any, Any], None], int], Any]


class BoardPool:
    """CPython's socket module as the radio's pool, with a board's small send buffer."""

    AF_INET = socket.AF_INET
    SOCK_STREAM = socket.SOCK_STREAM
    SOL_SOCKET = socket.SOL_SOCKET
    SO_REUSEADDR = socket.SO_REUSEADDR

    def socket(self, family: int = socket.AF_INET, type: int = socket.SOCK_STREAM, proto: int = 0) -> socket.socket:
        sock = socket.socket(family, type, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
        return sock


def handler(request: Any, reply: Any) -> None:
    """The portal's two biggest answers: the page (a file) and the board info (bytes)."""
    if request.path == "/":
        reply.send_file(str(PAGE), "text/html; charset=utf-8")
    elif request.path == "/board_info.json":
        reply.send(200, "application/json", BOARD_INFO)
    else:
        reply.send(404, "text/plain", "not found")


def default_factory(pool: Any, handle: Callable[[Any, Any], None], port: int) -> Any:
    from blynk_edgent.httpd import HTTPServer

    return HTTPServer(pool, handle, port=port)


class Serving:
    """A server polled in a thread as a device's loop polls it (a poll, then 1 ms); every poll's
    duration is kept."""

    def __init__(self, factory: ServerFactory | None = None) -> None:
        self.port = free_port()
        self.server = (factory or default_factory)(BoardPool(), handler, self.port)
        self.polls: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            start = time.perf_counter()
            self.server.poll()
            self.polls.append(time.perf_counter() - start)
            time.sleep(0.001)

    def longest_poll_ms(self) -> float:
        return max(self.polls, default=0.0) * 1000

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.server.close()


@contextmanager
def serving(factory: ServerFactory | None = None) -> Iterator[Serving]:
    running = Serving(factory)
    try:
        yield running
    finally:
        running.stop()


def connect(port: int, receive_buffer: int | None = None, timeout: float = 5.0) -> socket.socket:
    """A connection to the server; ``receive_buffer``: the client's SO_RCVBUF (Linux's least is
    2,304 bytes), set before connecting so that the window is small from the start."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if receive_buffer is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.settimeout(timeout)
    sock.connect(("127.0.0.1", port))
    return sock


def read_all(sock: socket.socket, piece: int = 4096, pause: float = 0.0) -> tuple[bytes, bool]:
    """Read until the server closes; returns the bytes and whether it closed cleanly (no reset)."""
    answer = b""
    try:
        while chunk := sock.recv(piece):
            answer += chunk
            if pause:
                time.sleep(pause)
    except ConnectionResetError:
        return answer, False
    return answer, True


def complete(answer: bytes) -> tuple[int, bytes] | None:
    """``(status, body)`` of an answer whose body has all of its Content-Length; else None."""
    head, sep, body = answer.partition(b"\r\n\r\n")
    if not sep or not head.startswith(b"HTTP/1.1 "):
        return None
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length" and int(value) == len(body):
            return int(head.split(b" ")[1]), body
    return None


def fetch(port: int, request: bytes = REAL_REQUEST, timeout: float = 5.0) -> tuple[float, tuple[int, bytes] | None]:
    """A phone's request on a new connection: seconds until the whole answer was read (or the
    timeout), and the answer (None when incomplete)."""
    start = time.monotonic()
    answer = b""
    try:
        with connect(port, timeout=timeout) as sock:
            sock.sendall(request)
            answer, _ = read_all(sock)
    except OSError:
        pass
    return time.monotonic() - start, complete(answer)


class _Member:
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.sock: socket.socket | None = None
        self.since = 0.0
        self.sent = 0


def _dropped(sock: socket.socket) -> bool:
    try:
        return sock.recv(4096) is not None  # anything (a 408) or b"" (closed): dropped
    except BlockingIOError:
        return False
    except OSError:
        return True


def _crowd(port: int, slow: int, silent: int, non_reading: int, stop: threading.Event) -> int:
    """The crowd's loop (see :class:`Crowd`) until ``stop``; returns how many connections it opened."""
    members = [_Member("slow") for _ in range(slow)] + [_Member("silent") for _ in range(silent)]
    readers: list[list[socket.socket]] = [[] for _ in range(non_reading)]
    connections = 0
    next_page = time.monotonic()
    while not stop.is_set():
        now = time.monotonic()
        for member in members:
            if member.sock is not None and _dropped(member.sock):
                member.sock.close()
                member.sock = None
            if member.sock is None:
                try:
                    member.sock = connect(port, timeout=0.05)
                except OSError:
                    continue  # the backlog is full: again next round
                member.sock.setblocking(False)
                member.since, member.sent = now, 0
                connections += 1
            elif member.kind == "slow" and member.sent < len(SLOW_REQUEST) and now - member.since >= member.sent:
                try:
                    member.sock.send(SLOW_REQUEST[member.sent : member.sent + 1])
                    member.sent += 1
                except OSError:
                    member.sock.close()
                    member.sock = None
        if readers and now >= next_page:
            next_page = now + 0.3
            for held in readers:
                try:
                    sock = connect(port, receive_buffer=1, timeout=0.05)
                    sock.sendall(b"GET / HTTP/1.1\r\nHost: 192.168.4.1\r\n\r\n")
                except OSError:
                    continue
                connections += 1
                held.append(sock)
                if len(held) > 3:
                    held.pop(0).close()
        time.sleep(0.01)
    for member in members:
        if member.sock is not None:
            member.sock.close()
    for held in readers:
        for sock in held:
            sock.close()
    return connections


class Crowd:
    """Clients that take the server's connections and give nothing back, in a process of their
    own, as phones are (the server's thread never waits for the crowd's).

    ``slow``: send a request a byte a second; ``silent``: connect and send nothing; each connects
    again as soon as it finds itself dropped. ``non_reading``: each asks for the page every 0.3 s
    on a new connection with a small receive buffer and never reads (up to 3 such connections
    each, the oldest closed beyond that). :meth:`stop` returns how many connections they opened.
    """

    def __init__(self, port: int, slow: int = 0, silent: int = 0, non_reading: int = 0) -> None:
        args = [str(value) for value in (port, slow, silent, non_reading)]
        self._process = subprocess.Popen(
            [sys.executable, __file__, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def stop(self) -> int:
        out, _ = self._process.communicate(timeout=20)  # closes its stdin: the crowd stops
        return int(out.strip() or 0)


def _main(argv: list[str]) -> None:
    stop = threading.Event()

    def wait_for_eof() -> None:
        sys.stdin.read()
        stop.set()

    threading.Thread(target=wait_for_eof, daemon=True).start()
    port, slow, silent, non_reading = (int(value) for value in argv)
    print(_crowd(port, slow, silent, non_reading, stop))


def measure_slow_clients(
    server_factory: ServerFactory | None = None,
    slow: int = 8,
    silent: int = 8,
    non_reading: int = 1,
    settle: float = 1.2,
    requests: int = 4,
    spacing: float = 0.3,
    timeout: float = 10.0,
) -> dict[str, Any]:
    """Run a server (``server_factory(pool, handler, port)``, blynk_edgent.httpd's by default)
    under ``slow`` + ``silent`` + ``non_reading`` clients (:class:`Crowd`); after ``settle``
    seconds, ``requests`` real requests one after the other, ``spacing`` apart.

    Returns ``longest_poll_ms`` (over the whole run), ``real_request_ms`` (the longest wait for a
    whole answer; ``timeout`` when one never came), ``real_requests_complete`` (how many were),
    ``crowd_connections`` (how many the crowd opened) and ``polls``.
    """
    waits: list[float] = []
    answered = 0
    with serving(server_factory) as running:
        crowd = Crowd(running.port, slow, silent, non_reading)
        try:
            time.sleep(settle)
            for index in range(requests):
                if index:
                    time.sleep(spacing)
                wait, answer = fetch(running.port, timeout=timeout)
                waits.append(min(wait, timeout))
                if answer is not None and answer == (200, BOARD_INFO):
                    answered += 1
                else:
                    waits[-1] = timeout
        finally:
            connections = crowd.stop()
        longest = running.longest_poll_ms()
        count = len(running.polls)
    return {
        "longest_poll_ms": round(longest, 1),
        "real_request_ms": round(max(waits) * 1000, 1),
        "real_requests_complete": answered,
        "requests": requests,
        "crowd_connections": connections,
        "polls": count,
    }


if __name__ == "__main__":
    _main(sys.argv[1:])
