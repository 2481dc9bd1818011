# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Adafruit PyPortal Titano: a PyPortal with a 480x320 screen."""

import board

NAME = "Adafruit PyPortal Titano"
RADIO = "esp32spi"
LED = ("neopixel", board.NEOPIXEL)
LED_BRIGHTNESS = 64
BUTTON = None
DISPLAY = True


def esp32():
    """The on-board ESP32."""
    return board.SPI(), board.ESP_CS, board.ESP_BUSY, board.ESP_RESET, board.ESP_GPIO0
