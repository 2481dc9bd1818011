# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Blynk.Edgent on a Seeed Wio Terminal with an Adafruit AirLift on its 40-pin header.

The screen shows every step of provisioning and connecting; the LED blinks Blynk's patterns;
holding button A (the top button, board.BUTTON_3) for 10 s erases the settings. V0 gets the
uptime in seconds every 5 s; top button 1 (board.BUTTON_1) sets V2 to 1 while pressed; what
the app writes to V1 is printed.
The Wio's own RTL8720DN is not used: the seeeduino_wio_terminal_airlift profile drives an
AirLift (or any ESP32 with NINA firmware) wired to the header: its SCK, MOSI and MISO to the
header's SPI (board.SPI()), CS to board.CS, BUSY to D2, !RST to D3, GPIO0 (optional) to D4, VIN
to the header's 3V3 or 5V and GND to GND (the README's "Wio Terminal + AirLift" table). It needs
adafruit_esp32spi in CIRCUITPY/lib: `edgent deploy --board seeeduino_wio_terminal_airlift`
installs it with this profile and this example.
"""

import time

import board
import digitalio

from blynk_edgent import Edgent

button = digitalio.DigitalInOut(board.BUTTON_1)
button.switch_to_input(digitalio.Pull.UP)

edgent = Edgent(board="seeeduino_wio_terminal_airlift")  # not the Wio's own radio: the AirLift


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
