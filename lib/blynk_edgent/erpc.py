# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""eRPC 1.7.4 as the Wio Terminal's RTL8720DN firmware (2.1.2 and later) speaks it over its UART:
framing, the basic codec and the table of the functions the library calls.

Facts from ../shared/docs/rtl8720-erpc.md sections 2 and 3 (the firmware's own sources):

* a frame is a 4-byte header, u16 length then u16 CRC-16 of the message (both little-endian),
  then the message; the CRC is polynomial 0x1021, MSB first, init 0xEF4A, no final XOR;
* a message starts ``[type, function id, service id, 1]`` then a u32 sequence number; the
  types are invocation 0, oneway 1, reply 2, notification 3;
* scalars little-endian at their size, bool one byte; string and binary a u32 length then the
  bytes; ``@nullable`` a byte (0 present, 1 null) before the value; fixed arrays raw;
* a request carries the ``in`` parameters in order, a reply the ``out`` ones then the result;
* the firmware sends no reply to a frame with a bad CRC or an unknown function, consumes a
  header alone when its length is over 4096 (the stream is then out of step), and sends
  oneway event frames (service 19) whenever it likes, even between a request and its reply.

One line of :data:`FUNCTIONS` per function, not generated code per function: the codec reads
the line's type letters (:func:`encode_call`, :func:`decode_reply`).
"""

from struct import pack, unpack_from

INVOCATION = 0
ONEWAY = 1
REPLY = 2
HEADER = 4  # u16 length, u16 CRC
MESSAGE_HEADER = 8  # type, function id, service id, version 1, u32 sequence
FRAME_MAX = 4096  # the firmware's message buffer: a longer length desynchronises it
EVENTS = 19  # the service of the firmware's own calls to us (rpc_wifi_event_callback)

# One line a function: name, service, function id, the ``in`` types, then the ``out`` types and
# the result's ("-" for none). Type letters: B u8, c i8, b bool, H u16, I u32, i i32, s string,
# y binary, n nullable string, N nullable binary, M u8[18] (a MAC as text: the one fixed array).
# One text, not a dict of tuples: 2.4 KB less heap (bench/README.md).
FUNCTIONS = """
system_version 1 1 - s
system_ack 1 2 B B
wifi_connect 14 1 snIiI i
wifi_disconnect 14 3 - i
wifi_is_connected_to_ap 14 4 - i
wifi_get_mac_address 14 8 - Mi
wifi_get_associated_client_list 14 14 H yi
wifi_get_rssi 14 19 - ii
wifi_on 14 27 I i
wifi_off 14 28 - i
wifi_start_ap 14 38 snIi i
wifi_scan_start 14 64 - i
wifi_is_scaning 14 65 - b
wifi_scan_get_ap_records 14 66 H yi
wifi_scan_get_ap_num 14 67 - H
tcpip_adapter_init 15 1 - i
tcpip_adapter_get_ip_info 15 7 I yi
tcpip_adapter_set_ip_info 15 8 Iy i
tcpip_adapter_set_dns_info 15 9 IIy i
tcpip_adapter_dhcps_start 15 11 I i
tcpip_adapter_dhcps_stop 15 12 I i
tcpip_adapter_dhcpc_start 15 13 I i
tcpip_adapter_dhcpc_stop 15 14 I i
tcpip_adapter_set_hostname 15 15 Is i
tcpip_adapter_get_mac 15 17 I yi
lwip_accept 16 1 iyI Ii
lwip_bind 16 2 iyI i
lwip_close 16 8 i i
lwip_connect 16 9 iyI i
lwip_listen 16 10 ii i
lwip_recv 16 12 iIiI yi
lwip_send 16 15 iyi i
lwip_socket 16 18 iii i
lwip_fcntl 16 23 iii i
lwip_errno 16 24 - i
netconn_gethostbyname 16 25 s yc
ssl_client_create 17 1 - I
ssl_client_destroy 17 2 I -
ssl_init 17 3 I -
ssl_set_timeout 17 5 II -
ssl_set_root_ca 17 8 Is I
start_ssl_client 17 18 InIi i
stop_ssl_socket 17 19 I -
send_ssl_data 17 21 IyH i
get_ssl_receive 17 22 Ii yi
"""


def row(name):
    """``(service, function id, in types, out types)`` of the function ``name``; KeyError when
    the table has none."""
    at = FUNCTIONS.find("\n" + name + " ")
    if at < 0:
        raise KeyError(name)
    fields = FUNCTIONS[at + len(name) + 2 : FUNCTIONS.find("\n", at + 1)].split(" ")
    return int(fields[0]), int(fields[1]), fields[2].strip("-"), fields[3].strip("-")


_MAC_TEXT = 18  # u8[18]: "xx:xx:xx:xx:xx:xx" and a NUL
_SCALARS = {"B": (1, "<B"), "c": (1, "<b"), "b": (1, "<B"), "H": (2, "<H"), "I": (4, "<I"), "i": (4, "<i")}


class ERPCError(Exception):
    """A frame or a reply that breaks the wire format (the caller flushes and resets the chip)."""


# CRC-16 (0x1021) a nibble at a time: 16 words of table, four times the speed of bit by bit
# (bench/README.md: 260 against 1,088 µs a KB on the host, 312 against 1,332 under MicroPython;
# the 256-word table halves it again for 480 bytes more).
# fmt: off
_NIBBLES = (0x0000, 0x1021, 0x2042, 0x3063, 0x4084, 0x50A5, 0x60C6, 0x70E7,
            0x8108, 0x9129, 0xA14A, 0xB16B, 0xC18C, 0xD1AD, 0xE1CE, 0xF1EF)  # n << 12, shifted 4 times
# fmt: on


def crc16(data, crc=0xEF4A):
    """CRC-16 of ``data`` as the firmware computes it (poly 0x1021, MSB first, init 0xEF4A)."""
    table = _NIBBLES
    for byte in data:
        crc = ((crc << 4) & 0xFFFF) ^ table[(crc >> 12) ^ (byte >> 4)]
        crc = ((crc << 4) & 0xFFFF) ^ table[(crc >> 12) ^ (byte & 0x0F)]
    return crc


def _encode(out, letter, value):
    if letter in _SCALARS:
        out.extend(pack(_SCALARS[letter][1], int(value)))
    elif letter == "M":
        if len(value) != _MAC_TEXT:
            raise ValueError("expected %d bytes, got %d" % (_MAC_TEXT, len(value)))
        out.extend(value)
    elif letter in "nN" and value is None:
        out.append(1)
    else:
        if letter in "nN":
            out.append(0)
        data = value.encode("utf-8") if isinstance(value, str) else bytes(value)
        out.extend(pack("<I", len(data)))
        out.extend(data)


def frame(message):
    """The frame of ``message`` (bytes): its length, its CRC, then the message."""
    return pack("<HH", len(message), crc16(message)) + bytes(message)


def encode_call(name, sequence, *args):
    """The frame that invokes the function ``name`` of :data:`FUNCTIONS` with ``args`` (its ``in``
    parameters, in order) under ``sequence``. ValueError names what does not fit."""
    service, function, types, _ = row(name)
    if len(args) != len(types):
        raise ValueError("%s takes %d arguments, got %d" % (name, len(types), len(args)))
    message = bytearray((INVOCATION, function, service, 1))
    message.extend(pack("<I", sequence & 0xFFFFFFFF))
    for letter, value in zip(types, args):
        _encode(message, letter, value)
    return frame(message)


def message_head(message):
    """``(type, service, function, sequence)`` of a message (bytes of at least 8)."""
    if len(message) < MESSAGE_HEADER or message[3] != 1:
        raise ERPCError("not an eRPC 1 message")
    return message[0], message[2], message[1], unpack_from("<I", message, 4)[0]


def decode_reply(name, message):
    """The values of the reply ``message`` to ``name``: its ``out`` parameters then its result,
    as a tuple (strings as bytes; a nullable one None when absent). ERPCError when the message
    is not that function's reply or ends early."""
    service, function, _, types = row(name)
    kind, got_service, got_function, _ = message_head(message)
    if kind != REPLY or got_service != service or got_function != function:
        raise ERPCError("not a reply to %s" % name)
    values = []
    at = MESSAGE_HEADER
    try:
        for letter in types:
            if letter in _SCALARS:
                width, fmt = _SCALARS[letter]
                value = unpack_from(fmt, message, at)[0]
                values.append(bool(value) if letter == "b" else value)
                at += width
                continue
            if letter == "M":
                length = _MAC_TEXT
            else:
                if letter in "nN":
                    at += 1
                    if message[at - 1]:
                        values.append(None)
                        continue
                length = unpack_from("<I", message, at)[0]
                at += 4
            if at + length > len(message):
                raise IndexError
            values.append(bytes(message[at : at + length]))
            at += length
    except (IndexError, ValueError):  # struct's "buffer too small" (ValueError in MicroPython)
        raise ERPCError("reply to %s ends early" % name)
    return tuple(values)


class FrameReader:
    """Cuts the UART's bytes into messages: :meth:`feed` what arrived, :meth:`next_message` for
    each whole one whose CRC holds (a frame whose CRC fails is dropped and counted in
    ``dropped``, as the firmware drops ours). A length over FRAME_MAX means the stream is out of
    step: ERPCError, and the caller flushes and resets the chip."""

    def __init__(self, size=FRAME_MAX + HEADER):
        self.dropped = 0
        self._buf = bytearray(size)
        self._fill = 0

    def feed(self, data):
        """Add received bytes; ERPCError when they do not fit (the chip sent more than a frame)."""
        end = self._fill + len(data)
        if end > len(self._buf):
            raise ERPCError("receive buffer overflow")
        self._buf[self._fill : end] = data
        self._fill = end

    def next_message(self):
        """The next whole message (bytes) whose CRC holds, or None until more bytes arrive."""
        buf = self._buf
        while self._fill >= HEADER:
            length, crc = unpack_from("<HH", buf, 0)
            if length > FRAME_MAX:
                raise ERPCError("frame length %d over %d: the stream is out of step" % (length, FRAME_MAX))
            if self._fill < HEADER + length:
                return None
            message = bytes(buf[HEADER : HEADER + length])
            rest = self._fill - HEADER - length
            buf[:rest] = buf[HEADER + length : self._fill]
            self._fill = rest
            if crc16(message) == crc:
                return message
            self.dropped += 1
        return None

    def clear(self):
        """Forget what was received (after a reset of the chip)."""
        self._fill = 0
