# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The lite device's start: its NINA module reset and its firmware checked, the stored
configuration read. Held only while the board starts (then it leaves the heap).
"""

import time

from blynk_edgent_lite import forget
from blynk_edgent_lite.nina import Nina

# The NINA module's pins (SCK, MOSI, MISO, CS, BUSY, reset, GPIO0). The Nano 33 IoT's build names
# them board.ESP_*. The MKR WiFi 1010 has no build; on the arduino_mkrzero one (the same SAMD21G18A)
# they are microcontroller.pin names (Arduino's variant.h for the 1010), and a high level holds its
# module in reset (UNCONFIRMED on hardware: README).
_NANO_PINS = ("ESP_SCK", "ESP_MOSI", "ESP_MISO", "ESP_CS", "ESP_BUSY", "ESP_RESET", "ESP_GPIO0")
_MKR_PINS = ("PA15", "PA12", "PA13", "PA14", "PA28", "PB08", "PA27")


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


def module():
    """The board's NINA module, reset (10 ms) and booted (750 ms): ``(Nina, reset pin, the
    board's name)``; the reset pin must be held for as long as the module runs (it drives the
    module's reset line)."""
    import board
    import busio
    from digitalio import DigitalInOut

    if hasattr(board, "ESP_CS"):
        pins, held_in_reset, name = [getattr(board, label) for label in _NANO_PINS], False, b"Arduino Nano 33 IoT"
    else:
        from microcontroller import pin  # type: ignore[attr-defined]  # a module the stubs lack

        pins, held_in_reset, name = [getattr(pin, label) for label in _MKR_PINS], True, b"Arduino MKR WiFi 1010"
    sck, mosi, miso, cs, busy, reset, gpio0 = pins
    cs = DigitalInOut(cs)
    cs.switch_to_output(True)
    gpio0 = DigitalInOut(gpio0)
    gpio0.switch_to_output(True)  # high at boot: not the ROM bootloader
    reset = DigitalInOut(reset)
    reset.switch_to_output(held_in_reset)
    time.sleep(0.01)
    reset.value = not held_in_reset
    time.sleep(0.75)
    gpio0.switch_to_input()
    return Nina(busio.SPI(sck, mosi, miso), cs, DigitalInOut(busy)), reset, name


def start(device, template, button, led=None):
    """Start ``device``: its ``template`` (id, name, firmware version) as bytes, its ``button``
    pin (pulled up), its ``led`` pin (an output, off), its NINA module (``device.nina``,
    ``device.mac``); return the stored configuration ``(ssid, password, token, host, port)``, or
    None. RuntimeError for a firmware without the file store (before 1.4.0), naming how to
    update it."""
    from digitalio import DigitalInOut, Pull

    device.template = tuple(text if isinstance(text, bytes) else bytes(text, "utf-8") for text in template)
    if button is not None:
        device.button = DigitalInOut(button)
        device.button.switch_to_input(Pull.UP)
    if led is not None:
        device.led = DigitalInOut(led)
        device.led.switch_to_output(False)
    nina, device.nina_reset, device.board = module()
    found = version(nina)
    numbers = [_number(part) for part in found.split(b".")[:2]]
    if len(numbers) < 2 or numbers < [1, 4]:
        raise RuntimeError(
            "blynk_edgent_lite: the NINA module runs firmware %r; the configuration lives in its "
            "file store, which needs 1.4.0 or later: update it (Arduino IDE: WiFiNINA firmware updater)" % found
        )
    device.nina = nina
    device.mac = mac(nina)
    from blynk_edgent_lite.store import load

    config = load(nina)
    del load  # so that the store's code can leave now
    forget("store", "files", "crc")
    device.log("[edgent] lite: NINA firmware %r, %s" % (found, "configured" if config else "no configuration"))
    return config
