# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Adafruit Feather ESP32-S3 (4 MB flash, 2 MB PSRAM): native WiFi, a NeoPixel, the BOOT button.

The red LED (board.LED) is left to the user's code; the NeoPixel shows the status.
"""

import board

NAME = "Adafruit Feather ESP32-S3"
RADIO = "native"
LED = ("neopixel", board.NEOPIXEL)
LED_POWER = board.NEOPIXEL_POWER
LED_BRIGHTNESS = 64
BUTTON = (board.BUTTON, True)
BUTTON_NAME = "the BOOT button"
DISPLAY = False
