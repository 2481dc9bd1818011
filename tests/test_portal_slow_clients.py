# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The portal's HTTP server among clients that do not play along, on real loopback sockets with a
board's send buffer (tests/slow_clients.py): no poll() lasts 50 ms, a real request is answered
within 3 s, and every client that reads gets its whole answer.
"""

from __future__ import annotations

import socket
import threading
import time

from slow_clients import (
    BOARD_INFO,
    PAGE,
    complete,
    connect,
    fetch,
    measure_slow_clients,
    read_all,
    serving,
)

POLL_LIMIT_MS = 50
PAGE_REQUEST = b"GET / HTTP/1.1\r\nHost: 192.168.4.1\r\n\r\n"


def test_a_client_that_never_reads_the_page_makes_no_poll_last_50_ms() -> None:
    with serving() as running:
        idle = []
        try:
            for _ in range(3):  # the page again and again, never read (a small receive window)
                sock = connect(running.port, receive_buffer=1)
                sock.sendall(PAGE_REQUEST)
                idle.append(sock)
                wait, answer = fetch(running.port, timeout=3)
                assert answer == (200, BOARD_INFO) and wait < 1, (wait, answer)
                time.sleep(0.2)
        finally:
            for sock in idle:
                sock.close()
        time.sleep(0.1)
    assert running.longest_poll_ms() < POLL_LIMIT_MS


def test_a_real_request_is_answered_within_3_s_among_slow_silent_and_non_reading_clients() -> None:
    figures = measure_slow_clients(slow=8, silent=8, non_reading=1, requests=4, timeout=3.5)
    assert figures["real_requests_complete"] == 4, figures
    assert figures["real_request_ms"] < 3000, figures
    assert figures["longest_poll_ms"] < POLL_LIMIT_MS, figures
    assert figures["crowd_connections"] >= 16, figures  # the crowd was there


def test_pipelined_requests_get_the_first_answer_whole_and_a_clean_close() -> None:
    page = PAGE.read_bytes()
    filler = b"X-Filler: " + b"f" * 600 + b"\r\n"
    pipelined = PAGE_REQUEST + b"".join(
        b"GET /board_info.json HTTP/1.1\r\n" + filler + b"\r\n" for _ in range(6)
    )  # 3.8 KB: more than one read of the server takes
    with serving() as running:
        sock = connect(running.port, receive_buffer=1)
        with sock:
            sock.sendall(pipelined)
            time.sleep(0.3)  # a client that reads once it has sent all it had
            answer, clean = read_all(sock)
        assert clean, "the server reset the connection"
        assert complete(answer) == (200, page)
        assert fetch(running.port, timeout=3)[1] == (200, BOARD_INFO)
    assert running.longest_poll_ms() < POLL_LIMIT_MS


def test_every_queued_answer_arrives_whole_for_clients_that_read() -> None:
    page = PAGE.read_bytes()
    answers: list[tuple[tuple[int, bytes] | None, bool]] = []

    def reader(request: bytes) -> None:
        try:
            with connect(running.port, receive_buffer=1) as sock:
                sock.sendall(request)
                answer, clean = read_all(sock, piece=512, pause=0.05)  # a slow phone: 10 KB/s
        except OSError:
            answer, clean = b"", False
        answers.append((complete(answer), clean))

    with serving() as running:
        requests = [PAGE_REQUEST, b"GET /board_info.json HTTP/1.1\r\n\r\n"] * 5
        threads = [threading.Thread(target=reader, args=(request,)) for request in requests]
        for thread in threads:  # ten at once, more than the server's connections
            thread.start()
        for thread in threads:
            thread.join(20)
    assert sorted(answers, key=repr) == sorted([((200, page), True)] * 5 + [((200, BOARD_INFO), True)] * 5, key=repr)
    assert running.longest_poll_ms() < POLL_LIMIT_MS


def test_a_silent_client_holds_no_slot_a_phone_needs() -> None:
    # More silent connections than the server serves at once, opened before the phone.
    with serving() as running:
        silent = [socket.create_connection(("127.0.0.1", running.port)) for _ in range(8)]
        try:
            time.sleep(0.2)
            wait, answer = fetch(running.port, timeout=3)
        finally:
            for sock in silent:
                sock.close()
    assert answer == (200, BOARD_INFO) and wait < 1, (wait, answer)
