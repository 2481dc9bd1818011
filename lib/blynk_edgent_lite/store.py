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

from micropython import const

from blynk_edgent_lite.crc import crc32_halves
from blynk_edgent_lite.nina import NinaError

FILES = (b"/fs/edgent0", b"/fs/edgent1")
MAGIC = b"BE\x01"
_RECORD_MAX = const(512)


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


# -- the NINA module's file store (nina-fw 1.4.0 and later; its quirks in sim/nina/files.py) ---------


def file_size(nina, name):
    """The size of file ``name`` (bytes, ``b"/fs/..."``), -1 when there is none."""
    raw = nina.command(0x63, (b"\0", b"\0", name), 1)[0]
    return -1 if raw[3] & 0x80 else raw[0] | raw[1] << 8 | raw[2] << 16


def read_file(nina, name, offset, length):
    """``length`` bytes (255 at most) of file ``name`` from ``offset``; past its end the
    firmware answers stale bytes, so the caller keeps to the size."""
    return bytes(nina.command(0x61, (_u16(offset), bytes((length,)), name), 1)[0])


def delete_file(nina, name):
    """Delete file ``name``; the firmware answers "no such command" whatever it did."""
    try:
        nina.command(0x62, (b"\0", b"\0", name))
    except NinaError:
        pass


def append_file(nina, name, data):
    """Append ``data`` to file ``name``, 255 bytes a command. Whatever offset is given, the
    firmware appends; and its answer's shape is not to be trusted (it answers the count written
    as the reply's length): what was written is checked by reading it back."""
    for at in range(0, len(data), 255):
        part = data[at : at + 255]
        try:
            nina.command(0x60, (b"\0", bytes((len(part),)), name, part))
        except NinaError:
            pass  # the malformed answer; the read-back says whether it took


def _u16(value):
    return bytes((value & 0xFF, value >> 8))


class FileStore:
    """The configuration in the files of ``nina`` (a :class:`~blynk_edgent_lite.nina.Nina`)."""

    def __init__(self, nina):
        self._nina = nina

    def _read(self, name):
        # The record in file ``name``, decoded, or None.
        size = file_size(self._nina, name)
        if size < 14 or size > _RECORD_MAX:
            return None
        data = bytearray()
        while len(data) < size:
            data.extend(read_file(self._nina, name, len(data), min(255, size - len(data))))
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
        delete_file(self._nina, target)
        append_file(self._nina, target, record)
        if self._read(target) != decode(record):
            raise OSError("the configuration did not read back from the NINA's flash")
        if current is not None:
            delete_file(self._nina, FILES[current])

    def erase(self):
        """Forget the configuration (both files)."""
        for name in FILES:
            delete_file(self._nina, name)
