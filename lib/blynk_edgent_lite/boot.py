# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The lite device's start: its NINA module reset and its firmware checked, the stored
configuration read. Held only while the board starts (then it leaves the heap).
"""

from blynk_edgent_lite import forget
from blynk_edgent_lite.nina import Nina

_NINA_PINS = ("SCK", "MOSI", "MISO", "CS", "BUSY", "RESET", "GPIO0")  # board.ESP_*: the Nano 33 IoT's


def _number(digits):
    # int(bytes) is CPython's only: the leading digits' value (0 for none).
    value = 0
    for digit in digits[:5]:
        if not 0x30 <= digit <= 0x39:
            break
        value = value * 10 + digit - 0x30
    return value


def start(device):
    """Start ``device``'s NINA module (``device.nina``, ``device.mac``) and return the stored
    configuration ``(ssid, password, token, host, port)``, or None. RuntimeError for a firmware
    without the file store (before 1.4.0), naming how to update it."""
    import board
    import busio
    from digitalio import DigitalInOut

    sck, mosi, miso, cs, busy, reset, gpio0 = (getattr(board, "ESP_" + name) for name in _NINA_PINS)
    nina = Nina(
        busio.SPI(sck, mosi, miso), DigitalInOut(cs), DigitalInOut(busy), DigitalInOut(reset), DigitalInOut(gpio0)
    )
    nina.reset()
    version = nina.version()
    numbers = [_number(part) for part in version.split(b".")[:2]]
    if len(numbers) < 2 or numbers < [1, 4]:
        raise RuntimeError(
            "blynk_edgent_lite: the NINA module runs firmware %r; the configuration lives in its "
            "file store, which needs 1.4.0 or later: update it (Arduino IDE: WiFiNINA firmware updater)" % version
        )
    device.nina = nina
    device.mac = nina.mac()
    from blynk_edgent_lite.store import FileStore

    config = FileStore(nina).load()
    forget("store", "crc")
    device.log("[edgent] lite: NINA firmware %r, %s" % (version, "configured" if config else "no configuration"))
    return config
