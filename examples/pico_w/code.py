# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Blynk.Edgent on a Raspberry Pi Pico W or Pico 2 W: native WiFi, the LED on the CYW43.

The LED blinks Blynk's patterns. Wire a button from GP15 to GND to hold for a reset; without
one, send `config erase` from the cloud or use the portal's /reset.
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
