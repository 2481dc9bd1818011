# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The RTL8720DN's lwIP sockets, DNS and mbedTLS client (services 16 and 17), over real loopback
sockets and the host's ``ssl``.

From ../shared/docs/rtl8720-erpc.md section 3 and its TLS quirks, never kinder than it:

* numbered sockets, the lowest free number first, MAX_SOCKETS of them (UNCONFIRMED: the RTL's
  count is not known; a small table is the harsher guess), ``errno`` read by a call of its own;
* ``recv`` ignores its timeout; with MSG_DONTWAIT or O_NONBLOCK and nothing there it fails with
  EAGAIN and its binary is one junk byte; a blocking one holds the firmware until data comes;
* a non-blocking ``accept`` with nobody waiting fails with EAGAIN; a blocking one holds the
  firmware until a phone comes;
* a blocking ``connect`` holds the firmware until lwIP gives up (LWIP_SYN_TIMEOUT_S for a peer
  that never answers); a refused port fails at once;
* ``start_ssl_client`` does the name, the connect and the handshake on the chip, holding it
  throughout. With no root CA set (``set_rootCA`` never called on the context) the firmware
  verifies nothing and **sends no SNI** (``mbedtls_ssl_set_hostname`` is skipped); with one, it
  verifies the server and sends the name. The CA given must be a certificate the chip can
  parse; the server is then checked against the local cloud's CA, the stand-in for "the right
  root for blynk.cloud", as ``sim/cp/ssl.py`` does for a board's bundle;
* ``get_ssl_receive`` never blocks: MBEDTLS_ERR_SSL_WANT_READ when nothing is there.

Where the traffic goes is the NINA emulator's (``sim/nina/sockets.py``, whose connection,
listener and connect helpers serve here too): port 80 on the portal address, the cloud's
stand-in address to the local cloud, loopback to itself, nothing else answers.
"""

from __future__ import annotations

import ipaddress
import math
import socket as host
import ssl
import struct
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from edgent_host.sim.nina.personality import LWIP_SYN_TIMEOUT_S
from edgent_host.sim.nina.radio import CLOUD_ADDRESS
from edgent_host.sim.nina.sockets import Conn, Connecting, Listener
from edgent_host.sim.rtl8720.firmware import Blocking, Job

if TYPE_CHECKING:
    from pathlib import Path

    from edgent_host.sim.rtl8720.firmware import Firmware, Handler
    from edgent_host.sim.rtl8720.wifi import WiFi
    from edgent_host.sim.runtime import Runtime

MAX_SOCKETS = 8
RECV_LIMIT = 4000  # what one recv hands back at most (a reply must fit the 4096-byte frame)
DNS_S = 0.05
DNS_TIMEOUT_S = 5.0  # a query nobody answers (lwIP's DNS retries; UNCONFIRMED)
TLS_DEFAULT_TIMEOUT_MS = 30000  # start_ssl_client with timeout <= 0 (doc section 3)

# lwIP's errno values (the standard ones; that the RTL's match is UNCONFIRMED, doc section 3)
EBADF, EAGAIN, EINVAL, ENFILE, EADDRINUSE, ECONNRESET = 9, 11, 22, 23, 98, 104
ENOTCONN, ETIMEDOUT, ECONNREFUSED, EHOSTUNREACH, EINPROGRESS = 128, 110, 111, 113, 115
F_GETFL, F_SETFL, O_NONBLOCK, MSG_DONTWAIT = 3, 4, 1, 0x08
# mbedTLS's error codes
NET_CONNECT_FAILED = -0x0044
NET_SEND_FAILED = -0x004E
X509_CERT_VERIFY_FAILED = -0x2700
SSL_WANT_READ = -0x6900
SSL_PEER_CLOSE_NOTIFY = -0x7880
_LOOPBACK = ipaddress.IPv4Network("127.0.0.0/8")


@dataclass
class Sock:
    """One lwIP socket."""

    nonblocking: bool = False
    port: int | None = None  # bound to
    listener: Listener | None = None
    conn: Conn | None = None
    connecting: Connecting | None = None  # a non-blocking connect under way
    tls: int | None = None  # the TLS context that made it (start_ssl_client)


@dataclass
class TLSClient:
    """One ``rpc_wifi_ssl_client_create`` context."""

    root_ca: bytes | None = None
    timeout_ms: int = 0
    fd: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Timeouts:
    """What :class:`Connecting` asks of a firmware line (``sim/nina/personality.py``)."""

    tcp_connect_timeout_s: float
    tls_connect_timeout_s: float
    tls_handshake_timeout_s: float
    tls_error_loops_s: float | None = None


class _ChipConnecting(Connecting):
    """A connect (and handshake) on the chip. With ``verify`` False the handshake checks nothing
    and sends no SNI (no root CA set: ``MBEDTLS_SSL_VERIFY_NONE``, no ``set_hostname``)."""

    def __init__(self, *args: Any, verify: bool = True, **kwargs: Any) -> None:
        self.verify = verify
        self.reached = False  # the TCP connect succeeded: a failure after it is the handshake's
        super().__init__(*args, **kwargs)

    def _handshake(self, plain: host.socket, server_name: str) -> None:
        self.reached = True
        if self.verify:
            super()._handshake(plain, server_name)
            return
        began = time.monotonic()
        limit = self.personality.tls_handshake_timeout_s
        plain.settimeout(limit)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        try:
            tls = context.wrap_socket(plain, server_hostname=None, do_handshake_on_connect=False)
            tls.do_handshake()
        except TimeoutError:
            plain.close()
            self._end("failed", began + limit)
            return
        except (ssl.SSLError, OSError, ValueError):
            plain.close()
            self._end("failed", time.monotonic())
            return
        self._end("ok", time.monotonic(), tls)


class _Waiting(Job):
    """A call that returns when ``ready()`` says so, with ``answer()``'s values."""

    def __init__(self, ready: Any, answer: Any) -> None:
        self._ready = ready
        self._answer = answer

    def done(self) -> bool:
        return bool(self._ready())

    def answer(self) -> tuple[list[Any], Any]:
        return self._answer()


def _address(name: bytes) -> tuple[str, int] | None:
    """A 16-byte lwIP sockaddr_in: (address, port), or None when it is not one."""
    if len(name) < 8 or name[1] != 2:  # sin_family AF_INET
        return None
    port = struct.unpack_from(">H", name, 2)[0]
    return ".".join(str(b) for b in name[4:8]), port


class LwIP:
    """The chip's sockets and TLS contexts."""

    def __init__(self, firmware: Firmware, runtime: Runtime, wifi: WiFi) -> None:
        self.firmware = firmware
        self.runtime = runtime
        self.wifi = wifi
        self.errno = 0
        self.sockets: dict[int, Sock] = {}
        self.contexts: dict[int, TLSClient] = {}
        self._next_context = 0x20003000  # contexts are RTL heap pointers

    def handlers(self) -> dict[tuple[int, int], Handler]:
        """The functions this part answers."""
        return {
            (16, 1): self._accept,
            (16, 2): self._bind,
            (16, 8): self._close,
            (16, 9): self._connect,
            (16, 10): self._listen,
            (16, 12): self._recv,
            (16, 15): self._send,
            (16, 18): self._socket,
            (16, 21): self._select,
            (16, 23): self._fcntl,
            (16, 24): lambda args: ([], self.errno),
            (16, 25): self._gethostbyname,
            (17, 1): self._tls_create,
            (17, 2): self._tls_destroy,
            (17, 3): self._tls_init,
            (17, 5): self._tls_timeout,
            (17, 8): self._tls_root_ca,
            (17, 18): self._tls_start,
            (17, 19): self._tls_stop,
            (17, 20): self._tls_available,
            (17, 21): self._tls_send,
            (17, 22): self._tls_receive,
        }

    # -- the table -----------------------------------------------------------------------------

    def _fail(self, code: int, outs: list[Any] | None = None) -> tuple[list[Any], int]:
        self.errno = code
        return outs or [], -1

    def _new(self, sock: Sock) -> int | None:
        for number in range(MAX_SOCKETS):
            if number not in self.sockets:
                self.sockets[number] = sock
                return number
        return None

    def _get(self, number: int) -> Sock | None:
        sock = self.sockets.get(number)
        if sock is not None and sock.connecting is not None and sock.connecting.done():
            job, sock.connecting = sock.connecting, None
            if job.outcome == "ok" and job.sock is not None:
                sock.conn = Conn(job.sock, job.remote, "sta")
        return sock

    def _free(self, number: int) -> None:
        sock = self.sockets.pop(number, None)
        if sock is None:
            return
        if sock.conn is not None:
            sock.conn.close()
        if sock.listener is not None:
            sock.listener.close()
        if sock.connecting is not None:
            sock.connecting.discard()

    # -- sockets -------------------------------------------------------------------------------

    def _socket(self, args: list[Any]) -> tuple[list[Any], int]:
        domain, kind, _protocol = args
        if domain != 2 or kind != 1:
            return self._fail(EINVAL)  # the library asks for TCP only; UDP is not emulated
        number = self._new(Sock())
        return ([], number) if number is not None else self._fail(ENFILE)

    def _fcntl(self, args: list[Any]) -> tuple[list[Any], int]:
        number, command, value = args
        sock = self._get(number)
        if sock is None:
            return self._fail(EBADF)
        if command == F_GETFL:
            return [], O_NONBLOCK if sock.nonblocking else 0
        if command == F_SETFL:
            sock.nonblocking = bool(value & O_NONBLOCK)
            return [], 0
        return self._fail(EINVAL)

    def _bind(self, args: list[Any]) -> tuple[list[Any], int]:
        number, name, _length = args
        sock = self._get(number)
        where = _address(name)
        if sock is None:
            return self._fail(EBADF)
        if where is None:
            return self._fail(EINVAL)
        if any(other.port == where[1] and other is not sock for other in self.sockets.values()):
            return self._fail(EADDRINUSE)
        sock.port = where[1]
        return [], 0

    def _listen(self, args: list[Any]) -> tuple[list[Any], int]:
        number, _backlog = args
        sock = self._get(number)
        if sock is None or sock.port is None:
            return self._fail(EBADF if sock is None else EINVAL)
        try:
            sock.listener = Listener(self.runtime.bind_address(sock.port, False))
        except OSError:
            return self._fail(EADDRINUSE)
        return [], 0

    def _accept(self, args: list[Any]) -> Any:
        number, _address_in, length = args
        sock = self._get(number)
        if sock is None or sock.listener is None:
            return self._fail(EINVAL, [length])
        listener = sock.listener

        def take() -> tuple[list[Any], int]:
            conn = listener.accept() if self.wifi.ap is not None else None
            if conn is None:
                return self._fail(EAGAIN, [length])
            self.wifi.phone_seen()
            new = self._new(Sock(conn=conn))
            if new is None:
                conn.close()
                return self._fail(ENFILE, [length])
            return [16], new

        if sock.nonblocking or (self.wifi.ap is not None and listener.pending()):
            return take()
        # blocking, nobody there: the firmware waits for a phone
        return _Waiting(lambda: self.wifi.ap is not None and listener.pending(), take)

    def _route(self, address: str, port: int) -> tuple[tuple[str, int], bool] | None:
        """(where to really connect, whether nobody will answer), or None without a station."""
        if not self.wifi.station_up():
            return None
        if address == CLOUD_ADDRESS:
            return self.runtime.cloud, not self.wifi.has_internet()
        return (address, port), ipaddress.IPv4Address(address) not in _LOOPBACK

    def _connect(self, args: list[Any]) -> Any:
        number, name, _length = args
        sock = self._get(number)
        where = _address(name)
        if sock is None or where is None:
            return self._fail(EBADF if sock is None else EINVAL)
        if sock.conn is not None or sock.connecting is not None:
            return self._fail(EINVAL)
        route = self._route(*where)
        if route is None:
            return self._fail(EHOSTUNREACH)
        timeouts = _Timeouts(LWIP_SYN_TIMEOUT_S, LWIP_SYN_TIMEOUT_S, math.inf)
        job = Connecting(timeouts, route[0], where, None, None, route[1])  # type: ignore[arg-type]
        if sock.nonblocking:
            sock.connecting = job
            return self._fail(EINPROGRESS)

        def outcome() -> tuple[list[Any], int]:
            if job.outcome == "ok" and job.sock is not None:
                sock.conn = Conn(job.sock, where, "sta")
                return [], 0
            quick = time.monotonic() - job.started < 1.0
            return self._fail(ECONNREFUSED if quick else ETIMEDOUT)

        return _Waiting(job.done, outcome)

    def _recv(self, args: list[Any]) -> Any:
        number, length, flags, _timeout = args  # the timeout is ignored (doc section 3)
        sock = self._get(number)
        if sock is None:
            return self._fail(EBADF, [b"\0"])
        conn = sock.conn
        if conn is None:
            return self._fail(ENOTCONN, [b"\0"])

        def take() -> tuple[list[Any], int]:
            data = conn.read(min(length, RECV_LIMIT))
            if data:
                return [data], len(data)
            if conn.eof or conn.closed:
                return [b"\0"], 0
            return self._fail(EAGAIN, [b"\0"])

        if sock.nonblocking or flags & MSG_DONTWAIT or conn.available() or conn.eof or conn.closed:
            return take()
        return _Waiting(lambda: conn.available() or conn.eof or conn.closed, take)

    def _send(self, args: list[Any]) -> tuple[list[Any], int]:
        number, data, _flags = args
        sock = self._get(number)
        if sock is None:
            return self._fail(EBADF)
        if sock.conn is None:
            return self._fail(ENOTCONN)
        if sock.conn.closed:
            return self._fail(ECONNRESET)
        sent = sock.conn.write(data)
        return ([], sent) if sent else self._fail(ECONNRESET)

    def _ready(self, number: int, writing: bool) -> bool:
        sock = self._get(number)
        if sock is None:
            return False
        if sock.listener is not None:
            return not writing and self.wifi.ap is not None and sock.listener.pending()
        if sock.conn is None:
            return False
        if writing:
            return not sock.conn.closed
        return bool(sock.conn.available()) or sock.conn.eof or sock.conn.closed

    def _select(self, args: list[Any]) -> Any:
        """The fd sets go in only: the reply is the count of ready sockets, not which ones (doc
        section 3). A null timeout waits for ever; the timeout is a timeval (i32 s, i32 µs)."""
        limit, readset, writeset, _exceptset, timeval = args

        def members(fdset: bytes | None) -> list[int]:
            if fdset is None:
                return []
            return [n for n in range(min(limit, len(fdset) * 8)) if fdset[n // 8] >> (n % 8) & 1]

        reading, writing = members(readset), members(writeset)

        def count() -> int:
            return sum(self._ready(n, False) for n in reading) + sum(self._ready(n, True) for n in writing)

        ready = count()
        if ready or (timeval is not None and len(timeval) >= 8 and not any(timeval[:8])):
            return [], ready
        ends = None
        if timeval is not None and len(timeval) >= 8:
            seconds, micros = struct.unpack_from("<ii", timeval)
            ends = time.monotonic() + seconds + micros / 1e6
        return _Waiting(lambda: count() > 0 or (ends is not None and time.monotonic() >= ends), lambda: ([], count()))

    def _close(self, args: list[Any]) -> tuple[list[Any], int]:
        (number,) = args
        if number not in self.sockets:
            return self._fail(EBADF)
        self._free(number)
        return [], 0

    def _gethostbyname(self, args: list[Any]) -> Any:
        (name,) = args
        text = name.decode("utf-8", "replace")
        if not self.wifi.station_up():
            return [b"\0" * 4], -6  # ERR_VAL: no interface up
        found = self.wifi.resolve(text)
        if found is None:
            return Blocking([b"\0" * 4], -6, DNS_TIMEOUT_S)
        return Blocking([bytes(int(part) for part in found.split("."))], 0, DNS_S)

    # -- TLS -----------------------------------------------------------------------------------

    def _tls_create(self, args: list[Any]) -> tuple[list[Any], int]:
        self._next_context += 0x100
        self.contexts[self._next_context] = TLSClient()
        return [], self._next_context

    def _context(self, pointer: int) -> TLSClient | None:
        return self.contexts.get(pointer)

    def _tls_destroy(self, args: list[Any]) -> tuple[list[Any], None]:
        context = self.contexts.pop(args[0], None)
        if context is not None and context.fd is not None:
            self._free(context.fd)
        return [], None

    def _tls_init(self, args: list[Any]) -> tuple[list[Any], None]:
        return [], None

    def _tls_timeout(self, args: list[Any]) -> tuple[list[Any], None]:
        context = self._context(args[0])
        if context is not None:
            context.timeout_ms = args[1]
        return [], None

    def _tls_root_ca(self, args: list[Any]) -> tuple[list[Any], int]:
        context = self._context(args[0])
        if context is not None:
            context.root_ca = args[1]
        return [], args[0] + 0x40  # a pointer to where the PEM was kept

    def _tls_start(self, args: list[Any]) -> Any:
        pointer, name, port, timeout = args
        context = self._context(pointer)
        if context is None or name is None:
            return [], NET_CONNECT_FAILED
        if context.fd is not None:
            self._free(context.fd)
            context.fd = None
        text = name.decode("utf-8", "replace")
        found = self.wifi.resolve(text)
        if found is None:  # the name first: a query nobody answers holds the chip
            return Blocking([], NET_CONNECT_FAILED, DNS_TIMEOUT_S if self.wifi.station_up() else 0.0)
        route = self._route(found, port)
        if route is None:
            return [], NET_CONNECT_FAILED
        trusted = _parses(context.root_ca)
        if context.root_ca is not None and not trusted:
            return [], X509_CERT_VERIFY_FAILED  # the chip cannot read the CA it was given
        limit_ms = (
            context.timeout_ms if context.timeout_ms > 0 else (timeout if timeout > 0 else TLS_DEFAULT_TIMEOUT_MS)
        )
        timeouts = _Timeouts(LWIP_SYN_TIMEOUT_S, LWIP_SYN_TIMEOUT_S, limit_ms / 1000)
        ca_file: Path | None = self.runtime.ca_file
        job = _ChipConnecting(
            timeouts, route[0], (found, port), text, ca_file, route[1], verify=context.root_ca is not None
        )

        def outcome() -> tuple[list[Any], int]:
            if job.outcome != "ok" or job.sock is None:
                return [], X509_CERT_VERIFY_FAILED if job.reached else NET_CONNECT_FAILED
            number = self._new(Sock(conn=Conn(job.sock, (found, port), "sta", tls=True), tls=pointer))
            if number is None:
                job.sock.close()
                return [], NET_CONNECT_FAILED
            context.fd = number
            return [], number

        return _Waiting(job.done, outcome)

    def _tls_conn(self, pointer: int) -> Conn | None:
        context = self._context(pointer)
        if context is None or context.fd is None:
            return None
        sock = self.sockets.get(context.fd)
        return sock.conn if sock is not None else None

    def _tls_stop(self, args: list[Any]) -> tuple[list[Any], None]:
        context = self._context(args[0])
        if context is not None and context.fd is not None:
            self._free(context.fd)
            context.fd = None
        return [], None

    def _tls_available(self, args: list[Any]) -> tuple[list[Any], int]:
        conn = self._tls_conn(args[0])
        if conn is None or conn.closed:
            return [], -1
        return [], conn.available()

    def _tls_send(self, args: list[Any]) -> tuple[list[Any], int]:
        pointer, data, length = args
        conn = self._tls_conn(pointer)
        if conn is None or conn.closed:
            return [], NET_SEND_FAILED
        sent = conn.write(data[:length])
        return [], sent if sent else NET_SEND_FAILED

    def _tls_receive(self, args: list[Any]) -> tuple[list[Any], int]:
        pointer, length = args
        conn = self._tls_conn(pointer)
        if conn is None:
            return [b"\0"], NET_CONNECT_FAILED
        data = conn.read(max(0, min(length, RECV_LIMIT)))
        if data:
            return [data], len(data)
        if conn.eof or conn.closed:
            return [b"\0"], SSL_PEER_CLOSE_NOTIFY
        return [b"\0"], SSL_WANT_READ

    # -- the chip's state changes --------------------------------------------------------------

    def drop_station(self) -> None:
        """The station went: lwIP aborts the connections bound to its address, and connects under way."""
        for sock in self.sockets.values():
            if sock.conn is not None and sock.conn.side == "sta":
                sock.conn.close()
            if sock.connecting is not None:
                sock.connecting.abort()

    def drop_ap(self) -> None:
        """The access point went: the phones' connections end."""
        for sock in self.sockets.values():
            if sock.conn is not None and sock.conn.side == "ap":
                sock.conn.close()

    def close_all(self) -> None:
        """The chip stops: every socket goes."""
        for number in list(self.sockets):
            self._free(number)
        self.contexts.clear()


def _parses(pem: bytes | None) -> bool:
    """True when ``pem`` holds a certificate (what mbedtls_x509_crt_parse would take)."""
    if pem is None:
        return False
    try:
        text = pem.decode("ascii").strip("\0")
        ssl.PEM_cert_to_DER_cert(text[: text.index("-----END CERTIFICATE-----") + 25])
    except (UnicodeDecodeError, ValueError):
        return False
    return True
