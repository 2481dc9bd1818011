# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""blynk_edgent simple test: runs unchanged on every supported board.

Copy it to CIRCUITPY as code.py, with settings.toml holding your template (BLYNK_TEMPLATE_ID,
BLYNK_TEMPLATE_NAME from Blynk.Console). A board with no configuration opens its access point
("Blynk <template>-XXXX"): set it up with the Blynk app, a browser or `edgent provision`. Then V0
gets the uptime in seconds every 5 seconds, and what the app writes to V1 is printed.
"""

import time

from blynk_edgent import Edgent

edgent = Edgent()  # the running board's profile: its radio, status LED, button and screen


@edgent.on_virtual_write(1)
def v1_written(value):
    print("V1 =", value)


@edgent.on_connected
def connected():
    edgent.sync_virtual(1)  # the cloud sends V1's last value


started = time.monotonic()
last_report = 0
while True:
    edgent.poll()
    now = time.monotonic()
    if edgent.connected and now - last_report >= 5:
        last_report = now
        edgent.virtual_write(0, int(now - started))
    time.sleep(0.005)
