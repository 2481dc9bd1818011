# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The ESP32 as the host's pins see it: chip select, the ready ("BUSY") line, RESET, GPIO0, SPI.

The SPI slave follows nina-fw's ``SPIS.cpp`` and ``sketch.ino.cpp``:

- The firmware loop queues a transaction (first a command receive, then the reply), and drives
  the ready line **low** once it is queued; the chip select's falling edge drives it **high**
  (``handleOnChipSelect``), and it stays high until the next transaction is queued: while the
  command is handled, and for the time the command keeps the firmware busy (a scan). The
  library waits for low before it selects, then for high after (``ESP_SPIcontrol._send_command``).
- A transaction ends when the chip select rises. A command transaction with no byte clocked
  ends without a command (``loop()`` returns and queues the next receive). The reply
  transaction ends whatever was clocked: a reply that is not read is lost.
- Bytes clocked while nothing is queued (selected while the firmware is busy) are lost and
  read back as zeros; with no ESP32 selected the bus reads 0xFF.
- A command may keep the firmware busy for long: a scan, a connect (as long as the firmware's
  own connect takes; firmware.py, sockets.py). The library waits 10 s for the ready line and then
  raises ``TimeoutError("ESP32 not responding")`` (``_wait_for_ready``, truth §15). The firmware
  does not know: once done it queues the reply; the library's next command is clocked into that
  reply transaction and lost, its read then meets the next command transaction (zeros: "Timed
  out waiting for SPI char"), whose bytes the firmware takes for a command and answers with
  ERR_CMD, and so on: out of step for good, until the ESP32 is reset through its RESET pin. None
  of this is programmed here: it follows from the transactions above.

RESET low holds the chip in reset (sockets, AP and station are gone, the ready line floats
high); RESET high boots it again in ``BOOT_S``. Two pins are sampled at boot, as on the chip:
GPIO0 low when RESET rises starts the ROM bootloader (the library drives GPIO0 high during its
reset), and the chip select low when the firmware starts selects Bluetooth mode
(``setup()`` reads pin 5, the CS, and runs BLE over the UART): either way SPI never answers
and the library times out ("ESP32 not responding"). Undriven, CS, RESET and GPIO0 read high
(pull-ups). While running, the firmware drives GPIO0 high when some socket has data.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from edgent_host.sim.nina import protocol as p
from edgent_host.sim.nina.firmware import Firmware

if TYPE_CHECKING:
    from edgent_host.sim.nina.personality import Personality
    from edgent_host.sim.runtime import Runtime

BOOT_S = 0.2  # from RESET high to the first transaction queued
ROLES = ("sck", "mosi", "miso", "cs", "busy", "reset", "gpio0")


class ESP32:
    """One ESP32 running NINA firmware, wired to board pins (``wiring``: role -> pin name)."""

    def __init__(
        self,
        runtime: Runtime,
        wiring: dict[str, str],
        personality: Personality,
        mac: bytes,
        reset_inverted: bool = False,
    ) -> None:
        missing = [role for role in ROLES if role not in wiring]
        if missing:
            raise ValueError(f"ESP32 wiring lacks {', '.join(missing)}")
        self.runtime = runtime
        self.wiring = dict(wiring)
        self.personality = personality
        self.mac = bytes(mac)
        self._roles = {pin: role for role, pin in self.wiring.items()}
        # the MKR WiFi 1010 drives RESETN through an inverter: its pin high holds the chip in
        # reset (WiFiNINA's SpiDrv::begin, inverted_reset)
        self.reset_inverted = reset_inverted
        self._lock = threading.RLock()
        self._driven: dict[str, bool | None] = {}  # what the host drives on cs/reset/gpio0
        # Powered on with the board: the firmware is up before code.py runs.
        self.state = "running"  # running, reset, booting, bootloader, ble
        self._boot_at = 0.0
        self._gpio0_low_at_reset = False
        self.firmware: Firmware | None = Firmware(runtime, personality, self.mac)
        self._selected = False
        self._queued = False  # a transaction was queued when the chip select fell
        self._phase = "command"  # command, reply, or working (a command still being carried out)
        self._rx = bytearray()
        self._tx = b""
        self._pos = 0
        self._busy_until = 0.0

    @property
    def pins(self) -> tuple[str, ...]:
        """The board pins wired to this ESP32."""
        return tuple(self.wiring.values())

    def _line(self, role: str) -> bool:
        # pull-ups on CS, RESET (EN) and GPIO0; an inverted RESETN undriven leaves EN high too
        level = self._driven.get(role)
        if level is None:
            return True
        return not level if role == "reset" and self.reset_inverted else level

    # -- the host drives a pin -------------------------------------------------------------

    def driven(self, pin: str, level: bool | None) -> None:
        """The host drives ``pin`` to ``level`` (None: it stopped driving it)."""
        role = self._roles.get(pin)
        if role not in ("cs", "reset", "gpio0"):
            return
        with self._lock:
            before = self._line(role)
            self._driven[role] = level
            after = self._line(role)
            if before == after:
                return
            if role == "cs":
                self._chip_select(after)
            elif role == "reset":
                if after:
                    self._release_reset()
                else:
                    self._hold_reset()

    def level(self, pin: str) -> bool | None:
        """The level this ESP32 drives on ``pin``, or None when it drives nothing there."""
        role = self._roles.get(pin)
        with self._lock:
            if role == "busy":
                return self._ready_line()
            if role == "gpio0":
                self._advance()
                if self.state == "running" and self.firmware is not None:
                    return self.firmware.irq()
        return None

    def _ready_line(self) -> bool:
        """True (high) = busy, False (low) = a transaction is queued."""
        self._advance()
        if self.state != "running":
            return True
        return self._selected or self._busy()

    def _busy(self) -> bool:
        """The firmware is handling a command: nothing is queued."""
        return self._phase == "working" or time.monotonic() < self._busy_until

    # -- reset and boot --------------------------------------------------------------------

    def _hold_reset(self) -> None:
        if self.firmware is not None:
            self.firmware.shutdown()
            self.firmware = None
        self.state = "reset"
        self._selected = False
        self._phase = "command"  # whatever it was doing is gone

    def _release_reset(self) -> None:
        if self.state != "reset":
            return
        self.state = "booting"
        self._boot_at = time.monotonic() + BOOT_S
        self._gpio0_low_at_reset = not self._line("gpio0")

    def _advance(self) -> None:
        """Finish a boot that is due, or a command the firmware was still carrying out."""
        if self.state == "running" and self._phase == "working":
            assert self.firmware is not None
            if self.firmware.pending_done():
                self._tx = self.firmware.finish()
                self._phase = "reply"
            return
        if self.state != "booting" or time.monotonic() < self._boot_at:
            return
        if self._gpio0_low_at_reset:
            self.state = "bootloader"
        elif not self._line("cs"):
            self.state = "ble"
        else:
            self.state = "running"
            self.firmware = Firmware(self.runtime, self.personality, self.mac)
            self._phase = "command"
            self._tx = b""
            self._busy_until = 0.0
            self._selected = False

    # -- SPI -------------------------------------------------------------------------------

    def _chip_select(self, high: bool) -> None:
        self._advance()
        if self.state != "running":
            self._selected = False
            return
        if not high:
            self._selected = True
            self._queued = not self._busy()
            self._rx = bytearray()
            self._pos = 0
            return
        if not self._selected:
            return
        self._selected = False
        if not self._queued:
            return
        if self._phase == "command":
            if not self._rx:
                return
            assert self.firmware is not None
            reply = self.firmware.handle(bytes(self._rx))
            if reply is None:
                self._tx = b""
                self._phase = "working"  # until the firmware's connect ends (_advance)
                return
            self._tx = reply
            self._phase = "reply"
            self._busy_until = time.monotonic() + self.firmware.took
        else:
            self._tx = b""
            self._phase = "command"

    def transfer(self, sck: str, mosi: str | None, miso: str | None, data: bytes) -> bytes | None:
        """Clock ``data`` out on a bus (its pin names); what this ESP32 answers, or None when it is not on the line."""
        with self._lock:
            if (sck, mosi, miso) != (self.wiring["sck"], self.wiring["mosi"], self.wiring["miso"]):
                return None
            self._advance()
            if self.state != "running" or not self._selected:
                return None
            if not self._queued:
                return bytes(len(data))
            if self._phase == "command":
                room = p.SPI_BUFFER_LEN - len(self._rx)
                self._rx += data[:room]
                return bytes(len(data))
            out = self._tx[self._pos : self._pos + len(data)]
            self._pos += len(data)
            return out.ljust(len(data), b"\0")

    def close(self) -> None:
        """Power off: as held in reset, every socket closed."""
        with self._lock:
            self._hold_reset()
