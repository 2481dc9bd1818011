# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""The ESP32's own file store, as nina-fw 1.4.0 and later expose it (commands 0x60 to 0x63), kept
in a folder of the device's state so that it lasts across resets and boots, as flash does.

From nina-fw's ``CommandHandler.cpp`` (``writeFile``, ``readFile``, ``deleteFile``,
``existsFile``), each of which takes an offset, a length, a file name and (to write) the data,
each a parameter with a one-byte length; the quirks are the firmware's:

- ``writeFile`` opens the file ``"ab+"``: whatever the offset, the bytes go at its end (a file is
  rewritten by deleting it first); its answer is the count written *as the reply's length*,
  so the reply carries stale bytes of the buffer where its parameter count should be. A name
  that cannot be opened (outside ``/fs/``) answers nothing at all.
- ``readFile`` answers exactly the length asked (one byte: 255 at most) from the offset, past the
  end of the file too: those bytes are whatever the reply buffer held.
- ``deleteFile`` deletes, and then answers "no such command" (it returns 0).
- ``existsFile`` answers the size, 4 bytes little-endian, -1 when there is no such file.
"""

from __future__ import annotations

import struct
from pathlib import Path

PREFIX = "/fs/"  # where nina-fw mounts its partition (WiFiNINA's WiFiStorage names files so)
NAME_MAX = 32  # filename[32 + 1]


class FileStore:
    """The files of one ESP32, in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, name: bytes) -> Path | None:
        text = name.split(b"\0", 1)[0].decode("latin-1")
        if len(text) > NAME_MAX or not text.startswith(PREFIX) or "/" in text[len(PREFIX) :] or text == PREFIX:
            return None
        return self.folder / text[len(PREFIX) :]

    def write(self, name: bytes, data: bytes) -> int | None:
        """Append ``data``; the count written, or None when the file cannot be opened."""
        path = self._path(name)
        if path is None:
            return None
        self.folder.mkdir(parents=True, exist_ok=True)
        with path.open("ab") as handle:
            handle.write(data)
        return len(data)

    def read(self, name: bytes, offset: int, length: int, stale: bytes) -> bytes | None:
        """``length`` bytes from ``offset``, ``stale`` standing for what lies past the end; None
        when there is no such file."""
        path = self._path(name)
        if path is None or not path.is_file():
            return None
        data = path.read_bytes()[offset : offset + length]
        return data + stale[len(data) : length].ljust(length - len(data), b"\0")

    def delete(self, name: bytes) -> None:
        """Delete the file if it is there."""
        path = self._path(name)
        if path is not None and path.is_file():
            path.unlink()

    def size(self, name: bytes) -> bytes:
        """existsFile's answer: the size as 4 bytes, -1 for none."""
        path = self._path(name)
        size = path.stat().st_size if path is not None and path.is_file() else -1
        return struct.pack("<i", size)


def number(param: bytes) -> int:
    """A parameter copied into a size_t (``memcpy(&offset, ..., len)``): little-endian."""
    return int.from_bytes(param[:4], "little")
