"""``socketpool`` for the simulator: CircuitPython's sockets over real loopback sockets.

What the device sees is CircuitPython's API: ``recv_into`` and no ``recv``; ``OSError`` with
MicroPython's errno numbers (``EAGAIN`` from a non-blocking read or ``accept`` with nothing
waiting, ``ETIMEDOUT`` after a timeout); ``SocketPool.gaierror`` when a name does not resolve;
``RuntimeError("Out of sockets")`` past the port's limit of 8.

Where the traffic goes: ``blynk.cloud`` (and any ``*.blynk.cloud``) resolves to the local cloud;
a server bound to port 80 (the portal) listens on the ``--portal`` address and one bound to UDP
port 53 (captive DNS) on ``--dns``. A station socket needs a joined network, and a network
without internet resolves no names.
"""

from __future__ import annotations

import errno as host_errno
import socket as host
from typing import Any

from edgent_host.sim import runtime as _sim
from edgent_host.sim.cp import EAGAIN, ECONNABORTED, ECONNREFUSED, ECONNRESET, EHOSTUNREACH, ENOTCONN, ETIMEDOUT
from edgent_host.sim.world import PHONE_IP

_MAX_SOCKETS = 8  # CONFIG_LWIP_MAX_SOCKETS on espressif; MAX_SOCKETS on raspberrypi

_HOST_TO_MP = {
    host_errno.EAGAIN: EAGAIN,
    host_errno.ECONNREFUSED: ECONNREFUSED,
    host_errno.ECONNRESET: ECONNRESET,
    host_errno.ENOTCONN: ENOTCONN,
    host_errno.EPIPE: ECONNRESET,
    host_errno.ECONNABORTED: ECONNABORTED,
    host_errno.EHOSTUNREACH: EHOSTUNREACH,
}


def _translate(error: OSError) -> OSError:
    """CPython's exception as CircuitPython would raise it: a plain OSError with an errno."""
    if isinstance(error, host.timeout | TimeoutError) and error.errno is None:
        return OSError(ETIMEDOUT)
    return OSError(_HOST_TO_MP.get(error.errno or 0, error.errno or ECONNRESET))


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
        # Names go out through the joined network (with or without an address); the cloud's
        # names are the local cloud's real address and port.
        address = _sim.lookup(host, lambda: radio._joined if radio._check_link() else None, runtime.cloud)
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
        # ``conn``: the host socket of an accepted connection; else a new one is made.
        self._pool = pool
        self.family = family
        self.type = type
        self.proto = proto
        kind = host.SOCK_DGRAM if type == SocketPool.SOCK_DGRAM else host.SOCK_STREAM
        self._sock: host.socket | None = conn if conn is not None else host.socket(host.AF_INET, kind)
        self._timeout: float | None = None
        self._aborted = False
        self._station = False
        pool.open_sockets += 1

    # -- lifecycle -------------------------------------------------------------------------

    def _real(self) -> host.socket:
        if self._sock is None:
            raise OSError(host_errno.EBADF)
        if self._aborted:
            raise OSError(ECONNABORTED)
        if self._station and not self._pool.radio._check_link():
            raise OSError(ECONNABORTED)
        return self._sock

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
        if self._sock is not None:
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
        """Listen for connections."""
        self._real().listen(backlog)

    def accept(self) -> tuple[Socket, tuple[str, int]]:
        """A waiting client; ``OSError(EAGAIN)`` when none waits on a non-blocking socket."""
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
        """Connect through the station: needs a joined network."""
        radio = self._pool.radio
        if not radio._check_link():
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
        """Read into ``buffer``; 0 means the peer closed."""
        real = self._real()
        try:
            return real.recv_into(buffer, bufsize)
        except OSError as error:
            raise _translate(error) from None

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
        try:
            return real.send(data)
        except OSError as error:
            raise _translate(error) from None

    def sendall(self, data: Any, /) -> None:
        """Send all of ``data``."""
        real = self._real()
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
