# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``busio.SPI`` for a board's code under MicroPython, its bytes clocked by the simulator's SPI
bus on the host (``edgent_host.sim.mpbridge``)."""

import simbridge


class SPI:
    """The SPI bus on these pins (the host makes the real one)."""

    def __init__(self, clock, MOSI=None, MISO=None):  # noqa: N803 - CircuitPython's names
        names = clock.name + b" " + (MOSI.name if MOSI else b"-") + b" " + (MISO.name if MISO else b"-")
        simbridge.call(simbridge.SPI, names)
        self._size = bytearray(2)

    def try_lock(self):
        """True: the host's bus is this program's alone."""
        return True

    def unlock(self):
        """Nothing to let go of."""

    def configure(self, baudrate=100000, polarity=0, phase=0, bits=8):
        """The emulated module takes any clock."""

    def write(self, buffer):
        """Clock ``buffer`` out."""
        simbridge.call(simbridge.WRITE, buffer)

    def readinto(self, buffer):
        """Clock ``len(buffer)`` bytes in."""
        self._size[0] = len(buffer) >> 8
        self._size[1] = len(buffer) & 0xFF
        simbridge.call(simbridge.READ, self._size, buffer)
