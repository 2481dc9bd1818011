# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``busio.SPI`` under MicroPython (WebAssembly), its bytes clocked by the simulator's SPI on the
host through ``host.call`` (``edgent_host.sim.mpbridge``). Reads come back as hex, 256 bytes a
call at most: the guest's answer buffer is small, as a board's heap is."""

import host


class SPI:
    """The SPI bus on these pins (the host makes the real one)."""

    def __init__(self, clock, MOSI=None, MISO=None):  # noqa: N803 - CircuitPython's names
        names = clock.name + " " + (MOSI.name if MOSI else "-") + " " + (MISO.name if MISO else "-")
        self._bus = host.call("spi", bytes(names, "utf-8"))

    def try_lock(self):
        return True

    def unlock(self):
        pass

    def configure(self, baudrate=100000, polarity=0, phase=0, bits=8):
        pass

    def write(self, buffer):
        host.call("spi_write", bytes(buffer))

    def readinto(self, buffer):
        view = memoryview(buffer)
        for at in range(0, len(buffer), 256):
            part = view[at : at + 256]
            part[:] = bytes.fromhex(host.call("spi_read", bytes((len(part) >> 8, len(part) & 0xFF))))
