# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Adafruit Metro M4 Express AirLift (Lite): SAMD51 with an ESP32 (NINA) on board, a NeoPixel.

Its only button is RESET: wire a button from D2 to GND for the reset hold (the power-cycle
trigger does nothing on a SAMD51: README, "No button?").
"""

import board

NAME = "Adafruit Metro M4 AirLift Lite"
RADIO = "esp32spi"
LED = ("neopixel", board.NEOPIXEL)
LED_BRIGHTNESS = 64
BUTTON = (board.D2, True)
BUTTON_NAME = "the button on D2"
DISPLAY = False


def esp32():
    """The on-board ESP32."""
    return board.SPI(), board.ESP_CS, board.ESP_BUSY, board.ESP_RESET, board.ESP_GPIO0
