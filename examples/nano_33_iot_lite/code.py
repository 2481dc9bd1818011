# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Blynk.Edgent lite on an Arduino Nano 33 IoT (issue 17 groundwork: config mode, the
configuration in the NINA module's flash, running mode with virtual pins). A button from D2 to
GND held 10 s sets the device up again; the board's LED shows the state. Settings are here: this
board's CircuitPython has no os.getenv."""

import board

from blynk_edgent_lite.edgent import Edgent

edgent = Edgent("TMPL4abcd123", "Device", "0.1.0", button=board.D2, led=board.LED)


@edgent.on_virtual_write(1)
def show(value):
    print("V1 =", value)


edgent.run()
