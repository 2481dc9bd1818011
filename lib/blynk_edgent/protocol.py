"""The Blynk binary protocol's frames: building them and cutting them out of a byte stream.

A frame is a 5-byte big-endian header (command, message id, length) and a body of arguments
joined by NUL. For a RESPONSE the length field carries the status and there is no body.
Pure code: it runs the same on the board, under MicroPython and on CPython.
"""

from micropython import const

# The commands and statuses the device meets (each public name costs heap on the board).
RESPONSE = const(0)
PING = const(6)
BRIDGE = const(15)
HARDWARE_SYNC = const(16)
INTERNAL = const(17)
PROPERTY = const(19)
HARDWARE = const(20)
HW_LOGIN = const(29)
REDIRECT = const(41)
DEBUG_PRINT = const(55)
EVENT_LOG = const(64)

STATUS_OK = const(200)
STATUS_ILLEGAL_COMMAND = const(2)
STATUS_ALREADY_REGISTERED = const(4)
STATUS_INVALID_TOKEN = const(9)

HEADER_SIZE = const(5)

# Commands a server may send to a device; anything else is a corrupt or hostile stream.
_FROM_SERVER = (RESPONSE, PING, BRIDGE, INTERNAL, HARDWARE, REDIRECT, DEBUG_PRINT)


class ProtocolError(Exception):
    """The byte stream from the server is not a valid Blynk stream; the link must be dropped."""


def _text(value):
    if isinstance(value, (bytes, bytearray)):
        return value
    if isinstance(value, float):
        # Blynk's C library sends up to 7 decimals; trailing zeros say nothing.
        value = ("%.7f" % value).rstrip("0").rstrip(".")
    return str(value).encode("utf-8")


def frame(command, msg_id, args=()):
    """Return the bytes of one frame; ``args`` are str, int, float or bytes, joined by NUL."""
    body = b"\x00".join([_text(arg) for arg in args])
    length = len(body)
    if length > 0xFFFF:
        raise ValueError("body: at most 65535 bytes, got %d" % length)
    return bytes((command, msg_id >> 8, msg_id & 0xFF, length >> 8, length & 0xFF)) + body


def response(msg_id, status):
    """Return a RESPONSE frame: the status travels in the length field."""
    return bytes((RESPONSE, msg_id >> 8, msg_id & 0xFF, status >> 8, status & 0xFF))


def split_body(body):
    """Return the NUL-separated arguments of a body as str (bytes where not valid UTF-8)."""
    if not body:
        return []
    out: list = []
    for part in bytes(body).split(b"\x00"):
        try:
            out.append(part.decode("utf-8"))
        except UnicodeError:
            out.append(part)
    return out


class FrameReader:
    """Cuts frames out of the bytes a server sends, holding at most one frame.

    ``buffer`` is where the socket should ``recv_into`` next (its free tail), ``received(n)``
    records what arrived, and ``next_frame()`` returns ``(command, msg_id, body)`` or None when
    a frame is not complete yet. A body larger than ``max_body`` (the ``buff-in`` the device
    announced), an id of 0, or a command a server never sends raises ProtocolError.
    """

    def __init__(self, max_body=1024):
        self.max_body = max_body
        self._buf = bytearray(HEADER_SIZE + max_body)
        self._view = memoryview(self._buf)
        self._fill = 0

    def free(self):
        """Return a memoryview of the free part of the buffer, for ``recv_into``."""
        return self._view[self._fill :]

    def received(self, count):
        """Record that ``count`` bytes were written into ``free()``."""
        self._fill += count

    def feed(self, data):
        """Copy ``data`` in (for tests and for sockets without ``recv_into``); return bytes taken."""
        count = min(len(data), len(self._buf) - self._fill)
        self._buf[self._fill : self._fill + count] = data[:count]
        self._fill += count
        return count

    def next_frame(self):
        """Return the next complete ``(command, msg_id, body_bytes)``, or None."""
        if self._fill < HEADER_SIZE:
            return None
        buf = self._buf
        command = buf[0]
        msg_id = (buf[1] << 8) | buf[2]
        length = (buf[3] << 8) | buf[4]
        if command not in _FROM_SERVER:
            raise ProtocolError("unknown command %d" % command)
        if msg_id == 0:
            raise ProtocolError("message id 0")
        if command == RESPONSE:
            length, total = 0, HEADER_SIZE
            status = (buf[3] << 8) | buf[4]
        else:
            if length > self.max_body:
                raise ProtocolError("packet too big: %d bytes, buff-in is %d" % (length, self.max_body))
            total = HEADER_SIZE + length
            status = None
        if self._fill < total:
            return None
        body = status if command == RESPONSE else bytes(buf[HEADER_SIZE:total])
        rest = self._fill - total
        if rest:
            buf[0:rest] = buf[total : self._fill]
        self._fill = rest
        return command, msg_id, body
