# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Adafruit Feather ESP32-S3 TFT: native WiFi, a 240x135 screen, a NeoPixel, the BOOT button."""

import board

NAME = "Adafruit Feather ESP32-S3 TFT"
RADIO = "native"
LED = ("neopixel", board.NEOPIXEL)
LED_POWER = board.NEOPIXEL_POWER
LED_BRIGHTNESS = 64
BUTTON = (board.BUTTON, True)
BUTTON_NAME = "the BOOT button"
DISPLAY = True
