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
- GET_CLIENT_STATE_TCP on a slot whose client is not connected frees the slot, a listening
  server's slot included (its server keeps listening).
- Connecting a slot whose TCP client is still open leaves the old connection open, unreachable.

Where the traffic goes is ``sim/cp/socketpool.py``'s: servers listen where
``runtime.bind_address`` says (TCP port 80 on the portal address, where the device's
192.168.4.1:80 is reachable; UDP port 53 on ``runtime.dns``; any other on a free loopback
port); ``CLOUD_ADDRESS`` (what
``blynk.cloud`` resolves to) on any port is the local cloud; outgoing connections need the
station. TLS ends here, in "the ESP32": it verifies the server against the local cloud's CA
(``runtime.ca_file``), the stand-in for the firmware's root bundle, as ``sim/cp/ssl.py`` does.
A client accepted from the portal is a phone on the AP, 192.168.4.2.
"""

from __future__ import annotations

import select
import socket as host
import ssl
from dataclasses import dataclass
from typing import TYPE_CHECKING

from edgent_host.sim.nina import protocol as p
from edgent_host.sim.nina.radio import CLOUD_ADDRESS, Radio
from edgent_host.sim.runtime import trusting_context
from edgent_host.sim.world import PHONE_IP

if TYPE_CHECKING:
    from edgent_host.sim.nina.personality import Personality
    from edgent_host.sim.runtime import Runtime

# Bounds each wait of START_CLIENT_TCP: the TCP connect, then each step of a TLS handshake. The
# command is handled when the chip select rises, inside the library's write to its CS pin, which
# blocks meanwhile; the library's 10 s wait for the ready line starts only after that, so it does
# not limit this.
CONNECT_TIMEOUT_S = 5.0
WRITE_TIMEOUT_S = 5.0
RX_LIMIT = 65535  # AVAIL_DATA_TCP answers a uint16
UDP_TX_LIMIT = 1500  # WiFiUDP's send buffer


def _readable(sock: host.socket) -> bool:
    """True when ``sock`` has something to take in (bytes, a datagram, a client), without waiting."""
    try:
        ready, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return False  # closed under us: nothing to read
    return bool(ready)


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


class Listener:
    """A host listening socket for one device port; every server started on that port shares it."""

    def __init__(self, address: tuple[str, int]) -> None:
        self.sock = host.socket(host.AF_INET, host.SOCK_STREAM)
        self.sock.setsockopt(host.SOL_SOCKET, host.SO_REUSEADDR, 1)
        try:
            self.sock.bind(address)
            self.sock.listen(8)
        except OSError:
            self.sock.close()
            raise
        self.sock.setblocking(False)

    def accept(self) -> Conn | None:
        """A client waiting to be accepted, or None."""
        try:
            conn, peer = self.sock.accept()
        except (BlockingIOError, OSError):
            return None
        return Conn(conn, (PHONE_IP, peer[1]), "ap")

    def pending(self) -> bool:
        """True when a client waits."""
        return _readable(self.sock)

    def close(self) -> None:
        """Stop listening."""
        self.sock.close()


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


@dataclass
class Slot:
    """One socket number: its type and the object of each kind it holds."""

    mode: int = p.NO_MODE
    tcp: Conn | None = None
    tls: Conn | None = None
    server: Server | None = None
    udp: Udp | None = None

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
        self._listeners: dict[int, Listener | None] = {}
        self._leaked: list[Conn | Server] = []  # overwritten objects whose sockets stay open

    def _slot(self, number: int) -> Slot:
        if 0 <= number < len(self.slots):
            return self.slots[number]
        return Slot()  # the firmware does not check: a number out of range behaves as a free slot

    # -- allocation ------------------------------------------------------------------------

    def get_socket(self) -> int:
        """GET_SOCKET: the first free slot, or 255; nothing is reserved."""
        for number, slot in enumerate(self.slots):
            if slot.mode == p.NO_MODE:
                return number
        return p.NO_SOCKET

    # -- servers ---------------------------------------------------------------------------

    def _listener(self, port: int) -> Listener | None:
        if port not in self._listeners:
            address = self.runtime.bind_address(port, udp=False)
            try:
                self._listeners[port] = Listener(address)
            except OSError:
                return None  # not remembered: a later server may bind once the port is free
        return self._listeners[port]

    def start_server(self, number: int, port: int, mode: int) -> bool:
        """START_SERVER_TCP: a TCP server, or a UDP socket bound to ``port``."""
        slot = self._slot(number)
        if mode == p.TCP_MODE:
            if self.personality.legacy:
                # tcpServers[socket] = WiFiServer(port); begin(): the old server is dropped, not
                # ended (its socket keeps listening), and the answer is 1 whatever begin() did.
                if slot.server is not None:
                    self._leak(slot.server)
                slot.server = Server(self._listener(port))
                slot.mode = p.TCP_MODE
                return True
            if not slot.server:  # NetworkServer::begin on a listening server does nothing
                slot.server = Server(self._listener(port))
            if slot.server:
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
        """AVAIL_DATA_TCP: bytes to read, or on a server's slot the slot of a client (255: none)."""
        slot = self._slot(number)
        if slot.mode == p.TCP_MODE and slot.server:
            if self.personality.server_offers_only_data:
                return self._offer_with_data(number, slot.server)
            return self._offer_new(number, slot.server, accept_flag)
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
        """1.x: WiFiServer::available() returns a client only once it has sent something."""
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

    def _offer_new(self, number: int, server: Server, accept_flag: int) -> int:
        """3.x: a new client at once. ``accept_flag`` is the byte after the frame's END: padding
        the library leaves over from an earlier command, which the firmware reads as "accept"."""
        if accept_flag:
            for other, slot in enumerate(self.slots):
                if slot.mode == p.NO_MODE:
                    conn = self._accept(server)
                    if conn is None:
                        return p.NO_SOCKET
                    self._put_tcp(slot, conn)
                    return other
            return p.NO_SOCKET  # no free slot: the client is left waiting
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

    def _route(self, name: str, address: bytes, port: int) -> tuple[str, tuple[str, int]] | None:
        """(the peer's address as the device sees it, where to really connect), or None."""
        if not self.radio.station_up():
            return None  # outgoing connections go through the station
        resolved = self._resolve(name, address)
        if resolved is None:
            return None
        if resolved == CLOUD_ADDRESS:
            if not self.radio.has_internet():
                return None
            return resolved, self.runtime.cloud
        return resolved, (resolved, port)

    def _tls_in_use(self, number: int) -> bool:
        for other, slot in enumerate(self.slots):
            if other != number and slot.mode == p.TLS_MODE and slot.tls is not None:
                return True
        return False

    def start_client(self, number: int, mode: int, name: str, address: bytes, port: int) -> bool:
        """START_CLIENT_TCP: connect slot ``number`` (TCP or TLS), or address its UDP packets."""
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
        seen_as, target = route
        try:
            sock = host.create_connection(target, timeout=CONNECT_TIMEOUT_S)
        except OSError:
            return False
        if mode == p.TCP_MODE:
            conn = Conn(sock, (seen_as, port), "sta")
            self._put_tcp(slot, conn)
            return True
        tls = self._handshake(sock, name or seen_as)
        if tls is None:
            return False
        if slot.tls is not None:
            slot.tls.close()
        slot.tls = Conn(tls, (seen_as, port), "sta", tls=True)
        slot.mode = p.TLS_MODE
        return True

    def _handshake(self, sock: host.socket, server_name: str) -> ssl.SSLSocket | None:
        """TLS in the ESP32: verify the server against the root bundle (here: the local cloud's CA)."""
        context = trusting_context(self.runtime.ca_file)
        sock.settimeout(CONNECT_TIMEOUT_S)
        try:
            return context.wrap_socket(sock, server_hostname=server_name)
        except (ssl.SSLError, OSError):
            sock.close()
            return None

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

    def client_state(self, number: int) -> int:
        """GET_CLIENT_STATE_TCP: 4 (ESTABLISHED) while connected, else 0, which also frees the slot."""
        slot = self._slot(number)
        conn = slot.conn
        if conn is not None and conn.connected():
            return p.SOCKET_ESTABLISHED
        slot.mode = p.NO_MODE
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
        """The station went: handleWiFiDisconnect closes every socket that is not listening."""
        for conn in self._conns():
            conn.close()

    def drop_ap(self) -> None:
        """The AP went: the phones' connections end."""
        for conn in self._conns():
            if conn.side == "ap":
                conn.close()

    def close_all(self) -> None:
        """The ESP32 resets: every socket goes."""
        self.drop_station()
        for slot in self.slots:
            if slot.udp is not None:
                slot.udp.stop()
        for listener in self._listeners.values():
            if listener is not None:
                listener.close()
        self._listeners.clear()
        self._leaked.clear()
        self.slots = [Slot() for _ in range(self.personality.max_sockets)]
