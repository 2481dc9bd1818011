# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The lite edition's access-point name (16-bit arithmetic, no ``str.encode``) against the vectors
of blynk-edgent-protocol.md section 2.1 and against the full package's, name for name."""

from blynk_edgent import apname as full
from blynk_edgent_lite import apname
from blynk_edgent_lite.crc import crc32_halves
from support import raises

MAC = b"\x24\x0a\xc4\x12\x34\x56"


def chained(data):
    high = low = 0
    for _ in range(4):
        high, low = crc32_halves(data, high, low)
    return high, low


def test_the_crc_in_halves_is_zlibs():
    assert crc32_halves(b"123456789") == (0xCBF4, 0x3926)
    assert chained(MAC + b"\x00\x00") == (0xC294, 0xEB40)
    assert chained(MAC) == (0xAF86, 0x55F3)


def test_the_doc_s_vectors():
    assert apname.ap_ssid("Device", MAC) == "Blynk Device-2U07"
    assert apname.suffix(MAC + b"\x00\x00") == "PYN6"
    assert apname.suffix(b"\x24\x0a\xc4\x12\x34\x09\x00\x00") == "H2UA"  # the repeat rule


def test_every_name_is_the_full_package_s():
    macs = [bytes((i * 37 % 256, i * 11 % 256, 0xC4, i, 255 - i, i * 3 % 256)) for i in range(40)]
    names = ["Device", "My Very Long Template Name Here", "\u00dcn\u00efc\u00f8d\u00e9 " + "\u2603" * 16, ""]
    for mac in macs:
        for name in names:
            assert apname.ap_ssid(name, mac) == full.ap_ssid(name, full.chip_id(mac)), (mac, name)
    assert apname.ap_ssid("Thermostat Living Room", MAC, prefix="Acme") == full.ap_ssid(
        "Thermostat Living Room", MAC, prefix="Acme"
    )


def test_utf8_lengths_are_counted_without_encode():
    for text in ("a", "\u00e9", "\u2603", "\U0001f600", "Blynk \u00dcn\u00efc\u00f8d\u00e9"):
        assert apname.utf8_length(text) == len(text.encode("utf-8"))


def test_a_prefix_that_leaves_no_room_is_refused():
    assert "prefix" in str(raises(ValueError, apname.ap_ssid, "x", MAC, "P" * 30))
