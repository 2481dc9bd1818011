# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The lite edition's files in the NINA module's own file store (nina-fw 1.4.0 and later,
commands 0x60 to 0x63; their quirks, which the simulator's ``sim/nina/files.py`` follows, are
nina-fw's): the record's first bytes and the commands that size a file and append to it
(reading and deleting are :class:`~blynk_edgent_lite.nina.Nina`'s, which every mode holds).
:mod:`~blynk_edgent_lite.store` reads the configuration, :mod:`~blynk_edgent_lite.save` writes
it and :mod:`~blynk_edgent_lite.keep` config mode's pages; each loads this module for as long
as it works.
"""

from blynk_edgent_lite.nina import NinaError

MAGIC = b"BE\x01"  # a record's first bytes: "BE", format 1


def file_size(nina, name):
    """The size of file ``name`` (bytes, ``b"/fs/..."``), -1 when there is none."""
    raw = nina.command(0x63, (b"\0", b"\0", name), 1)[0]
    return -1 if raw[3] & 0x80 else raw[0] | raw[1] << 8 | raw[2] << 16


def append_file(nina, name, data):
    """Append ``data`` to file ``name``, 64 bytes a command (each piece is a copy, one block of
    the heap, and a fragmented one may have no larger). Whatever offset is given, the
    firmware appends; and its answer's shape is not to be trusted (it answers the count written
    as the reply's length): what was written is checked by reading it back."""
    for at in range(0, len(data), 64):
        part = data[at : at + 64]
        try:
            # a well-formed answer would carry no parameter; this one's count is a stale byte,
            # so the reading stops there (its stale lengths would ask for blocks of heap)
            nina.command(0x60, (b"\0", bytes((len(part),)), name, part), 0)
        except NinaError:
            pass  # the malformed answer; the read-back says whether it took
