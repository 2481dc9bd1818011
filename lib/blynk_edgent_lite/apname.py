# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The access point's name, ``"<prefix> <template name>-<suffix>"``, as classic Blynk.Edgent builds
it (blynk-edgent-protocol.md section 2.1), on a build without long integers.

The suffix is the CRC-32 of the chip id (the 6 MAC bytes on NINA boards) chained four times,
written in base 24 with Blynk's alphabet, least significant digit first, never the same
character twice in a row. A SAMD21 build raises "small int overflow" past 2**30, so the 32-bit
register is kept as two 16-bit halves, and the base-24 digits come from a long division of those
halves. Without ``str.encode`` on such a build, a character's UTF-8 length comes from ``ord``.
"""

from blynk_edgent_lite.crc import crc32_halves

ALPHABET = "0W8N4Y1HP5DF9K6JM3C2UA7R"
DEFAULT_PREFIX = "Blynk"
SSID_MAX_BYTES = 32


def suffix(chip_id):
    """The 4-character suffix for ``chip_id`` (bytes)."""
    high = low = 0
    for _ in range(4):
        high, low = crc32_halves(chip_id, high, low)
    out = ""
    previous = ""
    for _ in range(4):
        # (high * 65536 + low) divided by 24, a half at a time: every step stays under 2**30
        rest = high % 24
        high //= 24
        part = rest * 65536 + low
        low = part // 24
        digit = part % 24
        char = ALPHABET[digit]
        if char == previous:
            char = ALPHABET[(digit + 1) % 24]
        out += char
        previous = char
    return out


def utf8_length(text):
    """How many bytes ``text`` takes in UTF-8."""
    count = 0
    for char in text:
        code = ord(char)
        count += 1 if code < 0x80 else 2 if code < 0x800 else 3 if code < 0x10000 else 4
    return count


def ap_ssid(template_name, chip_id, prefix=DEFAULT_PREFIX):
    """The access point's SSID for a template name and a chip id: the name keeps at most
    ``25 - len(prefix)`` bytes of UTF-8 (never cut through a character), then is cut further
    until the whole SSID fits the 32 bytes WiFi allows."""
    budget = 25 - utf8_length(prefix)
    name = ""
    for char in template_name:
        budget -= utf8_length(char)
        if budget < 0:
            break
        name += char
    tail = "-" + suffix(chip_id)
    while True:
        ssid = prefix + " " + name + tail
        if utf8_length(ssid) <= SSID_MAX_BYTES or not name:
            break
        name = name[:-1]
    if utf8_length(ssid) > SSID_MAX_BYTES:
        raise ValueError("prefix: too long for a 32-byte SSID")
    return ssid
