# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Stand-in for ``adafruit_bus_device.spi_device``."""


class SPIDevice:
    """An SPI device."""

    def __init__(self, spi, chip_select=None, *, baudrate=100000, polarity=0, phase=0, extra_clocks=0):
        self.spi = spi
