# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``busio`` for the simulator: CircuitPython's SPI bus, whose bytes reach an emulated ESP32 (``sim/nina``),
and its UART, whose bytes reach the Wio Terminal's emulated RTL8720DN (``sim/rtl8720``).

As CircuitPython 10 (``shared-bindings/busio/SPI.c``): the clock, MOSI and MISO pins are claimed
like digitalio pins (a pin in use raises ``ValueError("... in use")``); ``configure``, ``write``,
``readinto`` and ``write_readinto`` need the lock (``RuntimeError("Function requires lock")``);
a deinitialised bus raises ``ValueError``. Bytes clocked while the chip select of an ESP32 wired
to these pins is low go to it and what it shifts out comes back on MISO; with nothing selected
the bus reads 0xFF.

``UART`` follows ``shared-bindings/busio/UART.c`` and, on SAMD boards, the atmel-samd port's
``common-hal/busio/UART.c`` (see the class). On ``RTL_MOSI``/``RTL_MISO`` of a board with an
RTL8720DN its bytes go to the emulated chip; on any other pins nothing is wired: what is written
is lost and reads time out. There is no ``I2C``: nothing in the simulator talks to it.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from edgent_host.sim import nina, runtime
from edgent_host.sim.pins import Pin, claim

if TYPE_CHECKING:
    from edgent_host.sim.rtl8720 import EmulatedUART

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


_UART_POLL_S = 0.0005  # how often a read waiting for bytes looks again (~30 bytes at 614400 baud)


class _ParityValue:
    """``busio.UART.Parity.ODD`` or ``.EVEN``."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return f"busio.UART.Parity.{self._name}"


def _free_pin(pin: object, what: str) -> Pin | None:
    """``validate_obj_is_free_pin_or_none``: None, or a Pin nobody holds (checked, not yet claimed)."""
    if pin is None:
        return None
    if not isinstance(pin, Pin):
        raise TypeError(f"{what} must be of type Pin, not {type(pin).__name__}")
    if runtime.current().pin(pin._name).in_use:
        raise ValueError(f"{pin} in use")
    return pin


def _checked_timeout(timeout: float) -> float:
    """shared-bindings' ``validate_timeout``: whole seconds 0-100 (a timeout in milliseconds is an error)."""
    timeout = float(timeout)
    if not 0 <= int(timeout) <= 100:
        raise ValueError("timeout must be 0-100")
    return timeout


def _rtl8720_uart(tx: str | None, rx: str | None, baudrate: int, receiver_buffer_size: int) -> EmulatedUART | None:
    """The emulated RTL8720DN's UART when these are its pins, else None. Imported only on a board
    with one: the emulator loads blynk_edgent, which must not be imported before the board's errno
    is (device.install_modules), as it would be if this module, installed earlier, imported it."""
    if not runtime.current().board.rtl8720:
        return None
    from edgent_host.sim import rtl8720

    return rtl8720.open_uart(tx, rx, baudrate, receiver_buffer_size)


class UART:
    """A serial port (``busio.UART(tx=None, rx=None, *, baudrate=9600, ...)``).

    As CircuitPython 10: each pin must be a free Pin (``TypeError``, ``ValueError("... in use")``),
    ``tx`` and ``rx`` cannot both be None and the pins must differ; ``bits`` 5-9, ``stop`` 1-2,
    ``receiver_buffer_size`` 1-65535, ``timeout`` 0-100 s. On atmel-samd boards, as its port: no
    RS485 (``NotImplementedError``), ``bits`` at most 8, and a receiver buffer that is a power of
    two when there is an ``rx`` pin. (Which SERCOM pads a pin pair can use is not checked here.)

    A read waits up to ``timeout`` for the first byte and again after every byte (the port's busy
    wait), then returns what came, or None when nothing did; ``write`` returns once the bytes are
    on the wire, after their transmission time at ``baudrate``. ``baudrate`` changes reach the
    emulated chip, which understands only its own rate.
    """

    class Parity:
        """Enum-like class to define the parity used to verify correct data transfer."""

        ODD = _ParityValue("ODD")
        EVEN = _ParityValue("EVEN")

    def __init__(
        self,
        tx: Pin | None = None,
        rx: Pin | None = None,
        *,
        rts: Pin | None = None,
        cts: Pin | None = None,
        rs485_dir: Pin | None = None,
        rs485_invert: bool = False,
        baudrate: int = 9600,
        bits: int = 8,
        parity: Any = None,
        stop: int = 1,
        timeout: float = 1,
        receiver_buffer_size: int = 64,
    ) -> None:
        # shared-bindings/busio/UART.c busio_uart_make_new, in its order.
        pins: dict[str, Pin | None] = {}
        for what, pin in (("rx", rx), ("tx", tx), ("rts", rts), ("cts", cts), ("rs485_dir", rs485_dir)):
            pins[what] = _free_pin(pin, what)
        if pins["tx"] is None and pins["rx"] is None:
            raise ValueError("tx and rx cannot both be None")
        given = [pin for pin in pins.values() if pin is not None]
        if len(set(given)) != len(given):
            raise ValueError("Invalid pins")
        if not 5 <= bits <= 9:
            raise ValueError("bits must be 5-9")
        if not 1 <= receiver_buffer_size <= 0xFFFF:
            raise ValueError("receiver_buffer_size must be 1-65535")
        if not 1 <= stop <= 2:
            raise ValueError("stop must be 1-2")
        timeout = _checked_timeout(timeout)
        if runtime.current().board.port == "atmel-samd":
            # ports/atmel-samd/common-hal/busio/UART.c common_hal_busio_uart_construct
            if rs485_dir is not None or rs485_invert:
                raise NotImplementedError("RS485")
            if bits > 8:
                raise ValueError("bits must be <= 8")
            if rx is not None and receiver_buffer_size & (receiver_buffer_size - 1):
                raise ValueError("receiver_buffer_size must be power of 2")
        names = [claim(pin, what).name for what, pin in pins.items() if pin is not None]
        self._pins: list[str] | None = names
        self._tx = tx._name if tx is not None else None
        self._rx = rx._name if rx is not None else None
        self._baudrate = baudrate
        self._bits = bits
        self._parity = parity if parity in (UART.Parity.ODD, UART.Parity.EVEN) else None
        self._stop = stop
        self._timeout = timeout
        self._link = _rtl8720_uart(self._tx, self._rx, baudrate, receiver_buffer_size)
        if self._link is not None:
            self._link.timeout = timeout

    # -- lifecycle -------------------------------------------------------------------------

    def _check(self) -> None:
        if self._pins is None:
            raise ValueError(_DEINITED)

    def deinit(self) -> None:
        """Release the pins."""
        if self._pins is None:
            return
        for name in self._pins:
            runtime.current().pin(name).in_use = False
        self._pins = None
        if self._link is not None:
            self._link.deinit()
            self._link = None

    def __enter__(self) -> UART:
        return self

    def __exit__(self, *args: object) -> None:
        self.deinit()

    # -- settings --------------------------------------------------------------------------

    @property
    def baudrate(self) -> int:
        """The current baudrate."""
        self._check()
        return self._baudrate

    @baudrate.setter
    def baudrate(self, value: int) -> None:
        self._check()
        self._baudrate = int(value)
        if self._link is not None:
            self._link.baudrate = self._baudrate

    @property
    def timeout(self) -> float:
        """The current timeout, in seconds."""
        self._check()
        return self._timeout

    @timeout.setter
    def timeout(self, value: float) -> None:
        self._check()
        self._timeout = _checked_timeout(value)
        if self._link is not None:
            self._link.timeout = self._timeout

    @property
    def in_waiting(self) -> int:
        """The number of bytes in the input buffer, available to be read."""
        self._check()
        return self._link.in_waiting if self._link is not None else 0

    def reset_input_buffer(self) -> None:
        """Discard any unread characters in the input buffer."""
        self._check()
        if self._link is not None:
            self._link.reset_input_buffer()

    # -- reading and writing ---------------------------------------------------------------

    def _receive(self, size: int | None) -> bytes:
        """``common_hal_busio_uart_read``: up to ``size`` bytes (None: any number), waiting up to
        the timeout for the first and after each one; b"" when none came."""
        self._check()
        if self._rx is None:
            raise ValueError("No rx pin")
        got = bytearray()
        rt = runtime.current()
        start = time.monotonic()
        while True:
            wanted = None if size is None else size - len(got)
            chunk = self._link.read(wanted) if self._link is not None else None
            if chunk:
                got += chunk
                start = time.monotonic()  # the timeout starts again at every byte
            if size is not None and len(got) >= size:
                break
            if rt.interrupted():  # mp_hal_is_interrupted(): the VM raises the pending exception
                pending = rt.take_pending()
                if pending is not None:
                    raise pending
            if self._timeout == 0 or time.monotonic() - start > self._timeout:
                break
            time.sleep(_UART_POLL_S)
        return bytes(got)

    def read(self, nbytes: int | None = None) -> bytes | None:
        """Up to ``nbytes`` bytes (everything until the timeout when None), or None when none came."""
        if nbytes is not None and nbytes < 0:
            nbytes = None
        if nbytes == 0:
            self._check()
            return b""
        data = self._receive(nbytes)
        return data if data else None

    def readinto(self, buf: Any) -> int | None:
        """Read at most ``len(buf)`` bytes into ``buf``; their number, or None when none came."""
        view = memoryview(buf).cast("B")
        if not len(view):
            self._check()
            return 0
        data = self._receive(len(view))
        if not data:
            return None
        view[: len(data)] = data
        return len(data)

    def readline(self) -> bytes | None:
        """A line, up to and with its newline; what came before a timeout; None when nothing came."""
        line = bytearray()
        while True:
            byte = self._receive(1)
            if not byte:
                return bytes(line) if line else None
            line += byte
            if byte == b"\n":
                return bytes(line)

    def write(self, buf: Any) -> int | None:
        """Send ``buf``; return how many bytes went (all of them, once they are on the wire)."""
        self._check()
        if self._tx is None:
            raise ValueError("No tx pin")
        data = buf.encode() if isinstance(buf, str) else bytes(memoryview(buf).cast("B"))
        if self._link is not None:
            self._link.write(data)
        if data and self._baudrate > 0:
            # The port busy-waits until the last character has left: start, data, parity, stop bits.
            frame_bits = 1 + self._bits + (self._parity is not None) + self._stop
            time.sleep(len(data) * frame_bits / self._baudrate)
        return len(data)
