# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""CRC-32: the C path (binascii) and the fallback for small builds agree with zlib's values."""

from blynk_edgent.crc import crc32, crc32_bytes
from support import random_bytes

# Known values of zlib.crc32 (the "check" value of CRC-32 is 0xCBF43926 for b"123456789").
KNOWN = ((b"", 0), (b"123456789", 0xCBF43926), (b"a", 0xE8B7BE43))


def test_known_values_both_paths():
    for data, value in KNOWN:
        for use_c in (True, False):
            assert crc32(data, 0, use_c) == value
            expected = bytes((value & 0xFF, (value >> 8) & 0xFF, (value >> 16) & 0xFF, value >> 24))
            assert crc32_bytes(data, use_c) == expected


def test_paths_agree_on_random_data_and_chaining():
    for seed in range(1, 20):
        data = random_bytes(seed * 13, seed)
        assert crc32_bytes(data, True) == crc32_bytes(data, False)
        assert crc32(data, seed * 977, True) == crc32(data, seed * 977, False)
