# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""CRC-32 (the zlib/Ethernet one), on every CircuitPython build.

Full builds have ``binascii.crc32`` in C. Small builds (SAMD21) have neither ``binascii`` nor
long integers, so the fallback keeps the 32-bit register as two 16-bit halves and returns the
checksum as 4 bytes rather than as an int that such a build could not hold.
"""

try:
    from binascii import crc32 as _c_crc32

    _HAVE_C = True
except ImportError:  # SAMD21 small builds
    _HAVE_C = False


def crc32_bytes(data, use_c=True):
    """Return the CRC-32 of ``data`` as 4 little-endian bytes."""
    if use_c and _HAVE_C:
        value = _c_crc32(data)
        return bytes((value & 0xFF, (value >> 8) & 0xFF, (value >> 16) & 0xFF, (value >> 24) & 0xFF))
    high = 0xFFFF
    low = 0xFFFF
    for byte in data:
        low ^= byte
        for _ in range(8):
            carry = low & 1
            low = (low >> 1) | ((high & 1) << 15)
            high >>= 1
            if carry:
                # The reflected polynomial 0xEDB88320, split in halves.
                high ^= 0xEDB8
                low ^= 0x8320
    high ^= 0xFFFF
    low ^= 0xFFFF
    return bytes((low & 0xFF, low >> 8, high & 0xFF, high >> 8))


def crc32(data, value=0, use_c=True):
    """Return the CRC-32 of ``data`` as an int, chained from ``value`` like ``zlib.crc32``.

    Needs long integers (every board with WiFi has them).
    """
    if use_c and _HAVE_C:
        return _c_crc32(data, value) & 0xFFFFFFFF
    register = value ^ 0xFFFFFFFF
    for byte in data:
        register ^= byte
        for _ in range(8):
            register = (register >> 1) ^ (0xEDB88320 if register & 1 else 0)
    return register ^ 0xFFFFFFFF
