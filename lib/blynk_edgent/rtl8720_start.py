# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Starting the Wio Terminal's RTL8720DN and checking its firmware (../shared/docs/rtl8720-erpc.md
sections 1 and 4): pulse its enable pin, then ``rpc_system_ack`` until it echoes (there is no
handshake) and ``rpc_system_version``. Firmware 2.1.2 and later talk at 614400 baud; 2.0.0 to
2.1.1 at 1843200 (and number their scan functions otherwise); the AT-command firmware some early
units carry speaks no eRPC. Loaded at start and after a reset of the chip, dropped after.
"""

import time

from blynk_edgent.clock import ticks_diff
from blynk_edgent.erpc import ERPCError

BAUD = 614400  # firmware 2.1.2 and later
OLD_BAUD = 1843200  # firmware 2.0.0 to 2.1.1
OLDEST = (2, 1, 2)
UPDATE = (
    "update the RTL8720DN to firmware 2.1.2 or later with Seeed's ambd_flash_tool "
    "(https://wiki.seeedstudio.com/Wio-Terminal-Network-Overview/)"
)


def version_tuple(text):
    """``(2, 1, 3)`` from ``"2.1.3"``; ``()`` for what is not a dotted version."""
    parts = []
    for part in text.split("."):
        if not part.isdigit():
            return ()
        parts.append(int(part))
    return tuple(parts)


def start(link):
    """Reset the chip behind ``link`` and check its firmware; returns its version text.
    RuntimeError, naming what was found and how to update, for firmware older than 2.1.2 or the
    AT firmware."""
    uart = link.uart
    if _ack(link, BAUD):
        version = link.call("system_version")[0].decode("utf-8", "replace")
        if version_tuple(version) >= OLDEST:
            return version
        found = "firmware %s" % version
    elif _ack(link, OLD_BAUD):  # 2.1.1 and before talk three times as fast
        try:
            found = "firmware %s" % link.call("system_version")[0].decode("utf-8", "replace")
        except ERPCError:
            found = "firmware older than 2.1.2"
        uart.baudrate = BAUD
    else:
        uart.baudrate = BAUD
        found = "no eRPC answer (the AT firmware, or no firmware)"
    raise RuntimeError("blynk_edgent: the Wio Terminal's RTL8720DN has %s; %s" % (found, UPDATE))


def reset(link):
    """Power-cycle the chip behind ``link`` (its enable pin low 120 ms) and forget what it had sent."""
    power = link.power
    if power is not None:
        power.value = False
        time.sleep(0.12)
        power.value = True
        time.sleep(0.25)  # it listens 120 ms after enable at the earliest (doc section 1)
    link.flush()


def _ack(link, baud):
    # Reset, then rpc_system_ack at ``baud`` until it echoes, for 3 s.
    link.uart.baudrate = baud
    reset(link)
    start = link.ticks()
    while ticks_diff(link.ticks(), start) < 3000:
        try:
            if link.call("system_ack", 0x5A, timeout_ms=100) == (0x5A,):
                return True
        except ERPCError:
            link.flush()
    return False
