# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The firmware's numbered sockets, over real loopback sockets.

nina-fw keeps, per slot, a socket type (``socketTypes[]``, NO_MODE when free) and one object of
each kind: a TCP client, a TLS client, a TCP server and a UDP socket (CommandHandler.cpp). The
emulator keeps the same, with host sockets behind them, so the firmware's bookkeeping quirks
come out as on the board:

- GET_SOCKET names the first free slot but reserves nothing: two sockets made before either
  connects get the same number.
- Closing a server socket (STOP_CLIENT_TCP) frees the slot and stops only the slot's *client*:
  the server keeps listening until the ESP32 resets, and its slot number, once reused for a plain
  TCP client, still answers AVAIL_DATA_TCP as a server would (it accepts instead of counting
  bytes). TLS clients in that slot are not affected.
- GET_CLIENT_STATE_TCP on a slot whose client is not connected frees the slot on 1.x/2.0 and 3.0
  (a listening server's slot included: its server keeps listening); 3.3.0 frees it only if
  START_CLIENT_TCP connected it (``socketWasConnected``), so an accepted client's slot stays
  taken until STOP_CLIENT_TCP; 3.1 and 3.2 never free it there (truth §16).
- Connecting a slot whose TCP client is still open leaves the old connection open, unreachable.

START_CLIENT_TCP runs as long as the firmware's connect does (truth §15): the host connect and
the TLS handshake run in a thread (:class:`Connecting`) bounded by the firmware's own timeouts
(personality.py), and the ESP32 stays busy (its ready line high) until they end; the library
gives up after 10 s and is out of step from then on (chip.py). A connection the host refuses is
taken for one that is never answered (a firewall dropping the SYN, the harsher reading), and so
is any address but loopback and ``CLOUD_ADDRESS``: the simulated internet has no other hosts, and
the emulator never reaches out to real ones.

Where the traffic goes is ``sim/cp/socketpool.py``'s: servers listen where
``runtime.bind_address`` says (TCP port 80 on the portal address, where the device's
192.168.4.1:80 is reachable; UDP port 53 on ``runtime.dns``; any other on a free loopback
port); ``CLOUD_ADDRESS`` (what ``blynk.cloud`` resolves to) on any port is the local cloud;
outgoing connections need the station. TLS ends here, in "the ESP32": it verifies the server
against the local cloud's CA (``runtime.ca_file``), the stand-in for the firmware's root bundle,
as ``sim/cp/ssl.py`` does. A client accepted from the portal is a phone on the AP, 192.168.4.2.
"""

from __future__ import annotations

import ipaddress
import math
import select
import socket as host
import ssl
import struct
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from edgent_host.sim.nina import protocol as p
from edgent_host.sim.nina.radio import CLOUD_ADDRESS, Radio
from edgent_host.sim.runtime import trusting_context
from edgent_host.sim.world import PHONE_IP

if TYPE_CHECKING:
    from edgent_host.sim.nina.personality import Personality
    from edgent_host.sim.runtime import Runtime

WRITE_TIMEOUT_S = 5.0  # bounds a TLS write (mbedtls_ssl_write blocks until it is out)
RX_LIMIT = 65535  # AVAIL_DATA_TCP answers a uint16
UDP_TX_LIMIT = 1500  # WiFiUDP's send buffer
_LOOPBACK = ipaddress.IPv4Network("127.0.0.0/8")


def _readable(sock: host.socket) -> bool:
    """True when ``sock`` has something to take in (bytes, a datagram, a client), without waiting."""
    try:
        ready, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return False  # closed under us: nothing to read
    return bool(ready)


def _shut(sock: host.socket) -> None:
    """Shut a socket down under a thread blocked on it (a TLS socket's own shutdown would unwrap it)."""
    try:
        host.socket.shutdown(sock, host.SHUT_RDWR)
    except OSError:
        pass


class Conn:
    """One TCP connection (a WiFiClient or a TLS client): a non-blocking host socket and what it received."""

    def __init__(self, sock: host.socket, remote: tuple[str, int], side: str, tls: bool = False) -> None:
        sock.setblocking(False)
        self.sock = sock
        self.remote = remote  # the peer as the device sees it
        self.side = side  # "sta" (through the station) or "ap" (a phone on the AP)
        self.tls = tls
        self.rx = bytearray()
        self.eof = False
        self.closed = False

    def pump(self) -> None:
        """Take in what has arrived, without waiting."""
        while not self.closed and not self.eof and len(self.rx) < RX_LIMIT:
            try:
                data = self.sock.recv(RX_LIMIT - len(self.rx))
            except (BlockingIOError, ssl.SSLWantReadError, ssl.SSLWantWriteError):
                return
            except (ssl.SSLZeroReturnError, OSError):
                self.eof = True
                return
            if not data:
                self.eof = True
                return
            self.rx += data

    def available(self) -> int:
        """Bytes ready to read."""
        self.pump()
        return len(self.rx)

    def read(self, count: int) -> bytes:
        """Up to ``count`` received bytes."""
        self.pump()
        data = bytes(self.rx[:count])
        del self.rx[:count]
        return data

    def connected(self) -> bool:
        """WiFiClient::connected: open, and not (closed by the peer with nothing left to read)."""
        self.pump()
        if not self.closed and self.eof and not self.rx:
            self.close()  # the firmware's connected() stop()s such a socket
        return not self.closed

    def write(self, data: bytes) -> int:
        """Send; the count written, 0 when the connection is gone (which also closes it)."""
        if self.closed:
            return 0
        try:
            if self.tls:
                self.sock.settimeout(WRITE_TIMEOUT_S)  # mbedtls_ssl_write blocks until it is out
                try:
                    self.sock.sendall(data)
                finally:
                    self.sock.setblocking(False)
                return len(data)
            return self.sock.send(data)  # lwip_send(..., MSG_DONTWAIT): may be short
        except OSError:
            self.close()  # WiFiClient::write closes the socket when lwip_send fails
            return 0

    def readable(self) -> bool:
        """True when bytes wait (for the GPIO0 "data available" line)."""
        if self.rx:
            return True
        if self.closed:
            return False
        if self.tls and isinstance(self.sock, ssl.SSLSocket) and self.sock.pending():
            return True
        return _readable(self.sock)

    def close(self) -> None:
        """Close the connection (twice is fine)."""
        if not self.closed:
            self.closed = True
            try:
                self.sock.close()
            except OSError:
                pass

    def reset(self) -> None:
        """End the connection with a reset (RST), as the peer sees a link that went away."""
        if not self.closed:
            try:
                self.sock.setsockopt(host.SOL_SOCKET, host.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass
        self.close()


class Listener:
    """A host listening socket for one device port; every server started on that port shares it.

    :meth:`suspend` closes it for a while (connections are refused, those waiting are reset) and
    listens again on the same address afterwards: the phones are off the AP meanwhile.
    """

    def __init__(self, address: tuple[str, int]) -> None:
        self._lock = threading.Lock()
        self.sock: host.socket | None = self._listen(address)
        self.address = self.sock.getsockname()  # the port really bound, for listening again
        self._timer: threading.Timer | None = None

    @staticmethod
    def _listen(address: tuple[str, int]) -> host.socket:
        sock = host.socket(host.AF_INET, host.SOCK_STREAM)
        sock.setsockopt(host.SOL_SOCKET, host.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
            sock.listen(8)
        except OSError:
            sock.close()
            raise
        sock.setblocking(False)
        return sock

    def accept(self) -> Conn | None:
        """A client waiting to be accepted, or None."""
        with self._lock:
            sock = self.sock
        if sock is None:
            return None
        try:
            conn, peer = sock.accept()
        except (BlockingIOError, OSError):
            return None
        return Conn(conn, (PHONE_IP, peer[1]), "ap")

    def pending(self) -> bool:
        """True when a client waits."""
        with self._lock:
            sock = self.sock
        return sock is not None and _readable(sock)

    def suspend(self, seconds: float) -> None:
        """Stop listening for ``seconds`` (nobody can reach the port), then listen again."""
        with self._lock:
            if self.sock is not None:
                self.sock.close()
                self.sock = None
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(seconds, self._resume)
            self._timer.daemon = True
            self._timer.start()

    def _resume(self) -> None:
        with self._lock:
            self._timer = None
            if self.sock is None:
                try:
                    self.sock = self._listen(self.address)
                except OSError:
                    pass  # the port was taken meanwhile: the server stays deaf, as a lost AP would

    def close(self) -> None:
        """Stop listening."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if self.sock is not None:
                self.sock.close()
                self.sock = None


class Server:
    """A WiFiServer / NetworkServer: the listener of its port, and (1.x) the clients it accepted."""

    def __init__(self, listener: Listener | None) -> None:
        self.listener = listener
        self.spawned: list[Conn] = []  # 1.x WiFiServer::_spawnedSockets

    def __bool__(self) -> bool:
        return self.listener is not None


class Udp:
    """A WiFiUDP: a bound datagram socket, the packet being read, the packet being written.

    As nina-fw 1.x's WiFiUdp.cpp: ``available`` counts what is left of the packet that
    ``parsePacket`` took in (the firmware's GPIO0 task calls it after every command); the remote
    address is that packet's sender until ``beginPacket`` (START_CLIENT_TCP in UDP mode) sets
    another; ``endPacket`` (SEND_UDP_DATA) sends what INSERT_DATABUF wrote since the last
    ``beginPacket``, without clearing it: a second reply without a new START_CLIENT_TCP repeats
    the first one's bytes in front of its own.
    """

    def __init__(self) -> None:
        self.sock: host.socket | None = None
        self.packet = b""
        self.index = 0
        self.remote: tuple[str, int] = ("0.0.0.0", 0)
        self.target: tuple[str, int] = ("0.0.0.0", 0)  # where sends really go
        self.tx = bytearray()

    def begin(self, address: tuple[str, int]) -> bool:
        """Bind a datagram socket to ``address`` (closing the one before)."""
        self.stop()
        sock = host.socket(host.AF_INET, host.SOCK_DGRAM)
        sock.setsockopt(host.SOL_SOCKET, host.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError:
            sock.close()
            return False
        sock.setblocking(False)
        self.sock = sock
        return True

    def parse_packet(self) -> None:
        """Take in the next datagram once the current one is read (the GPIO0 task's parsePacket)."""
        if self.sock is None or self.available():
            return
        try:
            data, peer = self.sock.recvfrom(4096)
        except (BlockingIOError, OSError):
            return
        self.packet, self.index = data, 0
        self.remote = self.target = (peer[0], peer[1])

    def available(self) -> int:
        """Bytes left in the current packet."""
        return len(self.packet) - self.index

    def peek(self) -> int | None:
        """The next byte of the current packet, without taking it; None at its end."""
        return self.packet[self.index] if self.index < len(self.packet) else None

    def read(self, count: int) -> bytes:
        """Up to ``count`` bytes of the current packet."""
        data = self.packet[self.index : self.index + count]
        self.index += len(data)
        return data

    def begin_packet(self, remote: tuple[str, int], target: tuple[str, int]) -> None:
        """Address the next packet (and start it empty)."""
        self.remote, self.target = remote, target
        self.tx.clear()

    def write(self, data: bytes) -> int:
        """Add to the packet being written; the count taken."""
        room = max(0, UDP_TX_LIMIT - len(self.tx))
        self.tx += data[:room]
        return min(len(data), room)

    def end_packet(self) -> bool:
        """Send the packet being written."""
        if self.sock is None:
            return False
        try:
            self.sock.sendto(bytes(self.tx), self.target)
        except OSError:
            return False
        return True

    def readable(self) -> bool:
        """True when a datagram waits or the current one is not read to its end."""
        if self.available():
            return True
        return self.sock is not None and _readable(self.sock)

    def stop(self) -> None:
        """Close the socket."""
        if self.sock is not None:
            self.sock.close()
            self.sock = None
        self.packet, self.index = b"", 0


class Connecting:
    """A START_CLIENT_TCP (TCP or TLS) the firmware is carrying out: the firmware is busy until
    :meth:`done`, and then answers what :attr:`outcome` says.

    A thread makes the host connection and, for TLS, the handshake, each bounded by the
    firmware's own timeout (real seconds: the ESP32 is busy as long as the board's would be).
    ``unanswered`` (a refused or unroutable peer) needs no thread: the firmware waits out its
    connect timeout. Outcomes: ``"ok"`` (``sock`` is the connection), ``"failed"``, and 1.7.x's
    ``"stopped"``: the handshake failed, ``WiFiSSLClient::connect`` looped until its timeout and
    returned -1, which ``startClientTcp`` answers as a success, the client being stopped.
    """

    def __init__(
        self,
        personality: Personality,
        target: tuple[str, int],
        remote: tuple[str, int],
        server_name: str | None,
        ca_file: Path | None,
        unanswered: bool,
    ) -> None:
        self.personality = personality
        self.target = target
        self.remote = remote  # the peer as the device sees it
        self.server_name = server_name  # None: plain TCP
        self.ca_file = ca_file
        self.started = time.monotonic()
        self.outcome = "failed"
        self.sock: host.socket | None = None
        self._ends_at: float | None = None  # when the firmware returns, once the thread knows
        self._lock = threading.Lock()
        self._current: host.socket | None = None  # the handshake's socket, while the thread waits on it
        self._aborted = False
        self._discarded = False
        if unanswered:
            self._ends_at = self.started + self._connect_timeout()
        else:
            threading.Thread(target=self._run, name="nina-connect", daemon=True).start()

    def _connect_timeout(self) -> float:
        if self.server_name is None:
            return self.personality.tcp_connect_timeout_s
        return self.personality.tls_connect_timeout_s

    @property
    def ends_at(self) -> float | None:
        """When the firmware returns from the connect (``time.monotonic``); None while its thread
        still waits on the peer (a handshake with no timeout waits for ever)."""
        with self._lock:
            return self._ends_at

    def done(self) -> bool:
        """True once the firmware has returned from the connect."""
        with self._lock:
            return self._ends_at is not None and time.monotonic() >= self._ends_at

    def _end(self, outcome: str, at: float, sock: host.socket | None = None) -> None:
        with self._lock:
            self._current = None
            if self._discarded:
                if sock is not None:
                    sock.close()
                return
            if self._aborted and outcome == "failed":
                at = min(at, time.monotonic())
            self.outcome, self.sock, self._ends_at = outcome, sock, at

    def _run(self) -> None:
        timeout = self._connect_timeout()
        try:
            plain = host.create_connection(self.target, timeout=None if math.isinf(timeout) else timeout)
        except ConnectionRefusedError:
            # A closed port answers the SYN with a reset, and lwIP's connect fails at once
            # (ECONNREFUSED): the firmware is not kept busy. A peer that does not answer at all
            # (the unroutable addresses above) waits out the firmware's timeout.
            self._end("failed", time.monotonic())
            return
        except OSError:
            self._end("failed", self.started + timeout)
            return
        if self.server_name is None:
            with self._lock:
                aborted = self._aborted
            if aborted:
                plain.close()
                self._end("failed", time.monotonic())
            else:
                self._end("ok", time.monotonic(), plain)
            return
        self._handshake(plain, self.server_name)

    def _handshake(self, plain: host.socket, server_name: str) -> None:
        """TLS in the ESP32: verify the server against the root bundle (here: the local cloud's CA).

        3.x (ssl_client.cpp): a non-blocking socket polled until ``handshake_timeout``; 1.x/2.0
        (WiFiSSLClient.cpp): a blocking socket with no timeout, so a server that never answers
        holds the firmware until it closes or the ESP32 resets.
        """
        began = time.monotonic()
        limit = self.personality.tls_handshake_timeout_s
        plain.settimeout(None if math.isinf(limit) else limit)
        current: host.socket = plain
        try:
            tls = trusting_context(self.ca_file).wrap_socket(
                plain, server_hostname=server_name, do_handshake_on_connect=False
            )
            current = tls
            with self._lock:
                aborted = self._aborted or self._discarded
                self._current = tls  # what abort() and discard() shut down to end the wait
            if aborted:
                raise ConnectionAbortedError
            tls.do_handshake()
        except TimeoutError:
            current.close()
            self._end("failed", began + limit)
            return
        except (ssl.SSLError, OSError, ValueError):
            current.close()
            loops = self.personality.tls_error_loops_s
            if loops is not None:
                self._end("stopped", began + loops)  # 1.7.x: loops, then "succeeds"
            else:
                self._end("failed", time.monotonic())
            return
        self._end("ok", time.monotonic(), tls)

    def abort(self) -> None:
        """The station went under the connect (2.0/3.x ``handleWiFiDisconnect`` closes the socket;
        1.7's lwIP aborts it with the station's address): the connect fails now, or for a TLS
        handshake under way, as a failed handshake does on this firmware line."""
        with self._lock:
            self._aborted = True
            current = self._current
            if self._ends_at is not None and self.outcome == "failed":
                self._ends_at = min(self._ends_at, time.monotonic())
        if current is not None:
            _shut(current)  # wakes the thread blocked in the handshake

    def discard(self) -> None:
        """The ESP32 resets under the connect: drop it and whatever it made."""
        with self._lock:
            self._discarded = True
            current = self._current
            if self.sock is not None:
                self.sock.close()
                self.sock = None
        if current is not None:
            _shut(current)


@dataclass
class Slot:
    """One socket number: its type and the object of each kind it holds."""

    mode: int = p.NO_MODE
    tcp: Conn | None = None
    tls: Conn | None = None
    server: Server | None = None
    udp: Udp | None = None
    was_connected: bool = False  # 3.3.0's socketWasConnected: START_CLIENT_TCP connected it

    @property
    def conn(self) -> Conn | None:
        """The client of the slot's type: the TCP client in TCP mode, the TLS client in TLS mode, else None."""
        if self.mode == p.TCP_MODE:
            return self.tcp
        if self.mode == p.TLS_MODE:
            return self.tls
        return None


def _dead(item: Conn | Server) -> bool:
    """True when nothing of a leaked object is open any more (a server: every client it accepted)."""
    if isinstance(item, Conn):
        return item.closed
    return all(client.closed for client in item.spawned)


class SocketTable:
    """The firmware's sockets (``socketTypes[]``, ``tcpClients[]``, ``tlsClients[]``, ``tcpServers[]``, ``udps[]``)."""

    def __init__(self, runtime: Runtime, personality: Personality, radio: Radio) -> None:
        self.runtime = runtime
        self.personality = personality
        self.radio = radio
        self.slots = [Slot() for _ in range(personality.max_sockets)]
        self._listeners: dict[int, Listener] = {}  # every port listened on since boot
        self._leaked: list[Conn | Server] = []  # overwritten objects whose sockets stay open
        self._connecting: tuple[int, int, Connecting] | None = None  # (slot, mode, job) under way

    def _slot(self, number: int) -> Slot:
        if 0 <= number < len(self.slots):
            return self.slots[number]
        return Slot()  # the firmware does not check: a number out of range behaves as a free slot

    # -- allocation ------------------------------------------------------------------------

    def get_socket(self) -> int:
        """GET_SOCKET: the first free slot, or 255; nothing is reserved."""
        for number, slot in enumerate(self.slots):
            if slot.mode == p.NO_MODE:
                slot.was_connected = False  # 3.3.0 getSocket clears socketWasConnected
                return number
        return p.NO_SOCKET

    # -- servers ---------------------------------------------------------------------------

    def _bind(self, port: int) -> Listener | None:
        """lwIP's bind + listen for a new server on ``port``; None when it fails. No server ever
        stops listening before a reset (no command ends one), so a port listened on once stays
        taken: a second server there gets ERR_USE (1.x/2.0 bind without SO_REUSEADDR; 3.x's
        tcp_listen refuses a second listener on a port even with it)."""
        if port in self._listeners:
            return None
        try:
            listener = Listener(self.runtime.bind_address(port, udp=False))
        except OSError:
            return None
        self._listeners[port] = listener
        return listener

    def start_server(self, number: int, port: int, mode: int) -> bool:
        """START_SERVER_TCP: a TCP server, or a UDP socket bound to ``port``."""
        slot = self._slot(number)
        if mode == p.TCP_MODE:
            if not self.personality.legacy and slot.server:
                slot.mode = p.TCP_MODE
                return True  # NetworkServer::begin on a listening server does nothing
            if self.personality.legacy and slot.server is not None:
                # tcpServers[socket] = WiFiServer(port): the old server is dropped, not ended (its
                # socket keeps listening, and keeps its port).
                self._leak(slot.server)
            slot.server = Server(self._bind(port))
            if slot.server or self.personality.server_start_always_ok:
                # 1.7 sets the type and answers 1 whatever begin() did: a server that could not
                # bind then answers AVAIL_DATA_TCP as an empty client slot does, 0.
                slot.mode = p.TCP_MODE
                return True
            return False
        if mode in (p.UDP_MODE, p.UDP_MULTICAST_MODE):
            address = self.runtime.bind_address(port, udp=True)
            udp = slot.udp or Udp()
            if not udp.begin(address):
                return False
            slot.udp = udp
            slot.mode = p.UDP_MODE
            return True
        return False

    def server_state(self, number: int) -> bool:
        """GET_STATE_TCP: whether the slot's server listens (whatever the slot's type now is)."""
        return bool(self._slot(number).server)

    def available(self, number: int, accept_flag: int) -> int:
        """AVAIL_DATA_TCP: bytes to read, or on a server's slot the slot of a client (255: none).

        ``accept_flag`` is the byte after the frame's END: padding the library leaves over from an
        earlier command, which 2.0 and 3.x read as "accept" (CommandHandler.cpp availDataTcp).
        """
        slot = self._slot(number)
        if slot.mode == p.TCP_MODE and slot.server:
            if self.personality.server_reads_accept_flag and accept_flag:
                return self._accept_into_free_slot(slot.server)
            if self.personality.server_offers_only_data:
                return self._offer_with_data(number, slot.server)
            return self._offer_new(number, slot.server)
        if slot.mode == p.UDP_MODE:
            return slot.udp.available() if slot.udp is not None else 0
        conn = slot.conn
        return conn.available() if conn is not None else 0

    def _accept(self, server: Server) -> Conn | None:
        assert server.listener is not None
        conn = server.listener.accept()
        if conn is not None:
            self.radio.phone_seen()
        return conn

    def _offer_with_data(self, number: int, server: Server) -> int:
        """1.x/2.0: WiFiServer::available() returns a client only once it has sent something."""
        conn = self._accept(server)
        if conn is not None:
            server.spawned.append(conn)
        chosen = None
        for client in list(server.spawned):
            if not client.connected():
                server.spawned.remove(client)
            elif client.available():
                chosen = client
                break
        if chosen is None:
            return p.NO_SOCKET
        for other, slot in enumerate(self.slots):
            if other != number and slot.mode == p.TCP_MODE and slot.tcp is chosen:
                return other  # the same client again: it still has unread data
        for other, slot in enumerate(self.slots):
            if other != number and slot.mode == p.NO_MODE:
                self._put_tcp(slot, chosen)
                return other
        return p.NO_SOCKET  # the client stays with the server and is offered again later

    def _accept_into_free_slot(self, server: Server) -> int:
        """The accept flag (2.0, 3.x): the first free slot, the server's own included, takes a
        waiting client; with none free the client is left waiting."""
        for other, slot in enumerate(self.slots):
            if slot.mode == p.NO_MODE:
                conn = self._accept(server)
                if conn is None:
                    return p.NO_SOCKET
                self._put_tcp(slot, conn)
                return other
        return p.NO_SOCKET

    def _offer_new(self, number: int, server: Server) -> int:
        """3.x without the flag: a new client at once (NetworkServer::accept)."""
        conn = self._accept(server)
        if conn is None:
            return p.NO_SOCKET
        for other, slot in enumerate(self.slots):
            if other != number and slot.mode == p.NO_MODE:
                self._put_tcp(slot, conn)
                return other
        conn.close()  # no slot keeps the accepted client: the phone sees its connection close
        return p.NO_SOCKET

    def _put_tcp(self, slot: Slot, conn: Conn) -> None:
        if slot.tcp is not None and slot.tcp is not conn and not slot.tcp.closed:
            self._leak(slot.tcp)
        slot.tcp = conn
        slot.mode = p.TCP_MODE

    def _leak(self, item: Conn | Server) -> None:
        """Keep an overwritten object whose sockets stay open, dropping leaked ones now all closed."""
        self._leaked = [old for old in self._leaked if not _dead(old)]
        self._leaked.append(item)

    # -- clients ---------------------------------------------------------------------------

    def _resolve(self, name: str, address: bytes) -> str | None:
        """The peer START_CLIENT_TCP names: ``name`` through the station's DNS, else the 4 address bytes."""
        if name:
            return self.radio.resolve(name)
        return ".".join(str(byte) for byte in address[:4])

    def _route(self, name: str, address: bytes, port: int) -> tuple[str, tuple[str, int], bool] | None:
        """(the peer's address as the device sees it, where to really connect, whether nobody will
        answer), or None when the connect fails at once (no station, a name that does not resolve)."""
        if not self.radio.station_up():
            return None  # outgoing connections go through the station
        resolved = self._resolve(name, address)
        if resolved is None:
            return None
        if resolved == CLOUD_ADDRESS:
            # A network without internet: the router has no uplink and the SYN goes nowhere.
            return resolved, self.runtime.cloud, not self.radio.has_internet()
        # Only loopback stands for a host of the simulated world; nothing else answers.
        return resolved, (resolved, port), ipaddress.IPv4Address(resolved) not in _LOOPBACK

    def _tls_in_use(self, number: int) -> bool:
        for other, slot in enumerate(self.slots):
            if other != number and slot.mode == p.TLS_MODE and slot.tls is not None:
                return True
        return False

    def start_client(self, number: int, mode: int, name: str, address: bytes, port: int) -> bool | Connecting:
        """START_CLIENT_TCP: connect slot ``number`` (TCP or TLS), or address its UDP packets.

        The answer, or for a TCP or TLS connect that got under way the :class:`Connecting` the
        firmware is busy with (its answer comes from :meth:`finish_connect`).
        """
        slot = self._slot(number)
        if mode == p.UDP_MODE:
            resolved = self._resolve(name, address)
            if resolved is None:
                return False
            target = self.runtime.cloud if resolved == CLOUD_ADDRESS else (resolved, port)
            udp = slot.udp or Udp()
            udp.begin_packet((resolved, port), target)
            slot.udp = udp
            slot.mode = p.UDP_MODE
            return True
        if mode not in (p.TCP_MODE, p.TLS_MODE):
            return False
        if mode == p.TLS_MODE and self._tls_in_use(number):
            return False  # one TLS connection at a time (the heap holds one mbedtls context)
        route = self._route(name, address, port)
        if route is None:
            return False
        seen_as, target, unanswered = route
        server_name = (name or seen_as) if mode == p.TLS_MODE else None
        job = Connecting(self.personality, target, (seen_as, port), server_name, self.runtime.ca_file, unanswered)
        self._connecting = (number, mode, job)
        return job

    def finish_connect(self) -> bool:
        """The connect under way has ended: put what it made in its slot; the answer."""
        assert self._connecting is not None
        (number, mode, job), self._connecting = self._connecting, None
        if job.outcome == "failed":
            return False
        slot = self._slot(number)
        if mode == p.TCP_MODE:
            assert job.sock is not None
            self._put_tcp(slot, Conn(job.sock, job.remote, "sta"))
        else:
            if slot.tls is not None:
                slot.tls.close()
            if job.outcome == "stopped":
                # 1.7.x: "connected" with the TLS client stopped: GET_CLIENT_STATE_TCP reads 0.
                slot.tls = Conn(host.socket(host.AF_INET, host.SOCK_STREAM), job.remote, "sta", tls=True)
                slot.tls.close()
            else:
                assert job.sock is not None
                slot.tls = Conn(job.sock, job.remote, "sta", tls=True)
            slot.mode = p.TLS_MODE
        slot.was_connected = True
        return True

    def stop(self, number: int) -> None:
        """STOP_CLIENT_TCP: stop the object of the slot's type (for TCP, the client only) and free the slot."""
        slot = self._slot(number)
        conn = slot.conn
        if slot.mode == p.UDP_MODE:
            if slot.udp is not None:
                slot.udp.stop()
        elif conn is not None:
            conn.close()
            if slot.mode == p.TLS_MODE:
                slot.tls = None  # the TCP client object stays in its slot, closed
        slot.mode = p.NO_MODE
        slot.was_connected = False

    def client_state(self, number: int) -> int:
        """GET_CLIENT_STATE_TCP: 4 (ESTABLISHED) while connected, else 0, which may free the slot:
        always on 1.x/2.0 and 3.0, never on 3.1/3.2, on 3.3 only for a client START_CLIENT_TCP
        connected (``socketWasConnected``: not a client a server accepted, nor a server)."""
        slot = self._slot(number)
        conn = slot.conn
        if conn is not None and conn.connected():
            return p.SOCKET_ESTABLISHED
        frees = self.personality.client_state_frees
        if frees == "always" or (frees == "connected" and slot.was_connected):
            slot.mode = p.NO_MODE
            slot.was_connected = False
        return 0

    # -- data ------------------------------------------------------------------------------

    def send(self, number: int, data: bytes) -> int:
        """SEND_DATA_TCP: the count written (1.x: on a server's slot, to every client it accepted)."""
        slot = self._slot(number)
        if slot.mode == p.TCP_MODE and self.personality.legacy and slot.server:
            return sum(client.write(data) for client in slot.server.spawned)
        conn = slot.conn
        return conn.write(data) if conn is not None else 0

    def read(self, number: int, count: int) -> bytes:
        """GET_DATABUF_TCP: up to ``count`` bytes."""
        slot = self._slot(number)
        count = min(count, p.SPI_BUFFER_LEN - 6)
        if slot.mode == p.UDP_MODE:
            return slot.udp.read(count) if slot.udp is not None else b""
        conn = slot.conn
        return conn.read(count) if conn is not None else b""

    def read_byte(self, number: int, peek: bool) -> int:
        """GET_DATA_TCP: one byte, 0xFF (read()'s -1) when there is none."""
        slot = self._slot(number)
        if slot.mode == p.UDP_MODE and slot.udp is not None:
            byte = slot.udp.peek()
            if byte is None:
                return 0xFF
            if not peek:
                slot.udp.read(1)
            return byte
        conn = slot.conn
        if conn is None or not conn.available():
            return 0xFF
        value = conn.rx[0]
        if not peek:
            del conn.rx[:1]
        return value

    def udp_write(self, number: int, data: bytes) -> bool:
        """INSERT_DATABUF: add to the slot's UDP packet; True when something was taken."""
        udp = self._slot(number).udp
        return udp is not None and udp.write(data) != 0

    def udp_send(self, number: int) -> bool:
        """SEND_UDP_DATA: send the slot's UDP packet."""
        udp = self._slot(number).udp
        return udp is not None and udp.end_packet()

    def remote(self, number: int) -> tuple[str, int]:
        """GET_REMOTE_DATA: the peer of the slot's object of its type."""
        slot = self._slot(number)
        if slot.mode == p.UDP_MODE and slot.udp is not None:
            return slot.udp.remote
        conn = slot.conn
        return conn.remote if conn is not None else ("0.0.0.0", 0)

    # -- events ----------------------------------------------------------------------------

    def update(self) -> None:
        """What the firmware's GPIO0 task does after each command: UDP sockets take in a packet."""
        for slot in self.slots:
            if slot.mode == p.UDP_MODE and slot.udp is not None:
                slot.udp.parse_packet()

    def irq(self) -> bool:
        """The GPIO0 line: something to read on some socket, or a client waiting on a server."""
        for slot in self.slots:
            if slot.mode == p.TCP_MODE and slot.server:
                assert slot.server.listener is not None
                if slot.server.listener.pending() or any(c.readable() for c in slot.server.spawned):
                    return True
            elif slot.mode == p.UDP_MODE:
                if slot.udp is not None and slot.udp.readable():
                    return True
            else:
                conn = slot.conn
                if conn is not None and conn.readable():
                    return True
        return False

    def _conns(self) -> list[Conn]:
        conns: list[Conn] = []
        for item in [*self.slots, *self._leaked]:
            if isinstance(item, Slot):
                conns += [conn for conn in (item.tcp, item.tls) if conn is not None]
                if item.server is not None:
                    conns += item.server.spawned
            elif isinstance(item, Server):
                conns += item.spawned
            else:
                conns.append(item)
        return conns

    def drop_station(self) -> None:
        """The station went: the client sockets close, and a connect under way fails.

        2.0 and 3.x: ``handleWiFiDisconnect`` closes every socket whose ``lwip_getsockname`` read
        as a ``sockaddr_in`` shows an address. On 3.x ``NetworkServer`` listens on AF_INET6, so
        the clients it accepted (the phones on the AP) show none and stay open (truth §16); 2.0's
        lwIP is IPv4 only and closes them too. 1.7 has no such handler, but ESP-IDF 3.3's
        ``tcpip_adapter_down`` sets the station's address to 0.0.0.0 and lwIP aborts the
        connections bound to the old one: its client sockets die all the same.
        """
        for conn in self._conns():
            if conn.side == "sta" or self.personality.station_loss_closes_phones:
                conn.close()
        if self._connecting is not None:
            self._connecting[2].abort()

    def drop_ap(self) -> None:
        """The AP went: the phones' connections end."""
        for conn in self._conns():
            if conn.side == "ap":
                conn.close()

    def phones_dropped(self, until: float) -> None:
        """The phones fell off the AP (3.x: it changed channel) until ``until``: their connections
        reset, and the servers cannot be reached from them meanwhile (connections refused)."""
        for conn in self._conns():
            if conn.side == "ap":
                conn.reset()
        for listener in self._listeners.values():
            listener.suspend(max(0.0, until - time.monotonic()))

    @property
    def connecting(self) -> Connecting | None:
        """The connect under way, if any."""
        return self._connecting[2] if self._connecting is not None else None

    def connect_done(self) -> bool:
        """True when no connect is under way, or the one under way has ended."""
        return self._connecting is None or self._connecting[2].done()

    def close_all(self) -> None:
        """The ESP32 resets: every socket goes, and a connect under way with them."""
        if self._connecting is not None:
            self._connecting[2].discard()
            self._connecting = None
        for conn in self._conns():
            conn.close()
        for slot in self.slots:
            if slot.udp is not None:
                slot.udp.stop()
        for listener in self._listeners.values():
            listener.close()
        self._listeners.clear()
        self._leaked.clear()
        self.slots = [Slot() for _ in range(self.personality.max_sockets)]
