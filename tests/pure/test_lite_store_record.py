# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The lite edition's configuration record: it reads back as written, and any damage (a torn
write, a flipped bit, stale bytes past the end) makes it no record at all, never another one."""

from blynk_edgent_lite.save import pieces
from blynk_edgent_lite.store import decode
from support import raises

FIELDS = (b"HomeNet", b"correct horse battery", b"T" * 32, b"blynk.cloud", 443)


def encode(*fields):
    """The record whole, as the save writes it a piece at a time."""
    return b"".join(pieces(*fields))


def test_a_record_reads_back_as_written():
    record = encode(*FIELDS, 7)
    assert decode(record) == FIELDS + (7,)
    assert decode(encode(b"Caf\xe9", b"", b"t", b"", 8080, 255)) == (b"Caf\xe9", b"", b"t", b"", 8080, 255)


def test_any_damage_is_no_record():
    record = encode(*FIELDS, 1)
    for cut in range(len(record)):
        assert decode(record[:cut]) is None
    for at in range(len(record)):
        for bit in (1, 0x80):
            damaged = bytearray(record)
            damaged[at] ^= bit
            assert decode(bytes(damaged)) is None, (at, bit)
    assert decode(record + b"\xee\xee") is None  # stale bytes past its end


def test_a_field_too_long_is_refused():
    assert "255" in str(raises(ValueError, encode, b"x" * 256, b"", b"", b"", 80, 0))
