"""An NVM image in a file that behaves like CircuitPython's ``microcontroller.nvm``.

The simulator gives it to device code as ``microcontroller.nvm``, and ``edgent nvm`` uses it to
read and seed images. Its rules are the board's: a fixed length, ``nvm[i]`` an int, ``nvm[a:b]``
a bytearray, slice assignment only with a value of the same length, and each assignment one
erase-and-write of the image. A new image is erased flash (0xFF), or, as on an ESP32 whose NVS
blob was never written, random bytes.
"""

from __future__ import annotations

import os
from pathlib import Path


class NVMFile:
    """``microcontroller.nvm`` backed by the file at ``path``.

    A missing file is created at ``size`` bytes, as a new board's flash (``new_fill``), unless
    ``create`` is False: then FileNotFoundError, for tools that only read an image.
    """

    def __init__(
        self, path: str | os.PathLike[str], size: int = 8192, new_fill: str = "erased", create: bool = True
    ) -> None:
        self.path = Path(path)
        if self.path.exists() or not create:
            data = self.path.read_bytes()
            if len(data) != size:
                raise ValueError(f"{self.path}: holds {len(data)} bytes, the board's NVM has {size}")
        else:
            data = os.urandom(size) if new_fill == "random" else b"\xff" * size
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
        # Written to a temporary file and renamed, so a simulator killed mid-write leaves the
        # old image or the new one, as the device's own power-cut tests assume of one write.
        tmp = self.path.with_suffix(self.path.suffix + ".tmp")
        tmp.write_bytes(self._data)
        os.replace(tmp, self.path)

    def image(self) -> bytes:
        """Return a copy of the whole image."""
        return bytes(self._data)
