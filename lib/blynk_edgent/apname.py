# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The access point's name, as classic Blynk.Edgent builds it: ``"<prefix> <template name>-<suffix>"``.

The Blynk app finds devices by this pattern. The 4-character suffix is derived from the chip's
MAC address: the CRC-32 of the chip id, chained four times, written in base 24 with Blynk's
alphabet, least significant digit first, never the same character twice in a row.
"""

from blynk_edgent.crc import crc32

ALPHABET = "0W8N4Y1HP5DF9K6JM3C2UA7R"
DEFAULT_PREFIX = "Blynk"
SSID_MAX_BYTES = 32


def chip_id(mac, esp32=False):
    """Return the bytes Blynk hashes for a chip with this 6-byte MAC.

    Arduino's ESP32 core hashes the eFuse MAC as a little-endian 64-bit number, that is the six
    MAC bytes then two zero bytes (``esp32=True``); ESP8266, Wio Terminal and NINA boards hash
    the six bytes alone.
    """
    mac = bytes(mac)
    if len(mac) != 6:
        raise ValueError("mac: expected 6 bytes, got %d" % len(mac))
    return mac + b"\x00\x00" if esp32 else mac


def suffix(chip_id_bytes):
    """Return the 4-character suffix for the given chip id bytes."""
    value = 0
    for _ in range(4):
        value = crc32(chip_id_bytes, value)
    out = ""
    previous = ""
    for _ in range(4):
        char = ALPHABET[value % 24]
        if char == previous:
            char = ALPHABET[(value + 1) % 24]
        out += char
        previous = char
        value //= 24
    return out


def ap_ssid(template_name, chip_id_bytes, prefix=DEFAULT_PREFIX):
    """Return the access point's SSID for a template name and chip id.

    The name keeps at most ``25 - len(prefix)`` bytes of UTF-8, as in Blynk's firmware (which
    cuts bytes, so ASCII names match it exactly), never cut through a character, and is cut
    further until the whole SSID fits the 32 bytes WiFi allows.
    """
    budget = 25 - len(prefix.encode("utf-8"))
    name = ""
    for char in template_name:
        budget -= len(char.encode("utf-8"))
        if budget < 0:
            break
        name += char
    tail = "-" + suffix(chip_id_bytes)
    while True:
        ssid = prefix + " " + name + tail
        if len(ssid.encode("utf-8")) <= SSID_MAX_BYTES or not name:
            break
        name = name[:-1]
    if len(ssid.encode("utf-8")) > SSID_MAX_BYTES:
        raise ValueError("prefix: too long for a 32-byte SSID")
    return ssid


def host_name(ap_ssid):
    """The station's host name: Blynk's is the access point's name with dashes for spaces; what a
    host name cannot hold (hardware-truth.md section 10: letters, digits, inner dashes, 63 at most)
    becomes a dash too."""
    name = ""
    for char in ap_ssid:
        name += char if ("a" <= char <= "z" or "A" <= char <= "Z" or "0" <= char <= "9") else "-"
    return name.strip("-")[:63].rstrip("-") or "Blynk"
