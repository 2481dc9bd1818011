# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Blynk.Edgent on a Seeed Wio Terminal, over its own RTL8720DN.

The screen shows every step of provisioning and connecting; the LED blinks Blynk's patterns;
holding button A (the top button, board.BUTTON_3) for 10 s erases the settings. V0 gets the
uptime in seconds every 5 s; top button 1 (board.BUTTON_1) sets V2 to 1 while pressed; what
the app writes to V1 is printed.
The RTL8720DN needs Seeed's eRPC firmware 2.1.2 or later (Seeed's ambd_flash_tool updates it).
With an AirLift on the 40-pin header instead, see examples/wio_terminal_airlift.
"""

import time

import board
import digitalio

from blynk_edgent import Edgent

button = digitalio.DigitalInOut(board.BUTTON_1)
button.switch_to_input(digitalio.Pull.UP)

edgent = Edgent()


@edgent.on_virtual_write(1)
def show(value):
    print("V1 =", value)


started = time.monotonic()
last_report = 0
was_pressed = None
while True:
    edgent.poll()
    now = time.monotonic()
    if edgent.connected:
        pressed = not button.value
        if pressed != was_pressed:
            was_pressed = pressed
            edgent.virtual_write(2, 1 if pressed else 0)
        if now - last_report >= 5:
            last_report = now
            edgent.virtual_write(0, int(now - started))
    time.sleep(0.005)
