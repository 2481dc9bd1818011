# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""``busio.SPI`` for a board's code under MicroPython, its bytes clocked by the simulator's SPI
bus on the host (``edgent_host.sim.mpbridge``)."""

import simbridge


class SPI:
    """The SPI bus on these pins (the host makes the real one)."""

    def __init__(self, clock, MOSI=None, MISO=None):  # noqa: N803 - CircuitPython's names
        simbridge.call(b"spi", clock.name + b" " + (MOSI.name if MOSI else b"-") + b" " + (MISO.name if MISO else b"-"))

    def try_lock(self):
        """True: the host's bus is this program's alone."""
        return True

    def unlock(self):
        """Nothing to let go of."""

    def configure(self, baudrate=100000, polarity=0, phase=0, bits=8):
        """The emulated module takes any clock."""

    def write(self, buffer):
        """Clock ``buffer`` out."""
        simbridge.call(b"w", bytes(buffer))

    def readinto(self, buffer):
        """Clock ``len(buffer)`` bytes in."""
        buffer[:] = simbridge.call(b"r", bytes((len(buffer) >> 8, len(buffer) & 0xFF)))
