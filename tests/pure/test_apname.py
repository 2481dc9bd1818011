# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The access-point name: the test vectors of blynk-edgent-protocol.md section 2.1."""

from blynk_edgent import apname
from blynk_edgent.crc import crc32
from support import raises

MAC = b"\x24\x0a\xc4\x12\x34\x56"


def chained(data):
    value = 0
    for _ in range(4):
        value = crc32(data, value)
    return value


def test_esp32_chip_id_is_mac_and_two_zero_bytes():
    assert apname.chip_id(MAC, esp32=True) == MAC + b"\x00\x00"
    assert apname.chip_id(MAC) == MAC


def test_vector_esp32():
    chip = apname.chip_id(MAC, esp32=True)
    assert chained(chip) == 0xC294EB40
    assert apname.suffix(chip) == "PYN6"
    assert apname.ap_ssid("Device", chip) == "Blynk Device-PYN6"


def test_vector_six_byte_boards():
    chip = apname.chip_id(MAC)
    assert chained(chip) == 0xAF8655F3
    assert apname.suffix(chip) == "2U07"
    assert apname.ap_ssid("Device", chip) == "Blynk Device-2U07"


def test_vector_repeat_rule():
    chip = apname.chip_id(b"\x24\x0a\xc4\x12\x34\x09", esp32=True)
    assert chained(chip) == 0xBF677A8F
    assert apname.suffix(chip) == "H2UA"


def test_long_name_is_cut_to_twenty_characters():
    ssid = apname.ap_ssid("My Very Long Template Name Here", apname.chip_id(MAC, esp32=True))
    assert ssid == "Blynk My Very Long Templat-PYN6"
    assert len(ssid) == 31


def test_a_multibyte_name_is_cut_by_bytes_as_blynk_does_but_never_through_a_character():
    chip = apname.chip_id(MAC, esp32=True)
    name = "\u00dcn\u00efc\u00f8d\u00e9 " + "\u2603" * 16  # 12 bytes, then 3 a snowman
    ssid = apname.ap_ssid(name, chip)
    # Blynk's firmware keeps 25 - len("Blynk") = 20 bytes of the name; the next snowman would
    # pass them (Blynk's byte cut would split it; here it stays whole or goes)
    assert ssid == "Blynk \u00dcn\u00efc\u00f8d\u00e9 \u2603\u2603-PYN6"
    assert len(ssid.encode("utf-8")) == 6 + 18 + 5


def test_every_name_length_stays_within_32_bytes():
    chip = apname.chip_id(MAC)
    for count in range(0, 40):
        for char in ("a", "\u00e9", "\u2603", "\U0001f600"):
            ssid = apname.ap_ssid(char * count, chip)
            assert len(ssid.encode("utf-8")) <= 32
            assert ssid.startswith("Blynk ")


def test_custom_prefix_budget():
    chip = apname.chip_id(MAC, esp32=True)
    assert apname.ap_ssid("Thermostat Living Room", chip, prefix="Acme") == "Acme Thermostat Living Roo-PYN6"


def test_mac_must_be_six_bytes():
    error = raises(ValueError, apname.chip_id, b"\x01\x02")
    assert "mac" in str(error)
