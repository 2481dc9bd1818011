# SPDX-FileCopyrightText: 2026 The blynk_edgent authors
#
# SPDX-License-Identifier: MIT

"""A display for the simulator and the screen tests: displayio (Blinka's) on a bus that goes
nowhere, read back pixel by pixel into a PNG (../shared/docs/host-tooling.md section 5).

``board.DISPLAY`` of a simulated board with a screen is one of these; CircuitPython would
refresh it by itself, so it saves ``screen.png`` whenever what it shows has changed.
"""

from __future__ import annotations

import os
import struct
import threading
from pathlib import Path
from typing import Any

os.environ.setdefault("BLINKA_OS_AGNOSTIC", "1")  # no "not fully supported" lines on stdout

import busdisplay
import fourwire
from PIL import Image


class _NullBus(fourwire.FourWire):
    """A display bus that sends nothing (displayio checks for a FourWire)."""

    def __init__(self) -> None:
        pass

    def reset(self) -> None:
        pass

    def deinit(self) -> None:
        pass

    def _release(self) -> None:
        pass

    def _free(self) -> bool:
        return True

    def _begin_transaction(self) -> bool:
        return True

    def _send(self, data_type: Any, chip_select: Any, data: Any) -> None:
        pass

    def _end_transaction(self) -> None:
        pass


class VirtualDisplay(busdisplay.BusDisplay):
    """A ``width`` x ``height`` colour display whose pixels can be saved as a PNG."""

    def __init__(self, width: int = 320, height: int = 240, **kwargs: Any) -> None:
        super().__init__(_NullBus(), b"", width=width, height=height, auto_refresh=False, **kwargs)

    def image(self) -> Image.Image:
        """What the display shows now."""
        width, height = self.width, self.height
        img = Image.new("RGB", (width, height))
        pixels = img.load()
        assert pixels is not None
        for y in range(height):
            # Blinka fills a buffer of its own and returns it; the one passed is only the API's.
            row = bytes(self.fill_row(y, bytearray(width * 2)))[: width * 2]  # type: ignore[arg-type]
            for x in range(width):
                value = struct.unpack_from(">H", row, x * 2)[0]  # RGB565, byte-swapped
                pixels[x, y] = (
                    (value >> 11 & 31) * 255 // 31,
                    (value >> 5 & 63) * 255 // 63,
                    (value & 31) * 255 // 31,
                )
        return img


class AutoRefresh:
    """Saves the display to ``path`` a little after its content last changed, as auto-refresh shows it."""

    def __init__(self, display: VirtualDisplay, path: Path, on_saved: Any = None, period: float = 0.25) -> None:
        self.display = display
        self.path = path
        self.on_saved = on_saved
        self._last: bytes | None = None
        self._period = period
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        event = threading.Event()
        while not event.wait(self._period):
            try:
                img = self.display.image()
            except Exception:
                continue
            data = img.tobytes()
            if data != self._last:
                self._last = data
                tmp = self.path.with_suffix(".tmp.png")
                img.save(tmp)
                os.replace(tmp, self.path)
                if self.on_saved is not None:
                    self.on_saved()
