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


def version(nina):
    """The firmware's version, as bytes (``b"1.7.7"``); sets ``nina.legacy`` for 1.x."""
    text = bytes(nina.command(0x37, answers=1)[0]).rstrip(b"\0")
    nina.legacy = text[:2] == b"1."
    return text


def mac(nina):
    """The station's MAC, 6 bytes in their natural order (1.x sends them reversed)."""
    raw = bytes(nina.command(0x22, (b"\xff",), 1)[0])
    return bytes(reversed(raw)) if nina.legacy else raw


def start(device, template, button):
    """Start ``device``: its ``template`` (id, name, firmware version) as bytes, its ``button``
    pin (pulled up), its NINA module (``device.nina``, ``device.mac``); return the stored
    configuration ``(ssid, password, token, host, port)``, or None. RuntimeError for a firmware
    without the file store (before 1.4.0), naming how to update it."""
    import board
    import busio
    from digitalio import DigitalInOut, Pull

    device.template = tuple(text if isinstance(text, bytes) else bytes(text, "utf-8") for text in template)
    if button is not None:
        device.button = DigitalInOut(button)
        device.button.switch_to_input(Pull.UP)

    sck, mosi, miso, cs, busy, reset, gpio0 = (getattr(board, "ESP_" + name) for name in _NINA_PINS)
    nina = Nina(
        busio.SPI(sck, mosi, miso), DigitalInOut(cs), DigitalInOut(busy), DigitalInOut(reset), DigitalInOut(gpio0)
    )
    nina.reset()
    found = version(nina)
    numbers = [_number(part) for part in found.split(b".")[:2]]
    if len(numbers) < 2 or numbers < [1, 4]:
        raise RuntimeError(
            "blynk_edgent_lite: the NINA module runs firmware %r; the configuration lives in its "
            "file store, which needs 1.4.0 or later: update it (Arduino IDE: WiFiNINA firmware updater)" % found
        )
    device.nina = nina
    device.mac = mac(nina)
    from blynk_edgent_lite.store import FileStore

    config = FileStore(nina).load()
    del FileStore  # so that the store's code can leave now
    forget("store", "crc")
    device.log("[edgent] lite: NINA firmware %r, %s" % (found, "configured" if config else "no configuration"))
    return config
