# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Frames of the Blynk binary protocol: codes, encoding and decoding (shared by the server and test clients).

A frame is a 5-byte big-endian header ``!BHH`` (command, message id, length) and a body of
arguments joined by ``\\0`` with no trailing NUL. For RESPONSE (command 0) the length field is the
status code and no body follows. See ../shared/docs/blynk-edgent-protocol.md section 6.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from enum import IntEnum

HEADER = struct.Struct("!BHH")

# The largest body the server accepts from a device. Devices announce buff-in 1024 for what they
# receive; what they send is as small or smaller, so 1024 plus a margin catches garbage (an HTTP
# request line read as a header claims a body of thousands of bytes) without refusing real frames.
MAX_BODY = 2048


class Command(IntEnum):
    """Command codes (protocol doc section 6.3, plus the legacy ones BlynkLib and blynklib still send)."""

    RESPONSE = 0
    LOGIN = 2
    PING = 6
    TWEET = 12
    EMAIL = 13
    NOTIFY = 14
    BRIDGE = 15
    HARDWARE_SYNC = 16
    INTERNAL = 17
    PROPERTY = 19
    HARDWARE = 20
    GROUP = 21
    HW_LOGIN = 29
    REDIRECT = 41
    DEBUG_PRINT = 55
    EVENT_LOG = 64
    EVENT_CLEAR = 65


class Status(IntEnum):
    """The status codes of RESPONSE frames this server uses (protocol doc section 6.4)."""

    SUCCESS = 200
    ILLEGAL_COMMAND = 2
    NOT_AUTHENTICATED = 5
    INVALID_TOKEN = 9


# What the first byte of a stream that is not the Blynk protocol usually is, for the log.
_GUESSES = {
    0x16: " (a TLS handshake: the device speaks TLS, so run the cloud with --tls)",
    ord("G"): " (an HTTP request?)",
    ord("P"): " (an HTTP request?)",
}


class FrameError(ValueError):
    """A frame that breaks the protocol: unknown command, message id 0, or a body too long."""


Arg = str | bytes | int | float


@dataclass(frozen=True)
class Frame:
    """One decoded frame. For RESPONSE, ``status`` holds the length field and ``body`` is empty."""

    command: int
    msg_id: int
    body: bytes = b""
    status: int = 0

    @property
    def args(self) -> list[str]:
        """The body split at NUL and decoded (invalid UTF-8 replaced); an empty body has no arguments."""
        if not self.body:
            return []
        return [part.decode("utf-8", "replace") for part in self.body.split(b"\0")]

    @property
    def name(self) -> str:
        """The command's name, or its number when it is not one this module knows."""
        try:
            return Command(self.command).name
        except ValueError:
            return "CMD%d" % self.command


def join_args(*args: Arg) -> bytes:
    """Join arguments with NUL the way the Blynk libraries do (``str()`` of numbers, UTF-8 text)."""
    return b"\0".join(arg if isinstance(arg, bytes) else str(arg).encode("utf-8") for arg in args)


def encode(command: int, msg_id: int, *args: Arg) -> bytes:
    """Return the bytes of a frame with ``args`` as its body (not for RESPONSE: see :func:`encode_response`)."""
    body = join_args(*args)
    if len(body) > 0xFFFF:
        raise FrameError("body of %d bytes does not fit a frame" % len(body))
    return HEADER.pack(command, msg_id, len(body)) + body


def encode_response(msg_id: int, status: int) -> bytes:
    """Return a RESPONSE frame: the status sits in the length field and there is no body."""
    return HEADER.pack(Command.RESPONSE, msg_id, status)


def check_header(command: int, msg_id: int, length: int, max_body: int = MAX_BODY) -> None:
    """Raise :class:`FrameError` if a header cannot start a valid frame from a device."""
    try:
        Command(command)
    except ValueError:
        raise FrameError("unknown command %d%s" % (command, _GUESSES.get(command, ""))) from None
    if msg_id == 0:
        raise FrameError("message id 0")
    if command != Command.RESPONSE and length > max_body:
        raise FrameError("body of %d bytes is longer than %d" % (length, max_body))


class FrameDecoder:
    """Incremental decoder for a byte stream, for clients reading a socket: ``feed()`` then iterate.

    It does not validate commands (a client wants to see whatever the server sends).
    """

    def __init__(self) -> None:
        """Start with an empty buffer."""
        self._buffer = b""

    def feed(self, data: bytes) -> None:
        """Append received bytes."""
        self._buffer += data

    def __iter__(self) -> Iterator[Frame]:
        """Yield every complete frame buffered so far, leaving any partial frame in the buffer."""
        while len(self._buffer) >= HEADER.size:
            command, msg_id, length = HEADER.unpack_from(self._buffer)
            if command == Command.RESPONSE:
                self._buffer = self._buffer[HEADER.size :]
                yield Frame(command, msg_id, b"", length)
                continue
            end = HEADER.size + length
            if len(self._buffer) < end:
                return
            body, self._buffer = self._buffer[HEADER.size : end], self._buffer[end:]
            yield Frame(command, msg_id, body)


def describe(frame: Frame, limit: int = 120) -> str:
    """A one-line summary of a frame for logs: name, id, and the arguments (or the status)."""
    if frame.command == Command.RESPONSE:
        return "RESPONSE #%d status %d" % (frame.msg_id, frame.status)
    text = " ".join(frame.args)
    if len(text) > limit:
        text = text[:limit] + "..."
    return ("%s #%d %s" % (frame.name, frame.msg_id, text.encode("unicode_escape").decode("ascii"))).rstrip()
