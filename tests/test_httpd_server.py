# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The portal's HTTP server on real loopback sockets (CPython's socket module as the pool)."""

from __future__ import annotations

import socket
import threading
import time

from blynk_edgent.httpd import HEAD_MAX, HTTPServer, Request
from edgent_host.sim.testing import free_port


def _ask(request: bytes) -> bytes:
    """Send ``request`` to a fresh server and return its whole answer."""
    port = free_port()
    seen: list[Request] = []

    def handler(request: Request, reply: object) -> None:
        seen.append(request)
        reply.send(200, "text/plain", "ok")  # type: ignore[attr-defined]

    server = HTTPServer(socket, handler, port=port)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            server.poll()
            time.sleep(0.005)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
            client.sendall(request)
            answer = b""
            while chunk := client.recv(4096):
                answer += chunk
    finally:
        stop.set()
        thread.join()
        server.close()
    return answer


def test_a_head_over_the_limit_with_a_body_is_431() -> None:
    # Head and body together fit the server's buffer, so only the head's own limit refuses it.
    filler = b"X-Filler: " + b"a" * (HEAD_MAX + 400 - 60) + b"\r\n"
    body = b"ssid=" + b"b" * 495
    request = b"POST /config HTTP/1.1\r\n" + filler + b"Content-Length: %d\r\n\r\n" % len(body) + body
    assert _ask(request).startswith(b"HTTP/1.1 431 ")


def test_a_head_just_within_the_limit_is_served() -> None:
    start = b"POST /config HTTP/1.1\r\nContent-Length: 1000\r\nX-Filler: "
    filler = b"a" * (HEAD_MAX - len(start) - 6)
    request = start + filler + b"\r\n\r\n" + b"c" * 1000
    assert len(request) == HEAD_MAX - 2 + 1000
    assert _ask(request).startswith(b"HTTP/1.1 200 ")
