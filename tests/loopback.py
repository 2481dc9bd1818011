# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""A radio for a real Edgent in the test process: the networks it joins are a dict, its sockets are
real loopback sockets, and its access point's port 80 is a free loopback port a phone (urllib,
with ``Host: 192.168.4.1``) reaches. It stands in only for the radio, which cannot exist here,
and answers as the native backend does (``OSError(EAGAIN)`` from a non-blocking accept or read).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

from blynk_edgent.config import Config
from edgent_host.sim.testing import free_port


class LoopbackSocket:
    """A real socket whose bind to port 80 (the portal) lands on the radio's portal port."""

    def __init__(self, sock: socket.socket, pool: LoopbackPool) -> None:
        self._sock = sock
        self._pool = pool

    def bind(self, address: tuple[str, int]) -> None:
        self._sock.bind(("127.0.0.1", self._pool.portal_port if address[1] == 80 else address[1]))

    def accept(self) -> tuple[LoopbackSocket, Any]:
        sock, peer = self._sock.accept()
        return LoopbackSocket(sock, self._pool), peer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class LoopbackPool:
    """The radio's socket pool: what ``socketpool.SocketPool`` offers, on loopback."""

    AF_INET = socket.AF_INET
    SOCK_STREAM = socket.SOCK_STREAM
    SOCK_DGRAM = socket.SOCK_DGRAM
    SOL_SOCKET = socket.SOL_SOCKET
    SO_REUSEADDR = socket.SO_REUSEADDR

    def __init__(self) -> None:
        self.portal_port = free_port()

    def getaddrinfo(self, host: str, port: int) -> list[Any]:
        return socket.getaddrinfo(host, port, socket.AF_INET, socket.SOCK_STREAM)

    def socket(self, family: int = socket.AF_INET, type: int = socket.SOCK_STREAM) -> LoopbackSocket:
        return LoopbackSocket(socket.socket(family, type), self)


class LoopbackRadio:
    """An ESP32-S2/S3-like radio (its access point runs beside a join) over loopback."""

    name = "loopback"
    mac = b"\x24\x0a\xc4\x12\x34\x56"  # "Blynk Device-PYN6"
    ap_mac = b"\x24\x0a\xc4\x12\x34\x57"
    esp32_chip_id = True
    ap_ip = "192.168.4.1"
    captive_dns = False
    wep = False
    ap_beside_station = True
    ap_restartable = True
    ip = "192.168.1.20"
    rssi = -48

    def __init__(self, networks: dict[str, str]) -> None:
        self.networks = networks  # name -> password of the networks in range
        self.pool = LoopbackPool()
        self.connected = False
        self.ssid: str | None = None
        self.ap: str | None = None
        self.ap_clients: int | None = None
        self.joins: list[str] = []

    def join(self, config: Config, timeout_s: int = 15, hostname: str | None = None) -> Iterator[int]:
        """Join at once: the outcome is the iterator's only item (a radio's join is a slice per poll)."""
        self.joins.append(config.ssid)
        if config.ssid not in self.networks:
            return iter((720,))
        if self.networks[config.ssid] != config.password:
            return iter((722,))
        self.connected, self.ssid = True, config.ssid
        return iter((0,))

    def leave(self) -> None:
        self.connected, self.ssid = False, None

    def scan(self) -> list[tuple[str, bytes, int, int, str]]:
        return [(name, bytes(6), -40, 6, "WPA2") for name in self.networks]

    def start_ap(self, ssid: str, password: str = "") -> None:
        self.ap = ssid

    def stop_ap(self) -> None:
        self.ap = None

    def ssl_context(self) -> None:
        raise AssertionError("these tests run the cloud link over plain TCP")

    @property
    def portal(self) -> str:
        """The portal's address as the test reaches it."""
        return "http://127.0.0.1:%d" % self.pool.portal_port
