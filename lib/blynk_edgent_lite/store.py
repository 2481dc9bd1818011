# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The lite edition's configuration, kept in the NINA module's own file store (a Nano 33 IoT has
no ``microcontroller.nvm``), in two files so that a power cut never loses both.

A record: ``b"BE"``, format 1, a sequence number (one byte, counting saves), then the network's
name, its password, the auth token and the server (a one-byte length and the bytes each), the
port (two bytes), and the CRC-32 of all that (4 bytes, little-endian). A save writes the file
that does not hold the current record (deleted first: the firmware only appends), reads it back,
and only when it reads back whole deletes the other: a cut at any moment leaves one good record,
the old or the new. Loading takes the good record with the later sequence number. The device holds this module only
for a moment (a boot's load, a save, an erase), then forgets it (``blynk_edgent_lite.forget``).
"""

from blynk_edgent_lite.crc import crc32_halves

FILES = (b"/fs/edgent0", b"/fs/edgent1")
MAGIC = b"BE\x01"
RECORD_MAX = 512


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


def decode(record):
    """``(ssid, password, token, host, port, sequence)`` of a record, or None when it is not a
    whole, good one."""
    if len(record) < 14 or record[:3] != MAGIC:
        return None
    high, low = crc32_halves(record[:-4])
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


class FileStore:
    """The configuration in the files of ``nina`` (a :class:`~blynk_edgent_lite.nina.Nina`)."""

    def __init__(self, nina):
        self._nina = nina

    def _read(self, name):
        # The record in file ``name``, decoded, or None.
        size = self._nina.file_size(name)
        if size < 14 or size > RECORD_MAX:
            return None
        data = bytearray()
        while len(data) < size:
            data.extend(self._nina.read_file(name, len(data), min(255, size - len(data))))
        return decode(data)

    def load(self):
        """``(ssid, password, token, host, port)`` of the newest good record, or None (blank)."""
        best = None
        for name in FILES:
            found = self._read(name)
            if found is not None and (best is None or (found[5] - best[5]) & 0xFF < 128):
                best = found
        return None if best is None else best[:5]

    def save(self, ssid, password, token, host, port):
        """Store a configuration; OSError when it does not read back (the previous one is kept)."""
        current = None
        newest = -1
        for index, name in enumerate(FILES):
            found = self._read(name)
            if found is not None and (current is None or (found[5] - newest) & 0xFF < 128):
                current, newest = index, found[5]
        target = FILES[1 if current == 0 else 0]
        record = encode(ssid, password, token, host, port, newest + 1)
        from blynk_edgent_lite.nina_ap import append_file

        self._nina.delete_file(target)
        append_file(self._nina, target, record)
        if self._read(target) != decode(record):
            raise OSError("the configuration did not read back from the NINA's flash")
        if current is not None:
            self._nina.delete_file(FILES[current])

    def erase(self):
        """Forget the configuration (both files)."""
        for name in FILES:
            self._nina.delete_file(name)
