# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Seeed's eRPC firmware on the RTL8720DN: its framing, its function table and its one server task.

Written from ../shared/docs/rtl8720-erpc.md (sections 2 to 4), never kinder than it:

* a frame whose CRC fails, or whose function the firmware does not have, gets no reply; nor does
  a request that does not decode (the server drops it);
* a length over 4096 consumes the header alone: what follows is read as the next header;
* one server task: a blocking call (a join, DHCP, a scan's results are not blocking, an access
  point's start, DNS, a connect, a TLS handshake) holds every later request until it returns, and
  its reply comes when it returns, in the firmware's time;
* the firmware's own events (oneway ``rpc_wifi_event_callback``, service 19) go out whenever they
  happen: STA_START inside ``wifi_on``, STA_CONNECTED inside ``wifi_connect``, AP_START inside
  ``start_ap``, all before the reply; a station lost later, whenever;
* at another baud rate than the firmware's the bytes are garbage: nothing is understood; the AT
  firmware (``version=None``) understands no eRPC at all.

The functions are written below as the doc's table writes them (:data:`SIGNATURES`), an
independent transcription from the client's table (``blynk_edgent.erpc.FUNCTIONS``): a test
holds one against the other. A fault for the tests: ``hang_next`` requests are taken in and never
answered (a reply that never comes).
"""

from __future__ import annotations

import re
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from edgent_host.sim.runtime import Runtime

# The firmware's framing (doc section 2), its own here and not the client's: the tests hold one
# against the other, and the device process must not load blynk_edgent before code.py does.
HEADER = 4  # u16 length, u16 CRC-16 of the message
FRAME_MAX = 4096  # MyMessageBufferFactory's buffer
INVOCATION, ONEWAY, REPLY = 0, 1, 2
EVENTS = 19  # rpc_wifi_callback: the firmware's own calls to its host


def _crc_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
        table.append(crc & 0xFFFF)
    return table


_CRC_TABLE = _crc_table()


def crc16(data: bytes) -> int:
    """erpc_crc16.cpp: polynomial 0x1021, MSB first, start 0xEF4A, table-driven."""
    crc = 0xEF4A
    for byte in data:
        crc = ((crc << 8) & 0xFFFF) ^ _CRC_TABLE[((crc >> 8) ^ byte) & 0xFF]
    return crc


def frame(message: bytes) -> bytes:
    """FramedTransport's frame: length and CRC (little-endian), then the message."""
    return struct.pack("<HH", len(message), crc16(message)) + bytes(message)


DEFAULT_MAC = bytes.fromhex("2cf7f1c0ffee")  # a Seeed OUI

# (service, function id) -> the function as the doc's section 3 table writes it.
SIGNATURES: dict[tuple[int, int], str] = {
    (1, 1): "rpc_system_version() -> string",
    (1, 2): "rpc_system_ack(u8 c) -> u8",
    (
        14,
        1,
    ): "rpc_wifi_connect(string ssid, nullable string password, u32 security_type, i32 key_id, u32 semaphore) -> i32",
    (14, 3): "rpc_wifi_disconnect() -> i32",
    (14, 4): "rpc_wifi_is_connected_to_ap() -> i32",
    (14, 8): "rpc_wifi_get_mac_address(out u8[18] mac) -> i32",
    (14, 14): "rpc_wifi_get_associated_client_list(out binary client_list_buffer, u16 buffer_length) -> i32",
    (14, 19): "rpc_wifi_get_rssi(out i32 rssi) -> i32",
    (14, 27): "rpc_wifi_on(u32 mode) -> i32",
    (14, 28): "rpc_wifi_off() -> i32",
    (14, 38): "rpc_wifi_start_ap(string ssid, nullable string password, u32 security_type, i32 channel) -> i32",
    (14, 64): "rpc_wifi_scan_start() -> i32",
    (14, 65): "rpc_wifi_is_scaning() -> bool",
    (14, 66): "rpc_wifi_scan_get_ap_records(u16 number, out binary scan_result) -> i32",
    (14, 67): "rpc_wifi_scan_get_ap_num() -> u16",
    (15, 1): "rpc_tcpip_adapter_init() -> i32",
    (15, 7): "rpc_tcpip_adapter_get_ip_info(u32 tcpip_if, out binary ip_info) -> i32",
    (15, 8): "rpc_tcpip_adapter_set_ip_info(u32 tcpip_if, binary ip_info) -> i32",
    (15, 9): "rpc_tcpip_adapter_set_dns_info(u32 tcpip_if, u32 dns_type, binary dns) -> i32",
    (15, 11): "rpc_tcpip_adapter_dhcps_start(u32 tcpip_if) -> i32",
    (15, 12): "rpc_tcpip_adapter_dhcps_stop(u32 tcpip_if) -> i32",
    (15, 13): "rpc_tcpip_adapter_dhcpc_start(u32 tcpip_if) -> i32",
    (15, 14): "rpc_tcpip_adapter_dhcpc_stop(u32 tcpip_if) -> i32",
    (15, 15): "rpc_tcpip_adapter_set_hostname(u32 tcpip_if, string hostname) -> i32",
    (15, 17): "rpc_tcpip_adapter_get_mac(u32 tcpip_if, out binary mac) -> i32",
    (16, 1): "rpc_lwip_accept(i32 s, binary addr, inout u32 addrlen) -> i32",
    (16, 2): "rpc_lwip_bind(i32 s, binary name, u32 namelen) -> i32",
    (16, 8): "rpc_lwip_close(i32 s) -> i32",
    (16, 9): "rpc_lwip_connect(i32 s, binary name, u32 namelen) -> i32",
    (16, 10): "rpc_lwip_listen(i32 s, i32 backlog) -> i32",
    (16, 12): "rpc_lwip_recv(i32 s, out binary mem, u32 len, i32 flags, u32 timeout) -> i32",
    (16, 15): "rpc_lwip_send(i32 s, binary dataptr, i32 flags) -> i32",
    (16, 18): "rpc_lwip_socket(i32 domain, i32 type, i32 protocol) -> i32",
    (16, 21): "rpc_lwip_select(i32 maxfdp1, nullable binary readset, nullable binary writeset, "
    "nullable binary exceptset, nullable binary timeout) -> i32",
    (16, 23): "rpc_lwip_fcntl(i32 s, i32 cmd, i32 val) -> i32",
    (16, 24): "rpc_lwip_errno() -> i32",
    (16, 25): "rpc_netconn_gethostbyname(string name, out binary addr) -> i8",
    (17, 1): "rpc_wifi_ssl_client_create() -> u32",
    (17, 2): "rpc_wifi_ssl_client_destroy(u32 ssl_client) -> void",
    (17, 3): "rpc_wifi_ssl_init(u32 ssl_client) -> void",
    (17, 5): "rpc_wifi_ssl_set_timeout(u32 ssl_client, u32 timeout) -> void",
    (17, 8): "rpc_wifi_ssl_set_rootCA(u32 ssl_client, string rootCABuff) -> u32",
    (17, 18): "rpc_wifi_start_ssl_client(u32 ssl_client, nullable string host, u32 port, i32 timeout) -> i32",
    (17, 19): "rpc_wifi_stop_ssl_socket(u32 ssl_client) -> void",
    (17, 20): "rpc_wifi_data_to_read(u32 ssl_client) -> i32",
    (17, 21): "rpc_wifi_send_ssl_data(u32 ssl_client, binary data, u16 len) -> i32",
    (17, 22): "rpc_wifi_get_ssl_receive(u32 ssl_client, out binary data, i32 length) -> i32",
}

_SCALARS = {"u8": "<B", "i8": "<b", "bool": "<B", "u16": "<H", "i16": "<h", "u32": "<I", "i32": "<i"}


@dataclass(frozen=True)
class Param:
    """One parameter of a signature: its direction, type and name."""

    direction: str  # in, out, inout
    kind: str  # u8 ... i32, bool, string, binary, u8[18]
    nullable: bool
    name: str


@dataclass(frozen=True)
class Signature:
    """A function as the IDL declares it."""

    name: str
    params: tuple[Param, ...]
    result: str  # a type, or "void"

    @property
    def ins(self) -> tuple[Param, ...]:
        """What a request carries, in order."""
        return tuple(p for p in self.params if p.direction in ("in", "inout"))

    @property
    def outs(self) -> tuple[Param, ...]:
        """What a reply carries before the result, in order."""
        return tuple(p for p in self.params if p.direction in ("out", "inout"))


def parse_signature(text: str) -> Signature:
    """``"rpc_f(u32 a, out binary b) -> i32"`` as a :class:`Signature`."""
    match = re.fullmatch(r"(\w+)\((.*)\) -> (\w+)", text)
    if match is None:
        raise ValueError(f"not a signature: {text!r}")
    params = []
    for item in filter(None, (part.strip() for part in match.group(2).split(","))):
        words = item.split()
        direction = words.pop(0) if words[0] in ("in", "out", "inout") else "in"
        nullable = words[0] == "nullable"
        if nullable:
            words.pop(0)
        params.append(Param(direction, words[0], nullable, words[1]))
    return Signature(match.group(1), tuple(params), match.group(3))


def decode_args(signature: Signature, data: bytes) -> list[Any]:
    """The ``in`` values of a request body; ValueError when it does not decode (no reply then)."""
    values: list[Any] = []
    at = 0
    try:
        for param in signature.ins:
            if param.nullable:
                flag = data[at]
                at += 1
                if flag:
                    values.append(None)
                    continue
            if param.kind in _SCALARS:
                fmt = _SCALARS[param.kind]
                values.append(struct.unpack_from(fmt, data, at)[0])
                at += struct.calcsize(fmt)
            elif param.kind in ("string", "binary"):
                (length,) = struct.unpack_from("<I", data, at)
                at += 4
                if at + length > len(data):
                    raise ValueError("a length past the message")
                values.append(bytes(data[at : at + length]))
                at += length
            else:
                raise ValueError(f"cannot take {param.kind} in")
    except (struct.error, IndexError) as error:
        raise ValueError(str(error)) from None
    if at != len(data):
        raise ValueError("bytes left over")
    return values


def encode_values(signature: Signature, outs: list[Any], result: Any) -> bytes:
    """A reply body: the ``out``/``inout`` values in order, then the result."""
    body = bytearray()
    kinds = [(p.kind, p.nullable) for p in signature.outs]
    values = list(outs)
    if signature.result != "void":
        kinds.append((signature.result, False))
        values.append(result)
    for (kind, nullable), value in zip(kinds, values, strict=True):
        if nullable:
            body.append(1 if value is None else 0)
            if value is None:
                continue
        if kind in _SCALARS:
            body += struct.pack(_SCALARS[kind], int(value))
        elif kind in ("string", "binary"):
            body += struct.pack("<I", len(value)) + bytes(value)
        else:  # a fixed array: u8[18]
            size = int(kind[kind.index("[") + 1 : -1])
            body += bytes(value).ljust(size, b"\0")[:size]
    return bytes(body)


@dataclass
class Blocking:
    """A call that holds the server task ``seconds`` before its reply goes."""

    outs: list[Any]
    result: Any
    seconds: float


class Job:
    """A call that holds the server task until :meth:`done` (a connect, a handshake: threads)."""

    def done(self) -> bool:
        """True once the call has returned."""
        raise NotImplementedError

    def answer(self) -> tuple[list[Any], Any]:
        """(out values, result) once done."""
        raise NotImplementedError


Answer = tuple[list[Any], Any] | Blocking | Job | None  # None: the call never returns
Handler = Callable[[list[Any]], Answer]

# system_event_id_t as ESP-IDF 3.x numbers it (the firmware's wifi_callback.c keeps ESP-IDF's
# names; its numbering and the size of system_event_t are UNCONFIRMED, doc section 2).
EVENT_SCAN_DONE = 1
EVENT_STA_START = 2
EVENT_STA_STOP = 3
EVENT_STA_CONNECTED = 4
EVENT_STA_DISCONNECTED = 5
EVENT_STA_GOT_IP = 7
EVENT_AP_START = 13
EVENT_AP_STOP = 14
EVENT_AP_STACONNECTED = 15


class Firmware:
    """The RTL8720DN running eRPC firmware ``version`` ("2.1.3"; None: the AT firmware), at its baud
    rate (614400 from 2.1.2, 1843200 before), with the simulator's world from ``runtime`` (None:
    only the system and framing functions, for tests of the link alone)."""

    def __init__(self, version: str | None = "2.1.3", mac: bytes = DEFAULT_MAC, runtime: Runtime | None = None) -> None:
        self.version = version
        self.mac = mac
        self.runtime = runtime
        parts = tuple(int(p) for p in version.split(".")) if version else ()
        self.baud = 614400 if parts >= (2, 1, 2) else 1843200
        self.received: list[tuple[int, int]] = []  # (service, function) of every call understood
        self.hang_next = 0  # requests still to take in and never answer (a fault for tests)
        self.powered = True
        self.boots = 1
        self._inbox = b""  # bytes of frames not yet taken in
        self._outbox: list[tuple[float, bytes]] = []  # (when it goes, frame), in order
        self._busy_until = 0.0  # the server task is in a blocking call until then
        self._job: tuple[Job, Signature, bytes] | None = None  # a call holding the task, its head
        self._hung = False  # the task is in a call that never returns
        self._sequence = 0  # its own client's counter, for its events
        self.call_started = 0.0  # when the call being handled began (its events are timed from it)
        self._signatures = {key: parse_signature(text) for key, text in SIGNATURES.items()}
        self._handlers: dict[tuple[int, int], Handler] = {
            (1, 1): lambda args: ([], (self.version or "").encode()),
            (1, 2): lambda args: ([], args[0]),
        }
        self.wifi: Any = None
        self.lwip: Any = None
        if runtime is not None:
            self._boot_stacks()

    def _boot_stacks(self) -> None:
        from edgent_host.sim.rtl8720.lwip import LwIP
        from edgent_host.sim.rtl8720.wifi import WiFi

        assert self.runtime is not None
        self.wifi = WiFi(self, self.runtime)
        self.lwip = LwIP(self, self.runtime, self.wifi)
        self.wifi.on_station_down = self.lwip.drop_station
        self.wifi.on_ap_down = self.lwip.drop_ap
        self._handlers.update(self.wifi.handlers())
        self._handlers.update(self.lwip.handlers())

    def handles(self, service: int, function: int) -> bool:
        """True when this firmware answers that function."""
        return (service, function) in self._handlers

    # -- power ---------------------------------------------------------------------------------

    def power_off(self) -> None:
        """CHIP_PU low: the chip stops; its access point and every socket go at once."""
        self.powered = False
        self.shutdown()

    def power_on(self) -> None:
        """CHIP_PU high: a fresh boot (nothing half-received, nothing queued, WiFi off)."""
        self.shutdown()
        self.powered = True
        self.boots += 1
        self._inbox = b""
        self._outbox = []
        self._busy_until = 0.0
        self._job = None
        self._hung = False
        if self.runtime is not None:
            self._boot_stacks()

    def shutdown(self) -> None:
        """Close what the chip holds open (its sockets, its access point)."""
        if self.lwip is not None:
            self.lwip.close_all()
        if self.wifi is not None:
            self.wifi.power_off()

    # -- the UART ------------------------------------------------------------------------------

    def receive(self, data: bytes, baud: int) -> None:
        """Bytes from the SAMD51 at ``baud``."""
        if not self.powered or self.version is None or baud != self.baud:
            return  # off, the AT firmware, or garbage at the wrong rate
        self._inbox += data
        self._run()

    def transmit(self, baud: int) -> list[bytes]:
        """The frames the chip has sent by now (each whole: eRPC's transport sends a frame under
        one lock), in order."""
        self._run()
        now = time.monotonic()
        ready = [sent for when, sent in self._outbox if when <= now]
        self._outbox = self._outbox[len(ready) :]
        if baud != self.baud:
            return [bytes(len(sent)) for sent in ready]  # at the wrong rate it reads as noise
        return ready

    def event(self, event_id: int, at: float | None = None) -> None:
        """Send ``rpc_wifi_event_callback`` (oneway, service 19, id 1, one binary holding a
        system_event_t: its id and 4 zero bytes here, its real size UNCONFIRMED)."""
        self._sequence += 1
        body = bytes((ONEWAY, 1, EVENTS, 1)) + struct.pack("<I", self._sequence)
        body += struct.pack("<I", 8) + struct.pack("<I", event_id) + bytes(4)
        self._send(frame(body), time.monotonic() if at is None else at)

    def _send(self, data: bytes, at: float) -> None:
        self._outbox.append((at, data))
        self._outbox.sort(key=lambda item: item[0])  # stable: same-time frames keep their order

    # -- the server task -----------------------------------------------------------------------

    def _run(self) -> None:
        """Let the server task take in what it can by now."""
        if self.wifi is not None:
            self.wifi.poll()
        while not self._hung:
            now = time.monotonic()
            if self._job is not None:
                job, signature, head = self._job
                if not job.done():
                    return
                self._job = None
                outs, result = job.answer()
                self._reply(head, signature, outs, result, time.monotonic())
                continue
            if now < self._busy_until:
                return
            message = self._next_message()
            if message is None:
                return
            self._take(message, max(now, self._busy_until))

    def _next_message(self) -> bytes | None:
        """The next whole message whose CRC holds, or None until more bytes come."""
        while len(self._inbox) >= HEADER:
            length, crc = struct.unpack_from("<HH", self._inbox)
            if length > FRAME_MAX:
                self._inbox = self._inbox[HEADER:]  # the header alone is consumed
                continue
            if len(self._inbox) < HEADER + length:
                return None
            message = self._inbox[HEADER : HEADER + length]
            self._inbox = self._inbox[HEADER + length :]
            if crc16(message) == crc and len(message) >= 8 and message[3] == 1:
                return message
            # a bad CRC or a message of another version: dropped without a reply
        return None

    def _take(self, message: bytes, start: float) -> None:
        kind, function, service = message[0], message[1], message[2]
        key = (service, function)
        handler = self._handlers.get(key)
        signature = self._signatures.get(key)
        if handler is None or signature is None or kind not in (INVOCATION, ONEWAY):
            return  # an unknown function: no reply
        try:
            args = decode_args(signature, message[8:])
        except ValueError:
            return  # a decode error: no reply
        self.received.append(key)
        self.call_started = start
        if self.hang_next:
            self.hang_next -= 1
            self._hung = True  # the task never comes back from this call
            return
        answer = handler(args)
        head = bytes((REPLY, function, service, 1)) + message[4:8]
        if answer is None:
            self._hung = True
            return
        if kind == ONEWAY:
            return
        if isinstance(answer, Job):
            self._job = (answer, signature, head)
            return
        if isinstance(answer, Blocking):
            self._busy_until = start + answer.seconds
            self._reply(head, signature, answer.outs, answer.result, self._busy_until)
            return
        self._reply(head, signature, answer[0], answer[1], start)

    def _reply(self, head: bytes, signature: Signature, outs: list[Any], result: Any, at: float) -> None:
        self._send(frame(head + encode_values(signature, outs, result)), at)
