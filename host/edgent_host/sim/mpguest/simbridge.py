# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The guest's end of the bridge (``edgent_host.sim.mpbridge``): one loopback socket to the
simulator, opened at the first call, on the port in ``EDGENT_BRIDGE``. A call is a frame of
two length bytes and ``name payload``; the answer is two length bytes and its bytes."""

import os
import socket

_link = []


def call(name, payload=b""):
    """Ask the host to do ``name`` with ``payload``; return its answer (bytes)."""
    if not _link:
        sock = socket.socket()
        sock.connect(socket.getaddrinfo("127.0.0.1", int(os.getenv("EDGENT_BRIDGE")))[0][-1])
        _link.append(sock)
    sock = _link[0]
    size = len(name) + 1 + len(payload)
    sock.write(bytes((size >> 8, size & 0xFF)) + name + b" ")
    sock.write(payload)
    head = sock.read(2)
    size = head[0] << 8 | head[1]
    return sock.read(size) if size else b""
