# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""CRC-32 (zlib's, reflected 0xEDB88320) on a build without long integers: the 32-bit register
is two 16-bit halves, every value stays under 2**30."""


def crc32_halves(data, high=0, low=0):
    """CRC-32 (zlib's) of ``data`` chained from the value ``(high << 16) | low``, returned as its
    two 16-bit halves ``(high, low)``."""
    high ^= 0xFFFF
    low ^= 0xFFFF
    for byte in data:
        low ^= byte
        for _ in range(8):
            carry = low & 1
            low = (low >> 1) | ((high & 1) << 15)
            high >>= 1
            if carry:
                high ^= 0xEDB8  # the reflected polynomial 0xEDB88320, in halves
                low ^= 0x8320
    return high ^ 0xFFFF, low ^ 0xFFFF
