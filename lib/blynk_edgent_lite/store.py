# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The lite edition's stored configuration, read: a Nano 33 IoT has no ``microcontroller.nvm``,
so it lives in the NINA module's own file store (:mod:`~blynk_edgent_lite.files`), in two files.

A record: ``b"BE"``, format 1, a sequence number (one byte), then the network's name, its
password, the auth token and the server (a one-byte length and the bytes each), the port (two
bytes), and the CRC-32 of all that (4 bytes, little-endian); :func:`~blynk_edgent_lite.save.encode`
writes it. Loading takes the good record with the later sequence number, so that whichever file
a cut save left whole is found. Held only while the board starts, then let go
(``blynk_edgent_lite.forget``).
"""

from micropython import const

from blynk_edgent_lite import FILES
from blynk_edgent_lite.crc import crc32_halves
from blynk_edgent_lite.files import MAGIC, file_size

_RECORD_MAX = const(512)


def decode(record):
    """``(ssid, password, token, host, port, sequence)`` of a record, or None when it is not a
    whole, good one."""
    if len(record) < 14 or record[:3] != MAGIC:
        return None
    high, low = crc32_halves(memoryview(record)[:-4])  # in place: a slice would be a copy
    if record[-4:] != bytes((low & 0xFF, low >> 8, high & 0xFF, high >> 8)):
        return None
    fields = []
    at = 4
    for _ in range(4):
        length = record[at]
        fields.append(bytes(record[at + 1 : at + 1 + length]))
        at += 1 + length
    if at + 2 != len(record) - 4:
        return None
    return fields[0], fields[1], fields[2], fields[3], record[at] << 8 | record[at + 1], record[3]


def read_record(nina, name):
    """The bytes of file ``name``, or None when there is none or it cannot be a record."""
    size = file_size(nina, name)
    if size < 14 or size > _RECORD_MAX:
        return None
    # one block of the file's size, filled in place (grown a read at a time, it would be copied)
    data = bytearray(size)
    for at in range(0, size, 255):
        data[at : at + 255] = nina.read_file(name, at, min(255, size - at))
    return data


def load(nina):
    """``(ssid, password, token, host, port)`` of the newest good record in the files of
    ``nina`` (a :class:`~blynk_edgent_lite.nina.Nina`), or None (blank)."""
    best = None
    for name in FILES:
        data = read_record(nina, name)
        found = None if data is None else decode(data)
        if found is not None and (best is None or (found[5] - best[5]) & 0xFF < 128):
            best = found
    return None if best is None else best[:5]
