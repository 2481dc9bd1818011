# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Blynk.Edgent lite on an Arduino MKR WiFi 1010, running CircuitPython's arduino_mkrzero build
(the 1010 has none of its own; UNCONFIRMED on hardware: the README says what). The NINA module is
found by the chip's pin names and reset through its inverted line (blynk_edgent_lite.boot); the
configuration lives in the NINA's flash. A button from D2 to GND held 10 s sets the device up
again. The 1010's own LED (D6) shows the state: not board.LED, which the MKR Zero's build names
for its pin PB08, the 1010's NINA reset. Settings are here: this board's CircuitPython has no
os.getenv."""

import board

from blynk_edgent_lite.edgent import Edgent

edgent = Edgent("TMPL4abcd123", "Device", "0.1.0", button=board.D2, led=board.D6)


@edgent.on_virtual_write(1)
def show(value):
    print("V1 =", value)


edgent.run()
