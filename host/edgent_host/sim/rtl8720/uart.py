# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The SAMD51's side of the link: ``busio.UART`` to the chip, and the chip's enable pin.

As CircuitPython's atmel-samd UART (``ports/atmel-samd/common-hal/busio/UART.c``): what is
written goes out at once; what the chip sends lands, by interrupt, in a receive ring of
``receiver_buffer_size`` bytes, and bytes that find it full are lost. Nothing paces the chip: it
sends when its firmware is done (``Firmware.transmit``), whether anybody reads or not.

Faults for the tests, each taking effect on the chip's next frames: ``drop_next`` (lose one byte
in the middle of the next frame the chip sends), ``corrupt_next`` (flip a bit of its CRC).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from edgent_host.sim.rtl8720.firmware import Firmware


IDLE_S = 0.0002  # what an empty look costs here: about a dozen bytes' time at 614400 baud


class EmulatedUART:
    """``busio.UART`` between the SAMD51 and ``firmware``."""

    def __init__(self, firmware: Firmware, baudrate: int = 614400, receiver_buffer_size: int = 8192) -> None:
        self.firmware = firmware
        self.baudrate = baudrate
        self.timeout = 1.0
        self.lost = 0  # bytes that found the ring full
        self.drop_next = 0  # frames still to lose a byte of
        self.corrupt_next = 0  # frames still to get a bad CRC
        self._size = receiver_buffer_size
        self._ring = bytearray()

    def _take_in(self) -> None:
        """Move what the chip has sent by now into the ring; what does not fit is lost."""
        for sent in self.firmware.transmit(self.baudrate):
            data = bytearray(sent)
            if self.drop_next and len(data) > 8:
                self.drop_next -= 1
                del data[len(data) // 2]
            if self.corrupt_next and len(data) >= 4:
                self.corrupt_next -= 1
                data[2] ^= 0x01
            room = self._size - len(self._ring)
            self._ring += data[:room]
            self.lost += max(0, len(data) - room)

    def write(self, data: Any) -> int:
        """Send ``data`` to the chip."""
        self._take_in()  # what arrived before these bytes went out
        self.firmware.receive(bytes(data), self.baudrate)
        return len(data)

    @property
    def in_waiting(self) -> int:
        """Bytes received and not yet read. With none, a byte's time passes first (a client
        polling an empty UART must not hold the host's CPU as it holds the board's)."""
        self._take_in()
        if not self._ring:
            time.sleep(IDLE_S)
            self._take_in()
        return len(self._ring)

    def readinto(self, buffer: Any) -> int | None:
        """Fill ``buffer`` from the ring (None when nothing is there, as after the UART's timeout)."""
        self._take_in()
        count = min(len(buffer), len(self._ring))
        if not count:
            return None
        buffer[:count] = self._ring[:count]
        del self._ring[:count]
        return count

    def read(self, nbytes: int | None = None) -> bytes | None:
        """Up to ``nbytes`` bytes from the ring (all when None), or None when it is empty."""
        self._take_in()
        if not self._ring:
            return None
        count = len(self._ring) if nbytes is None else min(nbytes, len(self._ring))
        data = bytes(self._ring[:count])
        del self._ring[:count]
        return data

    def reset_input_buffer(self) -> None:
        """Drop what was received."""
        self._take_in()
        self._ring.clear()

    def deinit(self) -> None:
        """Release the pins."""


class Power:
    """``board.RTL_PWR`` (CHIP_PU): low holds the chip off, raising it boots it afresh."""

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
        elif not level and self._value:
            self.firmware.power_off()
        self._value = bool(level)

    def switch_to_output(self, value: bool = False) -> None:
        """As DigitalInOut's: drive the line."""
        self.value = value
