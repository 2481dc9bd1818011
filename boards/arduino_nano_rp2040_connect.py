# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Arduino Nano RP2040 Connect: RP2040 with a u-blox NINA-W102 on its own SPI bus, an LED.

No user button: wire one from D2 to GND for the reset hold, or use the power-cycle trigger.
"""

import board

NAME = "Arduino Nano RP2040 Connect"
RADIO = "esp32spi"
LED = ("pwm", board.LED)
BUTTON = (board.D2, True)
BUTTON_NAME = "the button on D2"
DISPLAY = False


def esp32():
    """The NINA module, on SPI1."""
    import busio

    return (
        busio.SPI(board.SCK1, board.MOSI1, board.MISO1),
        board.ESP_CS,
        board.ESP_BUSY,
        board.ESP_RESET,
        board.ESP_GPIO0,
    )
