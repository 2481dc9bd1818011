# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Any board with native WiFi (ESP32-S2/S3/C3/C6, Pico W) that has no profile of its own.

The status LED is the NeoPixel if there is one, else board.LED; the reset button is board.BUTTON
(BOOT on Espressif dev boards) if there is one. Copy this file under the board's id to change it.
"""

import board

NAME = "board with native WiFi"
RADIO = "native"
_pixel = getattr(board, "NEOPIXEL", None)
_led = getattr(board, "LED", None)
LED = ("neopixel", _pixel) if _pixel is not None else (("digital", _led) if _led is not None else None)
LED_POWER = getattr(board, "NEOPIXEL_POWER", None)
LED_BRIGHTNESS = 64
_button = getattr(board, "BUTTON", None) or getattr(board, "BOOT0", None)
BUTTON = (_button, True) if _button is not None else None
BUTTON_NAME = "the BOOT button"
DISPLAY = hasattr(board, "DISPLAY")
