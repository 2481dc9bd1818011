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


def pieces(ssid, password, token, host, port, sequence):
    """A record of these fields (bytes each, the port an int) with its CRC, as the list of its
    pieces in order (joined, the record :mod:`~blynk_edgent_lite.store` reads): the save comes
    when the heap is most cut up, and a block the record's length may not be found there."""
    parts = [MAGIC, bytes((sequence & 0xFF,))]
    for field in (ssid, password, token, host):
        if len(field) > 255:
            raise ValueError("a field longer than 255 bytes")
        parts.append(bytes((len(field),)))
        parts.append(field)
    parts.append(bytes((port >> 8, port & 0xFF)))
    high, low = 0, 0
    for part in parts:
        high, low = crc32_halves(part, high, low)
    parts.append(bytes((low & 0xFF, low >> 8, high & 0xFF, high >> 8)))
    return parts


def save(nina, ssid, password, token, host, port):
    """Store a configuration in the files of ``nina`` (a :class:`~blynk_edgent_lite.nina.Nina`),
    from blank; OSError when it does not read back whole."""
    record = pieces(ssid, password, token, host, port, 0)
    target = FILES[0]
    nina.delete_file(target)
    at = 0
    for part in record:
        append_file(nina, target, part)
        at += len(part)
    whole = file_size(nina, target) == at
    at = 0
    for part in record:  # each shorter than the 255 bytes a read takes
        whole = whole and nina.read_file(target, at, len(part)) == part
        at += len(part)
    if not whole:
        raise OSError("the configuration did not read back from the NINA's flash")
    nina.delete_file(FILES[1])
