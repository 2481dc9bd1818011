# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Seeed Wio Terminal: WiFi from its own RTL8720DN, over eRPC on a UART.

The RTL8720DN runs Seeed's eRPC firmware; blynk_edgent calls it over the UART board.RTL_MOSI
(the SAMD51's TX) / board.RTL_MISO (its RX) at 614400 baud, and board.RTL_PWR is the chip's
enable pin. It needs the RTL8720's eRPC firmware 2.1.2 or later (earlier ones talk at another
baud rate, and the factory AT firmware speaks no eRPC at all): Seeed's ambd_flash_tool updates it.
With an Adafruit AirLift on the 40-pin header instead, use the seeeduino_wio_terminal_airlift
profile, chosen with ``Edgent(board="seeeduino_wio_terminal_airlift")``.
The top button A (board.BUTTON_3, Arduino's WIO_KEY_A) is the reset button, as in Blynk's sketch.
"""

import board

NAME = "Seeed Wio Terminal"
RADIO = "rtl8720"
LED = ("digital", board.LED)
BUTTON = (board.BUTTON_3, True)
BUTTON_NAME = "button A"
DISPLAY = True


def rtl8720():
    """The RTL8720DN's UART, as (tx, rx) of the SAMD51, and its enable pin (CHIP_PU)."""
    return board.RTL_MOSI, board.RTL_MISO, board.RTL_PWR
