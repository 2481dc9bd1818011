# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Arduino MKR WiFi 1010: SAMD21 (32 KB RAM) with a u-blox NINA-W102. No CircuitPython build exists.

CircuitPython has no board definition for it (the port was closed: "i do not think samd21 can
handle the WiFi core"), so there is no `board` module whose pins this profile could name. The
NINA wiring, in Arduino pin numbers from Arduino's own variant
(arduino/ArduinoCore-samd variants/mkrwifi1010/variant.h), is kept in NINA_PINS for whoever
ports it; note its RESETN is driven with inverted logic. This profile exists so that a user who
tries gets a clear answer.
"""

# Arduino pin numbers: SPI1 (SERCOM2) and the NINA control lines; LED_BUILTIN is 6.
NINA_PINS = {"sck": 29, "mosi": 26, "miso": 27, "cs": 28, "busy": 35, "reset": 31, "gpio0": 30}

NAME = "Arduino MKR WiFi 1010"
RADIO = "esp32spi"
LED = None
BUTTON = None
DISPLAY = False
UNSUPPORTED = (
    "blynk_edgent cannot run on the Arduino MKR WiFi 1010: CircuitPython has no build for it (SAMD21, "
    "32 KB of RAM), so there is no board module and no NVM. The lite edition is meant for it on the "
    "arduino_mkrzero build (from blynk_edgent_lite.edgent import Edgent; UNCONFIRMED on hardware, "
    "see the README), or use the Arduino Nano RP2040 Connect (the same NINA module) or an Adafruit "
    "AirLift board with this package."
)
