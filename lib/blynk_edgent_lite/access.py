# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""What config mode asks of the NINA module once, as it opens: a scan, the access point, the
portal's server socket (:func:`~blynk_edgent_lite.opening.open_config_mode` calls them, then lets
this module go).
"""

import time

from supervisor import ticks_ms

from blynk_edgent_lite.nina import elapsed


def scan(nina):
    """The networks around: ``(ssid bytes, rssi, encryption, channel)`` a network."""
    names = nina.command(0x27)
    found = []
    for index, name in enumerate(names):
        at = (bytes((index,)),)
        rssi = nina.command(0x32, at, 1)[0]
        rssi = rssi[0] | rssi[1] << 8 | rssi[2] << 16  # i32, small: its top byte is the sign
        rssi = rssi - 0x1000000 if rssi & 0x800000 else rssi
        found.append((bytes(name), rssi, nina.command(0x33, at, 1)[0][0], nina.command(0x3D, at, 1)[0][0]))
    return found


def start_ap(nina, ssid, password=b"", channel=1):
    """Open the access point ``ssid`` (bytes; open without ``password``) and wait until it is up
    (1.x says AP_LISTENING; 3.x says nothing and is up)."""
    if password:
        nina.command(0x19, (ssid, password, bytes((channel,))), 1)
    else:
        nina.command(0x18, (ssid, bytes((channel,))), 1)
    if not nina.legacy:
        return
    start = ticks_ms()
    while nina.status() != 7:  # WL_AP_LISTENING
        if elapsed(start) > 10000:
            raise OSError("the access point did not start")
        time.sleep(0.05)


def listen(nina, number, port):
    """A TCP server on socket ``number`` and ``port``."""
    if nina.command(0x28, (bytes((port >> 8, port & 0xFF)), bytes((number,)), b"\0"), 1)[0][0] != 1:
        raise OSError(98, "the NINA module could not listen on %d" % port)
