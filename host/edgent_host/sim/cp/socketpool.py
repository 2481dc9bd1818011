# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``socketpool`` for the simulator: CircuitPython's sockets over real loopback sockets.

What the device sees is CircuitPython's API: ``recv_into`` and no ``recv``; ``OSError`` with
newlib's errno numbers, CircuitPython's ``errno`` (``EAGAIN`` from a non-blocking read or ``accept``
with nothing waiting, ``ETIMEDOUT`` after a timeout, hardware-truth.md section 6);
``SocketPool.gaierror`` when a name does not resolve; ``RuntimeError("Out of sockets")`` past the
port's limit of 8. On espressif a non-blocking read from a peer that closed raises
``OSError(ENOTCONN)`` instead of returning 0 (section 7).

Where the traffic goes: ``blynk.cloud`` (and any ``*.blynk.cloud``) resolves to the local cloud;
a server bound to port 80 (the portal) listens on the ``--portal`` address and one bound to UDP
port 53 (captive DNS) on ``--dns``. A station socket needs a joined network and an address, and
a network without internet resolves no names. A server's sockets are on the access point's side:
when the access point changes channel the phone drops off (``wifi.Radio._follow_channel``).
"""

from __future__ import annotations

import errno as host_errno
import socket as host
import struct
import time
from typing import Any

from edgent_host.sim import runtime as _sim
from edgent_host.sim.cp import errno as cp_errno
from edgent_host.sim.cp.errno import (
    EAGAIN,
    EBADF,
    ECONNABORTED,
    ECONNRESET,
    EHOSTUNREACH,
    EIO,
    ENOTCONN,
    ETIMEDOUT,
)
from edgent_host.sim.world import PHONE_IP

_MAX_SOCKETS = 8  # CONFIG_LWIP_MAX_SOCKETS on espressif; MAX_SOCKETS on raspberrypi

# Host errors without a namesake in CircuitPython's errno, as lwIP reports the same event.
_HOST_ONLY = {
    host_errno.EPIPE: ECONNRESET,  # a send after the peer reset
    host_errno.ENETUNREACH: EHOSTUNREACH,
    host_errno.ENETDOWN: EHOSTUNREACH,
    host_errno.ESHUTDOWN: ENOTCONN,
}


def _cp_errno_of(host_number: int | None) -> int:
    """The newlib number for a host (Linux) errno: the same name's, else lwIP's equivalent, else EIO."""
    if host_number is None:
        return EIO
    if host_number in _HOST_ONLY:
        return _HOST_ONLY[host_number]
    name = host_errno.errorcode.get(host_number, "")
    number = getattr(cp_errno, "EAGAIN" if name == "EWOULDBLOCK" else name, None)
    return number if isinstance(number, int) else EIO


def _translate(error: OSError) -> OSError:
    """CPython's exception as CircuitPython would raise it: a plain OSError with a newlib errno."""
    if isinstance(error, host.timeout | TimeoutError) and error.errno is None:
        return OSError(ETIMEDOUT)
    return OSError(_cp_errno_of(error.errno))


class SocketPool:
    """The sockets of one radio."""

    AF_INET = 2
    AF_INET6 = 10
    SOCK_STREAM = 1
    SOCK_DGRAM = 2
    SOCK_RAW = 3
    IPPROTO_IP = 0
    IPPROTO_ICMP = 1
    IPPROTO_TCP = 6
    IPPROTO_UDP = 17
    IPPROTO_IPV6 = 41
    IPPROTO_RAW = 255
    SOL_SOCKET = 0xFFF
    SO_REUSEADDR = 0x0004
    TCP_NODELAY = 1
    IP_MULTICAST_TTL = 5
    EAI_NONAME = -2

    class gaierror(OSError):  # noqa: N801, N818 - CircuitPython's name
        """A name did not resolve."""

    def __init__(self, radio: Any) -> None:
        self.radio = radio
        self.open_sockets = 0

    def getaddrinfo(
        self, host: str, port: int, family: int = 0, type: int = 0, proto: int = 0, flags: int = 0
    ) -> list[tuple[int, int, int, str, tuple[str, int]]]:
        """Resolve ``host``: dotted quads as they are, ``blynk.cloud`` to the local cloud."""
        runtime = _sim.current()
        radio = self.radio
        # Names go out through the joined network, from the station's address (without one
        # lwIP has no route for the query); the cloud's names are the local cloud's real
        # address and port.
        address = _sim.lookup(host, lambda: radio._joined if radio._has_address() else None, runtime.cloud)
        if address is None:
            raise self.gaierror(self.EAI_NONAME, "Name or service not known")
        if isinstance(address, tuple):
            return [(self.AF_INET, self.SOCK_STREAM, 0, "", address)]
        return [(self.AF_INET, self.SOCK_STREAM, 0, "", (address, port))]

    def socket(self, family: int = AF_INET, type: int = SOCK_STREAM, proto: int = IPPROTO_IP) -> Socket:
        """A new socket; past the limit, ``RuntimeError("Out of sockets")`` as on the board."""
        if family != self.AF_INET:
            raise ValueError("Unsupported socket family")
        if self.open_sockets >= _MAX_SOCKETS:
            raise RuntimeError("Out of sockets")
        return Socket(self, family, type, proto)


class Socket:
    """One CircuitPython socket."""

    def __init__(self, pool: SocketPool, family: int, type: int, proto: int, conn: host.socket | None = None) -> None:
        # ``conn``: the host socket of an accepted connection (a phone's, on the access point);
        # else a new one is made.
        self._pool = pool
        self.family = family
        self.type = type
        self.proto = proto
        kind = host.SOCK_DGRAM if type == SocketPool.SOCK_DGRAM else host.SOCK_STREAM
        self._sock: host.socket | None = conn if conn is not None else host.socket(host.AF_INET, kind)
        self._timeout: float | None = None
        self._aborted = False
        self._station = False
        self._bound: tuple[str, int] | None = None  # the host address a server listens on
        self._backlog = 0
        self._phone_back_at: float | None = None  # the phone left the access point; back then
        self._listening_again_at: float | None = None  # a server refusing phones until then
        pool.open_sockets += 1
        if conn is not None:
            pool.radio.ap_sockets.add(self)

    # -- lifecycle -------------------------------------------------------------------------

    def _real(self) -> host.socket:
        if self._sock is None:
            raise OSError(EBADF)
        self._pool.radio._sync()
        if self._aborted:
            raise OSError(ECONNABORTED)
        if self._station and not self._pool.radio._check_link():
            raise OSError(ECONNABORTED)
        return self._sock

    def _phone_left(self, back_at: float) -> None:
        """The phone at the other end left the access point (it changed channel); it is back at
        ``back_at``. Its own side of each connection ends now: the host peer gets a reset."""
        if self._sock is None:
            return
        if self._bound is not None:  # a listening server: phones cannot reach it until then
            self._listening_again_at = back_at
        else:
            self._phone_back_at = back_at
        try:
            self._sock.setsockopt(host.SOL_SOCKET, host.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self._sock.close()  # a closed listener refuses; queued and open connections are reset

    def _read_from_absent_phone(self) -> None:
        """A read from a connection whose phone left: nothing comes while it is away (the read
        waits as the socket's timeout says); once it is back, its stack knows the connection no
        more and answers with a reset."""
        if self._phone_back_at is None:
            return
        self._wait_until(self._phone_back_at)
        raise OSError(ECONNRESET)

    def _wait_until(self, moment: float) -> None:
        """Wait for ``moment`` (time.monotonic) as the socket's timeout lets it: EAGAIN at once
        when it does not block, ETIMEDOUT when its timeout ends first."""
        now = time.monotonic()
        if now >= moment:
            return
        if self._timeout == 0:
            raise OSError(EAGAIN)
        time.sleep(moment - now if self._timeout is None else min(self._timeout, moment - now))
        if time.monotonic() < moment:
            raise OSError(ETIMEDOUT)

    def _write_to_absent_phone(self) -> bool:
        """A write to a connection whose phone left: True while it is away (lwIP queues it for
        retransmission); a reset once it is back."""
        if self._phone_back_at is None:
            return False
        if time.monotonic() >= self._phone_back_at:
            raise OSError(ECONNRESET)
        return True

    def _listen_again(self) -> None:
        """A server whose phone left: nobody reaches it before the phone is back, then it listens
        on the same address again."""
        if self._listening_again_at is None:
            return
        self._wait_until(self._listening_again_at)
        assert self._bound is not None
        fresh = host.socket(host.AF_INET, host.SOCK_STREAM)
        fresh.setsockopt(host.SOL_SOCKET, host.SO_REUSEADDR, 1)
        fresh.bind(self._bound)
        fresh.listen(self._backlog)
        fresh.settimeout(self._timeout)
        self._sock = fresh
        self._listening_again_at = None

    def _abort(self) -> None:
        """The network went away under this socket."""
        self._aborted = True
        if self._sock is not None:
            try:
                self._sock.shutdown(host.SHUT_RDWR)
            except OSError:
                pass

    def close(self) -> None:
        """Close the socket (closing twice is fine)."""
        if self._sock is not None:
            self._sock.close()
            self._sock = None
            self._pool.open_sockets -= 1
            self._pool.radio.sockets.discard(self)
            self._pool.radio.ap_sockets.discard(self)

    def __enter__(self) -> Socket:
        return self

    def __exit__(self, *args: object) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_sock", None) is not None:
            self.close()

    # -- options ---------------------------------------------------------------------------

    def settimeout(self, value: float | None) -> None:
        """None blocks, 0 never blocks, else seconds."""
        self._timeout = value
        if self._sock is not None and self._sock.fileno() != -1:
            self._sock.settimeout(value)

    def setblocking(self, flag: bool) -> None:
        """True: block; False: never block."""
        self.settimeout(None if flag else 0)

    def setsockopt(self, level: int, optname: int, value: Any) -> None:
        """SO_REUSEADDR and TCP_NODELAY are passed on; others accepted."""
        if self._sock is None:
            return
        if level == SocketPool.SOL_SOCKET and optname == SocketPool.SO_REUSEADDR:
            self._sock.setsockopt(host.SOL_SOCKET, host.SO_REUSEADDR, int(bool(value)))
        elif level == SocketPool.IPPROTO_TCP and optname == SocketPool.TCP_NODELAY:
            self._sock.setsockopt(host.IPPROTO_TCP, host.TCP_NODELAY, int(bool(value)))

    # -- server side -----------------------------------------------------------------------

    def bind(self, address: tuple[str, int]) -> None:
        """Bind; port 80 becomes the ``--portal`` address, UDP 53 the ``--dns`` address."""
        runtime = _sim.current()
        _, port = address
        # Only a TCP or UDP socket is the portal or the DNS server; any other (SOCK_RAW) is neither.
        special = self.type in (SocketPool.SOCK_STREAM, SocketPool.SOCK_DGRAM)
        target = runtime.bind_address(port if special else 0, udp=self.type == SocketPool.SOCK_DGRAM)
        real = self._real()
        real.setsockopt(host.SOL_SOCKET, host.SO_REUSEADDR, 1)
        try:
            real.bind(target)
        except OSError as error:
            raise _translate(error) from None

    def listen(self, backlog: int) -> None:
        """Listen for connections (phones on the access point)."""
        real = self._real()
        real.listen(backlog)
        if self.type == SocketPool.SOCK_STREAM:
            self._bound = real.getsockname()
            self._backlog = backlog
            self._pool.radio.ap_sockets.add(self)

    def accept(self) -> tuple[Socket, tuple[str, int]]:
        """A waiting client; ``OSError(EAGAIN)`` when none waits on a non-blocking socket."""
        self._real()
        self._listen_again()
        real = self._real()
        try:
            conn, peer = real.accept()
        except OSError as error:
            raise _translate(error) from None
        if self._pool.open_sockets >= _MAX_SOCKETS:
            conn.close()
            raise RuntimeError("Out of sockets")
        wrapped = Socket(self._pool, self.family, self.type, self.proto, conn)
        conn.settimeout(None)
        self._pool.radio._phone_seen()
        # The phone is on the access point's subnet.
        return wrapped, (PHONE_IP, peer[1])

    # -- client side -----------------------------------------------------------------------

    def connect(self, address: tuple[str, int]) -> None:
        """Connect through the station: needs a joined network and an address (lwIP finds no
        route from 0.0.0.0)."""
        radio = self._pool.radio
        if not radio._has_address():
            raise OSError(EHOSTUNREACH)
        real = self._real()
        self._station = True
        radio.sockets.add(self)
        try:
            real.connect(address)
        except OSError as error:
            raise _translate(error) from None

    # -- data ------------------------------------------------------------------------------

    def recv_into(self, buffer: Any, bufsize: int = 0) -> int:
        """Read into ``buffer``; 0 means the peer closed, except on a non-blocking espressif socket."""
        real = self._real()
        self._read_from_absent_phone()
        try:
            count = real.recv_into(buffer, bufsize)
        except OSError as error:
            raise _translate(error) from None
        wanted = bufsize or len(buffer)
        if count == 0 and wanted and self._timeout == 0 and _sim.current().board.port == "espressif":
            # ports/espressif/common-hal/socketpool/Socket.c socketpool_socket_recv_into: in
            # non-blocking mode a read of 0 (or lwIP's ENOTCONN) is -MP_ENOTCONN
            # (hardware-truth.md section 7); raspberrypi's lwip_tcp_receive returns 0.
            raise OSError(ENOTCONN)
        return count

    def recvfrom_into(self, buffer: Any) -> tuple[int, tuple[str, int]]:
        """Read one datagram into ``buffer``."""
        real = self._real()
        try:
            count, peer = real.recvfrom_into(buffer)
        except OSError as error:
            raise _translate(error) from None
        return count, (peer[0], peer[1])

    def send(self, data: Any, /) -> int:
        """Send what fits; return the count (positional only, as on a board)."""
        real = self._real()
        if self._write_to_absent_phone():
            return len(data)
        try:
            return real.send(data)
        except OSError as error:
            raise _translate(error) from None

    def sendall(self, data: Any, /) -> None:
        """Send all of ``data``."""
        real = self._real()
        if self._write_to_absent_phone():
            return
        try:
            real.sendall(data)
        except OSError as error:
            raise _translate(error) from None

    def sendto(self, data: Any, address: tuple[str, int], /) -> int:
        """Send a datagram."""
        real = self._real()
        try:
            return real.sendto(data, address)
        except OSError as error:
            raise _translate(error) from None

    # The host socket behind this one, for the simulated ssl module.
    def _host_socket(self) -> host.socket:
        return self._real()
