# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Blynk.Edgent on an Adafruit Feather ESP32-S3 TFT: native WiFi; the screen shows every step.

V0 gets the uptime in seconds every 5 seconds; writing V1 from the Blynk app switches the LED.
A board with no configuration starts config mode: join its access point ("Blynk <template>-XXXX")
with the Blynk app, a browser, or `edgent provision`.
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
