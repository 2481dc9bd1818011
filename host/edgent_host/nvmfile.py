# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""An NVM image in a file that behaves like CircuitPython's ``microcontroller.nvm``.

The simulator gives it to device code as ``microcontroller.nvm``, and ``edgent nvm`` uses it to
read and seed images. Its rules are the board's: a fixed length, ``nvm[i]`` an int, ``nvm[a:b]``
a bytearray, slice assignment only with a value of the same length, and each assignment one
erase-and-write of the whole image (hardware-truth.md section 11: RP2040 ``ByteArray.c``
``erase_and_write_sector``, espressif ``common_hal_nvm_bytearray_set_bytes`` with ``nvs_erase_all``
then ``nvs_set_blob``, SAMD51 ``flash_write``). The file goes through both steps, each written
whole: a process killed (the simulator's power cut is SIGKILL) leaves the old image, the new one,
or a blank one, never a mix of two. Blank is what the board reads from erased storage: 0xFF, or
zeros on an ESP32 (``new_fill="zeros"``), whose erased NVS has no blob and reads as a cleared
buffer. A new image is blank too (``"random"`` bytes on request, for tools that test a store).
"""

from __future__ import annotations

import os
import time
from pathlib import Path


class NVMFile:
    """``microcontroller.nvm`` backed by the file at ``path``.

    A missing file is created at ``size`` bytes, as a new board's storage (``new_fill``: "erased",
    0xFF; "zeros", an ESP32's; "random"), unless ``create`` is False: then FileNotFoundError, for
    tools that only read an image. ``erase_s``: how long each write leaves the image blank before
    the new bytes are in (the board's erase time; 0 for tools).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        size: int = 8192,
        new_fill: str = "erased",
        create: bool = True,
        erase_s: float = 0.0,
    ) -> None:
        self.path = Path(path)
        self._blank = b"\x00" * size if new_fill == "zeros" else b"\xff" * size
        self._erase_s = erase_s
        if self.path.exists() or not create:
            data = self.path.read_bytes()
            if len(data) != size:
                raise ValueError(f"{self.path}: holds {len(data)} bytes, the board's NVM has {size}")
        else:
            data = os.urandom(size) if new_fill == "random" else self._blank
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_bytes(data)
        self._data = bytearray(data)
        self.writes = 0

    def __len__(self) -> int:
        return len(self._data)

    def __getitem__(self, index: int | slice) -> int | bytearray:
        if isinstance(index, slice):
            if index.step not in (None, 1):
                raise NotImplementedError("only slices with step=1 are supported")
            return bytearray(self._data[index])
        return self._data[index]

    def __setitem__(self, index: int | slice, value: int | bytes | bytearray) -> None:
        if isinstance(index, slice):
            if index.step not in (None, 1):
                raise NotImplementedError("only slices with step=1 are supported")
            start, stop, _ = index.indices(len(self._data))
            assert not isinstance(value, int)
            if stop - start != len(value):
                raise ValueError("Slice and value different lengths.")
            self._data[start:stop] = value
        else:
            assert isinstance(value, int)
            if not 0 <= value <= 255:
                raise ValueError("bytes value out of range")
            self._data[index] = value
        self.writes += 1
        self._flush()

    def _flush(self) -> None:
        # Erase, then write, as the board does: a kill in between leaves the image blank. Each
        # step goes to a temporary file that is renamed, so a kill within a step leaves the
        # image before it (a torn program of the new bytes is the pure store tests' concern).
        self._replace(self._blank)
        if self._erase_s:
            time.sleep(self._erase_s)
        self._replace(bytes(self._data))

    def _replace(self, image: bytes) -> None:
        tmp = self.path.with_suffix(self.path.suffix + ".tmp")
        tmp.write_bytes(image)
        os.replace(tmp, self.path)

    def image(self) -> bytes:
        """Return a copy of the whole image."""
        return bytes(self._data)
