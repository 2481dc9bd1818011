# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Blynk.Edgent on an AirLift board (Metro M4 AirLift, MatrixPortal M4): an ESP32 on board.

The NeoPixel blinks Blynk's patterns. V0 gets the uptime in seconds every 5 s; V1 from the app
switches the red LED (board.LED). The reset button is named in the board's profile.
"""

import time

import board
import digitalio

from blynk_edgent import Edgent

led = digitalio.DigitalInOut(board.LED)
led.switch_to_output(False)

edgent = Edgent()


@edgent.on_virtual_write(1)
def switch_led(value):
    print("V1 =", value)
    led.value = value == "1"


@edgent.on_connected
def connected():
    edgent.sync_virtual(1)


started = time.monotonic()
last_report = 0
while True:
    edgent.poll()
    now = time.monotonic()
    if edgent.connected and now - last_report >= 5:
        last_report = now
        edgent.virtual_write(0, int(now - started))
    time.sleep(0.005)
