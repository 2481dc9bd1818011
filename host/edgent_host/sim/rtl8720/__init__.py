# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The Wio Terminal's RTL8720DN as the simulator's board sees it over its UART (issue 15
groundwork): the eRPC firmware's framing and receive rules, a first set of functions, and the
SAMD51's 8 KB receive ring. Written from ../shared/docs/rtl8720-erpc.md, never kinder than it:

* a frame whose CRC fails, or whose function the firmware does not have, gets no reply;
* a length over 4096 consumes the header alone: what follows is read as the next header;
* ``wifi_on`` sends its STA_START event (oneway, service 19) before its reply;
* at another baud rate than the firmware's the bytes are garbage: nothing is understood;
* the AT firmware (``version=None``) understands no eRPC at all;
* bytes past the UART's receive ring (8 KB) are lost.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any

from blynk_edgent.erpc import EVENTS, FRAME_MAX, HEADER, INVOCATION, ONEWAY, REPLY, crc16, frame

# (service, function id) -> what the firmware answers: out parameters then the result, encoded.
Handler = Callable[["Firmware", bytes], bytes | None]


def _u32(value: int) -> bytes:
    return struct.pack("<I", value & 0xFFFFFFFF)


def _binary(data: bytes) -> bytes:
    return _u32(len(data)) + data


class Firmware:
    """The RTL8720DN's eRPC firmware ``version`` ("2.1.3"; None: the AT firmware), at its baud rate
    (614400 from 2.1.2, 1843200 before)."""

    def __init__(self, version: str | None = "2.1.3", mac: bytes = bytes.fromhex("2cf7f1c0ffee")) -> None:
        self.version = version
        self.mac = mac
        parts = tuple(int(p) for p in version.split(".")) if version else ()
        self.baud = 614400 if parts >= (2, 1, 2) else 1843200
        self.mode = 0  # RTW_MODE: NONE 0, STA 1, AP 2, STA_AP 3
        self.received: list[tuple[int, int]] = []  # (service, function) of every call understood
        self._pending = b""  # bytes of a frame not yet whole
        self._sequence = 0  # its own client's counter, for its events
        self._events: list[bytes] = []  # event frames waiting to go before the next reply
        self._handlers: dict[tuple[int, int], Handler] = {
            (1, 1): lambda fw, args: _binary((fw.version or "").encode()),
            (1, 2): lambda fw, args: args[:1],
            (14, 8): Firmware._mac_address,
            (14, 27): Firmware._wifi_on,
            (14, 28): Firmware._wifi_off,
            (15, 1): lambda fw, args: _u32(0),
        }

    def power_on(self) -> None:
        """CHIP_PU went high: a fresh chip (nothing half-received)."""
        self._pending = b""
        self.mode = 0

    def receive(self, data: bytes, baud: int) -> bytes:
        """Take the bytes the SAMD sent at ``baud``; return what the chip sends back."""
        if self.version is None or baud != self.baud:
            return b""  # AT firmware, or garbage at the wrong rate
        self._pending += data
        out = b""
        while len(self._pending) >= HEADER:
            length, crc = struct.unpack_from("<HH", self._pending)
            if length > FRAME_MAX:
                self._pending = self._pending[HEADER:]  # the header alone is consumed
                continue
            if len(self._pending) < HEADER + length:
                break
            message = self._pending[HEADER : HEADER + length]
            self._pending = self._pending[HEADER + length :]
            if crc16(message) != crc or len(message) < 8 or message[3] != 1:
                continue  # dropped without a reply
            kind, function, service = message[0], message[1], message[2]
            handler = self._handlers.get((service, function))
            if handler is None or kind not in (INVOCATION, ONEWAY):
                continue  # unknown function: no reply
            self.received.append((service, function))
            answer = handler(self, message[8:])
            if answer is None or kind == ONEWAY:
                continue
            out += self._take_events() + frame(bytes((REPLY, function, service, 1)) + message[4:8] + answer)
        return out

    # -- functions -----------------------------------------------------------------------------

    def _take_events(self) -> bytes:
        events = b"".join(self._events)
        self._events = []
        return events

    def _event(self, event_id: int) -> None:
        # rpc_wifi_event_callback: oneway, service 19, id 1, one binary (system_event_t; its size
        # is unconfirmed: the event id and four zero bytes here).
        self._sequence += 1
        body = bytes((ONEWAY, 1, EVENTS, 1)) + _u32(self._sequence) + _binary(_u32(event_id) + bytes(4))
        self._events.append(frame(body))

    def _wifi_on(self, args: bytes) -> bytes:
        self.mode = struct.unpack_from("<I", args)[0]
        if self.mode & 1:
            self._event(4)  # STA_START, before the reply (doc section 2)
        return _u32(0)

    def _wifi_off(self, args: bytes) -> bytes:
        self.mode = 0
        return _u32(0)

    def _mac_address(self, args: bytes) -> bytes:
        text = ":".join(f"{b:02x}" for b in self.mac).encode()
        return text + bytes(18 - len(text)) + _u32(0)


class EmulatedUART:
    """``busio.UART`` between the SAMD51 and ``firmware``: what is written reaches the chip at once,
    its answers wait in a receive ring of ``receiver_buffer_size`` bytes (bytes past it are lost,
    as CircuitPython's ring drops them), and ``power`` (a callable, or a pin object's value) is the
    chip's enable line."""

    def __init__(self, firmware: Firmware, baudrate: int = 614400, receiver_buffer_size: int = 8192) -> None:
        self.firmware = firmware
        self.baudrate = baudrate
        self.lost = 0
        self._size = receiver_buffer_size
        self._ring = bytearray()

    def write(self, data: Any) -> int:
        """Send ``data``; the chip's answer lands in the ring."""
        answer = self.firmware.receive(bytes(data), self.baudrate)
        room = self._size - len(self._ring)
        self._ring += answer[:room]
        self.lost += max(0, len(answer) - room)
        return len(data)

    @property
    def in_waiting(self) -> int:
        """Bytes received and not yet read."""
        return len(self._ring)

    def readinto(self, buffer: Any) -> int | None:
        """Fill ``buffer`` from the ring (None when nothing is there, as after the UART's timeout)."""
        count = min(len(buffer), len(self._ring))
        if not count:
            return None
        buffer[:count] = self._ring[:count]
        del self._ring[:count]
        return count

    def read(self, nbytes: int | None = None) -> bytes | None:
        """Up to ``nbytes`` bytes from the ring (all when None), or None when it is empty."""
        if not self._ring:
            return None
        count = len(self._ring) if nbytes is None else min(nbytes, len(self._ring))
        data = bytes(self._ring[:count])
        del self._ring[:count]
        return data

    def reset_input_buffer(self) -> None:
        """Drop what was received."""
        self._ring.clear()

    def deinit(self) -> None:
        """Release the pins."""


class Power:
    """``board.RTL_PWR`` as a DigitalInOut: raising it powers the chip up afresh."""

    def __init__(self, firmware: Firmware) -> None:
        self.firmware = firmware
        self._value = True

    @property
    def value(self) -> bool:
        """The enable line's level."""
        return self._value

    @value.setter
    def value(self, level: bool) -> None:
        if level and not self._value:
            self.firmware.power_on()
        self._value = bool(level)
