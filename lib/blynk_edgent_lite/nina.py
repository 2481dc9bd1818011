# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""A minimal driver for a NINA module (an ESP32 with nina-fw) over ``busio.SPI``, for the lite
edition: adafruit_esp32spi holds 22 KB of a SAMD21's 17, and needs ``adafruit_bus_device``,
which the build lacks (issue 17).

The framing is nina-fw's (``CommandHandler.cpp``; the simulator's ``sim/nina/protocol.py``): a
command is START 0xE0, the code, the parameter count, each parameter's length (two bytes, high
first, for the data commands) and bytes, END 0xEE, padded to 4 bytes; the reply is START, the
code with 0x80, the count, each parameter (a one-byte length), END; 0xEF is "no such command".
The handshake: the module drives its ready line low when it can take a transaction; the host
selects it and waits for the line to go high before clocking.

Here: the transaction, the status and sockets, which both modes use. A board loads a module's
code into its heap, so each other command lives with its one user, as a function of a
:class:`Nina`: version and MAC in :mod:`~blynk_edgent_lite.boot`, the file store's in
:mod:`~blynk_edgent_lite.files`, scan, access point and server in
:mod:`~blynk_edgent_lite.opening`, join and connect in :mod:`~blynk_edgent_lite.running`.
"""

import time

from micropython import const
from supervisor import ticks_ms

# const() names with a leading underscore are folded in by the compiler: no name, no heap
_START = const(0xE0)
_END = const(0xEE)
_ERROR = const(0xEF)
_REPLY = const(0x80)
_WIDE = (0x44, 0x45, 0x46)  # SEND_DATA_TCP, GET_DATABUF_TCP, INSERT_DATABUF: two-byte lengths
_TAIL = b"\xee\0\0\0"  # END and the padding a frame may need


def elapsed(since):
    """Milliseconds from ``since`` to now (``supervisor.ticks_ms``, which wraps at 2**29)."""
    return (ticks_ms() - since) & 0x1FFFFFFF


class NinaError(OSError):
    """The module did not answer, or answered out of step (the caller resets it)."""


class Nina:
    """A NINA module on ``spi`` with ``cs`` and ``ready`` (BUSY) (``digitalio.DigitalInOut``s),
    once reset (:func:`~blynk_edgent_lite.boot.module` resets it and makes this)."""

    def __init__(self, spi, cs, ready):
        self._spi = spi
        self._cs = cs
        self._ready = ready
        self._byte = bytearray(1)
        cs.switch_to_output(True)
        ready.switch_to_input()
        self.legacy = True  # firmware 1.x: reversed MAC bytes (known after version())

    # -- the transaction ---------------------------------------------------------------------------

    def _wait(self, level, limit_ms):
        start = ticks_ms()
        while self._ready.value != level:
            if elapsed(start) > limit_ms:
                raise NinaError("NINA: no answer")

    def _select(self):
        self._wait(False, 10000)
        while not self._spi.try_lock():
            pass
        self._spi.configure(baudrate=8000000)
        self._cs.value = False
        try:
            self._wait(True, 1000)
        except NinaError:
            self._deselect()
            raise

    def _deselect(self):
        self._cs.value = True
        self._spi.unlock()

    def _read(self):
        self._spi.readinto(self._byte)
        return self._byte[0]

    def command(self, code, params=(), answers=None, into=None):
        """Send command ``code`` with ``params`` (bytes each) and return its reply's parameters, a
        list of bytearrays; ``answers`` is how many the reply must carry (None: any). With
        ``into`` (a buffer), the reply's one parameter is read into it instead, and its length
        returned. NinaError when the module refuses the command or answers out of step."""
        wide = code in _WIDE
        size = 4 + sum(len(param) + (2 if wide else 1) for param in params)
        # written a piece at a time within one transaction: a frame in one buffer would need a
        # block as long as its data, which a fragmented heap may not have
        spi = self._spi
        self._select()
        try:
            spi.write(bytes((_START, code & 0x7F, len(params))))
            for param in params:
                spi.write(bytes((len(param) >> 8, len(param) & 0xFF)) if wide else bytes((len(param),)))
                spi.write(param)
            spi.write(_TAIL[: 1 + (-size) % 4])  # END, then padding to 4 bytes
        finally:
            self._deselect()
        self._select()
        try:
            return self._reply(code, answers, code == 0x45, into)
        finally:
            self._deselect()

    def _reply(self, code, answers, wide, into):
        for _ in range(10):
            got = self._read()
            if got == _START:
                break
            if got == _ERROR:
                raise NinaError("NINA 0x%02x: refused" % code)
            time.sleep(0.01)
        else:
            raise NinaError("NINA 0x%02x: no reply" % code)
        count = self._read() if self._read() == code | _REPLY else -1
        if count < 0 or (answers is not None and count != answers) or (into is not None and count != 1):
            raise NinaError("NINA 0x%02x: out of step" % code)
        out = []
        for _ in range(count):
            length = self._read()
            if wide:
                length = length << 8 | self._read()
            if into is not None:
                if length > len(into):
                    raise NinaError("NINA 0x%02x: out of step" % code)
                self._spi.readinto(memoryview(into)[:length])
                out = length
                continue
            value = bytearray(length)
            self._spi.readinto(value)
            out.append(value)
        if self._read() != _END:
            raise NinaError("NINA 0x%02x: out of step" % code)
        return out

    def status(self):
        """The connection status (3 connected; hardware-truth.md sections 12, 13 say what the others mean)."""
        return self.command(0x20, answers=1)[0][0]

    # -- client sockets (adafruit_esp32spi's command sequence; nina-fw's quirks in sim/nina) -----

    def socket(self):
        """A free socket number; OSError when the module has none (it answers 255)."""
        number = self.command(0x3F, answers=1)[0][0]
        if number == 255:
            raise OSError(23, "NINA: no free socket")
        return number

    def connected(self, number):
        """True while socket ``number`` is connected (ESTABLISHED)."""
        return self.command(0x2F, (bytes((number,)),), 1)[0][0] == 4

    def send(self, number, data):
        """Send ``data`` (at most 4 KB a call) on socket ``number``; the count the module took."""
        sent = self.command(0x44, (bytes((number,)), data), 1)[0][0]
        if not sent or self.command(0x2A, (bytes((number,)),), 1)[0][0] != 1:
            raise OSError(104, "NINA: send failed")
        return len(data)

    def available(self, number):
        """How many bytes socket ``number`` holds."""
        count = self.command(0x2B, (bytes((number,)),), 1)[0]
        return count[0] | count[1] << 8

    def recv(self, number, size):
        """Up to ``size`` bytes of socket ``number`` (call :meth:`available` first)."""
        return bytes(self.command(0x45, (bytes((number,)), bytes((size & 0xFF, size >> 8))), 1)[0])

    def recv_into(self, number, buffer):
        """Read up to ``len(buffer)`` bytes of socket ``number`` into ``buffer`` (a memoryview of
        a buffer the caller keeps: nothing of their size is allocated); their count."""
        size = len(buffer)
        return self.command(0x45, (bytes((number,)), bytes((size & 0xFF, size >> 8))), 1, buffer)

    def close(self, number):
        """Close socket ``number``."""
        self.command(0x2E, (bytes((number,)),), 1)

    def delete_file(self, name):
        """Delete file ``name`` (``b"/fs/..."``) of the module's file store; nina-fw answers "no
        such command" whatever it did. Here, with :meth:`read_file`: an erase must load no module
        (a stale pointer on the stack can keep the mode it follows in the heap)."""
        try:
            self.command(0x62, (b"\0", b"\0", name))
        except NinaError:
            pass

    def read_file(self, name, offset, length):
        """``length`` bytes (255 at most) of file ``name`` (``b"/fs/..."``) in the module's file
        store (firmware 1.4.0 and later), from ``offset``; past its end the firmware answers
        stale bytes, so the caller keeps to the size. Here, not with the other file commands
        (:mod:`~blynk_edgent_lite.files`): config mode reads its pages back with it."""
        return bytes(self.command(0x61, (bytes((offset & 0xFF, offset >> 8)), bytes((length,)), name), 1)[0])
