# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``busio`` for the simulator: CircuitPython's SPI bus, whose bytes reach an emulated ESP32 (``sim/nina``).

As CircuitPython 10 (``shared-bindings/busio/SPI.c``): the clock, MOSI and MISO pins are claimed
like digitalio pins (a pin in use raises ``ValueError("... in use")``); ``configure``, ``write``,
``readinto`` and ``write_readinto`` need the lock (``RuntimeError("Function requires lock")``);
a deinitialised bus raises ``ValueError``. Bytes clocked while the chip select of an ESP32 wired
to these pins is low go to it and what it shifts out comes back on MISO; with nothing selected
the bus reads 0xFF. There is no ``UART`` or ``I2C`` here: nothing in the simulator talks to them.
"""

from __future__ import annotations

from typing import Any

from edgent_host.sim import nina, runtime
from edgent_host.sim.pins import Pin, claim

_DEINITED = "Object has been deinitialized and can no longer be used. Create a new object."


def _claim(pin: Pin | None, what: str) -> str | None:
    return None if pin is None else claim(pin, what).name


class SPI:
    """A 3-wire SPI bus (``busio.SPI(clock, MOSI=None, MISO=None, half_duplex=False)``)."""

    def __init__(self, clock: Pin, MOSI: Pin | None = None, MISO: Pin | None = None, half_duplex: bool = False) -> None:  # noqa: N803 - CircuitPython's names
        if not isinstance(clock, Pin):
            raise TypeError(f"clock must be of type Pin, not {type(clock).__name__}")
        if half_duplex:
            raise NotImplementedError("Half duplex SPI is not implemented")
        if MOSI is None and MISO is None:
            raise ValueError("Must provide MISO or MOSI pin")
        names: list[str] = []
        try:
            for pin, what in ((clock, "clock"), (MOSI, "MOSI"), (MISO, "MISO")):
                name = _claim(pin, what)
                if name is not None:
                    names.append(name)
        except (TypeError, ValueError):
            for name in names:
                runtime.current().pin(name).in_use = False
            raise
        self._clock = clock._name
        self._mosi = MOSI._name if MOSI is not None else None
        self._miso = MISO._name if MISO is not None else None
        self._locked = False
        self._deinited = False
        self._baudrate = 100000
        self._polarity = 0
        self._phase = 0
        self._bits = 8

    # -- lifecycle -------------------------------------------------------------------------

    def _check(self, lock: bool = False) -> None:
        if self._deinited:
            raise ValueError(_DEINITED)
        if lock and not self._locked:
            raise RuntimeError("Function requires lock")

    def deinit(self) -> None:
        """Release the pins."""
        if self._deinited:
            return
        for name in (self._clock, self._mosi, self._miso):
            if name is not None:
                runtime.current().pin(name).in_use = False
        self._deinited = True

    def __enter__(self) -> SPI:
        return self

    def __exit__(self, *args: object) -> None:
        self.deinit()

    # -- locking and configuration ---------------------------------------------------------

    def try_lock(self) -> bool:
        """Take the bus; False when it is already taken."""
        self._check()
        if self._locked:
            return False
        self._locked = True
        return True

    def unlock(self) -> None:
        """Release the bus."""
        self._check()
        self._locked = False

    def configure(self, *, baudrate: int = 100000, polarity: int = 0, phase: int = 0, bits: int = 8) -> None:
        """Set the clock rate, mode and word size (the bus must be locked)."""
        self._check(lock=True)
        if polarity not in (0, 1):
            raise ValueError("polarity must be 0-1")
        if phase not in (0, 1):
            raise ValueError("phase must be 0-1")
        if bits != 8:
            raise ValueError("bits must be 8")
        if baudrate < 1:
            raise ValueError("baudrate must be >= 1")
        self._baudrate, self._polarity, self._phase, self._bits = baudrate, polarity, phase, bits

    @property
    def frequency(self) -> int:
        """The clock rate last configured."""
        self._check()
        return self._baudrate

    # -- transfers -------------------------------------------------------------------------

    def _clock_out(self, data: bytes) -> bytes:
        """Clock ``data`` out on MOSI; return what came in on MISO."""
        if not data:
            return b""
        answer = nina.transfer(self._clock, self._mosi, self._miso, bytes(data))
        return answer if answer is not None else b"\xff" * len(data)

    def write(self, buffer: Any, *, start: int = 0, end: int | None = None) -> None:
        """Send ``buffer[start:end]``."""
        self._check(lock=True)
        if self._mosi is None:
            raise ValueError("No MOSI pin")
        self._clock_out(bytes(memoryview(buffer).cast("B")[start:end]))

    def readinto(self, buffer: Any, *, start: int = 0, end: int | None = None, write_value: int = 0) -> None:
        """Fill ``buffer[start:end]`` from MISO, clocking out ``write_value``."""
        self._check(lock=True)
        if self._miso is None:
            raise ValueError("No MISO pin")
        view = memoryview(buffer).cast("B")[start:end]
        view[:] = self._clock_out(bytes((write_value & 0xFF,)) * len(view))

    def write_readinto(
        self,
        out_buffer: Any,
        in_buffer: Any,
        *,
        out_start: int = 0,
        out_end: int | None = None,
        in_start: int = 0,
        in_end: int | None = None,
    ) -> None:
        """Send ``out_buffer[out_start:out_end]`` while filling ``in_buffer[in_start:in_end]``."""
        self._check(lock=True)
        if self._mosi is None or self._miso is None:
            raise ValueError("No MOSI pin" if self._mosi is None else "No MISO pin")
        out_view = memoryview(out_buffer).cast("B")[out_start:out_end]
        in_view = memoryview(in_buffer).cast("B")[in_start:in_end]
        if len(out_view) != len(in_view):
            raise ValueError("buffer slices must be of equal length")
        in_view[:] = self._clock_out(bytes(out_view))
