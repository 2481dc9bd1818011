# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Blynk.Edgent on an Adafruit PyPortal (or PyPortal Titano): an ESP32 on board, a screen, a NeoPixel.

The screen shows every step; the NeoPixel blinks Blynk's patterns. The PyPortal has no user
button: to set it up again, send `config erase` from the cloud or use the portal's /reset.
V0 gets the uptime in seconds every 5 s; whatever the app writes to V1 is printed.
"""

import time

from blynk_edgent import Edgent

edgent = Edgent()


@edgent.on_virtual_write(1)
def show(value):
    print("V1 =", value)


started = time.monotonic()
last_report = 0
while True:
    edgent.poll()
    now = time.monotonic()
    if edgent.connected and now - last_report >= 5:
        last_report = now
        edgent.virtual_write(0, int(now - started))
    time.sleep(0.005)
