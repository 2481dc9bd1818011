# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The lite edition's configuration, written (the record :mod:`~blynk_edgent_lite.store` reads).

Only config mode saves, and config mode opens only when neither file holds a good record, so a
save needs no reading first (which would load the record reader too, 1 KB more at the tightest
moment of the device: bench/README.md): it rewrites the first file, reads it back, and only then
deletes the second, so that whatever a read that failed at start could not see outlives a save
that does not read back. Loaded only for the save, then let go.
"""

from blynk_edgent_lite import FILES
from blynk_edgent_lite.crc import crc32_halves
from blynk_edgent_lite.files import MAGIC, append_file, file_size


def encode(ssid, password, token, host, port, sequence):
    """A record of these fields (bytes each, the port an int) with its CRC."""
    out = bytearray(MAGIC)
    out.append(sequence & 0xFF)
    for field in (ssid, password, token, host):
        if len(field) > 255:
            raise ValueError("a field longer than 255 bytes")
        out.append(len(field))
        out.extend(field)
    out.extend(bytes((port >> 8, port & 0xFF)))
    high, low = crc32_halves(out)
    out.extend(bytes((low & 0xFF, low >> 8, high & 0xFF, high >> 8)))
    return bytes(out)


def save(nina, ssid, password, token, host, port):
    """Store a configuration in the files of ``nina`` (a :class:`~blynk_edgent_lite.nina.Nina`),
    from blank; OSError when it does not read back whole."""
    record = encode(ssid, password, token, host, port, 0)
    target = FILES[0]
    nina.delete_file(target)
    append_file(nina, target, record)
    whole = file_size(nina, target) == len(record)
    for at in range(0, len(record), 255):  # a read takes 255 bytes at most
        part = record[at : at + 255]
        whole = whole and nina.read_file(target, at, len(part)) == part
    if not whole:
        raise OSError("the configuration did not read back from the NINA's flash")
    nina.delete_file(FILES[1])
