# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The guest's end of the bridge (``edgent_host.sim.mpbridge``): one loopback socket to the
simulator, opened at the first call, on the port in ``EDGENT_BRIDGE``. A call is a 4-byte header
(the payload's length, two bytes; the operation; a one-byte argument) and the payload; the answer is its length (two
bytes) and its bytes. Nothing is allocated per call: a board's pins and bus allocate nothing
either, and a guest that did would fail in a fragmented heap where the board would not."""

import os
import socket

PING, SPI, WRITE, READ, PIN, OUTPUT, INPUT, GET, SET = range(9)
_link = []
_head = bytearray(4)
_answer = bytearray(2)


def call(operation, payload=b"", into=None, argument=0):
    """Ask the host to do ``operation`` with ``payload`` and ``argument`` (a byte: a pin's
    level or pull, so that a pin needs no payload of its own); its answer fills ``into`` (a buffer of
    the answer's length), else the first byte of a one-byte answer is returned (0 for none)."""
    if not _link:
        sock = socket.socket()
        sock.connect(socket.getaddrinfo("127.0.0.1", int(os.getenv("EDGENT_BRIDGE")))[0][-1])
        # TCP_NODELAY (IPPROTO_TCP 6, option 1; the unix port names neither): a call writes its
        # head, then its payload, and waits for the answer; with Nagle's algorithm the payload
        # waited for the host's delayed ACK, 40 ms a call
        sock.setsockopt(6, 1, 1)
        _link.append(sock)
    sock = _link[0]
    _head[0] = len(payload) >> 8
    _head[1] = len(payload) & 0xFF
    _head[2] = operation
    _head[3] = argument
    sock.write(_head)
    if payload:
        sock.write(payload)
    sock.readinto(_answer)
    size = _answer[0] << 8 | _answer[1]
    if into is not None:
        if size:
            sock.readinto(into)
        return 0
    if size:
        sock.readinto(_answer, 1)
        return _answer[0]
    return 0
