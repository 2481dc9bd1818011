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

NETWORKS_MAX = 8  # the networks config mode offers (/wifi_scan.json): the strongest, each named once


def scan(nina, most=NETWORKS_MAX):
    """The ``most`` strongest networks around that have a name, each name once (at its
    strongest), strongest first: ``(ssid, rssi, encryption, channel)`` a network. Only they are
    kept: the opening holds them while it writes its pages, its tightest step, and a crowded
    street's sixteen held twice the heap (about 90 bytes a network)."""
    names = nina.command(0x27)
    found = []  # type: list[tuple[bytes, int, int, int]]
    for index, name in enumerate(names):
        names[index] = None  # each name is held by what is kept, or goes
        if not name:
            continue  # hidden: the page cannot offer it
        at = (bytes((index,)),)
        rssi = nina.command(0x32, at, 1)[0]
        rssi = rssi[0] | rssi[1] << 8 | rssi[2] << 16  # i32, small: its top byte is the sign
        rssi = rssi - 0x1000000 if rssi & 0x800000 else rssi
        place = 0
        while place < len(found) and found[place][1] >= rssi and found[place][0] != name:
            place += 1
        if place == most or (place < len(found) and found[place][0] == name):
            continue  # weaker than all kept, or than its own name's
        found.insert(place, (bytes(name), rssi, nina.command(0x33, at, 1)[0][0], nina.command(0x3D, at, 1)[0][0]))
        for later in range(place + 1, len(found)):
            if found[later][0] == name:  # the same name, weaker: it goes
                found.pop(later)
                break
        if len(found) > most:
            found.pop()
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
