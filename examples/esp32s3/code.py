# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Blynk.Edgent on a native-WiFi ESP32-S3 board (Adafruit Feather ESP32-S3).

V0 gets the uptime in seconds every 5 seconds; writing V1 from the Blynk app switches board.LED
where the status shows on the NeoPixel (a board without both, such as an ESP32-S3 DevKitC, just
prints the value: there board.LED, if any, is the status LED).
A board with no configuration starts config mode: join its access point ("Blynk <template>-XXXX")
with the Blynk app, a browser, or `edgent provision`.
"""

import time

import board
import digitalio

from blynk_edgent import Edgent

edgent = Edgent()

# board.LED is ours unless Edgent() took it for its status (boards without a NeoPixel).
try:
    led = digitalio.DigitalInOut(board.LED)
    led.switch_to_output(False)
except (AttributeError, ValueError):  # no board.LED; "LED in use"
    led = None


@edgent.on_virtual_write(1)
def switch_led(value):
    print("V1 =", value)
    if led is not None:
        led.value = value == "1"


@edgent.on_connected
def connected():
    edgent.sync_virtual(1)  # the cloud sends V1's last value, so the LED matches the app


started = time.monotonic()
last_report = 0
while True:
    edgent.poll()
    now = time.monotonic()
    if edgent.connected and now - last_report >= 5:
        last_report = now
        edgent.virtual_write(0, int(now - started))
    time.sleep(0.005)
