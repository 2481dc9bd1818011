# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Arduino Nano 33 IoT: SAMD21 (32 KB RAM) with a u-blox NINA-W102. Not supported by stock CircuitPython.

The pins are right (the NINA module sits on its own SPI pins), so a build that can run it only
needs this profile; stock CircuitPython cannot (../shared/docs/circuitpython-platform.md §0.3).
"""

import board

NAME = "Arduino Nano 33 IoT"
RADIO = "esp32spi"
LED = ("digital", board.LED)
BUTTON = None
DISPLAY = False
UNSUPPORTED = (
    "blynk_edgent cannot run on the Arduino Nano 33 IoT with stock CircuitPython: its build has no "
    "microcontroller.nvm (CIRCUITPY_NVM = 0) to keep the WiFi settings and token in, no json, errno or "
    "warnings modules (adafruit_esp32spi needs them), no settings.toml support, and 32 KB of RAM. "
    "Use the lite edition made for it: from blynk_edgent_lite.edgent import Edgent "
    "(examples/nano_33_iot_lite; it keeps the configuration in the NINA module's flash), or the "
    "Arduino Nano RP2040 Connect (the same NINA module) with this package."
)


def esp32():
    """The NINA module, on its own SPI pins."""
    import busio

    return (
        busio.SPI(board.ESP_SCK, board.ESP_MOSI, board.ESP_MISO),
        board.ESP_CS,
        board.ESP_BUSY,
        board.ESP_RESET,
        board.ESP_GPIO0,
    )
