# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Raspberry Pi Pico W: native WiFi (CYW43), an LED on the CYW43.

The Pico W has no user button (BOOTSEL is not exposed to CircuitPython): wire one from GP15 to
GND for the reset hold. Its CYW43 starts an access point once per boot and cannot join a network
beside it, so a test-join stops the access point and a failed one reboots into config mode.
"""

import board

NAME = "Raspberry Pi Pico W"
RADIO = "native"
LED = ("digital", board.LED)
BUTTON = (board.GP15, True)
BUTTON_NAME = "the button on GP15"
DISPLAY = False
