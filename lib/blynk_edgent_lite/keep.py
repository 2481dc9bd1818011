# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""Config mode's pages kept in the NINA module's file store as it opens (the JSON pages by
:mod:`~blynk_edgent_lite.pages`, the page for browsers by :mod:`~blynk_edgent_lite.opening`),
for config mode to read back a piece at a time. Loaded only while config mode opens: the start
and the save, which use :mod:`~blynk_edgent_lite.files` at their tightest, do not hold this code.
"""

from blynk_edgent_lite.files import append_file, file_size


def kept(nina, name, pieces):
    """``(name, size)`` when file ``name`` of ``nina``'s file store holds ``pieces`` (bytes each)
    and nothing more; else None."""
    size = sum(len(piece) for piece in pieces)
    if file_size(nina, name) != size:
        return None
    at = 0
    for piece in pieces:
        if nina.read_file(name, at, len(piece)) != piece:
            return None
        at += len(piece)
    return name, size


def keep(nina, name, pieces):
    """Write ``pieces`` (bytes each, or what makes them) to file ``name`` of ``nina``'s file
    store, in place of what it held; ``(name, size)``. OSError when the file does not take them
    whole."""
    nina.delete_file(name)
    size = 0
    for piece in pieces:
        append_file(nina, name, piece)
        size += len(piece)
    if file_size(nina, name) != size:
        raise OSError("the NINA's file store did not take %r" % name)
    return name, size
