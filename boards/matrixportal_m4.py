# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Adafruit MatrixPortal M4: SAMD51 with an ESP32 (NINA), a NeoPixel, UP and DOWN buttons.

The RGB matrix is driven by the user's code, not used for the status: the NeoPixel shows it.
"""

import board

NAME = "Adafruit MatrixPortal M4"
RADIO = "esp32spi"
LED = ("neopixel", board.NEOPIXEL)
LED_BRIGHTNESS = 64
BUTTON = (board.BUTTON_UP, True)
BUTTON_NAME = "the UP button"
DISPLAY = False


def esp32():
    """The on-board ESP32."""
    return board.SPI(), board.ESP_CS, board.ESP_BUSY, board.ESP_RESET, board.ESP_GPIO0
