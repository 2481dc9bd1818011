# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Seeed Wio Terminal with an Adafruit AirLift (ESP32, NINA firmware) on its 40-pin header.

The Wio's second profile: WiFi from an AirLift breakout wired to the Raspberry-Pi-style header
instead of its own RTL8720DN (the seeeduino_wio_terminal profile): SCK, MOSI, MISO
(board.SPI()), CS to board.CS, BUSY to D2, RESET to D3, GPIO0 to D4, power from the header's
3V3 (see the README's wiring table). Chosen with ``Edgent(board="seeeduino_wio_terminal_airlift")``
(examples/wio_terminal_airlift); ``edgent deploy --board seeeduino_wio_terminal_airlift`` copies it.
The top button A (board.BUTTON_3, Arduino's WIO_KEY_A) is the reset button, as in Blynk's sketch.
"""

import board

NAME = "Seeed Wio Terminal + AirLift"
BOARD_ID = "seeeduino_wio_terminal"  # not named after its board: the one it is for
RADIO = "esp32spi"
LED = ("digital", board.LED)
BUTTON = (board.BUTTON_3, True)
BUTTON_NAME = "button A"
DISPLAY = True


def esp32():
    """The AirLift's SPI bus and pins on the 40-pin header."""
    return board.SPI(), board.CS, board.D2, board.D3, board.D4
