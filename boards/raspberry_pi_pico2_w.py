# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Raspberry Pi Pico 2 W: native WiFi (CYW43), an LED on the CYW43.

As the Pico W: wire a reset button from GP15 to GND; one access point per boot.
"""

import board

NAME = "Raspberry Pi Pico 2 W"
RADIO = "native"
LED = ("digital", board.LED)
BUTTON = (board.GP15, True)
BUTTON_NAME = "the button on GP15"
DISPLAY = False
