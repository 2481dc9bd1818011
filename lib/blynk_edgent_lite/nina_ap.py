# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""What only config mode asks of the NINA module: a scan, the access point, a server socket and
its clients, and writing a file. Functions of a :class:`~blynk_edgent_lite.nina.Nina`, apart so
that running mode never holds their code (a SAMD21 loads a module's code into its 17 KB heap).
"""

import time


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
    from blynk_edgent_lite.nina import elapsed

    start = nina.ms()
    while nina.status() != 7:  # WL_AP_LISTENING
        if elapsed(start, nina.ms) > 10000:
            raise OSError("the access point did not start")
        time.sleep(0.05)


def listen(nina, number, port):
    """A TCP server on socket ``number`` and ``port``."""
    if nina.command(0x28, (bytes((port >> 8, port & 0xFF)), bytes((number,)), b"\0"), 1)[0][0] != 1:
        raise OSError(98, "the NINA module could not listen on %d" % port)


def accept(nina, server):
    """A client of the server on socket ``server``: its socket number, or None. On 1.x a client
    is offered only once it has sent something, and again while it has more."""
    count = nina.command(0x2B, (bytes((server,)),), 1)[0]
    number = count[0] | count[1] << 8
    return None if number == 255 else number


def append_file(nina, name, data):
    """Append ``data`` to file ``name``, 255 bytes a command. Whatever offset is given, the
    firmware appends; and its answer's shape is not to be trusted (it answers the count written
    as the reply's length): what was written is checked by reading it back."""
    from blynk_edgent_lite.nina import NinaError

    for at in range(0, len(data), 255):
        part = data[at : at + 255]
        try:
            nina.command(0x60, (b"\0", bytes((len(part),)), name, part))
        except NinaError:
            pass  # the malformed answer; the read-back says whether it took
