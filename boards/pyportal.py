# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Adafruit PyPortal: SAMD51 with an ESP32 (NINA) on board, a 320x240 screen, a NeoPixel.

It has no user button (only a touchscreen): set up again with `dbg config erase` from the cloud,
or `/reset` in config mode. The power-cycle trigger does nothing on a SAMD51, which cannot tell a
power-on from another start (README: "No button?").
"""

import board

NAME = "Adafruit PyPortal"
RADIO = "esp32spi"
LED = ("neopixel", board.NEOPIXEL)
LED_BRIGHTNESS = 64
BUTTON = None
DISPLAY = True


def esp32():
    """The on-board ESP32."""
    return board.SPI(), board.ESP_CS, board.ESP_BUSY, board.ESP_RESET, board.ESP_GPIO0
